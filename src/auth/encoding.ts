/**
 * URI encoding as SigV4 canonicalisation needs it: RFC 3986 unreserved characters stay, every
 * other byte becomes %XX (upper-case hex). Work is done on bytes, not code points, so
 * percent-encoded invalid UTF-8 (%FF) survives a decode/encode round trip unchanged.
 */

const UNRESERVED = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  UNRESERVED[c] = /[A-Za-z0-9\-_.~]/.test(ch) ? 1 : 0;
}
const HEX = '0123456789ABCDEF';
const PCT: string[] = [];
for (let c = 0; c < 256; c++) PCT[c] = '%' + HEX[c >> 4] + HEX[c & 15];

const SAFE_RE = /^[A-Za-z0-9\-_.~]*$/;

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Percent-decodes to bytes; malformed escapes stay literal. `plusIsSpace` for query strings. */
export function percentDecodeBytes(s: string, plusIsSpace = false): Buffer {
  const src = Buffer.from(s, 'utf8');
  if (!src.includes(37) && !(plusIsSpace && src.includes(43))) return src;
  const out = Buffer.allocUnsafe(src.length);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 37 && i + 2 < src.length) {
      const h = hexVal(src[i + 1]!);
      const l = hexVal(src[i + 2]!);
      if (h >= 0 && l >= 0) {
        out[o++] = (h << 4) | l;
        i += 2;
        continue;
      }
    }
    out[o++] = plusIsSpace && c === 43 ? 32 : c;
  }
  return out.subarray(0, o);
}

/** Encodes bytes: unreserved stay, everything else %XX. */
export function encodeBytes(b: Buffer, keepSlash = false): string {
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (UNRESERVED[c] || (keepSlash && c === 47)) out += String.fromCharCode(c);
    else out += PCT[c];
  }
  return out;
}

/** RFC 3986 encoding of a string (UTF-8), as SigV4 wants for query keys and values. */
export function uriEncode(s: string, keepSlash = false): string {
  if (SAFE_RE.test(s)) return s;
  return encodeBytes(Buffer.from(s, 'utf8'), keepSlash);
}

/** Decodes then re-encodes one component, so `a%7eb`, `a~b` and `a%7Eb` canonicalise alike. */
export function canonicalComponent(raw: string, plusIsSpace = false): string {
  if (SAFE_RE.test(raw)) return raw;
  return encodeBytes(percentDecodeBytes(raw, plusIsSpace));
}

/** Decodes a percent-encoded string to text (UTF-8, lenient). */
export function percentDecode(s: string, plusIsSpace = false): string {
  if (!s.includes('%') && !(plusIsSpace && s.includes('+'))) return s;
  return percentDecodeBytes(s, plusIsSpace).toString('utf8');
}

/** Splits a raw query string into decoded [key, value] pairs (in order, duplicates kept). */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!rawQuery) return out;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) out.push([percentDecode(part, true), '']);
    else out.push([percentDecode(part.slice(0, eq), true), percentDecode(part.slice(eq + 1), true)]);
  }
  return out;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A header value as the client signed it. Node hands header bytes over as latin1 characters, so
 * UTF-8 sent on the wire (botocore's non-ASCII metadata) arrives as mojibake; signers hash the
 * UTF-8 text, so that is read back. Bytes that are not UTF-8 stay as node gave them.
 */
export function signedHeaderValue(v: string): string {
  if (/^[\x00-\x7f]*$/.test(v)) return v;
  try {
    return STRICT_UTF8.decode(Buffer.from(v, 'latin1'));
  } catch {
    return v;
  }
}
