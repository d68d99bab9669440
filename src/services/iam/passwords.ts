/**
 * IAM user passwords (login profiles): kept only as salted scrypt hashes, so ChangePassword can
 * check the old password and the password policy's PasswordReusePrevention can compare the new
 * one with the last few.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { UserRecord } from './repository.ts';

export interface LoginProfile {
  createdAt: string;
  passwordResetRequired: boolean;
  /** scrypt$<salt b64>$<hash b64>; absent on profiles created before passwords were kept. */
  passwordHash?: string;
  /** Hashes of earlier passwords, newest first (at most 24, PasswordReusePrevention's maximum). */
  previousHashes?: string[];
  /** When the password was last set (ISO). */
  passwordChangedAt?: string;
}

export type UserWithLogin = UserRecord & { loginProfile?: LoginProfile };

const MAX_HISTORY = 24;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

export function passwordMatches(password: string, hash: string): boolean {
  const [scheme, salt, expected] = hash.split('$');
  if (scheme !== 'scrypt' || !salt || !expected) return false;
  const want = Buffer.from(expected, 'base64');
  const got = scryptSync(password, Buffer.from(salt, 'base64'), want.length);
  return timingSafeEqual(got, want);
}

/** The login profile after `password` replaced the current one (history kept for reuse checks). */
export function withNewPassword(p: LoginProfile, password: string, now: Date): LoginProfile {
  const previous = p.passwordHash ? [p.passwordHash, ...(p.previousHashes ?? [])] : (p.previousHashes ?? []);
  return {
    ...p,
    passwordHash: hashPassword(password),
    previousHashes: previous.slice(0, MAX_HISTORY),
    passwordChangedAt: now.toISOString(),
  };
}

/** Whether `password` is the current one or one of the `count` before it. */
export function recentlyUsed(p: LoginProfile, password: string, count: number): boolean {
  const hashes = [p.passwordHash, ...(p.previousHashes ?? []).slice(0, Math.max(0, count - 1))];
  return hashes.some((h) => h !== undefined && passwordMatches(password, h));
}
