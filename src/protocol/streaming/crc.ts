/**
 * CRC32C (Castagnoli) and CRC64NVME, slice-by-8 table driven (eight bytes per step, no
 * per-byte BigInt). CRC32 itself uses zlib.crc32, which is native in Node >= 20.15.
 */
import * as zlib from 'node:zlib';
import {
  CRC64_WASM,
  CRC64_WASM_INPUT,
  CRC64_WASM_INPUT_MAX,
  CRC64_WASM_TABLES,
} from '../../generated/crc64-wasm.ts';

function crc32Tables(poly: number): Uint32Array[] {
  const t: Uint32Array[] = [];
  const t0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t0[i] = c >>> 0;
  }
  t.push(t0);
  for (let s = 1; s < 8; s++) {
    const prev = t[s - 1]!;
    const cur = new Uint32Array(256);
    for (let i = 0; i < 256; i++) cur[i] = (prev[i]! >>> 8) ^ t0[prev[i]! & 0xff]!;
    t.push(cur);
  }
  return t;
}

const C = crc32Tables(0x82f63b78);
const [C0, C1, C2, C3, C4, C5, C6, C7] = C as [
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
];

/** Continues a CRC32C over `buf`. Start with 0; the result is the finished CRC (unsigned). */
export function crc32c(buf: Uint8Array, prev = 0): number {
  let crc = ~prev >>> 0;
  let i = 0;
  const n = buf.length;
  const end8 = n - (n & 7);
  while (i < end8) {
    const lo = (crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))) >>> 0;
    crc =
      C7[lo & 0xff]! ^
      C6[(lo >>> 8) & 0xff]! ^
      C5[(lo >>> 16) & 0xff]! ^
      C4[lo >>> 24]! ^
      C3[buf[i + 4]!]! ^
      C2[buf[i + 5]!]! ^
      C1[buf[i + 6]!]! ^
      C0[buf[i + 7]!]!;
    i += 8;
  }
  while (i < n) crc = C0[(crc ^ buf[i++]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

export function crc32(buf: Uint8Array, prev = 0): number {
  return zlib.crc32(buf, prev);
}

// CRC64NVME: reflected polynomial 0x9a6c9329ac4bc9b5, held as two 32-bit halves.
const P_HI = 0x9a6c9329;
const P_LO = 0xac4bc9b5;
const LO: Uint32Array[] = [];
const HI: Uint32Array[] = [];
{
  const lo0 = new Uint32Array(256);
  const hi0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | (hi << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) {
        lo = (lo ^ P_LO) >>> 0;
        hi = (hi ^ P_HI) >>> 0;
      }
    }
    lo0[i] = lo;
    hi0[i] = hi;
  }
  LO.push(lo0);
  HI.push(hi0);
  for (let s = 1; s < 8; s++) {
    const pl = LO[s - 1]!;
    const ph = HI[s - 1]!;
    const cl = new Uint32Array(256);
    const ch = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      // next = (prev >>> 8) ^ T0[prev & 0xff]
      const idx = pl[i]! & 0xff;
      cl[i] = (((pl[i]! >>> 8) | (ph[i]! << 24)) ^ lo0[idx]!) >>> 0;
      ch[i] = ((ph[i]! >>> 8) ^ hi0[idx]!) >>> 0;
    }
    LO.push(cl);
    HI.push(ch);
  }
}
// Read as int32 in the hot loop: every value stays a 32-bit integer (unsigned reads make V8
// carry doubles, and the loop ran about 3x slower on socket chunks).
const asInt = (t: Uint32Array) => new Int32Array(t.buffer, t.byteOffset, t.length);
/** The eight slice-by-8 tables of one half. */
type Tables = [
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
];
const [L0, L1, L2, L3, L4, L5, L6, L7] = LO.map(asInt) as Tables;
const [H0, H1, H2, H3, H4, H5, H6, H7] = HI.map(asInt) as Tables;

/** The part of the WebAssembly global used here (the project's type libraries do not declare it). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => {
    exports: { memory: { buffer: ArrayBuffer }; update(crc: bigint, len: number): bigint };
  };
}
/**
 * The WebAssembly kernel (64-bit table lookups): about 2x the JavaScript loop on large bodies.
 * Synchronous and single-threaded like the rest of the request thread, so one instance serves
 * every running CRC: each update copies its bytes in and carries the state out.
 */
const wasm = (() => {
  const WA = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
  const { exports } = new WA.Instance(new WA.Module(Buffer.from(CRC64_WASM, 'base64')));
  const tables = new Uint32Array(exports.memory.buffer, CRC64_WASM_TABLES, 8 * 256 * 2);
  for (let t = 0; t < 8; t++)
    for (let i = 0; i < 256; i++) {
      tables[(t * 256 + i) * 2] = LO[t]![i]!; // little-endian i64: low half first
      tables[(t * 256 + i) * 2 + 1] = HI[t]![i]!;
    }
  return { input: new Uint8Array(exports.memory.buffer, CRC64_WASM_INPUT), update: exports.update };
})();
/** Below this many bytes the JavaScript loop wins (no copy, no BigInt). */
const WASM_MIN = 512;
const MASK32 = 0xffffffffn;

/** Running CRC64NVME state (two 32-bit halves, pre-inverted). */
export class Crc64Nvme {
  private lo = -1;
  private hi = -1;

  update(buf: Uint8Array): this {
    if (buf.length >= WASM_MIN) return this.updateWasm(buf);
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    const n = buf.length;
    const end8 = n - (n & 7);
    while (i < end8) {
      const a = lo ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
      const b = hi ^ (buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24));
      const i0 = a & 0xff,
        i1 = (a >>> 8) & 0xff,
        i2 = (a >>> 16) & 0xff,
        i3 = a >>> 24;
      const i4 = b & 0xff,
        i5 = (b >>> 8) & 0xff,
        i6 = (b >>> 16) & 0xff,
        i7 = b >>> 24;
      lo = L7[i0]! ^ L6[i1]! ^ L5[i2]! ^ L4[i3]! ^ L3[i4]! ^ L2[i5]! ^ L1[i6]! ^ L0[i7]!;
      hi = H7[i0]! ^ H6[i1]! ^ H5[i2]! ^ H4[i3]! ^ H3[i4]! ^ H2[i5]! ^ H1[i6]! ^ H0[i7]!;
      i += 8;
    }
    while (i < n) {
      const idx = (lo ^ buf[i++]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ L0[idx]!;
      hi = (hi >>> 8) ^ H0[idx]!;
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  private updateWasm(buf: Uint8Array): this {
    let crc = (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
    for (let off = 0; off < buf.length; off += CRC64_WASM_INPUT_MAX) {
      const piece = buf.subarray(off, off + CRC64_WASM_INPUT_MAX);
      wasm.input.set(piece);
      crc = wasm.update(crc, piece.length);
    }
    this.lo = Number(crc & MASK32) | 0;
    this.hi = Number((crc >> 32n) & MASK32) | 0;
    return this;
  }

  /** Big-endian 8 bytes of the finished CRC (S3 sends it base64-encoded). */
  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32BE(~this.hi >>> 0, 0);
    out.writeUInt32BE(~this.lo >>> 0, 4);
    return out;
  }
}

export function crc64nvme(buf: Uint8Array): Buffer {
  return new Crc64Nvme().update(buf).digest();
}
