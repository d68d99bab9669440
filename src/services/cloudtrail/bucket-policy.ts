/**
 * The check CreateTrail and UpdateTrail make on the trail's bucket, as CloudTrail does: its
 * policy must let cloudtrail.amazonaws.com read the bucket ACL (s3:GetBucketAcl) and write
 * objects under [prefix/]AWSLogs/ACCOUNT/ with the bucket-owner-full-control ACL (s3:PutObject).
 * Evaluated with the IAM policy engine, so conditions (aws:SourceArn, aws:SourceAccount,
 * s3:x-amz-acl) behave as on AWS.
 */
import { evaluate } from '../../policy/index.ts';
import {
  InsufficientS3BucketPolicyException,
  S3BucketDoesNotExistException,
} from '../../generated/cloudtrail/errors.ts';
import { CLOUDTRAIL_PRINCIPAL, type TrailBucketAccess } from './s3-access.ts';

export async function checkTrailBucket(
  access: TrailBucketAccess,
  q: { bucket: string; prefix?: string; accountId: string; region: string; trailArn: string },
): Promise<void> {
  const info = await access.bucket(q.bucket, q.accountId, q.region);
  if (!info) throw new S3BucketDoesNotExistException(`S3 bucket does not exist: ${q.bucket}`);
  if (info.policy === null) return; // S3 cannot report policies yet (see s3-access.ts).
  const insufficient = () =>
    new InsufficientS3BucketPolicyException(`Incorrect S3 bucket policy is detected for bucket: ${q.bucket}`);
  if (!info.policy) throw insufficient();
  const context = {
    'aws:SourceArn': q.trailArn,
    'aws:SourceAccount': q.accountId,
    'aws:SecureTransport': 'true',
  };
  const allowed = (action: string, resource: string, extra: Record<string, string> = {}) => {
    try {
      return (
        evaluate({
          principal: CLOUDTRAIL_PRINCIPAL,
          action,
          resource,
          context: { ...context, ...extra },
          resourcePolicy: { document: info.policy!, ownerAccountId: q.accountId },
          resourceAccountId: q.accountId,
        }).decision === 'Allow'
      );
    } catch {
      return false;
    }
  };
  const prefix = q.prefix ? `${q.prefix}/` : '';
  const objectArn = `arn:aws:s3:::${q.bucket}/${prefix}AWSLogs/${q.accountId}/CloudTrail/${q.region}/log.json.gz`;
  if (!allowed('s3:GetBucketAcl', `arn:aws:s3:::${q.bucket}`)) throw insufficient();
  if (!allowed('s3:PutObject', objectArn, { 's3:x-amz-acl': 'bucket-owner-full-control' }))
    throw insufficient();
}
