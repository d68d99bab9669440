/**
 * Server-side encryption attributes as S3 records and answers them. Nothing is encrypted: the
 * values are checked (validation.ts) and kept with the object so every answer about it agrees.
 */
import { createHash } from 'node:crypto';
import type { ObjectAttrs } from './store/repository.ts';

/** Whose aws/s3 key an SSE-KMS write without a key id uses: the writer's account, the bucket's region. */
export interface KeyScope {
  accountId: string;
  region: string;
}

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

const isKms = (sse: string | undefined) => sse === 'aws:kms' || sse === 'aws:kms:dsse';

/** The attributes a write records: SSE-KMS (and DSSE-KMS) without a key id gets aws/s3's ARN. */
export function sseAttrs(
  sse: string | undefined,
  keyId: string | undefined,
  scope: KeyScope,
): Pick<ObjectAttrs, 'sse' | 'kmsKeyId'> {
  if (sse === undefined) return {};
  return isKms(sse) ? { sse, kmsKeyId: keyId ?? awsManagedKeyArn(scope) } : { sse };
}

/** ServerSideEncryption (AES256 when none was asked for) and SSEKMSKeyId for an output shape. */
export function sseMembers(a: Pick<ObjectAttrs, 'sse' | 'kmsKeyId'>): {
  ServerSideEncryption: never;
  SSEKMSKeyId?: string;
} {
  return {
    ServerSideEncryption: (a.sse ?? 'AES256') as never,
    ...(a.kmsKeyId !== undefined ? { SSEKMSKeyId: a.kmsKeyId } : {}),
  };
}
