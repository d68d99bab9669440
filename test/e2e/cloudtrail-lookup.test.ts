/**
 * The audit trail through real clients: a scripted session (root creates a bucket and a user,
 * the user is denied, a role session calls STS) and boto3's cloudtrail.lookup_events showing it
 * with identities as AWS writes them.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';
import { python } from '../support/clients.ts';

let server: TestServer;
let session: any;
let q: Record<string, any>;
before(async () => {
  server = await startTestServer();
  session = await python(
    `
s3 = client("s3", region_name="us-east-1")
iam = client("iam", region_name="us-east-1")
sts = client("sts", region_name="us-east-1")
r = {}
r["bucket"] = call(s3.create_bucket, Bucket="audit-session-bucket")
r["put"] = call(s3.put_object, Bucket="audit-session-bucket", Key="k", Body=b"data")
r["user"] = call(iam.create_user, UserName="bob")
key = call(iam.create_access_key, UserName="bob")["AccessKey"]
r["key"] = key["AccessKeyId"]
r["secret"] = key["SecretAccessKey"]
bob = boto3.client("iam", endpoint_url=ENDPOINT, config=NO_RETRY, region_name="us-east-1",
                   aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
r["denied"] = call(bob.list_users)
bob_ct = boto3.client("cloudtrail", endpoint_url=ENDPOINT, config=NO_RETRY, region_name="us-east-1",
                      aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
r["bobLookup"] = call(bob_ct.lookup_events)
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/bob"}, "Action": "sts:AssumeRole"}]})
r["role"] = call(iam.create_role, RoleName="auditor", AssumeRolePolicyDocument=trust)
allow = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::000000000000:role/auditor"}]})
call(iam.put_user_policy, UserName="bob", PolicyName="assume", PolicyDocument=allow)
bob_sts = boto3.client("sts", endpoint_url=ENDPOINT, config=NO_RETRY, region_name="us-east-1",
                       aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
assumed = call(bob_sts.assume_role, RoleArn="arn:aws:iam::000000000000:role/auditor", RoleSessionName="audit-session")
r["assumed"] = assumed
if "Credentials" in assumed:
    c = assumed["Credentials"]
    rs = boto3.client("sts", endpoint_url=ENDPOINT, config=NO_RETRY, region_name="us-east-1",
                      aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
    r["roleIdentity"] = call(rs.get_caller_identity)
    r["roleKey"] = c["AccessKeyId"]
ct = client("cloudtrail", region_name="us-east-1")
west = client("cloudtrail", region_name="us-west-2")
def attr(k, v):
    return call(ct.lookup_events, LookupAttributes=[{"AttributeKey": k, "AttributeValue": v}])
q = {}
for name in ["CreateUser", "CreateAccessKey", "AssumeRole", "CreateBucket", "PutObject"]:
    q[name] = attr("EventName", name)
q["bob"] = attr("Username", "bob")
if "roleKey" in r:
    q["roleKey"] = attr("AccessKeyId", r["roleKey"])
q["all"] = call(ct.lookup_events, MaxResults=50)
q["page1"] = call(ct.lookup_events, MaxResults=2)
q["page2"] = call(ct.lookup_events, MaxResults=2, NextToken=q["page1"]["NextToken"])
q["writes"] = attr("ReadOnly", "false")
q["byId"] = attr("EventId", q["all"]["Events"][0]["EventId"])
q["iam"] = attr("EventSource", "iam.amazonaws.com")
q["resource"] = attr("ResourceName", "bob")
q["west"] = call(west.lookup_events, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])
q["two"] = call(ct.lookup_events, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}, {"AttributeKey": "Username", "AttributeValue": "bob"}])
q["badKey"] = call(ct.lookup_events, LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "maybe"}])
q["badToken"] = call(ct.lookup_events, NextToken="nope")
q["range"] = call(ct.lookup_events, StartTime="2030-01-02T00:00:00Z", EndTime="2030-01-01T00:00:00Z")
r["q"] = q
out(r)
`,
    server.env(),
  );
  q = session.q;
});
after(async () => server.stop());

async function lookup(args: string, region = 'us-east-1'): Promise<any> {
  return python(
    `
ct = client("cloudtrail", region_name="${region}")
out(call(ct.lookup_events, ${args}))
`,
    server.env(),
  );
}

function events(r: any): any[] {
  assert.ok(r.Events, JSON.stringify(r));
  return r.Events.map((e: any) => ({ ...e, detail: JSON.parse(e.CloudTrailEvent) }));
}

test('the scripted session ran', () => {
  assert.equal(session.user.User.UserName, 'bob', JSON.stringify(session));
  assert.equal(session.denied.error, 'AccessDenied', JSON.stringify(session.denied));
  // LookupEvents needs cloudtrail:LookupEvents like any other call.
  assert.equal(session.bobLookup.error, 'AccessDeniedException', JSON.stringify(session.bobLookup));
  assert.match(session.bobLookup.message, /cloudtrail:LookupEvents/);
});

test('root CreateUser: IAM event in us-east-1 with root identity and camelCase parameters', async () => {
  const [e] = events(q.CreateUser);
  assert.ok(e);
  assert.equal(e.EventSource, 'iam.amazonaws.com');
  assert.equal(e.Username, 'root');
  assert.equal(e.ReadOnly, 'false');
  assert.equal(e.AccessKeyId, 'test');
  assert.deepEqual(e.Resources, [{ ResourceType: 'AWS::IAM::User', ResourceName: 'bob' }]);
  const d = e.detail;
  assert.equal(d.eventVersion, '1.11');
  assert.equal(d.awsRegion, 'us-east-1');
  assert.deepEqual(d.userIdentity, {
    type: 'Root',
    principalId: '000000000000',
    arn: 'arn:aws:iam::000000000000:root',
    accountId: '000000000000',
    accessKeyId: 'test',
  });
  assert.deepEqual(d.requestParameters, { userName: 'bob' });
  assert.equal(d.responseElements.user.userName, 'bob');
  assert.match(
    d.responseElements.user.createDate,
    /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/,
  );
  assert.equal(d.eventType, 'AwsApiCall');
  assert.equal(d.managementEvent, true);
  assert.equal(d.eventCategory, 'Management');
  assert.equal(d.recipientAccountId, '000000000000');
  assert.match(d.eventID, /^[0-9a-f-]{36}$/);
  assert.equal(d.sourceIPAddress, '127.0.0.1');
  assert.match(d.userAgent, /Boto3|botocore/);
  assert.equal(d.tlsDetails, undefined);
});

test('CreateAccessKey is logged without the secret', () => {
  const [e] = events(q.CreateAccessKey);
  assert.ok(e);
  assert.equal(e.detail.responseElements.accessKey.accessKeyId, session.key);
  assert.equal(e.detail.responseElements.accessKey.secretAccessKey, undefined);
  assert.ok(!e.CloudTrailEvent.includes(session.secret), 'the secret must not be in the log');
  assert.ok(
    e.Resources.some((r: any) => r.ResourceType === 'AWS::IAM::AccessKey' && r.ResourceName === session.key),
  );
});

test('the denied call: bob as IAMUser with AccessDenied', async () => {
  const e = events(q.bob).find((x) => x.EventName === 'ListUsers');
  assert.ok(e, JSON.stringify(q.bob));
  assert.equal(e.AccessKeyId, session.key);
  const d = e.detail;
  assert.equal(d.errorCode, 'AccessDenied');
  assert.match(d.errorMessage, /user\/bob is not authorized to perform: iam:ListUsers/);
  assert.equal(d.userIdentity.type, 'IAMUser');
  assert.equal(d.userIdentity.userName, 'bob');
  assert.equal(d.userIdentity.arn, 'arn:aws:iam::000000000000:user/bob');
  assert.match(d.userIdentity.principalId, /^AIDA/);
  assert.equal(d.userIdentity.accessKeyId, session.key);
  assert.equal(d.responseElements, null);
  assert.equal(d.readOnly, true);
});

test('the assumed-role session: AssumeRole by bob, then a call as AssumedRole with its session issuer', async (t) => {
  if (!session.roleIdentity || session.roleIdentity.error)
    return t.skip(`STS AssumeRole not available: ${JSON.stringify(session.assumed)}`);
  const [assume] = events(q.AssumeRole);
  assert.ok(assume);
  assert.equal(assume.detail.readOnly, true);
  assert.equal(assume.detail.requestParameters.roleSessionName, 'audit-session');
  assert.equal(assume.detail.responseElements.credentials.accessKeyId, session.roleKey);
  assert.equal(assume.detail.responseElements.credentials.sessionToken, undefined);
  assert.equal(assume.detail.responseElements.credentials.secretAccessKey, undefined);
  assert.deepEqual(assume.detail.resources, [
    { accountId: '000000000000', type: 'AWS::IAM::Role', ARN: 'arn:aws:iam::000000000000:role/auditor' },
  ]);

  const byKey = events(q.roleKey);
  const call = byKey.find((e) => e.EventName === 'GetCallerIdentity');
  assert.ok(call, JSON.stringify(byKey));
  assert.equal(call.Username, 'audit-session');
  const id = call.detail.userIdentity;
  assert.equal(id.type, 'AssumedRole');
  assert.equal(id.arn, 'arn:aws:sts::000000000000:assumed-role/auditor/audit-session');
  assert.match(id.principalId, /^AROA[A-Z0-9]+:audit-session$/);
  assert.equal(id.sessionContext.sessionIssuer.type, 'Role');
  assert.equal(id.sessionContext.sessionIssuer.arn, 'arn:aws:iam::000000000000:role/auditor');
  assert.equal(id.sessionContext.sessionIssuer.userName, 'auditor');
  assert.equal(id.sessionContext.attributes.mfaAuthenticated, 'false');
  assert.match(id.sessionContext.attributes.creationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('S3 CreateBucket is a management event with bucketName and Host', async () => {
  const [e] = events(q.CreateBucket);
  assert.ok(e);
  assert.equal(e.detail.requestParameters.bucketName, 'audit-session-bucket');
  assert.ok(e.detail.requestParameters.Host);
  assert.deepEqual(e.Resources, [{ ResourceType: 'AWS::S3::Bucket', ResourceName: 'audit-session-bucket' }]);
  assert.equal(e.detail.additionalEventData.SignatureVersion, 'SigV4');
  // Object-level calls are data events: never in the event history.
  assert.ok(session.put.ETag, JSON.stringify(session.put));
  assert.deepEqual(q.PutObject.Events, []);
});

test('lookup attributes, paging and regions', () => {
  const all = events(q.all);
  const times = all.map((e) => Date.parse(e.EventTime));
  assert.deepEqual(
    times,
    [...times].sort((a, b) => b - a),
    'newest first',
  );
  assert.equal(q.page1.Events.length, 2);
  assert.ok(q.page1.NextToken);
  const seen = new Set(q.page1.Events.map((e: any) => e.EventId));
  assert.ok(q.page2.Events.every((e: any) => !seen.has(e.EventId)));
  assert.ok(events(q.writes).every((e) => e.ReadOnly === 'false'));
  assert.deepEqual(
    events(q.byId).map((e) => e.EventId),
    [all[0].EventId],
  );
  const iam = events(q.iam);
  assert.ok(iam.length >= 3 && iam.every((e) => e.EventSource === 'iam.amazonaws.com'));
  assert.ok(events(q.resource).some((e) => e.EventName === 'CreateUser'));
  // IAM is global: its events are history in us-east-1 only.
  assert.equal(events(q.west).length, 0);
  // Only the first attribute counts (CloudTrail ignores the others).
  assert.deepEqual(
    events(q.two).map((e) => e.EventName),
    ['CreateUser'],
  );
  assert.equal(q.badToken.error, 'InvalidNextTokenException');
  assert.equal(q.badKey.error, 'InvalidLookupAttributesException');
  assert.equal(q.range.error, 'InvalidTimeRangeException');
});

test('SDK v3 paginates the history with typed dates', async () => {
  const ct = new CloudTrailClient(sdkConfig(server));
  const ids: string[] = [];
  for await (const page of paginateLookupEvents(
    { client: ct, pageSize: 3 },
    { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'root' }] },
  )) {
    for (const e of page.Events ?? []) {
      assert.ok(e.EventTime instanceof Date);
      assert.equal(e.Username, 'root');
      ids.push(e.EventId!);
    }
  }
  assert.ok(ids.length >= 5);
  assert.equal(new Set(ids).size, ids.length, 'no event twice');
});

test('events survive a restart', async () => {
  const dir = server.dataDir;
  const before = events(await lookup('MaxResults=50')).map((e) => e.EventId);
  await server.close();
  server = await startTestServer([], dir);
  const again = events(await lookup('MaxResults=50')).map((e) => e.EventId);
  for (const id of before) assert.ok(again.includes(id));
});
