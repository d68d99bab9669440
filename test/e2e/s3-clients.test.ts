/**
 * S3 through the other real clients: the AWS CLI (v1 and Debian's v2: s3 cp/ls/sync/rm and
 * s3api), and Debian's boto3 1.26 (Content-MD5, no default checksums).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  run,
  python,
  AWS_CLI_V1,
  AWS_CLI_V2,
  hasAwsCliV2,
  hasDebianBoto3,
  DEBIAN_PYTHON,
} from '../support/clients.ts';

let server: TestServer;
let dir: string;

before(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'stratus-s3-cli-'));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server.stop();
});

/** Older clients ignore AWS_ENDPOINT_URL, so every call names the endpoint. */
async function cli(bin: string, args: string[]) {
  const r = await run(bin, ['--endpoint-url', server.endpoint, ...args], server.env());
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

for (const [name, bin, skip] of [
  ['v1', AWS_CLI_V1, false],
  ['v2', AWS_CLI_V2, !hasAwsCliV2() && 'Debian awscli (v2) not installed'],
] as const) {
  test(`AWS CLI ${name}: mb, cp (incl. multipart), ls, sync, rm, rb and s3api`, { skip }, async () => {
    const b = `cli-${name}`;
    await cli(bin, ['s3', 'mb', `s3://${b}`]);
    const src = join(dir, name, 'src');
    mkdirSync(join(src, 'nested'), { recursive: true });
    const big = randomBytes(9 * 1024 * 1024 + 3);
    writeFileSync(join(src, 'big.bin'), big);
    writeFileSync(join(src, 'small.txt'), 'small');
    writeFileSync(join(src, 'nested', 'deep file.txt'), 'deep');
    await cli(bin, ['s3', 'cp', join(src, 'big.bin'), `s3://${b}/big.bin`]);
    const back = join(dir, name, 'big.back');
    await cli(bin, ['s3', 'cp', `s3://${b}/big.bin`, back]);
    assert.ok(readFileSync(back).equals(big));
    await cli(bin, ['s3', 'sync', src, `s3://${b}/tree/`]);
    const ls = await cli(bin, ['s3', 'ls', `s3://${b}/tree/`, '--recursive']);
    for (const k of ['tree/big.bin', 'tree/small.txt', 'tree/nested/deep file.txt'])
      assert.match(ls, new RegExp(k.replace('.', '\\.')));
    const second = await cli(bin, ['s3', 'sync', src, `s3://${b}/tree/`]);
    assert.equal(second.trim(), '', 'a second sync uploads nothing');
    const down = join(dir, name, 'down');
    await cli(bin, ['s3', 'sync', `s3://${b}/tree/`, down]);
    assert.deepEqual(readdirSync(down).sort(), ['big.bin', 'nested', 'small.txt']);
    assert.equal(readFileSync(join(down, 'nested', 'deep file.txt'), 'utf8'), 'deep');
    const head = JSON.parse(
      await cli(bin, ['s3api', 'head-object', '--bucket', b, '--key', 'tree/small.txt', '--output', 'json']),
    );
    assert.equal(head.ContentLength, 5);
    const listed = JSON.parse(
      await cli(bin, [
        's3api',
        'list-objects-v2',
        '--bucket',
        b,
        '--prefix',
        'tree/',
        '--delimiter',
        '/',
        '--output',
        'json',
      ]),
    );
    assert.deepEqual(listed.CommonPrefixes, [{ Prefix: 'tree/nested/' }]);
    await cli(bin, ['s3', 'rm', `s3://${b}/`, '--recursive']);
    await cli(bin, ['s3', 'rb', `s3://${b}`]);
    const gone = await run(
      bin,
      ['--endpoint-url', server.endpoint, 's3api', 'head-bucket', '--bucket', b],
      server.env(),
    );
    assert.notEqual(gone.code, 0);
  });
}

test(
  "Debian's boto3 1.26 (Content-MD5, no default checksums): put, get, copy, multipart, list, delete",
  { skip: !hasDebianBoto3() && 'python3-boto3 not installed' },
  async () => {
    const r = await python(
      `
import io, os, hashlib
c = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], config=NO_RETRY)
c.create_bucket(Bucket="debian-boto")
c.put_object(Bucket="debian-boto", Key="a.txt", Body=b"old client", ContentMD5=__import__("base64").b64encode(hashlib.md5(b"old client").digest()).decode())
body = c.get_object(Bucket="debian-boto", Key="a.txt")["Body"].read()
c.copy_object(Bucket="debian-boto", Key="b.txt", CopySource={"Bucket": "debian-boto", "Key": "a.txt"})
data = os.urandom(9 * 1024 * 1024)
c.upload_fileobj(io.BytesIO(data), "debian-boto", "big.bin")
out_buf = io.BytesIO()
c.download_fileobj("debian-boto", "big.bin", out_buf)
keys = [o["Key"] for o in c.list_objects(Bucket="debian-boto")["Contents"]]
c.delete_objects(Bucket="debian-boto", Delete={"Objects": [{"Key": k} for k in keys]})
bad = call(c.put_object, Bucket="debian-boto", Key="x", Body=b"abc", ContentMD5="AAAAAAAAAAAAAAAAAAAAAA==")
c.delete_bucket(Bucket="debian-boto")
out([boto3.__version__, body.decode(), out_buf.getvalue() == data, keys, bad.get("error")])
`,
      server.env(),
      DEBIAN_PYTHON,
    );
    assert.match(r[0], /^1\.26\./);
    assert.deepEqual(r.slice(1), ['old client', true, ['a.txt', 'b.txt', 'big.bin'], 'BadDigest']);
  },
);
