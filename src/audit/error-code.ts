/**
 * The errorCode CloudTrail writes for a failed call, which is not always the code on the wire:
 * EC2's carry who was at fault ("Client.UnauthorizedOperation", "Server.InternalError"), and
 * IAM's and STS's are the model's error shape names ("NoSuchEntityException" for NoSuchEntity).
 * S3's and CloudTrail's are the wire codes.
 */
import { shapeNamesByCode as iamShapes } from '../generated/iam/errors.ts';
import { shapeNamesByCode as stsShapes } from '../generated/sts/errors.ts';

export function trailErrorCode(service: string, code: string, status: number): string {
  switch (service) {
    case 'ec2':
      return `${status >= 500 ? 'Server' : 'Client'}.${code}`;
    case 'iam':
      return iamShapes[code] ?? code;
    case 'sts':
      return stsShapes[code] ?? code;
    default:
      return code;
  }
}
