/** Random account ids and root keys in AWS's formats. */
import { randomBytes, randomInt } from 'node:crypto';
import { DEFAULT_ACCOUNT_ID } from '../config.ts';

// AWS access key ids use the base32 alphabet after their 4-letter prefix.
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomString(alphabet: string, length: number): string {
  // Both alphabets have a power-of-two size, so masking random bytes is unbiased.
  const mask = alphabet.length - 1;
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! & mask];
  return out;
}

/** 12 random digits, never the default account's, with no leading zero (as AWS's look). */
export function generateAccountId(): string {
  const id = String(randomInt(100_000_000_000, 1_000_000_000_000));
  return id === DEFAULT_ACCOUNT_ID ? generateAccountId() : id;
}

/** AKIA + 16 characters: 20 uppercase letters and digits, like a long-term AWS key. */
export function generateAccessKeyId(prefix = 'AKIA'): string {
  return prefix + randomString(KEY_ALPHABET, 20 - prefix.length);
}

/** 40 characters of base64's alphabet, like an AWS secret access key. */
export function generateSecretAccessKey(): string {
  return randomString(SECRET_ALPHABET, 40);
}
