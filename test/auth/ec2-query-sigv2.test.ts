/**
 * EC2's Query API signed with Signature Version 2 (SignatureVersion=2 in the parameters), as
 * boto 2-era tools sign it: botocore's own SigV2Auth signer is the oracle for the happy path;
 * dates and methods it does not produce are signed by hand.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { python } from '../support/clients.ts';

let server: TestServer;
let r: any;
before(async () => {
  server = await startTestServer();
  r = await python(
    `
import base64, datetime, hashlib, hmac, requests
from urllib.parse import quote
from botocore.auth import SigV2Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
def result(resp):
    text = resp.text
    code = text.split("<Code>")[1].split("</Code>")[0] if "<Code>" in text else None
    return {"status": resp.status_code, "code": code, "body": text[:400]}
def botocore_signed(method, params, secret="test"):
    if method == "POST":
        req = AWSRequest(method="POST", url=ENDPOINT + "/", data=dict(params), headers=FORM)
    else:
        req = AWSRequest(method="GET", url=ENDPOINT + "/", params=dict(params))
    SigV2Auth(Credentials("test", secret)).add_auth(req)
    p = req.prepare()
    return result(requests.request(p.method, p.url, headers=dict(p.headers), data=p.body))
def iso(delta_s):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta_s)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")
def hand_signed(params, method="HmacSHA256"):
    p = dict(params, AWSAccessKeyId="test", SignatureVersion="2", SignatureMethod=method)
    enc = lambda s: quote(s, safe="-_.~")
    qs = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(p.items()))
    host = ENDPOINT.split("//")[1]
    digest = hashlib.sha256 if method == "HmacSHA256" else hashlib.sha1
    sig = base64.b64encode(hmac.new(b"test", f"GET\\n{host}\\n/\\n{qs}".encode(), digest).digest()).decode()
    return result(requests.get(ENDPOINT + "/?" + qs + "&Signature=" + enc(sig)))
REGIONS = {"Action": "DescribeRegions", "Version": "2016-11-15"}
r = {}
r["post"] = botocore_signed("POST", REGIONS)
r["get"] = botocore_signed("GET", dict(REGIONS, **{"RegionName.1": "us-east-1"}))
r["odd"] = botocore_signed("GET", {"Action": "DescribeInstances", "Version": "2016-11-15",
                                    "Filter.1.Name": "tag:Name", "Filter.1.Value.1": "a b/c*~é"})
r["badSecret"] = botocore_signed("POST", REGIONS, secret="wrong")
r["sha1"] = hand_signed(dict(REGIONS, Timestamp=iso(0)), method="HmacSHA1")
r["old"] = hand_signed(dict(REGIONS, Timestamp=iso(-3600)))
r["future"] = hand_signed(dict(REGIONS, Timestamp=iso(3600)))
r["expiresLater"] = hand_signed(dict(REGIONS, Expires=iso(600)))
r["expired"] = hand_signed(dict(REGIONS, Expires=iso(-60)))
r["md5"] = hand_signed(dict(REGIONS, Timestamp=iso(0)), method="HmacMD5")
ct = client("cloudtrail", region_name="us-east-1")
r["events"] = call(ct.lookup_events, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "DescribeRegions"}])
out(r)
`,
    server.env(),
  );
});
after(async () => server.stop());

test('botocore SigV2Auth: GET query and POST form are accepted', () => {
  for (const k of ['post', 'get', 'odd']) assert.equal(r[k].status, 200, `${k}: ${r[k].body}`);
  assert.match(r.get.body, /<regionName>us-east-1<\/regionName>/);
  assert.match(r.odd.body, /<DescribeInstancesResponse/);
});

test('a wrong secret is AuthFailure', () => {
  assert.equal(r.badSecret.status, 401, r.badSecret.body);
  assert.equal(r.badSecret.code, 'AuthFailure');
});

test('HmacSHA1 and Expires are accepted; dates outside the window are RequestExpired / RequestInTheFuture', () => {
  assert.equal(r.sha1.status, 200, r.sha1.body);
  assert.equal(r.expiresLater.status, 200, r.expiresLater.body);
  assert.equal(r.old.code, 'RequestExpired', r.old.body);
  assert.equal(r.future.code, 'RequestInTheFuture', r.future.body);
  assert.equal(r.expired.code, 'RequestExpired', r.expired.body);
  assert.equal(r.md5.status, 400, r.md5.body);
});

test('SigV2 calls are recorded as the signing key made them', () => {
  const events = r.events.Events.map((e: any) => JSON.parse(e.CloudTrailEvent));
  const ok = events.filter((e: any) => !e.errorCode);
  // post, get, sha1 and expiresLater.
  assert.ok(ok.length >= 4, JSON.stringify(events));
  for (const e of ok) assert.equal(e.userIdentity.arn, 'arn:aws:iam::000000000000:root');
});
