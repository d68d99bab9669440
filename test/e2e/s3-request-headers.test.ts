/**
 * Request headers S3 judges before any operation, through boto3: SigV2 ("s3" signature) on
 * path-style bucket requests, SigV2 dates, and Expect values other than 100-continue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

// The server runs in this process: a stalled body times out after 1 s instead of S3's 20.
process.env.STRATUS_S3_BODY_IDLE_SECONDS = '1';

const { server } = useServer();

test('boto3 SigV2: path-style bucket requests (signed as /bucket/) are accepted', async () => {
  const r = await python(
    `
s3 = client("s3", config=Config(signature_version="s3", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
out([call(s3.create_bucket, Bucket="v2-bucket-ops").get("error"),
     call(s3.put_object, Bucket="v2-bucket-ops", Key="k", Body=b"x").get("error"),
     [o["Key"] for o in call(s3.list_objects, Bucket="v2-bucket-ops").get("Contents", [])],
     call(s3.get_bucket_versioning, Bucket="v2-bucket-ops").get("error"),
     call(s3.delete_object, Bucket="v2-bucket-ops", Key="k").get("error"),
     call(s3.delete_bucket, Bucket="v2-bucket-ops").get("error")])
`,
    server.env(),
  );
  assert.deepEqual(r, [null, null, ['k'], null, null, null]);
});

test('boto3 SigV2: an x-amz-date before the epoch is AccessDenied, not RequestTimeTooSkewed', async () => {
  const r = await python(
    `
s3 = client("s3", config=Config(signature_version="s3", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
def dated(value):
    c = client("s3", config=Config(signature_version="s3", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    c.meta.events.register("before-call.s3.PutObject", lambda **kw: kw["params"]["headers"].update({"x-amz-date": value}))
    r = call(c.put_object, Bucket="v2-dates", Key="foo", Body=b"bar")
    return [r.get("status"), r.get("error")]
s3.create_bucket(Bucket="v2-dates")
out([dated("Tue, 07 Jul 1950 21:53:04 GMT"), dated("Tue, 07 Jul 2010 21:53:04 GMT"), dated("Bad Date")])
`,
    server.env(),
  );
  assert.deepEqual(r, [
    [403, 'AccessDenied'],
    [403, 'RequestTimeTooSkewed'],
    [403, 'AccessDenied'],
  ]);
});

test('an Expect header other than 100-continue is ignored, not 417', async () => {
  const r = await python(
    `
def create(name, expect):
    c = client("s3", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    c.meta.events.register("before-call.s3.CreateBucket", lambda **kw: kw["params"]["headers"].update({"Expect": expect}))
    return call(c.create_bucket, Bucket=name).get("error")
out([create("expect-200", "200"), create("expect-empty", "")])
`,
    server.env(),
  );
  assert.deepEqual(r, [null, null]);
});

test('boto3 (SigV4 and SigV2): a UTF-8 metadata value on the wire verifies and comes back byte for byte', async () => {
  const r = await python(
    `
res = []
for sig in ("s3v4", "s3"):
    c = client("s3", config=Config(signature_version=sig, s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    c.meta.events.register("before-call.s3.PutObject", lambda **kw: kw["params"]["headers"].update({"x-amz-meta-meta1": "Hello World\\xe9"}))
    call(c.create_bucket, Bucket="utf8-meta")
    res.append(call(c.put_object, Bucket="utf8-meta", Key="k-" + sig, Body=b"bar").get("error"))
    # http.client reads header bytes as latin-1: the UTF-8 bytes sent come back as sent.
    res.append(c.head_object(Bucket="utf8-meta", Key="k-" + sig)["Metadata"]["meta1"].encode("latin-1").decode("utf-8"))
out(res)
`,
    server.env(),
  );
  assert.deepEqual(r, [null, 'Hello World\u00e9', null, 'Hello World\u00e9']);
});

test('a body shorter than its Content-Length is 400 RequestTimeout once it stalls; nothing is stored', async () => {
  const r = await python(
    `
s3 = client("s3", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
s3.create_bucket(Bucket="short-body")
c = client("s3", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
c.meta.events.register("before-sign.s3.PutObject", lambda **kw: kw["request"].headers.__setitem__("Content-Length", "4"))
try:
    c.put_object(Bucket="short-body", Key="foo", Body=b"bar")
    res = None
except ClientError as e:
    res = [e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"],
           e.response["ResponseMetadata"]["HTTPHeaders"].get("connection")]
out([res, call(s3.head_object, Bucket="short-body", Key="foo").get("status")])
`,
    server.env(),
  );
  assert.deepEqual(r, [[400, 'RequestTimeout', 'close'], 404]);
});

test('boto3 SigV2 and SigV4: a Content-Length shorter than the body is answered for the bytes it covers (BadDigest / XAmzContentSHA256Mismatch), not a bare 400', async () => {
  const r = await python(
    `
res = []
for sig in ("s3", "s3v4"):
    c = client("s3", config=Config(signature_version=sig, s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    call(c.create_bucket, Bucket="long-body")
    c.meta.events.register("before-call.s3.PutObject", lambda **kw: kw["params"]["headers"].update({"Content-Length": "2"}))
    r = call(c.put_object, Bucket="long-body", Key="foo", Body=b"bar")
    res.append([r.get("status"), r.get("error")])
res.append(call(c.head_object, Bucket="long-body", Key="foo").get("status"))
out(res)
`,
    server.env(),
  );
  assert.deepEqual(r, [[400, 'BadDigest'], [400, 'XAmzContentSHA256Mismatch'], 404]);
});

test('a PUT of an object with neither Content-Length nor Transfer-Encoding is 411 MissingContentLength; nothing is stored', async () => {
  const r = await python(
    `
import socket
from urllib.parse import urlparse
import botocore.auth, botocore.awsrequest, botocore.credentials
s3 = client("s3", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
s3.create_bucket(Bucket="no-length")
u = urlparse(ENDPOINT)
req = botocore.awsrequest.AWSRequest(method="PUT", url=ENDPOINT + "/no-length/k", data=b"", headers={})
botocore.auth.S3SigV4Auth(botocore.credentials.Credentials("test", "test"), "s3", "us-east-1").add_auth(req)
head = "".join(f"{k}: {v}\\r\\n" for k, v in req.headers.items() if k.lower() != "content-length")
s = socket.create_connection((u.hostname, u.port))
s.sendall(f"PUT /no-length/k HTTP/1.1\\r\\nHost: {u.netloc}\\r\\n{head}\\r\\n".encode())
s.settimeout(10)
data = b""
while b"</Error>" not in data:
    chunk = s.recv(4096)
    if not chunk: break
    data += chunk
text = data.decode()
out([text.split(" ")[1], "<Code>MissingContentLength</Code>" in text,
     call(s3.head_object, Bucket="no-length", Key="k").get("status"),
     call(s3.put_object, Bucket="no-length", Key="empty").get("error")])
`,
    server.env(),
  );
  assert.deepEqual(r, ['411', true, 404, null]);
});
