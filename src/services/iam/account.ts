/** Account-level IAM: the account alias and the account summary. */
import type { ServiceHandlers } from '../handler.ts';
import { ConflictError } from '../../store/errors.ts';
import { exists, noSuch } from './errors.ts';
import type { IamState } from './state.ts';

export function accountHandlers(s: IamState): ServiceHandlers {
  return {
    async CreateAccountAlias(input: { AccountAlias: string }, ctx) {
      const current = await s.repo.getAlias(ctx.accountId);
      if (current === input.AccountAlias) return {};
      try {
        await s.repo.setAlias(ctx.accountId, input.AccountAlias);
      } catch (e) {
        if (e instanceof ConflictError)
          throw exists(`The account alias ${input.AccountAlias} already exists.`);
        throw e;
      }
      return {};
    },

    async DeleteAccountAlias(input: { AccountAlias: string }, ctx) {
      if ((await s.repo.getAlias(ctx.accountId)) !== input.AccountAlias)
        throw noSuch(`The account alias ${input.AccountAlias} cannot be found.`);
      await s.repo.deleteAlias(ctx.accountId);
      return {};
    },

    async ListAccountAliases(_input: unknown, ctx) {
      const alias = await s.repo.getAlias(ctx.accountId);
      return { AccountAliases: alias ? [alias] : [], IsTruncated: false };
    },

    async GetAccountSummary(_input: unknown, ctx) {
      const count = async (k: 'user' | 'group' | 'role' | 'policy' | 'instance-profile') =>
        (await s.repo.listEntities(ctx.accountId, k)).length;
      return {
        SummaryMap: {
          Users: await count('user'),
          UsersQuota: 5000,
          Groups: await count('group'),
          GroupsQuota: 300,
          Roles: await count('role'),
          RolesQuota: 1000,
          Policies: await count('policy'),
          PoliciesQuota: 1500,
          InstanceProfiles: await count('instance-profile'),
          InstanceProfilesQuota: 1000,
          AccessKeysPerUserQuota: 2,
          GroupsPerUserQuota: 10,
          AttachedPoliciesPerUserQuota: 10,
          AttachedPoliciesPerGroupQuota: 10,
          AttachedPoliciesPerRoleQuota: 10,
          PolicyVersionsInUseQuota: 10000,
          VersionsPerPolicyQuota: 5,
          PolicySizeQuota: 6144,
          UserPolicySizeQuota: 2048,
          GroupPolicySizeQuota: 5120,
          RolePolicySizeQuota: 10240,
          AssumeRolePolicySizeQuota: 2048,
          AccountMFAEnabled: 0,
        },
      };
    },
  };
}
