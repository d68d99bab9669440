/**
 * Hand-built, SigV4-signed S3 requests (@smithy/signature-v4) for what SDKs never send: bad
 * header values, missing Content-MD5, empty version ids. Path-style against a test server.
 */
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { TestServer } from '../support/server.ts';

export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
  /** The text of <Tag> in an error document (Code, Message, ArgumentName, ...). */
  field(tag: string): string | undefined;
}

export async function s3Raw(
  server: TestServer,
  method: string,
  /** Path, already encoded, e.g. `/bucket/key`. */
  path: string,
  opts: { query?: Record<string, string>; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const url = new URL(server.endpoint);
  const body = opts.body ?? '';
  const signer = new SignatureV4({
    credentials: server.credentials,
    region: 'us-east-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  });
  const request = {
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query: opts.query ?? {},
    headers: {
      host: url.host,
      'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
      ...(opts.headers ?? {}),
    },
    ...(body ? { body } : {}),
  };
  const signed = await signer.sign(request);
  const qs = Object.entries(opts.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const res = await fetch(`${server.endpoint}${path}${qs ? `?${qs}` : ''}`, {
    method,
    headers: signed.headers as Record<string, string>,
    ...(body ? { body } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text,
    field: (tag) => {
      const m = new RegExp(`<${tag}>([^<]*)</${tag}>|<${tag}/>`).exec(text);
      return m ? (m[1] ?? '') : undefined;
    },
  };
}

/** Content-MD5 of a body, as the header wants it. */
export const contentMd5 = (body: string): string => createHash('md5').update(body).digest('base64');
