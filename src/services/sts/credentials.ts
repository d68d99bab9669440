/**
 * Issues temporary credentials: an ASIA... key id, a secret and a session token. The token is
 * 256 random bytes (base64) stored with the session in SQLite; the auth layer compares it in
 * constant time, so any change to it is refused, and sessions survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { accessKeyId, secretAccessKey } from '../iam/ids.ts';
import { encodeSession, type SessionData } from '../iam/session-data.ts';
import type { IamState } from '../iam/state.ts';
import { PackedPolicyTooLargeException } from '../../generated/sts/errors.ts';

export interface IssuedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

export async function issueCredentials(
  s: IamState,
  accountId: string,
  data: SessionData,
  now: Date,
  durationSeconds: number,
): Promise<IssuedCredentials> {
  const id = accessKeyId(true);
  const secret = secretAccessKey();
  const token = 'IQoJb3JpZ2luX2Vj' + randomBytes(256).toString('base64');
  // AWS reports expiry to the second.
  const expiration = new Date(Math.floor(now.getTime() / 1000) * 1000 + durationSeconds * 1000);
  const principal = {
    ...data.principal,
    accessKeyId: id,
    tokenIssueTime: now.toISOString(),
    temporary: true,
  };
  await s.repo.putSession({
    accessKeyId: id,
    accountId,
    secretAccessKey: secret,
    sessionToken: token,
    expiresAt: expiration.toISOString(),
    data: encodeSession({ ...data, principal }),
  });
  return { AccessKeyId: id, SecretAccessKey: secret, SessionToken: token, Expiration: expiration };
}

/**
 * How many plaintext characters fill the packed allowance. AWS publishes no formula; these fit
 * observed answers: a 1,690-character session policy packs to 157% and one of 736 characters
 * with three tags to 82% (both refused or accepted as observed), and EKS Pod Identity's six
 * session tags (about 280 characters) use 74% (aws/containers-roadmap#2413).
 */
const POLICY_CHARS = 1100;
const TAG_CHARS = 400;

/**
 * PackedPolicySize: how much of the packed-policy allowance session policies and tags use
 * (percent). Over 100 AWS refuses the request (PackedPolicyTooLarge) and issues nothing, so this
 * runs before credentials are issued. The wording names what overflowed: the policies alone, or
 * the session tags on top of them.
 */
export function packedPolicySize(
  policy: string | undefined,
  arns: string[] | undefined,
  tags: { Key: string; Value: string }[] | undefined,
): number | undefined {
  if (!policy && !arns?.length && !tags?.length) return undefined;
  const policyChars = (policy ?? '').replace(/\s+/g, '').length + (arns ?? []).join('').length;
  const tagChars = (tags ?? []).reduce((n, t) => n + t.Key.length + t.Value.length, 0);
  const own = Math.ceil((policyChars * 100) / POLICY_CHARS);
  const total = Math.max(1, Math.ceil((policyChars * 100) / POLICY_CHARS + (tagChars * 100) / TAG_CHARS));
  if (total <= 100) return total;
  if (own > 100) throw new PackedPolicyTooLargeException(`Packed policy consumes ${own}% of allotted space`);
  throw new PackedPolicyTooLargeException(
    `Packed size of session tags consumes ${total}% of allotted space.`,
  );
}
