/**
 * Conditional requests as S3 evaluates them. Reads: If-Match and If-Unmodified-Since fail with
 * 412 (If-Match, when present and true, overrides a false If-Unmodified-Since); then
 * If-None-Match and If-Modified-Since answer 304 (If-None-Match, when present, decides alone).
 * Writes: If-None-Match: * and If-Match against the current object.
 */
import { AwsError } from '../../errors.ts';
import { NoSuchKey, PreconditionFailed } from '../../generated/s3/errors.ts';
import type { ObjectRecord } from './store/repository.ts';

export interface ReadConditions {
  IfMatch?: string | undefined;
  IfNoneMatch?: string | undefined;
  IfModifiedSince?: Date | undefined;
  IfUnmodifiedSince?: Date | undefined;
}

const unquote = (s: string) =>
  s
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');

/** True when the ETag list (or '*') names the object's ETag. */
export function etagMatches(list: string, etag: string): boolean {
  const own = unquote(etag);
  return list.split(',').some((e) => {
    const t = e.trim();
    return t === '*' || unquote(t) === own;
  });
}

const seconds = (ms: number) => Math.floor(ms / 1000);

function failed(condition: string): AwsError {
  return new PreconditionFailed('At least one of the pre-conditions you specified did not hold', {
    Condition: condition,
  });
}

function notModified(o: ObjectRecord): AwsError {
  return new AwsError(
    'NotModified',
    'Not Modified',
    304,
    {},
    { etag: o.etag, 'last-modified': new Date(o.lastModified).toUTCString() },
  );
}

/** Throws 412 PreconditionFailed or 304 NotModified as S3 does for GET and HEAD. */
export function checkReadConditions(c: ReadConditions, o: ObjectRecord, names = READ_NAMES): void {
  const modified = seconds(o.lastModified);
  if (c.IfMatch !== undefined) {
    if (!etagMatches(c.IfMatch, o.etag)) throw failed(names.ifMatch);
  } else if (c.IfUnmodifiedSince && modified > seconds(c.IfUnmodifiedSince.getTime())) {
    throw failed(names.ifUnmodifiedSince);
  }
  if (c.IfNoneMatch !== undefined) {
    if (etagMatches(c.IfNoneMatch, o.etag)) throw names.copy ? failed(names.ifNoneMatch) : notModified(o);
  } else if (c.IfModifiedSince && modified <= seconds(c.IfModifiedSince.getTime())) {
    throw names.copy ? failed(names.ifModifiedSince) : notModified(o);
  }
}

const READ_NAMES = {
  ifMatch: 'If-Match',
  ifNoneMatch: 'If-None-Match',
  ifModifiedSince: 'If-Modified-Since',
  ifUnmodifiedSince: 'If-Unmodified-Since',
  copy: false,
};

/** Copy sources fail every condition with 412 (never 304). */
export const COPY_SOURCE_NAMES = {
  ifMatch: 'x-amz-copy-source-If-Match',
  ifNoneMatch: 'x-amz-copy-source-If-None-Match',
  ifModifiedSince: 'x-amz-copy-source-If-Modified-Since',
  ifUnmodifiedSince: 'x-amz-copy-source-If-Unmodified-Since',
  copy: true,
};

/** Write conditions (PutObject, CompleteMultipartUpload, CopyObject): checked inside the commit. */
export function writeCheck(ifMatch: string | undefined, ifNoneMatch: string | undefined, key: string) {
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new AwsError(
      'NotImplemented',
      'A header you provided implies functionality that is not implemented',
      501,
      {
        Header: 'If-None-Match',
      },
    );
  }
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  return (existing: ObjectRecord | undefined) => {
    if (ifNoneMatch !== undefined && existing) throw failed('If-None-Match');
    if (ifMatch !== undefined) {
      if (!existing) throw new NoSuchKey('The specified key does not exist.', { Key: key });
      if (!etagMatches(ifMatch, existing.etag)) throw failed('If-Match');
    }
  };
}
