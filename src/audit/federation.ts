/**
 * Who called AssumeRoleWithSAML / AssumeRoleWithWebIdentity: these calls are unsigned (the
 * assertion or token is the credential), so CloudTrail names the federated user from what STS
 * verified, and records the event in the role's account.
 */
import type { UserIdentity } from './types.ts';

type Out = Record<string, unknown> | undefined;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** The role's account (from RoleArn), for calls made in another account's name or none. */
export function roleAccount(input: Record<string, unknown> | undefined): string | undefined {
  const arn = str(input?.RoleArn);
  const account = arn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

export function federatedIdentity(
  operation: string,
  output: unknown,
): { identity: UserIdentity; username?: string } | undefined {
  const o = output as Out;
  if (operation === 'AssumeRoleWithSAML') {
    const subject = str(o?.Subject);
    const qualifier = str(o?.NameQualifier);
    return {
      identity: {
        type: 'SAMLUser',
        principalId: qualifier && subject ? `${qualifier}:${subject}` : '',
        ...(subject ? { userName: subject } : {}),
        ...(qualifier ? { identityProvider: qualifier } : {}),
      },
      username: subject,
    };
  }
  if (operation === 'AssumeRoleWithWebIdentity') {
    const sub = str(o?.SubjectFromWebIdentityToken);
    const provider = str(o?.Provider);
    const audience = str(o?.Audience);
    return {
      identity: {
        type: 'WebIdentityUser',
        principalId: provider && audience && sub ? `${provider}:${audience}:${sub}` : '',
        ...(sub ? { userName: sub } : {}),
        ...(provider ? { identityProvider: provider } : {}),
      },
      username: sub,
    };
  }
  return undefined;
}
