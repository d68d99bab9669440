/**
 * What kind of event a call is: its eventSource, whether it only reads, whether it is a data
 * event (S3 object-level calls) and which resources it names (the record's `resources` and
 * LookupEvents' Resources).
 */
import type { EventResource, LookupResource } from './types.ts';

export function eventSource(service: string): string {
  return `${service}.amazonaws.com`;
}

const READ_PREFIX = /^(Get|List|Describe|Head|Lookup|Search|Simulate|Select|Check)/;
/** STS calls CloudTrail marks readOnly although their names do not say so. */
const STS_READ = new Set([
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'GetSessionToken',
  'GetFederationToken',
  'GetCallerIdentity',
  'GetAccessKeyInfo',
  'DecodeAuthorizationMessage',
]);

export function isReadOnly(service: string, operation: string): boolean {
  if (service === 'sts') return STS_READ.has(operation) || READ_PREFIX.test(operation);
  return READ_PREFIX.test(operation);
}

/** S3 calls on objects (and object listings): CloudTrail data events, not management events. */
const S3_DATA = new Set([
  'GetObject',
  'PutObject',
  'DeleteObject',
  'DeleteObjects',
  'HeadObject',
  'CopyObject',
  'PostObject',
  'RestoreObject',
  'SelectObjectContent',
  'GetObjectAcl',
  'PutObjectAcl',
  'GetObjectTagging',
  'PutObjectTagging',
  'DeleteObjectTagging',
  'GetObjectAttributes',
  'GetObjectRetention',
  'PutObjectRetention',
  'GetObjectLegalHold',
  'PutObjectLegalHold',
  'GetObjectTorrent',
  'CreateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
  'ListObjects',
  'ListObjectsV2',
  'ListObjectVersions',
  'ListMultipartUploads',
]);

/** Object listings: data events whose object resource is the listed prefix (ARNPrefix). */
const LISTINGS = new Set(['ListObjects', 'ListObjectsV2', 'ListObjectVersions']);

export function isDataEvent(service: string, operation: string): boolean {
  return service === 's3' && S3_DATA.has(operation);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** The record's `resources`: S3 buckets and objects, the role of an AssumeRole. */
export function recordResources(
  service: string,
  operation: string,
  input: Record<string, unknown> | undefined,
  accountId: string,
): EventResource[] | undefined {
  if (!input) return undefined;
  if (service === 's3') {
    const bucket = str(input.Bucket);
    if (!bucket) return undefined;
    const out: EventResource[] = [];
    const key = str(input.Key);
    if (key !== undefined) out.push({ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` });
    else if (LISTINGS.has(operation))
      out.push({ type: 'AWS::S3::Object', ARNPrefix: `arn:aws:s3:::${bucket}/${str(input.Prefix) ?? ''}` });
    out.push({ accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` });
    return out;
  }
  if (service === 'sts' && operation.startsWith('AssumeRole')) {
    const arn = str(input.RoleArn);
    if (arn) return [{ accountId: arn.split(':')[4] ?? accountId, type: 'AWS::IAM::Role', ARN: arn }];
  }
  return undefined;
}

/** Input members that name a resource, and the CloudTrail resource type they name. */
const NAMED: Record<string, Record<string, string>> = {
  iam: {
    UserName: 'AWS::IAM::User',
    GroupName: 'AWS::IAM::Group',
    RoleName: 'AWS::IAM::Role',
    PolicyArn: 'AWS::IAM::Policy',
    InstanceProfileName: 'AWS::IAM::InstanceProfile',
    AccessKeyId: 'AWS::IAM::AccessKey',
  },
  sts: { RoleArn: 'AWS::IAM::Role' },
  s3: { Bucket: 'AWS::S3::Bucket' },
  ec2: {
    InstanceId: 'AWS::EC2::Instance',
    InstanceIds: 'AWS::EC2::Instance',
    ImageId: 'AWS::EC2::Ami',
    ImageIds: 'AWS::EC2::Ami',
    KeyName: 'AWS::EC2::KeyPair',
    KeyNames: 'AWS::EC2::KeyPair',
    VpcId: 'AWS::EC2::VPC',
    VpcIds: 'AWS::EC2::VPC',
    SubnetId: 'AWS::EC2::Subnet',
    SubnetIds: 'AWS::EC2::Subnet',
    GroupId: 'AWS::EC2::SecurityGroup',
    GroupIds: 'AWS::EC2::SecurityGroup',
    SecurityGroupIds: 'AWS::EC2::SecurityGroup',
    VolumeId: 'AWS::EC2::Volume',
    AllocationId: 'AWS::EC2::EIP',
  },
  cloudtrail: {
    Name: 'AWS::CloudTrail::Trail',
    TrailName: 'AWS::CloudTrail::Trail',
    ResourceId: 'AWS::CloudTrail::Trail',
  },
};

function addNamed(out: LookupResource[], type: string, v: unknown): void {
  if (Array.isArray(v)) for (const x of v) addNamed(out, type, x);
  else if (typeof v === 'string' && v && !out.some((r) => r.type === type && r.name === v))
    out.push({ type, name: v });
}

/** LookupEvents' Resources: what the call names (and creates: new keys, instances, policies). */
export function lookupResources(
  service: string,
  input: Record<string, unknown> | undefined,
  output: unknown,
): LookupResource[] {
  const out: LookupResource[] = [];
  const names = NAMED[service];
  if (names && input) for (const [member, type] of Object.entries(names)) addNamed(out, type, input[member]);
  if (!output || typeof output !== 'object') return out;
  const o = output as Record<string, any>;
  if (service === 'iam') {
    addNamed(out, 'AWS::IAM::AccessKey', o.AccessKey?.AccessKeyId);
    addNamed(out, 'AWS::IAM::Policy', o.Policy?.Arn);
  } else if (service === 'sts') {
    addNamed(out, 'AWS::IAM::AccessKey', o.Credentials?.AccessKeyId);
    addNamed(out, 'AWS::STS::AssumedRole', o.AssumedRoleUser?.Arn);
    addNamed(out, 'AWS::STS::FederatedUser', o.FederatedUser?.Arn);
  } else if (service === 'ec2') {
    for (const i of o.Instances ?? []) addNamed(out, 'AWS::EC2::Instance', i?.InstanceId);
    addNamed(out, 'AWS::EC2::Ami', o.ImageId);
    addNamed(out, 'AWS::EC2::SecurityGroup', o.GroupId);
    addNamed(out, 'AWS::EC2::VPC', o.Vpc?.VpcId);
    addNamed(out, 'AWS::EC2::Subnet', o.Subnet?.SubnetId);
  }
  return out;
}
