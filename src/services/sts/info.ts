/** GetAccessKeyInfo: which account a key belongs to (root, IAM user or temporary key). */
import { AwsError } from '../../errors.ts';
import type { AccountsRepository } from '../../accounts/repository.ts';
import type { HandlerContext } from '../handler.ts';
import type { IamState } from '../iam/state.ts';

export function infoHandlers(s: IamState, accounts: AccountsRepository) {
  return {
    async GetAccessKeyInfo(input: { AccessKeyId: string }, _ctx: HandlerContext) {
      const id = input.AccessKeyId;
      const account =
        (await s.repo.getAccessKey(id))?.accountId ??
        (await s.repo.getSession(id))?.accountId ??
        (await accounts.findRootCredential(id))?.accountId;
      if (!account)
        throw new AwsError(
          'InvalidParameterValue',
          `The access key ID ${id} is not known to this Stratus server.`,
          400,
        );
      return { Account: account };
    },
  };
}
