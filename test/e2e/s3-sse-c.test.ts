/**
 * SSE-C through boto3: a new bucket blocks SSE-C writes until BlockedEncryptionTypes is NONE;
 * then the key is checked on write, its MD5 echoed, and every read (GET, HEAD, copy source,
 * multipart parts) must present the same key (ceph/s3-tests test_encryption_sse_c_*). Beside
 * SSE-C, the request-side rules of encryption: no read takes x-amz-server-side-encryption
 * (test_sse_kms_method_head, test_sse_kms_read_declare), and SSE-KMS needs SigV4.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const { server } = useServer();

/** Python prelude: keys A and B (s3-tests' literals), err() → [status, code], unblocked bucket. */
const prelude = (bucket: string) => `
import base64, requests, hmac, hashlib, json, datetime
from collections import OrderedDict
s3 = boto3.client("s3")
A = base64.b64decode("pO3upElrwuEXSoFwCfnZPdSsmt/xWeFa0N9KgDijwVs=")
B = base64.b64decode("6b+WOZ1T3cqZMxgThRcXAQBrS5mXKdDUphvpxptl9/4=")
KA = dict(SSECustomerAlgorithm="AES256", SSECustomerKey=A)
KB = dict(SSECustomerAlgorithm="AES256", SSECustomerKey=B)
def err(f):
    try:
        r = f()
        return {k: v for k, v in r.items() if k.startswith("SSE") or k == "ServerSideEncryption"}
    except ClientError as e:
        return [e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]]
def raw(op, headers, **kw):
    c = boto3.client("s3")
    c.meta.events.register("before-call.s3." + op, lambda **k: k["params"]["headers"].update(headers))
    return err(lambda: getattr(c, {"PutObject": "put_object"}[op])(**kw))
b = ${JSON.stringify(bucket)}
s3.create_bucket(Bucket=b)
def unblock():
    s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [{"BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}]})
`;

test('a new bucket blocks SSE-C writes (403) until BlockedEncryptionTypes NONE; reads need the same key', async () => {
  const r = await python(
    `${prelude('ssec-reads')}
res = {}
res["enc0"] = s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"][0]["BlockedEncryptionTypes"]
res["blocked"] = err(lambda: s3.put_object(Bucket=b, Key="k", Body=b"secret", **KA))
res["blockedMpu"] = err(lambda: s3.create_multipart_upload(Bucket=b, Key="m", **KA))
unblock()
res["enc1"] = s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"][0]
res["put"] = err(lambda: s3.put_object(Bucket=b, Key="k", Body=b"secret", **KA))
res["getNoKey"] = err(lambda: s3.get_object(Bucket=b, Key="k"))
res["headNoKey"] = err(lambda: s3.head_object(Bucket=b, Key="k"))
res["getOtherKey"] = err(lambda: s3.get_object(Bucket=b, Key="k", **KB))
res["body"] = s3.get_object(Bucket=b, Key="k", **KA)["Body"].read().decode()
res["head"] = err(lambda: s3.head_object(Bucket=b, Key="k", **KA))
s3.put_object(Bucket=b, Key="plain", Body=b"p")
res["plainWithKey"] = err(lambda: s3.get_object(Bucket=b, Key="plain", **KA))
res["copyNoKey"] = err(lambda: s3.copy_object(Bucket=b, Key="c", CopySource={"Bucket": b, "Key": "k"}))
res["copyToB"] = err(lambda: s3.copy_object(Bucket=b, Key="c", CopySource={"Bucket": b, "Key": "k"},
    CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=A, **KB))
res["copyBody"] = s3.get_object(Bucket=b, Key="c", **KB)["Body"].read().decode()
s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [{"BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}}]})
res["reblocked"] = err(lambda: s3.put_object(Bucket=b, Key="k2", Body=b"x", **KA))
res["oldReadable"] = s3.get_object(Bucket=b, Key="k", **KA)["Body"].read().decode()
out(res)
`,
    server.env(),
  );
  const md5A = { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: 'DWygnHRtgiJ77HCm+1rvHw==' };
  const md5B = { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: 'arxBvwY2V4SiOne6yppVPQ==' };
  assert.deepEqual(r, {
    enc0: { EncryptionType: ['SSE-C'] },
    blocked: [403, 'AccessDenied'],
    blockedMpu: [403, 'AccessDenied'],
    enc1: {
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
      BucketKeyEnabled: false,
      BlockedEncryptionTypes: { EncryptionType: ['NONE'] },
    },
    put: md5A,
    getNoKey: [400, 'InvalidRequest'],
    headNoKey: [400, '400'],
    getOtherKey: [403, 'AccessDenied'],
    body: 'secret',
    head: md5A,
    plainWithKey: [400, 'InvalidRequest'],
    copyNoKey: [400, 'InvalidRequest'],
    copyToB: md5B,
    copyBody: 'secret',
    reblocked: [403, 'AccessDenied'],
    oldReadable: 'secret',
  });
});

test('SSE-C write headers are checked as S3 checks them; multipart parts carry the upload key', async () => {
  const r = await python(
    `${prelude('ssec-writes')}
unblock()
KEY = "pO3upElrwuEXSoFwCfnZPdSsmt/xWeFa0N9KgDijwVs="
H = "x-amz-server-side-encryption-customer-"
res = {}
res["badMd5"] = raw("PutObject", {H + "algorithm": "AES256", H + "key": KEY, H + "key-md5": "AAAAAAAAAAAAAAAAAAAAAA=="}, Bucket=b, Key="k", Body=b"x")
res["noMd5"] = raw("PutObject", {H + "algorithm": "AES256", H + "key": KEY}, Bucket=b, Key="k", Body=b"x")
res["noKey"] = raw("PutObject", {H + "algorithm": "AES256"}, Bucket=b, Key="k", Body=b"x")
res["noAlgorithm"] = raw("PutObject", {H + "key": KEY, H + "key-md5": "DWygnHRtgiJ77HCm+1rvHw=="}, Bucket=b, Key="k", Body=b"x")
res["withSseS3"] = err(lambda: s3.put_object(Bucket=b, Key="k", Body=b"x", ServerSideEncryption="AES256", **KA))
res["aes192"] = err(lambda: s3.put_object(Bucket=b, Key="k", Body=b"x", SSECustomerAlgorithm="AES192", SSECustomerKey=A))
res["shortKey"] = err(lambda: s3.put_object(Bucket=b, Key="k", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=b"k" * 16))
res["nothingStored"] = s3.list_objects_v2(Bucket=b).get("KeyCount")
u = s3.create_multipart_upload(Bucket=b, Key="m", **KA)["UploadId"]
res["partNoKey"] = err(lambda: s3.upload_part(Bucket=b, Key="m", UploadId=u, PartNumber=1, Body=b"a"))
res["partOtherKey"] = err(lambda: s3.upload_part(Bucket=b, Key="m", UploadId=u, PartNumber=1, Body=b"a", **KB))
p = s3.upload_part(Bucket=b, Key="m", UploadId=u, PartNumber=1, Body=b"a", **KA)
res["part"] = err(lambda: p)
s3.complete_multipart_upload(Bucket=b, Key="m", UploadId=u, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p["ETag"]}]})
res["mpuNoKey"] = err(lambda: s3.get_object(Bucket=b, Key="m"))
res["mpu"] = s3.get_object(Bucket=b, Key="m", **KA)["Body"].read().decode()
out(res)
`,
    server.env(),
  );
  assert.deepEqual(r, {
    badMd5: [400, 'InvalidArgument'],
    noMd5: [400, 'InvalidArgument'],
    noKey: [400, 'InvalidArgument'],
    noAlgorithm: [400, 'InvalidArgument'],
    withSseS3: [400, 'InvalidArgument'],
    aes192: [400, 'InvalidEncryptionAlgorithmError'],
    shortKey: [400, 'InvalidArgument'],
    nothingStored: 0,
    partNoKey: [400, 'InvalidRequest'],
    partOtherKey: [400, 'InvalidRequest'],
    part: { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: 'DWygnHRtgiJ77HCm+1rvHw==' },
    mpuNoKey: [400, 'InvalidRequest'],
    mpu: 'a',
  });
});

test('a POST form with SSE-C fields stores an SSE-C object (and is refused while the bucket blocks SSE-C)', async () => {
  const r = await python(
    `${prelude('ssec-post')}
url = s3.meta.endpoint_url + "/" + b
later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=600)).strftime("%Y-%m-%dT%H:%M:%SZ")
H = "x-amz-server-side-encryption-customer-"
fields = [("key", "foo.txt"), (H + "algorithm", "AES256"), (H + "key", base64.b64encode(A).decode()),
          (H + "key-md5", "DWygnHRtgiJ77HCm+1rvHw==")]
doc = {"expiration": later, "conditions": [{"bucket": b}, ["starts-with", "$key", "foo"]] + [["eq", "$" + k, v] for k, v in fields[1:]]}
policy = base64.b64encode(json.dumps(doc).encode())
sig = base64.b64encode(hmac.new(b"test", policy, hashlib.sha1).digest())
form = OrderedDict(fields + [("AWSAccessKeyId", "test"), ("policy", policy), ("signature", sig)])
def post():
    r = requests.post(url, data=form, files={"file": ("foo.txt", b"bar")}, timeout=30)
    return [r.status_code, r.text.split("<Code>")[1].split("</Code>")[0] if "<Code>" in r.text else None]
res = {"blocked": post()}
unblock()
res["posted"] = post()
res["noKey"] = err(lambda: s3.get_object(Bucket=b, Key="foo.txt"))
res["body"] = s3.get_object(Bucket=b, Key="foo.txt", **KA)["Body"].read().decode()
out(res)
`,
    server.env(),
  );
  assert.deepEqual(r, {
    blocked: [403, 'AccessDenied'],
    posted: [204, null],
    noKey: [400, 'InvalidRequest'],
    body: 'bar',
  });
});

test('x-amz-server-side-encryption on GET, HEAD or UploadPart is a 400 (the encryption is set on write)', async () => {
  const r = await python(
    `${prelude('sse-on-reads')}
def sent(op, headers):
    c = boto3.client("s3")
    c.meta.events.register("before-call.s3." + op, lambda **k: k["params"]["headers"].update(headers))
    return c
s3.put_object(Bucket=b, Key="k", Body=b"x", ServerSideEncryption="AES256")
u = s3.create_multipart_upload(Bucket=b, Key="m")["UploadId"]
kms = {"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "testkey-1"}
out({
    "head": err(lambda: sent("HeadObject", {"x-amz-server-side-encryption": "AES256"}).head_object(Bucket=b, Key="k")),
    "get": err(lambda: sent("GetObject", kms).get_object(Bucket=b, Key="k")),
    "part": err(lambda: sent("UploadPart", {"x-amz-server-side-encryption": "AES256"}).upload_part(Bucket=b, Key="m", UploadId=u, PartNumber=1, Body=b"p")),
    "plain": s3.get_object(Bucket=b, Key="k")["ServerSideEncryption"],
})
`,
    server.env(),
  );
  assert.deepEqual(r, {
    head: [400, '400'],
    get: [400, 'InvalidArgument'],
    part: [400, 'InvalidArgument'],
    plain: 'AES256',
  });
});

test('SSE-C: GetObjectAttributes needs the key; an in-place copy rotates the key or leaves SSE-C', async () => {
  const r = await python(
    `${prelude('ssec-attrs-rotate')}
unblock()
s3.put_object(Bucket=b, Key="k", Body=b"data", **KA)
c = boto3.client("s3")
H = "x-amz-server-side-encryption-customer-"
c.meta.events.register("before-call.s3.GetObjectAttributes", lambda **k: k["params"]["headers"].update(
    {H + "algorithm": "AES256", H + "key": base64.b64encode(A).decode(), H + "key-md5": "DWygnHRtgiJ77HCm+1rvHw=="}))
res = {}
res["attrsNoKey"] = err(lambda: s3.get_object_attributes(Bucket=b, Key="k", ObjectAttributes=["ObjectSize"]))
res["attrs"] = c.get_object_attributes(Bucket=b, Key="k", ObjectAttributes=["ObjectSize"])["ObjectSize"]
src = {"Bucket": b, "Key": "k"}
res["rotate"] = err(lambda: s3.copy_object(Bucket=b, Key="k", CopySource=src, CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=A, **KB))
res["oldKey"] = err(lambda: s3.get_object(Bucket=b, Key="k", **KA))
res["decrypt"] = err(lambda: s3.copy_object(Bucket=b, Key="k", CopySource=src, CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=B))
res["plain"] = s3.get_object(Bucket=b, Key="k")["Body"].read().decode()
out(res)
`,
    server.env(),
  );
  assert.deepEqual(r, {
    attrsNoKey: [400, 'InvalidRequest'],
    attrs: 4,
    rotate: { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: 'arxBvwY2V4SiOne6yppVPQ==' },
    oldKey: [403, 'AccessDenied'],
    decrypt: { ServerSideEncryption: 'AES256' },
    plain: 'data',
  });
});

test('SSE-KMS needs SigV4: SigV2-signed aws:kms writes and reads of SSE-KMS objects are 400', async () => {
  const r = await python(
    `${prelude('kms-sigv4')}
from botocore.config import Config
v2 = boto3.client("s3", config=Config(signature_version="s3"))
v4 = boto3.client("s3", config=Config(signature_version="s3v4"))
s3.put_object(Bucket=b, Key="plain", Body=b"p")
out({
    "v2Put": err(lambda: v2.put_object(Bucket=b, Key="k", Body=b"x", ServerSideEncryption="aws:kms")),
    "v4Put": err(lambda: v4.put_object(Bucket=b, Key="k", Body=b"x", ServerSideEncryption="aws:kms"))["ServerSideEncryption"],
    "v2Get": err(lambda: v2.get_object(Bucket=b, Key="k")),
    "v2Presigned": requests.get(v2.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "k"})).status_code,
    "v4Presigned": requests.get(v4.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "k"})).status_code,
    "v2Mpu": err(lambda: v2.create_multipart_upload(Bucket=b, Key="m", ServerSideEncryption="aws:kms")),
    "v2Plain": v2.get_object(Bucket=b, Key="plain")["Body"].read().decode(),
})
`,
    server.env(),
  );
  assert.deepEqual(r, {
    v2Put: [400, 'InvalidArgument'],
    v4Put: 'aws:kms',
    v2Get: [400, 'InvalidArgument'],
    v2Presigned: 400,
    v4Presigned: 200,
    v2Mpu: [400, 'InvalidArgument'],
    v2Plain: 'p',
  });
});

test('SSE-C parts of an upload begun before the bucket blocked SSE-C are refused (403); the upload can be aborted', async () => {
  const r = await python(
    `${prelude('ssec-block-parts')}
unblock()
u = s3.create_multipart_upload(Bucket=b, Key="m", **KA)["UploadId"]
s3.upload_part(Bucket=b, Key="m", UploadId=u, PartNumber=1, Body=b"a", **KA)
s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [{"BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}}]})
out({
    "part": err(lambda: s3.upload_part(Bucket=b, Key="m", UploadId=u, PartNumber=2, Body=b"b", **KA)),
    "abort": s3.abort_multipart_upload(Bucket=b, Key="m", UploadId=u)["ResponseMetadata"]["HTTPStatusCode"],
})
`,
    server.env(),
  );
  assert.deepEqual(r, { part: [403, 'AccessDenied'], abort: 204 });
});

test('bucket policies condition writes on the SSE-C algorithm and the KMS key id', async () => {
  const r = await python(
    `${prelude('ssec-policy')}
unblock()
def deny(condition):
    s3.put_bucket_policy(Bucket=b, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
        "Principal": {"AWS": "*"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::" + b + "/*", "Condition": condition}]}))
KEY = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
res = {}
deny({"StringNotEquals": {"s3:x-amz-server-side-encryption-customer-algorithm": "AES256"}})
res["aes192"] = err(lambda: s3.put_object(Bucket=b, Key="k", Body=b"x", SSECustomerAlgorithm="AES192", SSECustomerKey=A))
res["aes256"] = err(lambda: s3.put_object(Bucket=b, Key="k", Body=b"x", **KA))
deny({"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": KEY}})
res["kmsOther"] = err(lambda: s3.put_object(Bucket=b, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=KEY.replace("1234abcd", "0000abcd")))
res["kms"] = err(lambda: s3.put_object(Bucket=b, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=KEY))
out(res)
`,
    server.env(),
  );
  assert.deepEqual(r, {
    aes192: [403, 'AccessDenied'],
    aes256: { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: 'DWygnHRtgiJ77HCm+1rvHw==' },
    kmsOther: [403, 'AccessDenied'],
    kms: {
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
  });
});
