/** GetAccessKeyInfo (which account a key belongs to) and DecodeAuthorizationMessage. */
import { AwsError } from '../../errors.ts';
import type { AccountsRepository } from '../../accounts/repository.ts';
import type { HandlerContext } from '../handler.ts';
import type { IamState } from '../iam/state.ts';

export function infoHandlers(s: IamState, accounts: AccountsRepository) {
  return {
    async GetAccessKeyInfo(input: { AccessKeyId: string }, _ctx: HandlerContext) {
      const id = input.AccessKeyId;
      const account =
        (await s.repo.getAccessKey(id))?.accountId ?? (await s.repo.getSession(id))?.accountId ?? (await accounts.findRootCredential(id))?.accountId;
      if (!account) throw new AwsError('InvalidParameterValue', `The access key ID ${id} is not known to this Stratus server.`, 400);
      return { Account: account };
    },

    // Stratus's authorizer does not encode its denial messages, so no message can be decoded.
    async DecodeAuthorizationMessage(_input: { EncodedMessage: string }, _ctx: HandlerContext) {
      throw new AwsError('InvalidAuthorizationMessageException', 'The authorization message is invalid or corrupt.', 400);
    },
  };
}
