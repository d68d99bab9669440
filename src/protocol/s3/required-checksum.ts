/**
 * Operations whose request S3 refuses without an integrity header: Content-MD5 or, since 2025,
 * any x-amz-checksum-* (as a header or announced trailer). Not every operation the model marks
 * requestChecksumRequired: S3 takes PutObjectTagging without either, for instance. This list is
 * the operations AWS was seen refusing.
 */
import { AwsError } from '../../errors.ts';

const REQUIRED = new Set([
  'DeleteObjects',
  'PutBucketCors',
  'PutBucketLifecycle',
  'PutBucketLifecycleConfiguration',
  'PutBucketTagging',
  'PutObjectLockConfiguration',
  'PutObjectLegalHold',
  'PutObjectRetention',
]);

const CHECKSUM = /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/;

/** Does the request carry Content-MD5 or an x-amz-checksum-* (header or announced trailer)? */
export function hasIntegrityHeader(headers: Record<string, string>): boolean {
  if (headers['content-md5'] !== undefined) return true;
  const trailer = headers['x-amz-trailer']?.trim().toLowerCase();
  if (trailer && CHECKSUM.test(trailer)) return true;
  for (const name of Object.keys(headers)) if (CHECKSUM.test(name)) return true;
  return false;
}

export function checkRequiredChecksum(operation: string | undefined, headers: Record<string, string>): void {
  if (operation === undefined || !REQUIRED.has(operation)) return;
  if (hasIntegrityHeader(headers)) return;
  throw new AwsError(
    'InvalidRequest',
    'Missing required header for this request: Content-MD5 OR x-amz-checksum-*',
    400,
  );
}
