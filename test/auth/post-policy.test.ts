import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { readPostForm } from '../../src/auth/post-form.ts';
import { postAccessKeyId, verifyPostPolicy } from '../../src/auth/post-policy.ts';
import { AKID, SECRET, credential } from './helpers.ts';

const BOUNDARY = '----stratusBoundary7MA4YWxk';

function multipart(
  fields: Array<[string, string]>,
  file: Buffer,
  filename = 'photo.jpg',
  after: Array<[string, string]> = [],
): Buffer {
  const parts: Buffer[] = [];
  const field = ([k, v]: [string, string]) =>
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  for (const f of fields) parts.push(field(f));
  parts.push(
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: image/jpeg\r\n\r\n`,
    ),
    file,
    Buffer.from('\r\n'),
  );
  for (const f of after) parts.push(field(f));
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

async function presigned(
  opts: {
    Conditions?: any[];
    Fields?: Record<string, string>;
    Key?: string;
    Expires?: number;
    sessionToken?: string;
  } = {},
) {
  const client = new S3Client({
    region: 'us-east-1',
    credentials: {
      accessKeyId: AKID,
      secretAccessKey: SECRET,
      ...(opts.sessionToken ? { sessionToken: opts.sessionToken } : {}),
    },
  });
  return createPresignedPost(client, {
    Bucket: 'bucket',
    Key: opts.Key ?? 'uploads/${filename}',
    Conditions: opts.Conditions ?? [
      ['starts-with', '$key', 'uploads/'],
      ['content-length-range', 1, 1000],
      ['starts-with', '$Content-Type', 'image/'],
    ],
    Fields: opts.Fields ?? { 'Content-Type': 'image/jpeg' },
    Expires: opts.Expires ?? 600,
  });
}

async function run(body: Buffer, piece = 97) {
  async function* pieces() {
    for (let i = 0; i < body.length; i += piece) yield body.subarray(i, i + piece);
  }
  const form = await readPostForm(Readable.from(pieces()), `multipart/form-data; boundary=${BOUNDARY}`);
  return form;
}

async function upload(
  body: Buffer,
  cred: ReturnType<typeof credential> | null = credential(),
  now = new Date(),
) {
  const form = await run(body);
  assert.equal(postAccessKeyId(form.fields), AKID);
  const auth = verifyPostPolicy(form.fields, cred ?? undefined, {
    bucket: 'bucket',
    filename: form.file.filename,
    now,
  });
  const out: Buffer[] = [];
  await pipeline(
    form.file.stream,
    auth.lengthCheck,
    new Writable({
      write(c, _e, cb) {
        out.push(c);
        cb();
      },
    }),
  );
  await form.done;
  return { auth, data: Buffer.concat(out) };
}

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (e: any) {
    return `${e.code}: ${e.message}`;
  }
};

test('a POST signed by @aws-sdk/s3-presigned-post uploads, ${filename} substituted, later fields ignored', async () => {
  const { fields } = await presigned();
  const file = Buffer.alloc(500, 7);
  const body = multipart(Object.entries(fields), file, 'cat.jpg', [['x-amz-meta-late', 'ignored']]);
  const { auth, data } = await upload(body);
  assert.equal(auth.type, 'sigv4');
  assert.equal(auth.key, 'uploads/cat.jpg');
  assert.ok(data.equals(file));
  assert.equal(auth.fields.get('x-amz-meta-late'), undefined);
});

test('content-length-range: EntityTooLarge and EntityTooSmall', async () => {
  const { fields } = await presigned();
  assert.match(await code(upload(multipart(Object.entries(fields), Buffer.alloc(1001)))), /^EntityTooLarge/);
  assert.match(await code(upload(multipart(Object.entries(fields), Buffer.alloc(0)))), /^EntityTooSmall/);
});

test('policy conditions, extra fields, expiry, signature', async () => {
  const { fields } = await presigned();
  const f = Object.entries(fields);
  const png = f.map(([k, v]) => [k, k === 'Content-Type' ? 'text/plain' : v] as [string, string]);
  assert.equal(
    await code(upload(multipart(png, Buffer.alloc(5)))),
    'AccessDenied: Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]',
  );
  const extra: Array<[string, string]> = [...f, ['x-amz-meta-tag', 'x']];
  assert.equal(
    await code(upload(multipart(extra, Buffer.alloc(5)))),
    'AccessDenied: Invalid according to Policy: Extra input fields: x-amz-meta-tag',
  );
  const ignored: Array<[string, string]> = [...f, ['x-ignore-me', 'x']];
  assert.equal(await code(upload(multipart(ignored, Buffer.alloc(5)))), 'OK');
  const otherKey = f.map(([k, v]) => [k, k === 'key' ? 'elsewhere/x' : v] as [string, string]);
  assert.match(
    await code(upload(multipart(otherKey, Buffer.alloc(5)))),
    /Policy Condition failed: \["starts-with", "\$key", "uploads\/"\]/,
  );
  assert.equal(
    await code(upload(multipart(f, Buffer.alloc(5)), credential(), new Date(Date.now() + 3600e3))),
    'AccessDenied: Invalid according to Policy: Policy expired.',
  );
  const tampered = f.map(
    ([k, v]) =>
      [
        k,
        k === 'Policy'
          ? Buffer.from(Buffer.from(v, 'base64').toString().replace('1000', '9999')).toString('base64')
          : v,
      ] as [string, string],
  );
  assert.match(await code(upload(multipart(tampered, Buffer.alloc(5)))), /^SignatureDoesNotMatch/);
  assert.match(await code(upload(multipart(f, Buffer.alloc(5)), null)), /^InvalidAccessKeyId/);
});

test('empty starts-with accepts any value; exact-match object form; session tokens', async () => {
  const { fields } = await presigned({
    Key: 'fixed.txt',
    Conditions: [['starts-with', '$x-amz-meta-note', ''], { acl: 'private' }],
    Fields: { acl: 'private', 'x-amz-meta-note': 'anything at all' },
    sessionToken: 'SESSION',
  });
  const cred = credential({ sessionToken: 'SESSION', expiration: new Date(Date.now() + 3600e3) });
  const { auth } = await upload(multipart(Object.entries(fields), Buffer.alloc(3)), cred);
  assert.equal(auth.key, 'fixed.txt');
  const wrongAcl = Object.entries(fields).map(
    ([k, v]) => [k, k === 'acl' ? 'public-read' : v] as [string, string],
  );
  assert.match(
    await code(upload(multipart(wrongAcl, Buffer.alloc(3)), cred)),
    /Policy Condition failed: \["eq", "\$acl", "private"\]/,
  );
  assert.match(
    await code(
      upload(multipart(Object.entries(fields), Buffer.alloc(3)), credential({ sessionToken: 'OTHER' })),
    ),
    /^InvalidToken/,
  );
});

test('malformed forms', async () => {
  assert.match(
    await code(readPostForm(Readable.from([Buffer.from('x')]), 'application/json')),
    /^PreconditionFailed/,
  );
  assert.match(
    await code(
      run(
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--${BOUNDARY}--\r\n`,
        ),
      ),
    ),
    /^InvalidArgument: POST requires exactly one file/,
  );
  assert.match(
    await code(run(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="key"\r\n\r\nk`))),
    /^MalformedPOSTRequest/,
  );
  const big = multipart(
    [
      ['key', 'k'],
      ['x-ignore-pad', 'p'.repeat(25_000)],
    ],
    Buffer.alloc(1),
  );
  assert.match(await code(run(big)), /^MaxPostPreDataLengthExceededError/);
  // A file that never ends errors its stream.
  const cut = multipart([['key', 'k']], Buffer.alloc(100, 1)).subarray(0, 250);
  const form = await run(cut);
  assert.match(
    await code(
      pipeline(
        form.file.stream,
        new Writable({
          write(_c, _e, cb) {
            cb();
          },
        }),
      ),
    ),
    /^MalformedPOSTRequest/,
  );
});
