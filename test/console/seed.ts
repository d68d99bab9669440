/**
 * Data for the console's browser tests, made with the real SDK clients: two buckets (one the
 * restricted user may browse, one it may not), objects under prefixes with metadata and tags,
 * an IAM user with a restricted policy and an access key, a group, a role, a managed policy,
 * and (when EC2 runs) a key pair and an instance with console output.
 */
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  PutBucketTaggingCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import {
  IAMClient,
  CreateUserCommand,
  PutUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  AddUserToGroupCommand,
  CreateRoleCommand,
  CreatePolicyCommand,
  AttachRolePolicyCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  EC2Client,
  CreateKeyPairCommand,
  DescribeImagesCommand,
  RunInstancesCommand,
  GetConsoleOutputCommand,
} from '@aws-sdk/client-ec2';
import { sdkConfig, type TestServer } from '../support/server.ts';

export interface Seeded {
  restricted?: { accessKeyId: string; secretAccessKey: string };
  instanceId?: string;
  consoleText?: string;
}

export const OPEN_BUCKET = 'console-photos';
export const CLOSED_BUCKET = 'console-secrets';
export const RESTRICTED_USER = 'auditor';
/** A role the restricted user may assume; it may read IAM users and nothing else. */
export const VIEWER_ROLE = 'iam-viewer';

/** What the restricted user may do: browse one bucket and look at EC2. Nothing in IAM or CloudTrail. */
export const RESTRICTED_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:GetBucketLocation'], Resource: '*' },
    { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: `arn:aws:s3:::${OPEN_BUCKET}` },
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectTagging'],
      Resource: `arn:aws:s3:::${OPEN_BUCKET}/*`,
    },
    { Effect: 'Allow', Action: ['ec2:Describe*', 'ec2:GetConsoleOutput'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: `arn:aws:iam::000000000000:role/${VIEWER_ROLE}`,
    },
  ],
};

async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e: any) {
    if (e?.name === 'NotImplemented' || e?.$metadata?.httpStatusCode === 501) return undefined;
    throw e;
  }
}

export async function seed(server: TestServer): Promise<Seeded> {
  const out: Seeded = {};
  const s3 = new S3Client(sdkConfig(server));
  for (const b of [OPEN_BUCKET, CLOSED_BUCKET]) await s3.send(new CreateBucketCommand({ Bucket: b }));
  const put = (Bucket: string, Key: string, Body: string, extra: Record<string, unknown> = {}) =>
    s3.send(new PutObjectCommand({ Bucket, Key, Body, ...extra }));
  await put(OPEN_BUCKET, 'readme.txt', 'Photos of the trip.\n', {
    ContentType: 'text/plain',
    Metadata: { owner: 'ana' },
  });
  await put(OPEN_BUCKET, '2024/summer/beach.jpg', 'not really a jpeg', {
    ContentType: 'image/jpeg',
    Metadata: { camera: 'x100' },
  });
  await put(OPEN_BUCKET, '2024/summer/dunes <img src=x onerror=alert(1)> &amp; "sky".jpg', 'markup in a key');
  await put(OPEN_BUCKET, '2024/winter/snow.jpg', 'cold');
  await put(CLOSED_BUCKET, 'passwords.txt', 'hunter2');
  await optional(
    s3.send(
      new PutObjectTaggingCommand({
        Bucket: OPEN_BUCKET,
        Key: '2024/summer/beach.jpg',
        Tagging: { TagSet: [{ Key: 'album', Value: 'summer' }] },
      }),
    ),
  );
  await optional(
    s3.send(
      new PutBucketTaggingCommand({
        Bucket: OPEN_BUCKET,
        Tagging: { TagSet: [{ Key: 'team', Value: 'travel' }] },
      }),
    ),
  );

  const iam = new IAMClient(sdkConfig(server));
  const user = await optional(iam.send(new CreateUserCommand({ UserName: RESTRICTED_USER })));
  if (user) {
    await iam.send(
      new PutUserPolicyCommand({
        UserName: RESTRICTED_USER,
        PolicyName: 'browse-photos',
        PolicyDocument: JSON.stringify(RESTRICTED_POLICY),
      }),
    );
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: RESTRICTED_USER }));
    out.restricted = {
      accessKeyId: key.AccessKey!.AccessKeyId!,
      secretAccessKey: key.AccessKey!.SecretAccessKey!,
    };
    await iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: RESTRICTED_USER }));
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'deployer',
        Description: 'Deploys the site',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'site-writer',
        Description: 'Writes the site bucket',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:PutObject'], Resource: `arn:aws:s3:::${OPEN_BUCKET}/site/*` },
          ],
        }),
      }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'deployer', PolicyArn: policy.Policy!.Arn! }));
    await iam.send(
      new CreateRoleCommand({
        RoleName: VIEWER_ROLE,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::000000000000:root' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: VIEWER_ROLE,
        PolicyName: 'list-users',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }],
        }),
      }),
    );
  }

  const ec2 = new EC2Client(sdkConfig(server));
  const images = await optional(ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] })));
  const image = images?.Images?.[0]?.ImageId;
  if (image) {
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'console-key' }));
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: image,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
        KeyName: 'console-key',
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web-1' }] }],
      }),
    );
    out.instanceId = run.Instances![0]!.InstanceId!;
    // The metadata driver writes the console log once the instance has booted: poll, bounded.
    for (let i = 0; i < 200 && !out.consoleText; i++) {
      const o = await ec2.send(new GetConsoleOutputCommand({ InstanceId: out.instanceId }));
      if (o.Output) out.consoleText = Buffer.from(o.Output, 'base64').toString('utf8');
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  return out;
}
