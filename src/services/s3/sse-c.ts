/**
 * SSE-C (server-side encryption with customer-provided keys). Nothing is encrypted: as S3 does,
 * the key is checked against its MD5 and never kept; the object keeps the key's MD5, and every
 * later read must present the same key. Messages and codes are AWS's (LocalStack's AWS-validated
 * captures, aws-sdk issue threads; ceph/s3-tests test_encryption_sse_c_*).
 *
 * Since April 2026 S3 blocks SSE-C writes on new buckets until PutBucketEncryption's
 * BlockedEncryptionTypes says NONE (User Guide, "Blocking or unblocking SSE-C").
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../../errors.ts';
import { AccessDenied, InvalidArgument, InvalidRequest } from '../../generated/s3/errors.ts';
import type { S3Env } from './env.ts';
import type { BucketRecord } from './store/repository.ts';

/** The SSE-C members of a request (the object's own, or with the CopySource prefix mapped in). */
export interface CustomerKeyRequest {
  SSECustomerAlgorithm?: string | undefined;
  SSECustomerKey?: string | undefined;
  SSECustomerKeyMD5?: string | undefined;
}

export interface CopySourceKeyRequest {
  CopySourceSSECustomerAlgorithm?: string | undefined;
  CopySourceSSECustomerKey?: string | undefined;
  CopySourceSSECustomerKeyMD5?: string | undefined;
}

const PREFIX = 'Requests specifying Server Side Encryption with Customer provided keys must provide';
const ARG = { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: 'null' };

const given = (r: CustomerKeyRequest) =>
  r.SSECustomerAlgorithm !== undefined || r.SSECustomerKey !== undefined || r.SSECustomerKeyMD5 !== undefined;

/**
 * The customer key's MD5 (base64) a request carries, checked as S3 checks it; undefined when it
 * names no SSE-C. `sse` is the request's x-amz-server-side-encryption, which SSE-C excludes.
 */
export function customerKeyMd5(r: CustomerKeyRequest, sse?: string): string | undefined {
  if (!given(r)) return undefined;
  if (sse !== undefined) {
    throw new InvalidArgument(
      'Server Side Encryption with Customer provided key is incompatible with the encryption method specified',
      { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: sse },
    );
  }
  const alg = r.SSECustomerAlgorithm;
  if (alg === undefined) throw new InvalidArgument(`${PREFIX} a valid encryption algorithm.`, ARG);
  if (alg !== 'AES256') {
    throw new AwsError(
      'InvalidEncryptionAlgorithmError',
      'The Encryption request you specified is not valid. Supported value: AES256.',
      400,
      { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: alg },
    );
  }
  if (r.SSECustomerKey === undefined || r.SSECustomerKey === '')
    throw new InvalidArgument(`${PREFIX} an appropriate secret key.`, ARG);
  if (r.SSECustomerKeyMD5 === undefined || r.SSECustomerKeyMD5 === '')
    throw new InvalidArgument(`${PREFIX} the client calculated MD5 of the secret key.`, ARG);
  const key = Buffer.from(r.SSECustomerKey, 'base64');
  // The MD5 is compared before the key's length (AWS answers a 24-byte key's wrong MD5 so).
  if (createHash('md5').update(key).digest('base64') !== r.SSECustomerKeyMD5)
    throw new InvalidArgument(
      'The calculated MD5 hash of the key did not match the hash that was provided.',
      ARG,
    );
  if (key.length !== 32)
    throw new InvalidArgument('The secret key was invalid for the specified algorithm.', ARG);
  return r.SSECustomerKeyMD5;
}

/** The copy source's SSE-C members as a CustomerKeyRequest. */
export function copySourceKey(r: CopySourceKeyRequest): CustomerKeyRequest {
  return {
    SSECustomerAlgorithm: r.CopySourceSSECustomerAlgorithm,
    SSECustomerKey: r.CopySourceSSECustomerKey,
    SSECustomerKeyMD5: r.CopySourceSSECustomerKeyMD5,
  };
}

/**
 * A read of an object (GET, HEAD, a copy's source): an SSE-C object needs its key, and a key
 * offered for any other object is refused.
 */
export function checkCustomerKeyRead(stored: string | undefined, r: CustomerKeyRequest): void {
  if (stored === undefined) {
    if (given(r)) throw new InvalidRequest('The encryption parameters are not applicable to this object.');
    return;
  }
  if (!given(r)) {
    throw new InvalidRequest(
      'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    );
  }
  let md5: string | undefined;
  try {
    md5 = customerKeyMd5(r);
  } catch (e) {
    // A key of the wrong length is just a wrong key on a read; malformed headers stay 400.
    if (!(e instanceof AwsError) || !/secret key was invalid/.test(e.message)) throw e;
  }
  if (md5 !== stored) throw new AccessDenied(`${PREFIX} the correct secret key.`);
}

/**
 * UploadPart (and UploadPartCopy's destination): the parts of an SSE-C upload carry its key; and
 * while the bucket blocks SSE-C, parts naming it are refused (403, UploadPart reference) even for
 * an upload begun before the block.
 */
export async function checkPartCustomerKey(
  env: S3Env,
  upload: { bucket: string; key: string; attrs: { ssecKeyMd5?: string } },
  r: CustomerKeyRequest,
  principalArn: string,
): Promise<void> {
  const stored = upload.attrs.ssecKeyMd5;
  const md5 = customerKeyMd5(r);
  if ((stored === undefined) !== (md5 === undefined)) {
    throw new InvalidRequest(
      'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.',
    );
  }
  if (md5 !== stored)
    throw new InvalidRequest('The provided encryption parameters did not match the ones used originally.');
  if (md5 !== undefined && (await env.sseCBlocked(await env.bucket(upload.bucket))))
    throw sseCBlockedError(principalArn, 's3:PutObject', upload.bucket, upload.key);
}

/** An SSE-C write to a bucket that blocks SSE-C: 403, worded as AWS words it. */
export function sseCBlockedError(
  principalArn: string,
  action: string,
  bucket: string,
  key: string,
): AwsError {
  return new AccessDenied(
    `User: ${principalArn} is not authorized to perform: ${action} on resource: "arn:aws:s3:::${bucket}/${key}" because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type`,
  );
}

/**
 * An object write's SSE-C (PutObject, POST, CopyObject's destination, CreateMultipartUpload):
 * checked, then refused with 403 when the bucket blocks SSE-C. Returns the key's MD5.
 */
export async function customerKeyWrite(
  env: S3Env,
  bucket: BucketRecord,
  r: CustomerKeyRequest & { ServerSideEncryption?: string | undefined },
  who: { principalArn: string; action: string; key: string },
): Promise<string | undefined> {
  const md5 = customerKeyMd5(r, r.ServerSideEncryption);
  if (md5 !== undefined && (await env.sseCBlocked(bucket)))
    throw sseCBlockedError(who.principalArn, who.action, bucket.name, who.key);
  return md5;
}
