/**
 * HTTP Range for GetObject/HeadObject and UploadPartCopy. S3 serves one range; a header with
 * several ranges or a syntax it does not understand is ignored (the whole object, 200).
 */
import { InvalidRange } from '../../generated/s3/errors.ts';
import type { ByteRange } from '../../blob/blob-store.ts';

/** undefined: serve everything. Throws InvalidRange (416) when not satisfiable. */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes=(\d*)-(\d*)\s*$/i.exec(header);
  if (!m) return undefined;
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return undefined;
  let start: number;
  let end: number;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) throw unsatisfiable(header, size);
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (b !== '' && Number(b) < start) return undefined;
    if (start >= size) throw unsatisfiable(header, size);
  }
  return { start, end };
}

function unsatisfiable(header: string, size: number): InvalidRange {
  return new InvalidRange('The requested range is not satisfiable', {
    RangeRequested: header.trim(),
    ActualObjectSize: String(size),
  });
}

export const contentRange = (r: ByteRange, size: number) => `bytes ${r.start}-${r.end}/${size}`;
