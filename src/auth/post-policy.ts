/**
 * S3 presigned POST (browser uploads): the policy document's signature (SigV4 or SigV2), its
 * expiration and every condition, and the file size range while the file streams.
 *
 *   const form = await readPostForm(req, req.headers['content-type']);        // post-form.ts
 *   const akid = postAccessKeyId(form.fields);                                  // then resolve it
 *   const auth = verifyPostPolicy(form.fields, credential, { bucket, filename: form.file.filename });
 *   pipeline(form.file.stream, auth.lengthCheck, bodyDecoder, blobWriter)       // commit on clean end
 *   await form.done;
 */
import { createHmac } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AwsError } from '../errors.ts';
import type { Credential } from './principal.ts';
import { AuthErrors } from './errors.ts';
import { parseAmzDate } from './parse.ts';
import { signaturesEqual, signingKey } from './sigv4.ts';

export type PostCondition =
  | { op: 'eq'; field: string; value: string; source: string }
  | { op: 'starts-with'; field: string; value: string; source: string }
  | { op: 'content-length-range'; min: number; max: number; source: string };

export interface PostPolicy {
  expiration: Date;
  conditions: PostCondition[];
}

export interface PostAuthResult {
  type: 'anonymous' | 'sigv4' | 'sigv2';
  accessKeyId?: string;
  credential?: Credential;
  /** SigV4: the credential scope, for the caller to check against the bucket's region. */
  scope?: { date: string; region: string; service: string };
  /** The object key with ${filename} substituted. */
  key: string;
  /** Fields by lower-cased name (Content-Type, x-amz-meta-*, acl, success_action_status...). */
  fields: Map<string, string>;
  /** Enforces content-length-range (or passes through) on the file stream. */
  lengthCheck: Transform;
}

const policyDenied = (detail: string) =>
  new AwsError('AccessDenied', `Invalid according to Policy: ${detail}`, 403);
const invalidPolicy = (detail: string) =>
  new AwsError('InvalidPolicyDocument', `Invalid Policy: ${detail}`, 400);
const missingField = (name: string) =>
  AuthErrors.invalidArgument(
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    name,
    '',
  );

function lower(fields: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of fields) if (!out.has(k.toLowerCase())) out.set(k.toLowerCase(), v);
  return out;
}

/** The access key a POST form is signed with (undefined: anonymous). */
export function postAccessKeyId(fields: Map<string, string>): string | undefined {
  const f = lower(fields);
  const cred = f.get('x-amz-credential');
  if (cred !== undefined) return cred.split('/')[0];
  return f.get('awsaccesskeyid');
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Decodes and parses the base64 policy document. */
export function parsePostPolicy(policyB64: string): PostPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(policyB64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (typeof expiration !== 'string') throw invalidPolicy('Policy missing expiration.');
  // ISO 8601 with a 'T' and a zone, as S3 documents it; Date.parse would also take
  // Python's str(datetime) ('2026-01-01 10:00:00.123+00:00'), which S3 refuses.
  const exp = ISO_8601.test(expiration) ? Date.parse(expiration) : NaN;
  if (!Number.isFinite(exp)) throw invalidPolicy("Invalid 'expiration' value: '" + expiration + "'");
  if (!Array.isArray(conditions)) throw invalidPolicy('Policy missing conditions.');
  const out: PostCondition[] = [];
  for (const c of conditions) {
    if (Array.isArray(c)) {
      const op = typeof c[0] === 'string' ? c[0].toLowerCase() : '';
      if (op === 'content-length-range') {
        const min = Number(c[1]);
        const max = Number(c[2]);
        if (c.length !== 3 || !Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
          throw invalidPolicy(`Invalid content-length-range condition: ${JSON.stringify(c)}`);
        }
        out.push({
          op: 'content-length-range',
          min,
          max,
          source: `["content-length-range", ${min}, ${max}]`,
        });
      } else if (
        (op === 'eq' || op === 'starts-with') &&
        c.length === 3 &&
        typeof c[1] === 'string' &&
        typeof c[2] === 'string' &&
        c[1].startsWith('$')
      ) {
        out.push({
          op,
          field: c[1].slice(1).toLowerCase(),
          value: c[2],
          source: `["${op}", "${c[1]}", "${c[2]}"]`,
        });
      } else {
        throw invalidPolicy(`Invalid Condition: ${JSON.stringify(c)}`);
      }
    } else if (typeof c === 'object' && c !== null) {
      const entries = Object.entries(c);
      if (entries.length !== 1 || typeof entries[0]![1] !== 'string')
        throw invalidPolicy(`Invalid Simple-Condition: ${JSON.stringify(c)}`);
      const [k, v] = entries[0] as [string, string];
      out.push({ op: 'eq', field: k.toLowerCase(), value: v, source: `["eq", "$${k}", "${v}"]` });
    } else {
      throw invalidPolicy(`Invalid Condition: ${JSON.stringify(c)}`);
    }
  }
  return { expiration: new Date(exp), conditions: out };
}

/** Fields S3 does not require the policy to mention. */
function exempt(name: string): boolean {
  return (
    name === 'x-amz-signature' ||
    name === 'file' ||
    name === 'policy' ||
    name === 'signature' ||
    name === 'awsaccesskeyid' ||
    name.startsWith('x-ignore-')
  );
}

export interface PostPolicyOptions {
  /** The bucket the form was posted to. */
  bucket: string;
  /** The file part's filename, for ${filename} in the key. */
  filename: string;
  now?: Date;
}

/**
 * Verifies a POST form's signature and policy. `credential` is what postAccessKeyId()
 * resolved to (undefined: unknown key). Throws AwsError (AccessDenied for policy failures).
 */
export function verifyPostPolicy(
  rawFields: Map<string, string>,
  credential: Credential | undefined,
  opts: PostPolicyOptions,
): PostAuthResult {
  const now = opts.now ?? new Date();
  const fields = lower(rawFields);
  const rawKey = fields.get('key');
  if (rawKey === undefined) throw missingField('key');
  const key = rawKey.split('${filename}').join(opts.filename);
  const policyB64 = fields.get('policy');
  const akid = postAccessKeyId(rawFields);

  if (policyB64 === undefined) {
    if (akid !== undefined || fields.has('x-amz-signature') || fields.has('signature'))
      throw missingField('policy');
    return { type: 'anonymous', key, fields, lengthCheck: lengthRange(undefined) };
  }

  let type: 'sigv4' | 'sigv2';
  if (fields.has('x-amz-signature') || fields.has('x-amz-credential') || fields.has('x-amz-algorithm')) {
    type = 'sigv4';
    for (const f of ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature'])
      if (!fields.has(f)) throw missingField(f);
    if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
      throw AuthErrors.invalidArgument(
        'POST Form with unsupported algorithm',
        'x-amz-algorithm',
        fields.get('x-amz-algorithm')!,
      );
    }
  } else {
    type = 'sigv2';
    if (!fields.has('awsaccesskeyid')) throw missingField('AWSAccessKeyId');
    if (!fields.has('signature')) throw missingField('signature');
  }

  // Signature first: an unsigned policy tells nothing.
  const accessKeyId = akid!;
  if (!credential || credential.status !== 'Active' || credential.accessKeyId !== accessKeyId)
    throw AuthErrors.unknownAccessKey('s3', accessKeyId);
  const token = fields.get('x-amz-security-token');
  if (credential.sessionToken !== undefined) {
    if (token === undefined) throw AuthErrors.unknownAccessKey('s3', accessKeyId);
    if (!signaturesEqual(credential.sessionToken, token)) throw AuthErrors.invalidToken('s3', token);
    if (credential.expiration && credential.expiration.getTime() <= now.getTime())
      throw AuthErrors.expiredToken('s3', token);
  } else if (token !== undefined && token !== '') {
    throw AuthErrors.invalidToken('s3', token);
  }

  let expected: string;
  let provided: string;
  let scope: PostAuthResult['scope'];
  if (type === 'sigv4') {
    const parts = fields.get('x-amz-credential')!.split('/');
    if (parts.length !== 5 || parts[4] !== 'aws4_request') {
      throw AuthErrors.invalidArgument(
        'Invalid credential format',
        'x-amz-credential',
        fields.get('x-amz-credential')!,
      );
    }
    const date = parseAmzDate(fields.get('x-amz-date')!);
    if (!date)
      throw AuthErrors.invalidArgument('Invalid x-amz-date format', 'x-amz-date', fields.get('x-amz-date')!);
    if (parts[1] !== fields.get('x-amz-date')!.slice(0, 8)) {
      throw AuthErrors.invalidArgument(
        'Invalid credential date. Date is not the same as X-Amz-Date.',
        'x-amz-credential',
        fields.get('x-amz-credential')!,
      );
    }
    scope = { date: parts[1]!, region: parts[2]!, service: parts[3]! };
    const k = signingKey(credential.secretAccessKey, parts[1]!, parts[2]!, parts[3]!);
    expected = createHmac('sha256', k).update(policyB64).digest('hex');
    provided = fields.get('x-amz-signature')!;
  } else {
    expected = createHmac('sha1', credential.secretAccessKey).update(policyB64).digest('base64');
    provided = fields.get('signature')!;
  }
  if (!signaturesEqual(expected, provided)) {
    throw AuthErrors.signatureMismatch('s3', {
      accessKeyId,
      stringToSign: policyB64,
      signatureProvided: provided,
    });
  }

  const policy = parsePostPolicy(policyB64);
  if (policy.expiration.getTime() < now.getTime()) throw policyDenied('Policy expired.');

  const covered = new Set<string>();
  let range: { min: number; max: number } | undefined;
  for (const c of policy.conditions) {
    if (c.op === 'content-length-range') {
      range = { min: c.min, max: c.max };
      continue;
    }
    covered.add(c.field);
    const actual = c.field === 'bucket' ? opts.bucket : fields.get(c.field);
    const candidates = c.field === 'key' ? [rawKey, key] : [actual ?? ''];
    const ok = candidates.some((v) => {
      if (c.field !== 'bucket' && c.field !== 'key' && actual === undefined) return false;
      return c.op === 'eq' ? v === c.value : v.startsWith(c.value);
    });
    if (!ok) throw policyDenied(`Policy Condition failed: ${c.source}`);
  }
  const extra = [...fields.keys()].filter((f) => !exempt(f) && !covered.has(f));
  if (extra.length > 0) throw policyDenied(`Extra input fields: ${extra.join(', ')}`);

  return {
    type,
    accessKeyId,
    credential,
    ...(scope ? { scope } : {}),
    key,
    fields,
    lengthCheck: lengthRange(range),
  };
}

/** Counts the file's bytes; fails EntityTooLarge as soon as max is passed, EntityTooSmall at the end. */
export function lengthRange(range: { min: number; max: number } | undefined): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _e, cb: TransformCallback) {
      size += chunk.length;
      if (range && size > range.max) {
        cb(
          new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
            ProposedSize: String(size),
            MaxSizeAllowed: String(range.max),
          }),
        );
        return;
      }
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      if (range && size < range.min) {
        cb(
          new AwsError(
            'EntityTooSmall',
            'Your proposed upload is smaller than the minimum allowed size',
            400,
            { ProposedSize: String(size), MinSizeAllowed: String(range.min) },
          ),
        );
        return;
      }
      cb();
    },
  });
}
