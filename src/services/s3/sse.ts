/**
 * Server-side encryption attributes as S3 records and answers them. Nothing is encrypted: the
 * values are checked (validation.ts) and kept with the object so every answer about it agrees.
 */
import { createHash } from 'node:crypto';
import { InvalidArgument } from '../../generated/s3/errors.ts';
import type { RequestFacts } from '../handler.ts';
import type { ObjectAttrs } from './store/repository.ts';

/** Whose keys a write names: the writer's account, the bucket's region. */
export interface KeyScope {
  accountId: string;
  region: string;
}

/** A bucket's configured default encryption (PutBucketEncryption); none configured is SSE-S3. */
export interface BucketEncryptionDefault {
  algorithm: string;
  kmsKeyId?: string;
  bucketKey: boolean;
}

/** The encryption members of a write request (PutObject, CopyObject, CreateMultipartUpload, POST). */
export interface SseRequest {
  ServerSideEncryption?: string | undefined;
  SSEKMSKeyId?: string | undefined;
  BucketKeyEnabled?: boolean | undefined;
  /** SSE-C: the customer key's MD5, once sse-c.ts checked the request (customerKeyMd5). */
  SSECustomerKeyMD5?: string | undefined;
}

export type SseAttrs = Pick<ObjectAttrs, 'sse' | 'kmsKeyId' | 'bucketKey' | 'ssecKeyMd5'>;

/**
 * The ARN of the account's AWS-managed key aws/s3 in the region. Its id is a v4-shaped UUID
 * derived from both, so it is the same across requests and restarts without being stored.
 */
export function awsManagedKeyArn({ accountId, region }: KeyScope): string {
  const h = createHash('sha256').update(`aws/s3\0${accountId}\0${region}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  const id = `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  return `arn:aws:kms:${region}:${accountId}:key/${id}`;
}

const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;
const MANAGED_ALIAS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):alias\/aws\/s3$/;

/**
 * The key id S3 records and answers for the one a request (or bucket default) names: KMS resolves
 * a bare key id in the requester's account and the bucket's region, and S3 answers the key's ARN
 * (mountpoint-s3#907, hashicorp/terraform#5689). aws/s3 by alias is that key's ARN. Other aliases
 * would need KMS to resolve and are kept as given.
 */
export function keyArn(keyId: string, scope: KeyScope): string {
  if (KEY_ID.test(keyId)) return `arn:aws:kms:${scope.region}:${scope.accountId}:key/${keyId}`;
  if (keyId === 'alias/aws/s3') return awsManagedKeyArn(scope);
  const m = MANAGED_ALIAS_ARN.exec(keyId);
  if (m) return awsManagedKeyArn({ region: m[1]!, accountId: m[2]! });
  return keyId;
}

export const isKms = (sse: string | undefined) => sse === 'aws:kms' || sse === 'aws:kms:dsse';

/**
 * The attributes a write records. The request's encryption wins; without one the bucket's
 * default applies (nothing recorded for SSE-S3). SSE-KMS without a key id gets aws/s3's ARN.
 * S3 Bucket Keys exist for SSE-KMS only (not DSSE); `bucketKeyDefault` says whether the bucket's
 * BucketKeyEnabled applies when the request does not say (CopyObject takes only its own).
 */
export function sseAttrs(
  req: SseRequest,
  scope: KeyScope,
  bucketDefault: BucketEncryptionDefault | undefined,
  bucketKeyDefault = true,
): SseAttrs {
  // SSE-C replaces the bucket's default (and excludes the request's own SSE header).
  if (req.SSECustomerKeyMD5 !== undefined) return { ssecKeyMd5: req.SSECustomerKeyMD5 };
  const sse = req.ServerSideEncryption ?? bucketDefault?.algorithm;
  if (!isKms(sse)) return sse === undefined || sse === 'AES256' ? {} : { sse };
  const keyId = req.ServerSideEncryption !== undefined ? req.SSEKMSKeyId : bucketDefault?.kmsKeyId;
  const bucketKey =
    sse === 'aws:kms' && (req.BucketKeyEnabled ?? (bucketKeyDefault && bucketDefault?.bucketKey === true));
  return {
    sse,
    kmsKeyId: keyId !== undefined ? keyArn(keyId, scope) : awsManagedKeyArn(scope),
    ...(bucketKey ? { bucketKey: true } : {}),
  };
}

/**
 * ServerSideEncryption (AES256 when none was asked for), SSEKMSKeyId and BucketKeyEnabled for an
 * output shape; an SSE-C object answers SSECustomerAlgorithm and SSECustomerKeyMD5 instead. `scope` is the object writer's: SSE-KMS objects written before key ids were
 * recorded answer that account's aws/s3 key.
 */
export function sseMembers(
  a: SseAttrs,
  scope: KeyScope,
): { ServerSideEncryption: never; SSEKMSKeyId?: string; BucketKeyEnabled?: boolean } {
  if (a.ssecKeyMd5 !== undefined)
    return { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: a.ssecKeyMd5 } as unknown as {
      ServerSideEncryption: never;
    };
  const keyId = a.kmsKeyId ?? (isKms(a.sse) ? awsManagedKeyArn(scope) : undefined);
  return {
    ServerSideEncryption: (a.sse ?? 'AES256') as never,
    ...(keyId !== undefined ? { SSEKMSKeyId: keyId } : {}),
    ...(a.bucketKey ? { BucketKeyEnabled: true } : {}),
  };
}

/**
 * GET, HEAD and UploadPart take no x-amz-server-side-encryption: an object's encryption is set
 * when it is written (GetObject, HeadObject and UploadPart API references: 400 Bad Request).
 */
export function checkNoSseHeader(headers: Record<string, string>): void {
  const sse = headers['x-amz-server-side-encryption'];
  if (sse !== undefined) {
    throw new InvalidArgument('x-amz-server-side-encryption header is not supported for this operation.', {
      ArgumentName: 'x-amz-server-side-encryption',
      ArgumentValue: sse,
    });
  }
}

/** Whether a request is signed with SigV2 (Authorization 'AWS ...' or a SigV2 query). */
function signedV2(req: RequestFacts): boolean {
  if (req.headers['authorization']?.trim().startsWith('AWS ')) return true;
  return !req.query.has('X-Amz-Algorithm') && (req.query.has('AWSAccessKeyId') || req.query.has('Signature'));
}

/** An anonymous request: no Authorization header and no signature in the query. */
function unsigned(req: RequestFacts): boolean {
  if (req.headers['authorization'] !== undefined) return false;
  return !['X-Amz-Algorithm', 'X-Amz-Signature', 'AWSAccessKeyId', 'Signature'].some((q) => req.query.has(q));
}

/**
 * SSE-KMS needs SigV4: a SigV2-signed or anonymous write that asks for aws:kms, or read of an
 * SSE-KMS object, is refused (CopyObject and CreateMultipartUpload references; botocore#377,
 * aws-cli#1517; the knowledge-center article s3-kms-signature-version-error names anonymous
 * requests, such as a browser's GET of a public object's URL, as a cause).
 */
export function checkKmsSignature(req: RequestFacts, sse: string | undefined): void {
  if (isKms(sse) && (signedV2(req) || unsigned(req))) {
    throw new InvalidArgument(
      'Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.',
      { ArgumentName: 'Authorization', ArgumentValue: 'null' },
    );
  }
}
