/**
 * S3 metadata: the backend-neutral contract (sqlite.ts implements it). Blob ids returned by the
 * mutating calls are blobs no longer referenced, for the caller to delete after the commit.
 * `check` callbacks run inside the write transaction (conditional writes) and may throw to
 * abort it.
 */

export interface BucketRecord {
  name: string;
  accountId: string;
  region: string;
  createdAt: number;
  acl?: string;
  /** BucketOwnerEnforced (ACLs disabled) when absent. */
  objectOwnership?: string;
  tags?: Tag[];
  policy?: string;
  /** Absent: never versioned. */
  versioning?: VersioningStatus;
}

export type VersioningStatus = 'Enabled' | 'Suspended';

export interface Tag {
  Key: string;
  Value: string;
}

export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

export interface StoredChecksum {
  algorithm: string;
  /** Base64; composite values carry their '-N' suffix. */
  value: string;
  type: ChecksumType;
}

export interface PartSummary {
  size: number;
  /** Base64 checksum of the part, when the upload had an algorithm. */
  checksum?: string;
}

/** Everything about an object that is not listed (stored as one JSON column). */
export interface ObjectAttrs {
  metadata?: Record<string, string>;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
  expires?: string;
  websiteRedirectLocation?: string;
  sse?: string;
  /** SSE-KMS: the key id given, or the ARN of the account's aws/s3 key (sse.ts). */
  kmsKeyId?: string;
  /** SSE-KMS with an S3 Bucket Key (x-amz-server-side-encryption-bucket-key-enabled). */
  bucketKey?: boolean;
  /** SSE-C: the MD5 (base64) of the customer's key, which every read must present (sse-c.ts). */
  ssecKeyMd5?: string;
  acl?: string;
  checksum?: StoredChecksum;
  /** Multipart objects: each part's size (and checksum), for PartNumber reads and attributes. */
  parts?: PartSummary[];
}

export interface ObjectRecord {
  bucket: string;
  key: string;
  blobId: string;
  size: number;
  /** Quoted, as S3 returns it. */
  etag: string;
  lastModified: number;
  storageClass: string;
  owner: string;
  contentType?: string;
  attrs: ObjectAttrs;
  tags?: Tag[];
  /**
   * Absent: the null version. Writes to a versioned bucket set it to the id stored ('null' for
   * the null version), which the handler reports.
   */
  versionId?: string;
}

/** One version of a key: an object or a delete marker (blobId '' and size 0). */
export interface VersionRecord extends ObjectRecord {
  versionId: string;
  deleteMarker: boolean;
  isLatest: boolean;
}

export interface VersionQuery {
  prefix: string;
  delimiter?: string;
  keyMarker?: string;
  versionIdMarker?: string;
  maxKeys: number;
}

export interface VersionPage {
  versions: VersionRecord[];
  commonPrefixes: string[];
  truncated: boolean;
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: number;
  storageClass: string;
  owner: string;
  checksumAlgorithm?: string;
  checksumType?: string;
}

export interface ListQuery {
  prefix: string;
  delimiter?: string;
  /** Exclusive start: entries strictly after this (a key or a common prefix). */
  after?: string;
  maxKeys: number;
}

export interface ListPage {
  contents: ListedObject[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last entry returned (key or common prefix), for markers and tokens. */
  last?: string;
}

export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  owner: string;
  initiator: string;
  storageClass: string;
  checksumAlgorithm?: string;
  checksumType?: ChecksumType;
  contentType?: string;
  attrs: ObjectAttrs;
  tags?: Tag[];
}

export interface PartRecord {
  uploadId: string;
  partNumber: number;
  blobId: string;
  size: number;
  etag: string;
  lastModified: number;
  checksum?: string;
}

export interface S3Repository {
  createBucket(bucket: BucketRecord): Promise<{ created: true } | { created: false; existing: BucketRecord }>;
  getBucket(name: string): Promise<BucketRecord | undefined>;
  listBuckets(
    accountId: string,
    q: { prefix?: string; after?: string; region?: string; limit: number },
  ): Promise<BucketRecord[]>;
  /** 'not-empty' when objects remain; otherwise deletes it (and its unfinished uploads). */
  deleteBucket(name: string): Promise<{ result: 'deleted' | 'not-empty' | 'missing'; freed: string[] }>;
  setBucketTags(name: string, tags: Tag[] | undefined): Promise<void>;
  /** The bucket policy JSON (PutBucketPolicy) or none. */
  setBucketPolicy(name: string, policy: string | undefined): Promise<void>;
  /** The bucket ACL (PutBucketAcl): a canned name or a JSON grant list. */
  setBucketAcl(name: string, acl: string | undefined): Promise<void>;
  /** The object ACL (PutObjectAcl) in its attrs; false when there is no such object. */
  /** The ACL of the current object, or of one version (current or noncurrent) when versionId is given. */
  setObjectAcl(bucket: string, key: string, acl: string | undefined, versionId?: string): Promise<boolean>;
  /** Object Ownership (PutBucketOwnershipControls); undefined = BucketOwnerEnforced. */
  setObjectOwnership(name: string, ownership: string | undefined): Promise<void>;

  getObject(bucket: string, key: string): Promise<ObjectRecord | undefined>;
  /** Just the tags (authorization's s3:ExistingObjectTag); undefined when there is no object. */
  getObjectTags(bucket: string, key: string): Promise<Tag[] | undefined>;
  /**
   * Inserts or replaces; `check` sees the current object first. Returns the freed blob ids.
   * NotFoundError when the bucket no longer exists.
   */
  putObject(record: ObjectRecord, check?: (existing: ObjectRecord | undefined) => void): Promise<string[]>;
  deleteObjects(bucket: string, keys: readonly string[]): Promise<{ deleted: string[]; freed: string[] }>;
  setObjectTags(bucket: string, key: string, tags: Tag[] | undefined): Promise<boolean>;
  listObjects(bucket: string, q: ListQuery): Promise<ListPage>;
  /** True when the bucket holds at least one object. */
  hasObjects(bucket: string): Promise<boolean>;

  createUpload(upload: UploadRecord): Promise<void>;
  getUpload(uploadId: string): Promise<UploadRecord | undefined>;
  /** Stores a part (replacing one with the same number); fails with false when the upload is gone. */
  putPart(part: PartRecord): Promise<{ ok: boolean; freed: string[] }>;
  listParts(uploadId: string, after: number, limit: number): Promise<PartRecord[]>;
  getParts(uploadId: string, numbers: readonly number[]): Promise<Map<number, PartRecord>>;
  /** Commits the object and removes the upload with all its parts, atomically. */
  completeUpload(
    uploadId: string,
    record: ObjectRecord,
    check?: (existing: ObjectRecord | undefined) => void,
  ): Promise<{ ok: boolean; freed: string[] }>;
  abortUpload(uploadId: string): Promise<{ ok: boolean; freed: string[] }>;
  listUploads(
    bucket: string,
    q: { prefix: string; keyMarker?: string; uploadIdMarker?: string; limit: number },
  ): Promise<UploadRecord[]>;

  setBucketVersioning(name: string, status: VersioningStatus): Promise<void>;
  /** A version by id ('null' for the null version), delete markers included. */
  getVersion(bucket: string, key: string, versionId: string): Promise<VersionRecord | undefined>;
  /** The newest version of a key, a delete marker included. */
  latestVersion(bucket: string, key: string): Promise<VersionRecord | undefined>;
  /**
   * Removes one version for good; when it was the current one, the next newest object version
   * becomes current. `check` may refuse (object lock). Undefined when there was no such version.
   */
  deleteVersion(
    bucket: string,
    key: string,
    versionId: string,
    check?: (v: VersionRecord) => void,
  ): Promise<{ removed: VersionRecord | undefined; freed: string[] }>;
  /** Adds a delete marker as the newest version (versioned buckets); returns its version id. */
  putDeleteMarker(
    bucket: string,
    key: string,
    owner: string,
    lastModified: number,
  ): Promise<{ versionId: string; freed: string[] }>;
  /** Tags of one version (current or noncurrent); false when there is no such object version. */
  setVersionTags(bucket: string, key: string, versionId: string, tags: Tag[] | undefined): Promise<boolean>;
  /** ListObjectVersions: keys in order, each key's versions newest first; seeks like listObjects. */
  listVersions(bucket: string, q: VersionQuery): Promise<VersionPage>;

  /** Of these blob ids, the ones some object or part references (for blob GC). */
  referencedBlobs(ids: readonly string[]): Promise<Set<string>>;
}
