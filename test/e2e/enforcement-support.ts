/**
 * Shared by the enforcement e2e tests: SDK v3 clients for a set of credentials, one probe call
 * per service (what an unauthorised principal is refused and an authorised one allowed), users
 * with access keys (test/support/iam.ts).
 */
import { S3Client, ListBucketsCommand, ListObjectsV2Command, CreateBucketCommand } from '@aws-sdk/client-s3';
import { createAccount } from '../../src/accounts/accounts.ts';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { STSClient, GetAccessKeyInfoCommand } from '@aws-sdk/client-sts';
import { EC2Client, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { sdkConfig, type TestServer } from '../support/server.ts';
import { createUserWithKeys, type Creds } from '../support/iam.ts';

export type { Creds };

export interface Clients {
  s3: S3Client;
  iam: IAMClient;
  sts: STSClient;
  ec2: EC2Client;
  cloudtrail: CloudTrailClient;
}

export function clientsFor(server: TestServer, creds: Creds = server.credentials): Clients {
  const c = sdkConfig(server, creds);
  return {
    s3: new S3Client(c),
    iam: new IAMClient(c),
    sts: new STSClient(c),
    ec2: new EC2Client(c),
    cloudtrail: new CloudTrailClient(c),
  };
}

export interface Outcome {
  code: string;
  status?: number;
  message: string;
}

/** 'ok', or the AWS error the client parsed. */
export async function outcome(p: Promise<unknown>): Promise<'ok' | Outcome> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
}

export const code = async (p: Promise<unknown>): Promise<string> => {
  const o = await outcome(p);
  return o === 'ok' ? 'ok' : o.code;
};

export type Probe = Record<keyof Clients, string>;

/** The actions each probe needs, for policies that grant the whole probe. */
export const PROBE_ACTIONS = [
  's3:ListBucket',
  'iam:ListUsers',
  'sts:GetAccessKeyInfo',
  'ec2:DescribeVpcs',
  'cloudtrail:DescribeTrails',
];

/** One call per service: 'ok' or the error code. */
export async function probe(c: Clients, bucket: string, keyId: string): Promise<Probe> {
  const [s3, iam, sts, ec2, cloudtrail] = await Promise.all([
    code(c.s3.send(new ListObjectsV2Command({ Bucket: bucket }))),
    code(c.iam.send(new ListUsersCommand({}))),
    code(c.sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: keyId }))),
    code(c.ec2.send(new DescribeVpcsCommand({}))),
    code(c.cloudtrail.send(new DescribeTrailsCommand({}))),
  ]);
  return { s3: s3!, iam: iam!, sts: sts!, ec2: ec2!, cloudtrail: cloudtrail! };
}

export const DENIED: Probe = {
  s3: 'AccessDenied',
  iam: 'AccessDenied',
  sts: 'AccessDenied',
  ec2: 'UnauthorizedOperation',
  cloudtrail: 'AccessDeniedException',
};
export const ALLOWED: Probe = { s3: 'ok', iam: 'ok', sts: 'ok', ec2: 'ok', cloudtrail: 'ok' };

export const doc = (...statements: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });
export const allowDoc = (action: string | string[], resource: string | string[] = '*') =>
  doc({ Effect: 'Allow', Action: action, Resource: resource });

let seq = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

/** A user with an access key (and the inline policy 'inline' when given). */
export const createUser = createUserWithKeys;

export async function createBucket(s3: S3Client, name: string): Promise<string> {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/**
 * A second account (as `stratus accounts create` makes one): its id, its root's clients, and
 * its S3 canonical id (ListBuckets' Owner).
 */
export async function secondAccount(
  server: TestServer,
  name: string,
): Promise<{ accountId: string; clients: Clients; canonicalId: string }> {
  const { account, rootCredential } = await createAccount(server.accounts, name);
  const { accessKeyId, secretAccessKey } = rootCredential;
  const clients = clientsFor(server, { accessKeyId, secretAccessKey });
  const canonicalId = (await clients.s3.send(new ListBucketsCommand({}))).Owner!.ID!;
  return { accountId: account.id, clients, canonicalId };
}
