/**
 * The ec2 query protocol as AWS answers it (boto3): parameters the operation does not have are
 * UnknownParameter; the action, version and query signatures are not parameters of the input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const { server } = useServer({ args: ['--machines=metadata'] });

test('unknown parameters: UnknownParameter naming the first segment, case-sensitive; EC2 only', async () => {
  const r = await python(
    `import urllib.request, urllib.error
c = client("ec2", region_name="us-east-1")
def sending(extra):
    # Adds form parameters to what botocore serialized; it signs the result as usual.
    def add(params, **kw):
        params["body"].update(extra)
    c.meta.events.register("before-call.ec2.DescribeVpcs", add)
    try:
        return call(c.describe_vpcs)
    finally:
        c.meta.events.unregister("before-call.ec2.DescribeVpcs", add)
top = sending({"Foo": "bar"})
nested = sending({"Foo.1.Bar": "x"})
lower = sending({"vpcId.1": "vpc-12345678"})
known = sending({"VpcId.1": "vpc-12345678"})
# Query-string SigV4 (X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, -Signature).
# The model says POST; a presigned URL is followed with GET.
url = c.generate_presigned_url("describe_vpcs", Params={}, ExpiresIn=300, HttpMethod="GET")
with urllib.request.urlopen(url) as resp:
    presigned = resp.status
iam = client("iam", region_name="us-east-1")
def add_iam(params, **kw):
    params["body"]["Foo"] = "bar"
iam.meta.events.register("before-call.iam.ListUsers", add_iam)
iam_users = "Users" in call(iam.list_users)
out([top, nested, lower, known["error"], presigned, iam_users])`,
    server.env(),
  );
  const unknown = (name: string) => ({
    error: 'UnknownParameter',
    message: `The parameter ${name} is not recognized`,
    status: 400,
  });
  assert.deepEqual(r[0], unknown('Foo'));
  assert.deepEqual(r[1], unknown('Foo'));
  assert.deepEqual(r[2], unknown('vpcId'));
  assert.equal(r[3], 'InvalidVpcID.NotFound');
  assert.equal(r[4], 200);
  assert.equal(r[5], true);
});

test('an unknown action: InvalidAction worded as EC2 words it; IAM keeps its own wording', async () => {
  const r = await python(
    `c = client("ec2", region_name="us-east-1")
def rename(params, **kw):
    params["body"]["Action"] = "DescribeNothing"
c.meta.events.register("before-call.ec2.DescribeVpcs", rename)
iam = client("iam", region_name="us-east-1")
def rename_iam(params, **kw):
    params["body"]["Action"] = "ListNothing"
iam.meta.events.register("before-call.iam.ListUsers", rename_iam)
out([call(c.describe_vpcs), call(iam.list_users)])`,
    server.env(),
  );
  assert.deepEqual(r[0], {
    error: 'InvalidAction',
    message: 'The action DescribeNothing is not valid for this web service.',
    status: 400,
  });
  assert.equal(r[1].error, 'InvalidAction');
  assert.match(r[1].message, /^Could not find operation ListNothing for version 2010-05-08/);
});
