/**
 * Issues temporary credentials: an ASIA... key id, a secret and a session token. The token is
 * 256 random bytes (base64) stored with the session in SQLite; the auth layer compares it in
 * constant time, so any change to it is refused, and sessions survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { accessKeyId, secretAccessKey } from '../iam/ids.ts';
import { encodeSession, type SessionData } from '../iam/session-data.ts';
import type { IamState } from '../iam/state.ts';

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

/** PackedPolicySize: how much of the packed-policy allowance session policies and tags use (percent). */
export function packedPolicySize(
  policy: string | undefined,
  arns: string[] | undefined,
  tags: { Key: string; Value: string }[] | undefined,
): number | undefined {
  if (!policy && !arns?.length && !tags?.length) return undefined;
  const size =
    (policy ?? '').replace(/\s+/g, '').length +
    (arns ?? []).join('').length +
    JSON.stringify(tags ?? []).length;
  return Math.max(1, Math.ceil((size / 2048) * 100 * 0.5));
}
