/**
 * EC2 instances through child-process clients: the AWS CLI (run-instances, get-console-output),
 * boto3's client waiters and resource API, and Debian's boto3 1.26 / AWS CLI v2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetConsoleOutputCommand,
  DescribeImagesCommand,
  DescribeNetworkInterfacesCommand,
  CreateImageCommand,
  waitUntilInstanceRunning,
  waitUntilImageAvailable,
} from '@aws-sdk/client-ec2';
import { useServer } from '../support/use-server.ts';
import {
  python,
  run,
  AWS_CLI_V1,
  AWS_CLI_V2,
  DEBIAN_PYTHON,
  hasAwsCliV2,
  hasDebianBoto3,
} from '../support/clients.ts';
import { errorOf, wait } from '../support/ec2.ts';

let ami: string;

const { server, ec2 } = useServer({
  args: ['--machines=metadata'],
  region: 'us-west-2',
  async setup() {
    const images = await ec2.send(
      new DescribeImagesCommand({
        Filters: [{ Name: 'product-code', Values: ['aw0evgkw8e5c1q413zgy5pjce'] }],
      }),
    );
    ami = images.Images![0]!.ImageId!;
  },
});

test('console output (SDK and CLI), network interfaces, boto3 waiters and images from an instance', async () => {
  const r = await run(
    AWS_CLI_V1,
    [
      'ec2',
      'run-instances',
      '--region',
      'us-west-2',
      '--image-id',
      ami,
      '--count',
      '1',
      '--instance-type',
      't2.micro',
      '--output',
      'json',
    ],
    server.env(),
  );
  assert.equal(r.code, 0, r.stderr);
  const id = JSON.parse(r.stdout).Instances[0].InstanceId as string;
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  const out = await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }));
  const text = Buffer.from(out.Output!, 'base64').toString();
  assert.match(text, /-----BEGIN SSH HOST KEY KEYS-----\nssh-rsa AAAA/);
  assert.ok(out.Timestamp instanceof Date);
  const cli = await run(
    AWS_CLI_V1,
    ['ec2', 'get-console-output', '--region', 'us-west-2', '--instance-id', id, '--output', 'json'],
    server.env(),
  );
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).Output, text, 'the CLI decodes the base64 output');
  const enis = await ec2.send(
    new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [id] }] }),
  );
  assert.equal(enis.NetworkInterfaces!.length, 1);
  const image = await ec2.send(
    new CreateImageCommand({ InstanceId: id, Name: 'my image (v1)', Description: 'mine' }),
  );
  await waitUntilImageAvailable({ client: ec2, ...wait }, { ImageIds: [image.ImageId!] });
  const mine = (await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images!;
  assert.deepEqual(
    mine.map((i) => [i.ImageId, i.Name, i.Public, i.ProductCodes![0]?.ProductCodeId]),
    [[image.ImageId, 'my image (v1)', false, 'aw0evgkw8e5c1q413zgy5pjce']],
  );
  assert.equal(
    (await errorOf(ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'my image (v1)' })))).name,
    'InvalidAMIName.Duplicate',
  );
  const boto = await python(
    `c = boto3.client("ec2", region_name="us-west-2")
r = c.run_instances(ImageId="${image.ImageId}", MinCount=1, MaxCount=1, InstanceType="t2.micro", UserData="#!/bin/sh\\necho hi\\n")
iid = r["Instances"][0]["InstanceId"]
c.get_waiter("instance_running").wait(InstanceIds=[iid], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
ud = c.describe_instance_attribute(InstanceId=iid, Attribute="userData")["UserData"]["Value"]
c.terminate_instances(InstanceIds=[iid, "${id}"])
c.get_waiter("instance_terminated").wait(InstanceIds=[iid, "${id}"], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
out([c.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"], ud])`,
    server.env(),
  );
  assert.deepEqual(boto, ['terminated', Buffer.from('#!/bin/sh\necho hi\n').toString('base64')]);
});

// endpoint_url given explicitly: boto3 1.26 predates AWS_ENDPOINT_URL.
const resourceFlow = `import os
ec2 = boto3.resource("ec2", region_name="us-west-2", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
c = ec2.meta.client
ami = c.describe_images(Owners=["099720109477"], Filters=[{"Name": "architecture", "Values": ["x86_64"]}])["Images"][0]["ImageId"]
vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")
vpc.wait_until_available()
subnet = vpc.create_subnet(CidrBlock="10.50.1.0/24")
sg = vpc.create_security_group(GroupName="res", Description="resource api")
sg.authorize_ingress(IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
[inst] = ec2.create_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet.id, SecurityGroupIds=[sg.id])
inst.wait_until_running(WaiterConfig={"Delay": 1, "MaxAttempts": 60})
inst.reload()
vols = c.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [inst.id]}])["Volumes"]
credits = c.describe_instance_credit_specifications(InstanceIds=[inst.id])["InstanceCreditSpecifications"]
state = [inst.state["Name"], inst.subnet_id == subnet.id, inst.private_ip_address.startswith("10.50.1."), inst.public_ip_address, len(vols), credits[0]["CpuCredits"]]
inst.terminate()
inst.wait_until_terminated(WaiterConfig={"Delay": 1, "MaxAttempts": 60})
sg.delete()
subnet.delete()
vpc.delete()
out(state)`;

test('the boto3 resource API: VPC, subnet, group, instance and its waiters', async () => {
  const r = await python(resourceFlow, server.env());
  assert.deepEqual(r, ['running', true, true, null, 1, 'unlimited']);
});

test(
  "Debian's boto3 1.26 and AWS CLI v2 drive the same flow",
  { skip: !hasDebianBoto3() && 'Debian python3-boto3 not installed' },
  async () => {
    const r = await python(resourceFlow.replaceAll('10.50.', '10.51.'), server.env(), DEBIAN_PYTHON);
    assert.deepEqual(r, ['running', true, true, null, 1, 'unlimited']);
    if (!hasAwsCliV2()) return;
    const cli = await run(
      AWS_CLI_V2,
      [
        'ec2',
        'describe-images',
        '--endpoint-url',
        server.endpoint,
        '--region',
        'us-west-2',
        '--owners',
        'amazon',
        '--filters',
        'Name=name,Values=al2023-ami-*-x86_64',
        '--query',
        'Images[].Name',
        '--output',
        'json',
      ],
      server.env(),
    );
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout), ['al2023-ami-2023.5.20240722.0-kernel-6.1-x86_64']);
  },
);
