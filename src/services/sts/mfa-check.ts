/**
 * SerialNumber + TokenCode on GetSessionToken / AssumeRole: both or neither; the code must be a
 * fresh one of the caller's enabled virtual MFA device (it is used up). AWS answers AccessDenied.
 */
import type { Principal } from '../../auth/principal.ts';
import { AwsError } from '../../errors.ts';
import { verifyMfa } from '../iam/mfa.ts';
import type { IamState } from '../iam/state.ts';

export async function checkMfa(
  s: IamState,
  p: Principal,
  serial: string | undefined,
  code: string | undefined,
  now: Date,
): Promise<boolean> {
  if (serial === undefined && code === undefined) return false;
  if (serial === undefined || code === undefined || !(await verifyMfa(s, p, serial, code, now, true))) {
    throw new AwsError(
      'AccessDenied',
      'MultiFactorAuthentication failed with invalid MFA one time pass code.',
      403,
    );
  }
  return true;
}
