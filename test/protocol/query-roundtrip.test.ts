/**
 * Round trips through botocore: what boto3 sends, Stratus's parsers read back as the same input;
 * what Stratus's serializers write, botocore parses back as the same output.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel, type ServiceName } from '../../src/protocol/model.ts';
import { parseQueryInput } from '../../src/protocol/parse/query.ts';
import { parseJsonInput } from '../../src/protocol/parse/json.ts';
import { serializeQueryError, serializeQueryOutput } from '../../src/protocol/serialize/query.ts';
import { serializeJsonError, serializeJsonOutput } from '../../src/protocol/serialize/json.ts';
import { AwsError } from '../../src/errors.ts';
import { startBotocore } from '../support/botocore.ts';

const boto = startBotocore();
after(() => boto.close());

/** JSON-safe form for comparing with botocore's answers. */
function plain(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return { $bytes: v.toString('base64') };
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

async function parsedFromBoto(service: ServiceName, operation: string, params: unknown) {
  const model = loadModel(service);
  const req = await boto.serialize(service, operation, params);
  const op = model.operations[operation]!;
  if (model.metadata.protocol === 'json') return parseJsonInput(model, op.input, Buffer.from(req.body));
  return parseQueryInput(model, op.input, new URLSearchParams(req.body));
}

const inputs: [ServiceName, string, Record<string, unknown>][] = [
  [
    'iam',
    'CreateUser',
    {
      UserName: 'alice',
      Path: '/eng/',
      Tags: [
        { Key: 'team', Value: 'a b&c' },
        { Key: 'k2', Value: '' },
      ],
    },
  ],
  [
    'iam',
    'PutUserPolicy',
    { UserName: 'u', PolicyName: 'p', PolicyDocument: '{"Version":"2012-10-17","Statement":[]}' },
  ],
  [
    'sts',
    'AssumeRole',
    {
      RoleArn: 'arn:aws:iam::000000000000:role/r',
      RoleSessionName: 's',
      DurationSeconds: 900,
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      Tags: [{ Key: 'k', Value: 'v' }],
    },
  ],
  [
    'ec2',
    'RunInstances',
    {
      ImageId: 'ami-1',
      MinCount: 1,
      MaxCount: 2,
      InstanceType: 't2.micro',
      KeyName: 'k',
      SecurityGroupIds: ['sg-1', 'sg-2'],
      UserData: 'IyEvYmluL3No',
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }],
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, DeleteOnTermination: true } }],
    },
  ],
  [
    'ec2',
    'DescribeImages',
    {
      Owners: ['self', 'amazon'],
      Filters: [{ Name: 'product-code', Values: ['aw0evgkw8e5c1q413zgy5pjce', 'x'] }],
      IncludeDeprecated: true,
    },
  ],
  [
    'ec2',
    'ImportKeyPair',
    { KeyName: 'k', PublicKeyMaterial: { $bytes: Buffer.from('ssh-ed25519 AAAA').toString('base64') } },
  ],
  [
    'cloudtrail',
    'LookupEvents',
    {
      LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'bob' }],
      StartTime: { $date: '2026-01-02T03:04:05+00:00' },
      MaxResults: 5,
    },
  ],
];

for (const [service, operation, params] of inputs) {
  test(`${service} ${operation}: Stratus reads what botocore sends`, async () => {
    const parsed = await parsedFromBoto(service, operation, params);
    const expected = JSON.parse(JSON.stringify(params), (_k, v) =>
      v && typeof v === 'object' && '$date' in v ? new Date(v.$date).toISOString() : v,
    );
    assert.deepEqual(plain(parsed), expected);
  });
}

test('iam ListUsers output parses in botocore (members, timestamps, booleans)', async () => {
  const model = loadModel('iam');
  const output = {
    Users: [
      {
        Path: '/',
        UserName: 'alice',
        UserId: 'AIDAEXAMPLE',
        Arn: 'arn:aws:iam::000000000000:user/alice',
        CreateDate: new Date('2026-01-01T00:00:00Z'),
        Tags: [{ Key: 'a', Value: '<&>' }],
      },
    ],
    IsTruncated: true,
    Marker: 'm1',
  };
  const res = serializeQueryOutput(model, model.operations.ListUsers!, output, 'req-1');
  const parsed = await boto.parse('iam', 'ListUsers', res.status, res.headers, res.body as string);
  assert.deepEqual(
    parsed,
    plain({ ...output, Users: [{ ...output.Users[0], CreateDate: '2026-01-01T00:00:00+00:00' }] }) as object,
  );
});

test('ec2 DescribeInstances output parses in botocore (item lists, nested structures)', async () => {
  const model = loadModel('ec2');
  const output = {
    Reservations: [
      {
        ReservationId: 'r-1',
        OwnerId: '000000000000',
        Groups: [],
        Instances: [
          {
            InstanceId: 'i-1',
            State: { Code: 16, Name: 'running' },
            Tags: [{ Key: 'Name', Value: 'web' }],
            LaunchTime: new Date('2026-01-01T00:00:00Z'),
            SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'default' }],
          },
        ],
      },
    ],
  };
  const res = serializeQueryOutput(model, model.operations.DescribeInstances!, output, 'req-2');
  assert.match(res.body as string, /<requestId>req-2<\/requestId>/);
  const parsed = await boto.parse('ec2', 'DescribeInstances', res.status, res.headers, res.body as string);
  assert.equal(parsed.Reservations[0].Instances[0].State.Name, 'running');
  assert.equal(parsed.Reservations[0].Instances[0].Tags[0].Value, 'web');
  assert.equal(parsed.Reservations[0].Instances[0].LaunchTime, '2026-01-01T00:00:00+00:00');
  assert.deepEqual(parsed.Reservations[0].Groups, []);
});

test('sts GetCallerIdentity output and query error envelope parse in botocore', async () => {
  const model = loadModel('sts');
  const ok = serializeQueryOutput(
    model,
    model.operations.GetCallerIdentity!,
    { UserId: '000000000000', Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' },
    'r',
  );
  assert.deepEqual(await boto.parse('sts', 'GetCallerIdentity', 200, ok.headers, ok.body as string), {
    UserId: '000000000000',
    Account: '000000000000',
    Arn: 'arn:aws:iam::000000000000:root',
  });
  const err = serializeQueryError(model, new AwsError('ValidationError', 'bad <thing>'), 'r');
  const parsed = await boto.parse('sts', 'GetCallerIdentity', err.status, err.headers, err.body as string);
  assert.equal(parsed.Error.Code, 'ValidationError');
  assert.equal(parsed.Error.Message, 'bad <thing>');
});

test('ec2 error envelope parses in botocore', async () => {
  const model = loadModel('ec2');
  const err = serializeQueryError(
    model,
    new AwsError('InvalidAMIID.NotFound', "The image id '[ami-1]' does not exist"),
    'r',
  );
  const parsed = await boto.parse('ec2', 'DescribeImages', err.status, err.headers, err.body as string);
  assert.equal(parsed.Error.Code, 'InvalidAMIID.NotFound');
});

test('json (CloudTrail) output and error parse in botocore', async () => {
  const model = loadModel('cloudtrail');
  const out = serializeJsonOutput(model, model.operations.LookupEvents!, {
    Events: [
      {
        EventId: 'e1',
        EventName: 'CreateBucket',
        EventTime: new Date('2026-01-01T00:00:01Z'),
        Resources: [],
      },
    ],
    NextToken: 't',
  });
  const parsed = await boto.parse('cloudtrail', 'LookupEvents', 200, out.headers, out.body as string);
  assert.equal(parsed.Events[0].EventTime, '2026-01-01T00:00:01+00:00');
  const err = serializeJsonError(model, new AwsError('TrailNotFoundException', 'Unknown trail'));
  const e = await boto.parse('cloudtrail', 'GetTrail', err.status, err.headers, err.body as string);
  assert.equal(e.Error.Code, 'TrailNotFoundException');
});
