/**
 * AWS models carry Java regular expressions (`pattern`), matched server-side against the whole
 * value (Java's `Matcher.matches()`). This translates one to an anchored JavaScript RegExp with
 * the `u` flag (for \p{L} and astral ranges) and caches it.
 */
const cache = new Map<string, RegExp>();

/** Characters that may stay escaped under the `u` flag; any other `\x` escape of punctuation is
 * an identity escape Java allows and JS (u mode) rejects, so its backslash is dropped. */
const U_SYNTAX = new Set([...'^$\\.*+?()[]{}|/-']);

export function javaPattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = translate(pattern);
    cache.set(pattern, re);
  }
  return re;
}

function translate(pattern: string): RegExp {
  let flags = 'u';
  let src = pattern;
  // Leading inline flags such as (?s) or (?i) become RegExp flags.
  const inline = /^\(\?([a-z]+)\)/.exec(src);
  if (inline) {
    for (const f of inline[1]!) if ('si'.includes(f) && !flags.includes(f)) flags += f;
    src = src.slice(inline[0].length);
  }
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = src[i + 1] ?? '';
    if (next === 'u') {
      // \uXXXX, or Java-model style \u10000 / \u10FFFF meaning a code point beyond the BMP.
      const hex = /^[0-9A-Fa-f]{4,6}/.exec(src.slice(i + 2))?.[0] ?? '';
      if (hex.length > 4 && /^10|^[1-9A-Fa-f][0-9A-Fa-f]{4}$/.test(hex) && parseInt(hex, 16) <= 0x10ffff) {
        out += `\\u{${hex}}`;
        i += 1 + hex.length;
        continue;
      }
      out += src.slice(i, i + 6);
      i += 5;
      continue;
    }
    if (/[A-Za-z0-9]/.test(next) || U_SYNTAX.has(next)) {
      out += c + next;
    } else {
      out += next; // identity escape (\: \@ \_ ...) → the literal character
    }
    i++;
  }
  return new RegExp(`^(?:${out})$`, flags);
}
