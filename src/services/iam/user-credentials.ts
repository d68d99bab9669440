/**
 * The kinds of user credentials Stratus does not issue (SSH public keys, signing
 * certificates, service-specific credentials): their listings answer truthfully
 * that there are none, so tools that clean a user up before deleting it (Terraform's
 * force_destroy, CDK) work.
 */
import type { ServiceHandlers } from '../handler.ts';
import type { IamState } from './state.ts';
import { targetUser } from './users.ts';

export function userCredentialHandlers(s: IamState): ServiceHandlers {
  const check = async (name: string | undefined, ctx: Parameters<ServiceHandlers[string]>[1]) => {
    if (name !== undefined) await targetUser(s, ctx, name);
  };
  return {
    async ListSSHPublicKeys(input: { UserName?: string }, ctx) {
      await check(input.UserName, ctx);
      return { SSHPublicKeys: [], IsTruncated: false };
    },
    async ListSigningCertificates(input: { UserName?: string }, ctx) {
      await check(input.UserName, ctx);
      return { Certificates: [], IsTruncated: false };
    },
    async ListServiceSpecificCredentials(input: { UserName?: string }, ctx) {
      await check(input.UserName, ctx);
      return { ServiceSpecificCredentials: [] };
    },
  };
}
