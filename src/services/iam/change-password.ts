/**
 * ChangePassword: an IAM user changes their own console password (the old one is checked, the new
 * one must meet the account password policy, including PasswordReusePrevention). Only IAM users
 * call it: root and role sessions get InvalidUserType (the AWS CLI's change-password example).
 * With AllowUsersToChangePassword set, users need no policy granting iam:ChangePassword
 * (`changePasswordGrant`, used by the authz mapper).
 */
import { AwsError } from '../../errors.ts';
import { InvalidUserTypeException, PasswordPolicyViolationException } from '../../generated/iam/errors.ts';
import type { AccountsRepository } from '../../accounts/repository.ts';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { mustGet, save } from './common.ts';
import { noSuch } from './errors.ts';
import { checkPassword, getPasswordPolicy } from './password-policy.ts';
import { passwordMatches, recentlyUsed, withNewPassword, type UserWithLogin } from './passwords.ts';
import type { IamState } from './state.ts';

/**
 * "Allow users to change their own password" as a resource policy on the user's own ARN: it
 * allows ChangePassword without an identity policy, while explicit denies still apply.
 */
export async function changePasswordGrant(
  s: IamState,
  ctx: HandlerContext,
  userArn: string,
): Promise<string | undefined> {
  if (!(await getPasswordPolicy(s, ctx.accountId))?.AllowUsersToChangePassword) return undefined;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: userArn }, Action: 'iam:ChangePassword', Resource: userArn },
    ],
  });
}

export function changePasswordHandlers(s: IamState, accounts?: AccountsRepository): ServiceHandlers {
  return {
    async ChangePassword(input: { OldPassword: string; NewPassword: string }, ctx) {
      const p = ctx.principal;
      if (p.type !== 'IAMUser' || !p.userName)
        throw new InvalidUserTypeException('Only IAM users can change their own password.');
      const u = (await mustGet(s, ctx, 'user', p.userName)) as UserWithLogin;
      const profile = u.loginProfile;
      if (!profile) throw noSuch(`Login Profile for User ${u.name} cannot be found.`);
      // Profiles from before passwords were kept have no hash: an old password that cannot be
      // checked is not taken (UpdateLoginProfile by an administrator sets one that can).
      if (!profile.passwordHash || !passwordMatches(input.OldPassword, profile.passwordHash))
        throw new AwsError('AccessDenied', 'The old password is incorrect.', 403);
      const name = (await accounts?.get(ctx.accountId))?.name;
      await checkPassword(s, ctx.accountId, input.NewPassword, name);
      const reuse = (await getPasswordPolicy(s, ctx.accountId))?.PasswordReusePrevention ?? 0;
      if (reuse > 0 && recentlyUsed(profile, input.NewPassword, reuse))
        throw new PasswordPolicyViolationException(
          'Password does not conform to the account password policy.',
        );
      const loginProfile = {
        ...withNewPassword(profile, input.NewPassword, ctx.now),
        passwordResetRequired: false,
      };
      await save(s, ctx, 'user', { ...u, loginProfile } as UserWithLogin);
      return {};
    },
  };
}
