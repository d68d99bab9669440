/**
 * Identifiers as AWS forms them: unique ids are a four-letter type prefix and 17 characters of
 * upper-case base32 (AIDA... users, AGPA... groups, AROA... roles, ANPA... managed policies,
 * AIPA... instance profiles, ACCA... service-specific credentials; 21 characters in all), access key ids AKIA/ASIA + 16 characters,
 * secrets 40 characters of base64.
 */
import { randomBytes, randomInt } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += BASE32[randomInt(32)];
  return out;
}

export type IdPrefix = 'AIDA' | 'AGPA' | 'AROA' | 'ANPA' | 'AIPA' | 'ASCA' | 'ACCA';

export const uniqueId = (prefix: IdPrefix): string => prefix + base32(17);
export const accessKeyId = (temporary = false): string => (temporary ? 'ASIA' : 'AKIA') + base32(16);
export const secretAccessKey = (): string =>
  randomBytes(30).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'z').slice(0, 40);

/** ARN of an IAM entity: arn:aws:iam::ACCOUNT:user/path/name (path starts and ends with '/'). */
export const iamArn = (accountId: string, type: string, path: string, name: string): string =>
  `arn:aws:iam::${accountId}:${type}${path}${name}`;
