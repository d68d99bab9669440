/**
 * Browser POST forms as ceph/s3-tests sends them (Python requests' files=, which gives every
 * field part a filename) and policy documents S3 refuses for their expiration's format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const bucket = 'post-form-fields';

const { server } = useServer({
  async setup({ s3 }) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'ObjectWriter' }));
  },
});

/** Python prelude: a SigV2-signed form for `doc`, posted with every field as a file part. */
const prelude = `
import requests, base64, hmac, hashlib, json, datetime
from collections import OrderedDict
url = boto3.client("s3").meta.endpoint_url + "/${bucket}"
def post(doc, key, body, extra=()):
    policy = base64.b64encode(json.dumps(doc).encode())
    sig = base64.b64encode(hmac.new(b"test", policy, hashlib.sha1).digest())
    fields = [("key", key), ("AWSAccessKeyId", "test"), ("acl", "private"), ("signature", sig),
              ("policy", policy), ("Content-Type", "text/plain"), *extra, ("file", body)]
    r = requests.post(url, files=OrderedDict(fields), timeout=30)
    code = r.text.split("<Code>")[1].split("</Code>")[0] if "<Code>" in r.text else None
    return [r.status_code, code]
later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=600)
def conditions(extra=()):
    return [{"bucket": "${bucket}"}, ["starts-with", "$key", "foo"], {"acl": "private"},
            ["starts-with", "$Content-Type", "text/plain"], ["content-length-range", 0, 1024], *extra]
`;

test('a form whose field parts carry filenames (requests files=) is read by field name', async () => {
  const r = await python(
    `${prelude}
doc = {"expiration": later.strftime("%Y-%m-%dT%H:%M:%SZ"), "conditions": conditions([["starts-with", "$x-amz-meta-foo", "bar"]])}
res = post(doc, "foo.txt", "bar", [("x-amz-meta-foo", "barclamp")])
got = boto3.client("s3").get_object(Bucket="${bucket}", Key="foo.txt")
out([res, got["Body"].read().decode(), got["Metadata"], got["ContentType"]])
`,
    server.env(),
  );
  assert.deepEqual(r, [[204, null], 'bar', { foo: 'barclamp' }, 'text/plain']);
});

test("a policy expiration that is not ISO 8601 (Python's str(datetime)) is InvalidPolicyDocument", async () => {
  const r = await python(
    `${prelude}
bad = post({"expiration": str(later), "conditions": conditions()}, "foo-bad.txt", "bar")
good = post({"expiration": later.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "conditions": conditions()}, "foo-good.txt", "bar")
keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket="${bucket}", Prefix="foo-").get("Contents", [])]
out([bad, good, keys])
`,
    server.env(),
  );
  assert.deepEqual(r, [[400, 'InvalidPolicyDocument'], [204, null], ['foo-good.txt']]);
});

test('a POST upload answers x-amz-version-id (versioned bucket) and x-amz-server-side-encryption', async () => {
  const r = await python(
    `${prelude}
c = boto3.client("s3")
c.put_bucket_versioning(Bucket="${bucket}", VersioningConfiguration={"Status": "Enabled"})
doc = {"expiration": later.strftime("%Y-%m-%dT%H:%M:%SZ"), "conditions": conditions()}
policy = base64.b64encode(json.dumps(doc).encode())
sig = base64.b64encode(hmac.new(b"test", policy, hashlib.sha1).digest())
fields = [("key", "foo-versioned"), ("AWSAccessKeyId", "test"), ("acl", "private"), ("signature", sig),
          ("policy", policy), ("Content-Type", "text/plain"), ("file", "bar")]
r = requests.post(url, files=OrderedDict(fields), timeout=30)
head = c.head_object(Bucket="${bucket}", Key="foo-versioned")
out([r.status_code, r.headers.get("x-amz-version-id") == head["VersionId"], r.headers.get("x-amz-server-side-encryption")])
`,
    server.env(),
  );
  assert.deepEqual(r, [204, true, 'AES256']);
});

test('the x-amz-website-redirect-location field is kept (and checked like the PutObject header)', async () => {
  const r = await python(
    `${prelude}
c = boto3.client("s3")
doc = {"expiration": later.strftime("%Y-%m-%dT%H:%M:%SZ"), "conditions": conditions([["starts-with", "$x-amz-website-redirect-location", ""]])}
policy = base64.b64encode(json.dumps(doc).encode())
sig = base64.b64encode(hmac.new(b"test", policy, hashlib.sha1).digest())
def send(key, location):
    fields = [("key", key), ("AWSAccessKeyId", "test"), ("acl", "private"), ("signature", sig), ("policy", policy),
              ("Content-Type", "text/plain"), ("x-amz-website-redirect-location", location), ("file", "bar")]
    r = requests.post(url, files=OrderedDict(fields), timeout=30)
    return [r.status_code, r.text.split("<Code>")[1].split("</Code>")[0] if "<Code>" in r.text else None]
ok = send("foo-redirect", "/elsewhere.html")
bad = send("foo-redirect-bad", "elsewhere.html")
out([ok, c.head_object(Bucket="${bucket}", Key="foo-redirect").get("WebsiteRedirectLocation"), bad])
`,
    server.env(),
  );
  assert.deepEqual(r, [[204, null], '/elsewhere.html', [400, 'InvalidRedirectLocation']]);
});

test("a bucket policy on s3:x-amz-server-side-encryption sees a POST form's encryption field", async () => {
  const r = await python(
    `${prelude}
c = boto3.client("s3")
b2 = "post-form-sse-policy"
c.create_bucket(Bucket=b2)
c.put_bucket_policy(Bucket=b2, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"},
    "Action": "s3:PutObject", "Resource": "arn:aws:s3:::" + b2 + "/*",
    "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}}]}))
doc = {"expiration": later.strftime("%Y-%m-%dT%H:%M:%SZ"),
       "conditions": [{"bucket": b2}, ["starts-with", "$key", ""], ["starts-with", "$x-amz-server-side-encryption", ""]]}
policy = base64.b64encode(json.dumps(doc).encode())
sig = base64.b64encode(hmac.new(b"test", policy, hashlib.sha1).digest())
def send(sse):
    fields = [("key", "k"), ("AWSAccessKeyId", "test"), ("signature", sig), ("policy", policy),
              ("x-amz-server-side-encryption", sse), ("file", "bar")]
    return requests.post(url.rsplit("/", 1)[0] + "/" + b2, files=OrderedDict(fields), timeout=30).status_code
out([send("aws:kms"), send("AES256")])
`,
    server.env(),
  );
  assert.deepEqual(r, [204, 403]);
});
