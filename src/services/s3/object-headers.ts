/** The headers an object is answered with (GET, HEAD) and the ones it is stored from (PUT, copy, uploads). */
import type { Principal } from '../../auth/principal.ts';
import { InvalidRequest } from '../../generated/s3/errors.ts';
import type { ObjectAttrs, ObjectRecord, StoredChecksum } from './store/repository.ts';
import { sseMembers } from './sse.ts';

export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/**
 * The checksum S3 adds to an object uploaded (or copied) without one: a full-object CRC64NVME,
 * returned by PutObject and, with ChecksumMode, by GetObject, HeadObject and GetObjectAttributes.
 */
export const DEFAULT_CHECKSUM = 'CRC64NVME';

/** System headers as the request members name them. */
export interface HeaderInput {
  CacheControl?: string | undefined;
  ContentDisposition?: string | undefined;
  ContentEncoding?: string | undefined;
  ContentLanguage?: string | undefined;
  Expires?: string | Date | undefined;
  WebsiteRedirectLocation?: string | undefined;
  Metadata?: Record<string, string> | undefined;
}

/**
 * Attributes to store from a request's headers (encryption aside: sse.ts). aws-chunked is
 * transport framing, never stored.
 */
export function attrsFrom(input: HeaderInput): ObjectAttrs {
  const attrs: ObjectAttrs = {};
  if (input.Metadata && Object.keys(input.Metadata).length) attrs.metadata = lowerKeys(input.Metadata);
  if (input.CacheControl !== undefined) attrs.cacheControl = input.CacheControl;
  if (input.ContentDisposition !== undefined) attrs.contentDisposition = input.ContentDisposition;
  if (input.ContentEncoding !== undefined) {
    const enc = input.ContentEncoding.split(',')
      .map((s) => s.trim())
      .filter((s) => s && s.toLowerCase() !== 'aws-chunked')
      .join(', ');
    if (enc) attrs.contentEncoding = enc;
  }
  if (input.ContentLanguage !== undefined) attrs.contentLanguage = input.ContentLanguage;
  if (input.Expires !== undefined) {
    attrs.expires = input.Expires instanceof Date ? input.Expires.toUTCString() : input.Expires;
  }
  if (input.WebsiteRedirectLocation !== undefined)
    attrs.websiteRedirectLocation = input.WebsiteRedirectLocation;
  return attrs;
}

function lowerKeys(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) out[k.toLowerCase()] = v;
  return out;
}

const CHECKSUM_MEMBER: Record<string, string> = {
  CRC32: 'ChecksumCRC32',
  CRC32C: 'ChecksumCRC32C',
  CRC64NVME: 'ChecksumCRC64NVME',
  SHA1: 'ChecksumSHA1',
  SHA256: 'ChecksumSHA256',
};

/** { ChecksumCRC32: value, ChecksumType } for an output shape. */
export function checksumMembers(c: StoredChecksum | undefined): Record<string, string> {
  if (!c) return {};
  const member = CHECKSUM_MEMBER[c.algorithm];
  return member ? { [member]: c.value, ChecksumType: c.type } : {};
}

/** What GET and HEAD answer for an object (without body, length and range); `region` is the bucket's. */
export function objectOutput(
  o: ObjectRecord,
  opts: { checksums: boolean; tagCount: boolean; region: string },
): Record<string, unknown> {
  const a = o.attrs;
  const out: Record<string, unknown> = {
    AcceptRanges: 'bytes',
    LastModified: new Date(o.lastModified),
    ETag: o.etag,
    ContentType: o.contentType ?? DEFAULT_CONTENT_TYPE,
    ...sseMembers(a, { accountId: o.owner, region: opts.region }),
  };
  if (a.metadata) out.Metadata = a.metadata;
  if (a.cacheControl !== undefined) out.CacheControl = a.cacheControl;
  if (a.contentDisposition !== undefined) out.ContentDisposition = a.contentDisposition;
  if (a.contentEncoding !== undefined) out.ContentEncoding = a.contentEncoding;
  if (a.contentLanguage !== undefined) out.ContentLanguage = a.contentLanguage;
  if (a.expires !== undefined) out.Expires = a.expires;
  if (a.websiteRedirectLocation !== undefined) out.WebsiteRedirectLocation = a.websiteRedirectLocation;
  // S3 omits x-amz-storage-class for STANDARD.
  if (o.storageClass !== 'STANDARD') out.StorageClass = o.storageClass;
  if (opts.tagCount && o.tags?.length) out.TagCount = o.tags.length;
  if (opts.checksums) Object.assign(out, checksumMembers(a.checksum));
  if (o.versionId !== undefined) out.VersionId = o.versionId;
  return out;
}

/** GetObject's response-* query parameters replace the stored headers in this response. */
const OVERRIDES = [
  'ResponseContentType',
  'ResponseContentLanguage',
  'ResponseCacheControl',
  'ResponseContentDisposition',
  'ResponseContentEncoding',
  'ResponseExpires',
];

/** response-* overrides need a signed request (header or presigned URL), never an anonymous one. */
export function checkOverridesSigned(principal: Principal, input: Record<string, unknown>): void {
  if (principal.type === 'Anonymous' && OVERRIDES.some((k) => input[k] !== undefined))
    throw new InvalidRequest('Request specific response headers cannot be used for anonymous GET requests.');
}

export function applyResponseOverrides(out: Record<string, unknown>, input: Record<string, unknown>): void {
  const map: [string, string][] = [
    ['ResponseContentType', 'ContentType'],
    ['ResponseContentLanguage', 'ContentLanguage'],
    ['ResponseCacheControl', 'CacheControl'],
    ['ResponseContentDisposition', 'ContentDisposition'],
    ['ResponseContentEncoding', 'ContentEncoding'],
  ];
  for (const [from, to] of map) if (input[from] !== undefined) out[to] = input[from];
  if (input.ResponseExpires !== undefined) {
    const v = input.ResponseExpires;
    out.Expires = v instanceof Date ? v.toUTCString() : String(v);
  }
}
