/** EC2 resource ids: a prefix and 17 hex digits (`vpc-0a1b2c3d4e5f67890`), random or derived. */
import { createHash, randomBytes } from 'node:crypto';

export function newId(prefix: string): string {
  // 17 hex digits: AWS's long id format (the first digit is 0 for ids made since 2018).
  return `${prefix}-0${randomBytes(8).toString('hex')}`;
}

/** A stable id from a seed (catalog images per region, default resources per account). */
export function derivedId(prefix: string, ...seed: string[]): string {
  return `${prefix}-0${createHash('sha256').update(seed.join('\0')).digest('hex').slice(0, 16)}`;
}

/** A number in [0, n) from a seed, for deterministic choices (zone shuffles). */
export function seededInt(n: number, ...seed: string[]): number {
  const h = createHash('sha256').update(seed.join('\0')).digest();
  return h.readUInt32BE(0) % n;
}

export function isId(prefix: string, id: string): boolean {
  return new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`).test(id);
}

export function nowIso(): string {
  return new Date().toISOString();
}
