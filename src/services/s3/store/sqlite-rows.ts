/** Row shapes of the S3 tables and their mapping to repository records. */
import type {
  BucketRecord,
  ListedObject,
  ObjectRecord,
  PartRecord,
  Tag,
  UploadRecord,
  VersioningStatus,
} from './repository.ts';

export interface BucketRow {
  name: string;
  account_id: string;
  region: string;
  created_at: number;
  acl: string | null;
  tags: string | null;
  policy: string | null;
  object_ownership: string | null;
  versioning: string | null;
}

export interface ObjectRow {
  bucket: string;
  key: string;
  blob_id: string;
  size: number;
  etag: string;
  last_modified: number;
  storage_class: string;
  owner: string;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  content_type: string | null;
  attrs: string | null;
  tags: string | null;
  version_id: string | null;
}

export interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated: number;
  owner: string;
  initiator: string;
  storage_class: string;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  attrs: string | null;
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  blob_id: string;
  size: number;
  etag: string;
  last_modified: number;
  checksum: string | null;
}

export const toBucket = (r: BucketRow): BucketRecord => ({
  name: r.name,
  accountId: r.account_id,
  region: r.region,
  createdAt: r.created_at,
  ...(r.acl ? { acl: r.acl } : {}),
  ...(r.tags ? { tags: JSON.parse(r.tags) as Tag[] } : {}),
  ...(r.policy ? { policy: r.policy } : {}),
  ...(r.object_ownership ? { objectOwnership: r.object_ownership } : {}),
  ...(r.versioning ? { versioning: r.versioning as VersioningStatus } : {}),
});

// Object rows are read on every object request and listed a thousand at a time: optional
// members are assigned in order rather than spread in (a spread copies an object each).
export function toObject(r: ObjectRow): ObjectRecord {
  const o = {
    bucket: r.bucket,
    key: r.key,
    blobId: r.blob_id,
    size: r.size,
    etag: r.etag,
    lastModified: r.last_modified,
    storageClass: r.storage_class,
    owner: r.owner,
  } as ObjectRecord;
  if (r.content_type !== null) o.contentType = r.content_type;
  o.attrs = r.attrs ? JSON.parse(r.attrs) : {};
  if (r.tags) o.tags = JSON.parse(r.tags) as Tag[];
  if (r.version_id !== null) o.versionId = r.version_id;
  return o;
}

export function toListed(r: ObjectRow): ListedObject {
  const o: ListedObject = {
    key: r.key,
    size: r.size,
    etag: r.etag,
    lastModified: r.last_modified,
    storageClass: r.storage_class,
    owner: r.owner,
  };
  if (r.checksum_algorithm) o.checksumAlgorithm = r.checksum_algorithm;
  if (r.checksum_type) o.checksumType = r.checksum_type;
  return o;
}

/** Upload rows keep content type and tags inside attrs. */
export interface UploadAttrs {
  attrs: UploadRecord['attrs'];
  contentType?: string;
  tags?: Tag[];
}

export const toUpload = (r: UploadRow): UploadRecord => {
  const a: UploadAttrs = r.attrs ? JSON.parse(r.attrs) : { attrs: {} };
  return {
    uploadId: r.upload_id,
    bucket: r.bucket,
    key: r.key,
    initiated: r.initiated,
    owner: r.owner,
    initiator: r.initiator,
    storageClass: r.storage_class,
    ...(r.checksum_algorithm ? { checksumAlgorithm: r.checksum_algorithm } : {}),
    ...(r.checksum_type ? { checksumType: r.checksum_type as 'FULL_OBJECT' | 'COMPOSITE' } : {}),
    ...(a.contentType !== undefined ? { contentType: a.contentType } : {}),
    ...(a.tags ? { tags: a.tags } : {}),
    attrs: a.attrs ?? {},
  };
};

export const toPart = (r: PartRow): PartRecord => ({
  uploadId: r.upload_id,
  partNumber: r.part_number,
  blobId: r.blob_id,
  size: r.size,
  etag: r.etag,
  lastModified: r.last_modified,
  ...(r.checksum ? { checksum: r.checksum } : {}),
});

export const json = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return null;
  return JSON.stringify(v);
};

export const LIST_COLUMNS =
  'key, size, etag, last_modified, storage_class, owner, checksum_algorithm, checksum_type';
