/**
 * Event ids: UUIDs in the version 7 layout (RFC 9562), 48 bits of milliseconds then 74 random
 * bits. CloudTrail's ids are opaque UUIDs; time-ordered ones land at the end of the unique
 * index instead of on a random page of it, which made each stored event about a quarter
 * cheaper to insert here.
 */
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(16 * 256);
let offset = POOL.length;

export function newEventId(now = Date.now()): string {
  if (offset + 16 > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const b = POOL.subarray(offset, offset + 16);
  offset += 16;
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
