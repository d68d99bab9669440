/** x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, optionally "?versionId=...". */
import { InvalidArgument } from '../../generated/s3/errors.ts';

export interface CopySource {
  bucket: string;
  key: string;
  /** As given: '' for an empty `versionId=` (refused by the copy, not here: authorization reads this too). */
  versionId?: string;
}

export function parseCopySource(raw: string): CopySource {
  let s = raw.startsWith('/') ? raw.slice(1) : raw;
  let versionId: string | undefined;
  const q = s.indexOf('?');
  if (q >= 0) {
    versionId = new URLSearchParams(s.slice(q + 1)).get('versionId') ?? undefined;
    s = s.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(s);
  } catch {
    decoded = s;
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new InvalidArgument('Invalid copy source object key', {
      ArgumentName: 'x-amz-copy-source',
      ArgumentValue: raw,
    });
  }
  return {
    bucket: decoded.slice(0, slash),
    key: decoded.slice(slash + 1),
    ...(versionId !== undefined ? { versionId } : {}),
  };
}
