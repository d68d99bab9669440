/** Opaque continuation tokens: the last entry of a page, base64url-wrapped with a version tag. */
import { AwsError } from '../../errors.ts';

export function encodeToken(last: string): string {
  return Buffer.from(`1:${last}`, 'utf8').toString('base64url');
}

export function decodeToken(token: string, argumentName: string): string {
  const raw = Buffer.from(token, 'base64url').toString('utf8');
  if (!raw.startsWith('1:') || encodeToken(raw.slice(2)) !== token) {
    // S3 names the argument but does not echo the token back.
    throw new AwsError('InvalidArgument', 'The continuation token provided is incorrect', 400, {
      ArgumentName: argumentName,
    });
  }
  return raw.slice(2);
}
