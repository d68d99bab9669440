// Signs requests with @smithy/signature-v4 (the JS SDK's signer) and turns them into the
// AuthRequest our verifier reads, as node:http would hand them over.
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { AuthRequest } from '../../src/auth/parse.ts';
import type { Credential } from '../../src/auth/principal.ts';

export const AKID = 'AKIAIOSFODNN7EXAMPLE';
export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

export function credential(over: Partial<Credential> = {}): Credential {
  return {
    accessKeyId: AKID,
    secretAccessKey: SECRET,
    status: 'Active',
    principal: {
      type: 'Root',
      accountId: '123456789012',
      arn: 'arn:aws:iam::123456789012:root',
      userId: '123456789012',
    },
    ...over,
  };
}

/** RFC 3986 encoding, as the SDKs put keys and query values on the wire. */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export interface SignInput {
  method?: string;
  host?: string;
  /** Wire path (already encoded). */
  path: string;
  query?: Record<string, string | null>;
  headers?: Record<string, string>;
  body?: string;
  service?: string;
  region?: string;
  date?: Date;
  accessKeyId?: string;
  secret?: string;
  sessionToken?: string;
  presign?: number;
}

export async function smithySign(i: SignInput): Promise<AuthRequest> {
  const service = i.service ?? 's3';
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: i.accessKeyId ?? AKID,
      secretAccessKey: i.secret ?? SECRET,
      ...(i.sessionToken ? { sessionToken: i.sessionToken } : {}),
    },
    region: i.region ?? 'us-east-1',
    service,
    sha256: Sha256,
    uriEscapePath: service !== 's3',
  });
  const request = {
    method: i.method ?? 'GET',
    protocol: 'http:',
    hostname: i.host ?? 'bucket.s3.amazonaws.com',
    path: i.path,
    query: { ...(i.query ?? {}) } as Record<string, string>,
    headers: { host: i.host ?? 'bucket.s3.amazonaws.com', ...(i.headers ?? {}) },
    body: i.body,
  };
  // Like @aws-sdk/s3-request-presigner: S3 URLs sign UNSIGNED-PAYLOAD (hoisted into the query).
  if (i.presign !== undefined && service === 's3')
    (request.headers as Record<string, string>)['X-Amz-Content-Sha256'] = 'UNSIGNED-PAYLOAD';
  const signingDate = i.date ?? new Date();
  const signed: any =
    i.presign !== undefined
      ? await signer.presign(request as any, { expiresIn: i.presign, signingDate })
      : await signer.sign(request as any, { signingDate });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers as Record<string, string>)) headers[k.toLowerCase()] = v;
  const rawQuery = Object.entries(signed.query as Record<string, string | null>)
    .map(([k, v]) => (v === null ? rfc3986(k) : `${rfc3986(k)}=${rfc3986(v)}`))
    .join('&');
  return { method: signed.method, rawPath: signed.path, rawQuery, headers };
}
