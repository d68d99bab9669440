/**
 * The kind of user credential Stratus does not issue (service-specific credentials): its
 * listing answers truthfully that there are none, so tools that clean a user up before deleting
 * it (Terraform's force_destroy, CDK) work. SSH keys and signing certificates have their own files.
 */
import type { ServiceHandlers } from '../handler.ts';
import type { IamState } from './state.ts';
import { targetUser } from './users.ts';

export function userCredentialHandlers(s: IamState): ServiceHandlers {
  const check = async (name: string | undefined, ctx: Parameters<ServiceHandlers[string]>[1]) => {
    if (name !== undefined) await targetUser(s, ctx, name);
  };
  return {
    async ListServiceSpecificCredentials(input: { UserName?: string }, ctx) {
      await check(input.UserName, ctx);
      return { ServiceSpecificCredentials: [] };
    },
  };
}
