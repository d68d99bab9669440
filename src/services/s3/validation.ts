/** S3's input rules: bucket names, keys, metadata size, storage classes, tag sets. */
import { AwsError } from '../../errors.ts';
import {
  InvalidArgument,
  InvalidBucketName,
  InvalidStorageClass,
  InvalidTag,
  KeyTooLongError,
  MetadataTooLarge,
} from '../../generated/s3/errors.ts';
import type { Tag } from './store/repository.ts';

/** General purpose bucket naming rules. */
export function checkBucketName(name: string): void {
  const bad =
    name.length < 3 ||
    name.length > 63 ||
    !/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) ||
    name.includes('..') ||
    name.includes('.-') ||
    name.includes('-.') ||
    /^\d+\.\d+\.\d+\.\d+$/.test(name) ||
    name.startsWith('xn--') ||
    name.startsWith('sthree-') ||
    name.startsWith('amzn-s3-demo-') ||
    name.endsWith('-s3alias') ||
    name.endsWith('--ol-s3') ||
    name.endsWith('.mrap') ||
    name.endsWith('--x-s3') ||
    name.endsWith('--table-s3');
  if (bad) throw new InvalidBucketName('The specified bucket is not valid.', { BucketName: name });
}

export const MAX_KEY_BYTES = 1024;

export function checkKey(key: string): void {
  const size = Buffer.byteLength(key, 'utf8');
  if (size > MAX_KEY_BYTES)
    throw new KeyTooLongError('Your key is too long', {
      Size: String(size),
      MaxSizeAllowed: String(MAX_KEY_BYTES),
    });
}

/** User metadata (names and values of x-amz-meta-*) may total 2 KB. */
export function checkMetadata(metadata: Record<string, string> | undefined): void {
  if (!metadata) return;
  let size = 0;
  for (const [k, v] of Object.entries(metadata)) size += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (size > 2048) {
    throw new MetadataTooLarge('Your metadata headers exceed the maximum allowed metadata size.', {
      Size: String(size),
      MaxSizeAllowed: '2048',
    });
  }
}

/** x-amz-website-redirect-location: a path in the bucket's website or an absolute http(s) URL. */
export function checkRedirectLocation(location: string | undefined): void {
  if (location === undefined) return;
  if (!location.startsWith('/') && !location.startsWith('http://') && !location.startsWith('https://')) {
    throw new AwsError(
      'InvalidRedirectLocation',
      "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.",
      400,
    );
  }
}

const STORAGE_CLASSES = new Set([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
  'OUTPOSTS',
  'SNOW',
  'EXPRESS_ONEZONE',
]);

export function storageClassOf(value: string | undefined): string {
  if (value === undefined || value === '') return 'STANDARD';
  if (
    !STORAGE_CLASSES.has(value) ||
    value === 'OUTPOSTS' ||
    value === 'SNOW' ||
    value === 'EXPRESS_ONEZONE'
  ) {
    throw new InvalidStorageClass('The storage class you specified is not valid', {
      StorageClassRequested: value,
    });
  }
  return value;
}

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Object tags: at most 10, unique keys of 1..128 and values of 0..256 characters. */
export function checkTags(tags: Tag[], kind: 'object' | 'bucket'): Tag[] {
  if (kind === 'object' && tags.length > 10)
    throw new AwsError('BadRequest', 'Object tags cannot be greater than 10', 400);
  if (kind === 'bucket' && tags.length > 50)
    throw new InvalidTag('Bucket tag count cannot be greater than 50');
  const seen = new Set<string>();
  for (const t of tags) {
    const key = t.Key ?? '';
    const value = t.Value ?? '';
    if (key.length < 1 || key.length > 128 || !TAG_CHARS.test(key)) {
      throw new InvalidTag('The TagKey you have provided is invalid', { TagKey: key });
    }
    if (value.length > 256 || !TAG_CHARS.test(value)) {
      throw new InvalidTag('The TagValue you have provided is invalid', { TagKey: key, TagValue: value });
    }
    if (seen.has(key))
      throw new InvalidTag('Cannot provide multiple Tags with the same key', { TagKey: key });
    if (kind === 'bucket' && key.startsWith('aws:'))
      throw new InvalidTag('System tags cannot be added/updated by requester');
    if (kind === 'object' && key.startsWith('aws:'))
      throw new InvalidTag('Your TagKey cannot be prefixed with aws:');
    seen.add(key);
  }
  return tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
}

/** The x-amz-tagging header: a URL-encoded query string. */
export function parseTaggingHeader(value: string | undefined): Tag[] | undefined {
  if (value === undefined) return undefined;
  const tags: Tag[] = [];
  for (const [k, v] of new URLSearchParams(value)) tags.push({ Key: k, Value: v });
  return checkTags(tags, 'object');
}

const SSE_METHODS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

/**
 * x-amz-server-side-encryption (exact case) and its KMS key id on object writes. Nothing is
 * encrypted here; the values are checked and echoed as S3 would.
 */
export function checkEncryption(sse: string | undefined, kmsKeyId: string | undefined): void {
  if (sse !== undefined && !SSE_METHODS.has(sse)) {
    throw new InvalidArgument('The encryption method specified is not supported', {
      ArgumentName: 'x-amz-server-side-encryption',
      ArgumentValue: sse,
    });
  }
  if (kmsKeyId !== undefined && sse !== 'aws:kms' && sse !== 'aws:kms:dsse') {
    throw new InvalidArgument(
      'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
      { ArgumentName: 'x-amz-server-side-encryption', ...(sse !== undefined ? { ArgumentValue: sse } : {}) },
    );
  }
}
