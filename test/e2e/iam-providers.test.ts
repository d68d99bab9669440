/** SAML and OIDC providers' lifecycle, service-linked roles, GetAccountAuthorizationDetails, through boto3. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';
import { hasOpenssl, makeIdp } from '../sts/saml-idp.ts';

const { server } = useServer();

test('OIDC providers: client ids, thumbprints, tags, errors, delete', async () => {
  const out = await python(
    `iam = boto3.client("iam", config=NO_RETRY)
arn = iam.create_open_id_connect_provider(Url="https://oidc.example.test/tenant", ClientIDList=["a"], ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]
dup = call(iam.create_open_id_connect_provider, Url="https://oidc.example.test/tenant", ThumbprintList=["0" * 40])
iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="b")
iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="a")
iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=["1" * 40])
iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "k", "Value": "v"}])
got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
listed = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
gone = call(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=arn)
out({"arn": arn, "dup": dup["error"], "url": got["Url"], "clients": got["ClientIDList"], "thumbs": got["ThumbprintList"], "tags": got["Tags"], "listed": listed, "gone": gone["error"]})`,
    server.env(),
  );
  assert.deepEqual(out, {
    arn: 'arn:aws:iam::000000000000:oidc-provider/oidc.example.test/tenant',
    dup: 'EntityAlreadyExists',
    url: 'oidc.example.test/tenant',
    clients: ['b'],
    thumbs: ['1'.repeat(40)],
    tags: [{ Key: 'k', Value: 'v' }],
    listed: ['arn:aws:iam::000000000000:oidc-provider/oidc.example.test/tenant'],
    gone: 'NoSuchEntity',
  });
});

test(
  'SAML providers: update the metadata, delete',
  { skip: !hasOpenssl() && 'openssl not installed' },
  async () => {
    const first = makeIdp('https://idp.one.example');
    const second = makeIdp('https://idp.two.example');
    const out = await python(
      `iam = boto3.client("iam", config=NO_RETRY)
arn = iam.create_saml_provider(Name="corp", SAMLMetadataDocument=${JSON.stringify(first.metadata)})["SAMLProviderArn"]
iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=${JSON.stringify(second.metadata)})
doc = iam.get_saml_provider(SAMLProviderArn=arn)["SAMLMetadataDocument"]
iam.delete_saml_provider(SAMLProviderArn=arn)
out({"arn": arn, "second": "idp.two.example" in doc, "left": iam.list_saml_providers()["SAMLProviderList"]})`,
      server.env(),
    );
    assert.deepEqual(out, { arn: 'arn:aws:iam::000000000000:saml-provider/corp', second: true, left: [] });
  },
);

test(
  'GetSAMLProvider answers its UUID, AssertionEncryptionMode, PrivateKeyList and Tags (AWS-recorded fields)',
  { skip: !hasOpenssl() && 'openssl not installed' },
  async () => {
    const idp = makeIdp('https://idp.fields.example');
    const out = await python(
      `iam = boto3.client("iam", config=NO_RETRY)
arn = iam.create_saml_provider(Name="fields", SAMLMetadataDocument=${JSON.stringify(idp.metadata)})["SAMLProviderArn"]
g = iam.get_saml_provider(SAMLProviderArn=arn)
iam.update_saml_provider(SAMLProviderArn=arn, AssertionEncryptionMode="Required")
g2 = iam.get_saml_provider(SAMLProviderArn=arn)
out({"mode": g["AssertionEncryptionMode"], "keys": g["PrivateKeyList"], "tags": g["Tags"],
     "uuid": len(g["SAMLProviderUUID"]) == 36 and g["SAMLProviderUUID"] == g2["SAMLProviderUUID"],
     "after": g2["AssertionEncryptionMode"]})`,
      server.env(),
    );
    assert.deepEqual(out, { mode: 'Allowed', keys: [], tags: [], uuid: true, after: 'Required' });
  },
);

test('GetAccountAuthorizationDetails lists users, groups, roles and used policies with decoded documents', async () => {
  const out = await python(
    `import json
iam = boto3.client("iam", config=NO_RETRY)
doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
iam.create_user(UserName="aad-user")
iam.create_group(GroupName="aad-group")
iam.add_user_to_group(GroupName="aad-group", UserName="aad-user")
iam.put_user_policy(UserName="aad-user", PolicyName="inline", PolicyDocument=json.dumps(doc))
iam.attach_group_policy(GroupName="aad-group", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
d = iam.get_account_authorization_details()
u = [x for x in d["UserDetailList"] if x["UserName"] == "aad-user"][0]
out({"groups": u["GroupList"], "inline": u["UserPolicyList"][0]["PolicyDocument"], "policies": [p["PolicyName"] for p in d["Policies"]],
     "g": [g["AttachedManagedPolicies"] for g in d["GroupDetailList"]]})`,
    server.env(),
  );
  assert.deepEqual(out.groups, ['aad-group']);
  assert.deepEqual(out.inline, {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
  });
  assert.deepEqual(out.policies, ['ReadOnlyAccess']);
  assert.deepEqual(out.g, [
    [{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
  ]);
});

test('service-linked roles: named after the service, protected, deleted through their own operation', async () => {
  const out = await python(
    `iam = boto3.client("iam", config=NO_RETRY)
r = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]
dup = call(iam.create_service_linked_role, AWSServiceName="autoscaling.amazonaws.com")
custom = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="web")["Role"]["RoleName"]
prot = call(iam.delete_role, RoleName=r["RoleName"])
task = iam.delete_service_linked_role(RoleName=r["RoleName"])["DeletionTaskId"]
status = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"]
out({"arn": r["Arn"], "trust": r["AssumeRolePolicyDocument"], "dup": dup["error"], "custom": custom, "prot": [prot["error"], prot["message"]], "status": status, "task": task})`,
    server.env(),
  );
  assert.equal(
    out.arn,
    'arn:aws:iam::000000000000:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
  );
  assert.deepEqual(out.trust.Statement[0].Principal, { Service: ['autoscaling.amazonaws.com'] });
  assert.equal(out.dup, 'InvalidInput');
  assert.equal(out.custom, 'AWSServiceRoleForAutoScaling_web');
  assert.deepEqual(out.prot, [
    'UnmodifiableEntity',
    "Cannot perform the operation on the protected role 'AWSServiceRoleForAutoScaling' - this role is only modifiable by AWS",
  ]);
  assert.equal(out.status, 'SUCCEEDED');
  assert.match(
    out.task,
    /^task\/aws-service-role\/autoscaling\.amazonaws\.com\/AWSServiceRoleForAutoScaling\/[0-9a-f-]{36}$/,
  );
});

test("service-linked roles carry each service's own name; unknown services are refused", async () => {
  const out = await python(
    `iam = boto3.client("iam", config=NO_RETRY)
names = [iam.create_service_linked_role(AWSServiceName=s)["Role"]["Arn"].split(":role")[1] for s in (
    "ecs.amazonaws.com", "rds.amazonaws.com", "eks.amazonaws.com", "elasticache.amazonaws.com",
    "elasticbeanstalk.amazonaws.com", "dynamodb.application-autoscaling.amazonaws.com")]
unknown = call(iam.create_service_linked_role, AWSServiceName="foo.amazonaws.com")
out({"names": names, "unknown": [unknown["error"], unknown["status"]]})`,
    server.env(),
  );
  assert.deepEqual(out.names, [
    '/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS',
    '/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS',
    '/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS',
    '/aws-service-role/elasticache.amazonaws.com/AWSServiceRoleForElastiCache',
    '/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk',
    '/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable',
  ]);
  assert.deepEqual(out.unknown, ['InvalidInput', 400]);
});

test("a trust policy with a malformed Federated principal is refused in IAM's words", async () => {
  const out = await python(
    `iam = boto3.client("iam", config=NO_RETRY)
doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "not a domain!"}, "Action": "sts:AssumeRoleWithWebIdentity"}]})
r = call(iam.create_role, RoleName="bad-federated", AssumeRolePolicyDocument=doc)
out([r["error"], r["message"]])`,
    server.env(),
  );
  assert.deepEqual(out, [
    'MalformedPolicyDocument',
    'Federated principals must be valid domain names or SAML metadata ARNs',
  ]);
});

test('credential report: generate, then a CSV line per user with key facts', async () => {
  const out = await python(
    `iam = boto3.client("iam", config=NO_RETRY)
before = call(iam.get_credential_report)
iam.create_user(UserName="report-user")
key = iam.create_access_key(UserName="report-user")["AccessKey"]["AccessKeyId"]
first = iam.generate_credential_report()["State"]
second = iam.generate_credential_report()["State"]
r = iam.get_credential_report()
rows = [line.split(",") for line in r["Content"].decode().splitlines()]
out({"before": before["error"], "states": [first, second], "format": r["ReportFormat"], "header": rows[0][:3], "root": rows[1][0],
     "user": [x for x in rows if x[0] == "report-user"][0][8]})`,
    server.env(),
  );
  assert.deepEqual(out, {
    before: 'ReportNotPresent',
    states: ['STARTED', 'COMPLETE'],
    format: 'text/csv',
    header: ['user', 'arn', 'user_creation_time'],
    root: '<root_account>',
    user: 'true',
  });
});
