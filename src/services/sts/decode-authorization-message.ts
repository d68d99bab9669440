/**
 * STS DecodeAuthorizationMessage: opens the encoded authorization failure message of a denied
 * request (EC2's UnauthorizedOperation) for a caller of the same account that holds
 * sts:DecodeAuthorizationMessage (the request authorizer checks that permission).
 */
import { authorizationMessages, InvalidAuthorizationMessage } from '../../authz/authorization-message.ts';
import { InvalidAuthorizationMessageException } from '../../generated/sts/errors.ts';
import type {
  DecodeAuthorizationMessageRequest,
  DecodeAuthorizationMessageResponse,
} from '../../generated/sts/types.ts';
import type { ServiceDeps } from '../deps.ts';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';

export function decodeAuthorizationMessageHandlers(deps: Pick<ServiceDeps, 'config'>): ServiceHandlers {
  const codec = authorizationMessages(deps.config.dataDir);
  return {
    async DecodeAuthorizationMessage(
      input: DecodeAuthorizationMessageRequest,
      ctx: HandlerContext,
    ): Promise<DecodeAuthorizationMessageResponse> {
      try {
        return { DecodedMessage: codec.decode(ctx.accountId, input.EncodedMessage) };
      } catch (e) {
        if (e instanceof InvalidAuthorizationMessage)
          throw new InvalidAuthorizationMessageException('Invalid authorization message');
        throw e;
      }
    },
  };
}
