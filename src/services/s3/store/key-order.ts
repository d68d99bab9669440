/**
 * Keys sort in UTF-8 byte order, which is code-point order. The smallest string greater than
 * every string starting with `prefix` is the prefix with its last code point incremented
 * (dropping trailing U+10FFFF, skipping the surrogate range); undefined when there is none
 * (the empty prefix).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const cps = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (cps.length) {
    let last = cps.pop()! + 1;
    if (last > 0x10ffff) continue;
    if (last >= 0xd800 && last <= 0xdfff) last = 0xe000;
    cps.push(last);
    return String.fromCodePoint(...cps);
  }
  return undefined;
}

/** JavaScript compares UTF-16 code units; S3 compares UTF-8 bytes (= code points). */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
