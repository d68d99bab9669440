/** Account-level IAM: the account alias and the account summary (every key of summaryKeyType). */
import type { AccountsRepository } from '../../accounts/repository.ts';
import type { ServiceHandlers } from '../handler.ts';
import { ConflictError } from '../../store/errors.ts';
import { exists, noSuch } from './errors.ts';
import { rootHasSigningCertificate } from './signing-certificates.ts';
import type { IamState } from './state.ts';

export function accountHandlers(s: IamState, accounts: AccountsRepository): ServiceHandlers {
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
      const a = ctx.accountId;
      const users = await s.repo.listEntities(a, 'user');
      const groups = await s.repo.listEntities(a, 'group');
      const roles = await s.repo.listEntities(a, 'role');
      const devices = await s.repo.listEntities(a, 'mfa-device');
      // Every attachment of a managed policy counts as a version in use.
      let attachments = 0;
      for (const e of [...users, ...groups, ...roles])
        attachments += (await s.repo.linksFrom(a, 'attach', e.id)).length;
      const providers =
        (await s.repo.listEntities(a, 'saml-provider')).length +
        (await s.repo.listEntities(a, 'oidc-provider')).length;
      const rootKeys = (await accounts.listRootCredentials(a)).length;
      return {
        SummaryMap: {
          Users: users.length,
          UsersQuota: 5000,
          Groups: groups.length,
          GroupsQuota: 300,
          Roles: roles.length,
          RolesQuota: 1000,
          Policies: (await s.repo.listEntities(a, 'policy')).length,
          PoliciesQuota: 1500,
          InstanceProfiles: (await s.repo.listEntities(a, 'instance-profile')).length,
          InstanceProfilesQuota: 1000,
          ServerCertificates: (await s.repo.listEntities(a, 'server-certificate')).length,
          ServerCertificatesQuota: 20,
          Providers: providers,
          MFADevices: devices.length,
          MFADevicesInUse: devices.filter((d) => d.userId).length,
          AccessKeysPerUserQuota: 2,
          SigningCertificatesPerUserQuota: 2,
          GroupsPerUserQuota: 10,
          AttachedPoliciesPerUserQuota: 10,
          AttachedPoliciesPerGroupQuota: 10,
          AttachedPoliciesPerRoleQuota: 10,
          PolicyVersionsInUse: attachments,
          PolicyVersionsInUseQuota: 10000,
          VersionsPerPolicyQuota: 5,
          PolicySizeQuota: 6144,
          UserPolicySizeQuota: 2048,
          GroupPolicySizeQuota: 5120,
          RolePolicySizeQuota: 10240,
          AssumeRolePolicySizeQuota: 2048,
          // The root user: keys from `stratus accounts`; no password or MFA device (no console).
          AccountAccessKeysPresent: rootKeys ? 1 : 0,
          AccountPasswordPresent: 0,
          AccountMFAEnabled: 0,
          AccountSigningCertificatesPresent: (await rootHasSigningCertificate(s, a)) ? 1 : 0,
          // Tokens of the global STS endpoint are valid in default regions only (v1).
          GlobalEndpointTokenVersion: 1,
        },
      };
    },
  };
}
