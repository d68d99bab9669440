/**
 * The account password policy (Get/Update/DeleteAccountPasswordPolicy) and the check of IAM user
 * passwords against it, or, with no custom policy, against AWS's default policy (IAM User Guide,
 * "Set an account password policy for IAM users"): at least 8 characters, at least three of
 * upper case, lower case, numbers and symbols, not the account name or email address.
 * Passwords are kept as salted hashes only (passwords.ts); ChangePassword applies
 * PasswordReusePrevention.
 */
import { PasswordPolicyViolationException } from '../../generated/iam/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import { noSuch } from './errors.ts';
import type { IamState } from './state.ts';

const SETTING = 'password-policy';

export interface PasswordPolicy {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}

// The symbols a custom policy's RequireSymbols asks for (UpdateAccountPasswordPolicy docs).
const SYMBOLS = /[!@#$%^&*()_+\-=[\]{}|']/;

const noPolicy = (accountId: string) =>
  noSuch(`The Password Policy with domain name ${accountId} cannot be found.`);

export async function getPasswordPolicy(s: IamState, accountId: string): Promise<PasswordPolicy | undefined> {
  const text = await s.repo.getSetting(accountId, SETTING);
  return text === undefined ? undefined : (JSON.parse(text) as PasswordPolicy);
}

/**
 * Throws PasswordPolicyViolation when `password` breaks the account's policy. Wording: a custom
 * policy's refusal is "Password does not conform to the account password policy." (as
 * CloudFormation and boto relay it); the default policy's names the rule ("Password should have
 * a minimum length of 8", "Password should meet 1 more of the following requirements: ...").
 */
export async function checkPassword(
  s: IamState,
  accountId: string,
  password: string,
  accountName?: string,
): Promise<void> {
  const policy = await getPasswordPolicy(s, accountId);
  if (policy) {
    const ok =
      password.length >= policy.MinimumPasswordLength &&
      (!policy.RequireSymbols || SYMBOLS.test(password)) &&
      (!policy.RequireNumbers || /[0-9]/.test(password)) &&
      (!policy.RequireUppercaseCharacters || /[A-Z]/.test(password)) &&
      (!policy.RequireLowercaseCharacters || /[a-z]/.test(password));
    if (!ok)
      throw new PasswordPolicyViolationException('Password does not conform to the account password policy.');
    return;
  }
  const problem = defaultPolicyProblem(password, accountName);
  if (problem) throw new PasswordPolicyViolationException(problem);
}

/** What AWS's default password policy finds wrong with a password, if anything. */
export function defaultPolicyProblem(password: string, accountName?: string): string | undefined {
  if (password.length < 8) return 'Password should have a minimum length of 8';
  const classes: [RegExp, string][] = [
    [/[A-Z]/, 'Password should have at least one uppercase letter'],
    [/[a-z]/, 'Password should have at least one lowercase letter'],
    [/[0-9]/, 'Password should have at least one number'],
    [/[^A-Za-z0-9]/, 'Password should have at least one symbol'],
  ];
  const missing = classes.filter(([re]) => !re.test(password)).map(([, text]) => text);
  if (missing.length > 1)
    return `Password should meet ${missing.length - 1} more of the following requirements: ${missing.join(', ')}`;
  if (accountName && password.toLowerCase() === accountName.toLowerCase())
    return 'Password should not be identical to your AWS account name or email address';
  return undefined;
}

export function passwordPolicyHandlers(s: IamState): ServiceHandlers {
  return {
    async GetAccountPasswordPolicy(_input: unknown, ctx) {
      const p = await getPasswordPolicy(s, ctx.accountId);
      if (!p) throw noPolicy(ctx.accountId);
      return { PasswordPolicy: { ...p, ExpirePasswords: (p.MaxPasswordAge ?? 0) > 0 } };
    },

    // No partial updates: what is left out reverts to its default (UpdateAccountPasswordPolicy docs).
    async UpdateAccountPasswordPolicy(input: Partial<PasswordPolicy>, ctx) {
      const p: PasswordPolicy = {
        MinimumPasswordLength: input.MinimumPasswordLength ?? 6,
        RequireSymbols: input.RequireSymbols ?? false,
        RequireNumbers: input.RequireNumbers ?? false,
        RequireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
        RequireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
        AllowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
        ...(input.MaxPasswordAge !== undefined && { MaxPasswordAge: input.MaxPasswordAge }),
        ...(input.PasswordReusePrevention !== undefined && {
          PasswordReusePrevention: input.PasswordReusePrevention,
        }),
        ...(input.HardExpiry !== undefined && { HardExpiry: input.HardExpiry }),
      };
      await s.repo.putSetting(ctx.accountId, SETTING, JSON.stringify(p));
      return {};
    },

    async DeleteAccountPasswordPolicy(_input: unknown, ctx) {
      // Delete words it differently from Get (LocalStack's AWS-recorded
      // test_delete_account_password_policy_not_found).
      if (!(await s.repo.deleteSetting(ctx.accountId, SETTING)))
        throw noSuch('The account policy with name PasswordPolicy cannot be found.');
      return {};
    },
  };
}
