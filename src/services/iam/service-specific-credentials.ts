/**
 * Service-specific credentials (a user name and password for CodeCommit's Git over HTTPS or for
 * Amazon Keyspaces): ids ACCA... (21 characters), ServiceUserName <user>-at-<account>, a
 * 60-character generated password shown only by Create and Reset, at most 2 per user and service.
 * Wording of the errors as AWS answers them (LocalStack's AWS-validated snapshot tests).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { date, mustGet, type Paged } from './common.ts';
import { limitExceeded, noSuch } from './errors.ts';
import { uniqueId } from './ids.ts';
import type { ServiceCredentialRecord, UserRecord } from './repository.ts';
import type { IamState } from './state.ts';
import { create, listOf, oneOf, pageOf, remove, setStatus } from './user-credential-store.ts';
import { targetUser } from './users.ts';

export const SERVICE_CREDENTIALS_PER_USER_PER_SERVICE = 2;
const KIND = 'service-specific-credential';
/** The services that take user-name-and-password credentials. */
const SERVICES = new Set(['codecommit.amazonaws.com', 'cassandra.amazonaws.com']);

const missing = (id: string) => () => noSuch(`No such credential ${id} exists`);

function supported(serviceName: string): void {
  if (!SERVICES.has(serviceName))
    throw noSuch(`No such service ${serviceName} is supported for Service Specific Credentials`);
}

/** 44 random bytes in base64: 60 characters ending in '=', as AWS's passwords look. */
const newPassword = () => randomBytes(44).toString('base64');
const digest = (password: string) => createHash('sha256').update(password).digest('hex');

function metadata(s: { accountId: string }, userName: string, c: ServiceCredentialRecord) {
  return {
    UserName: userName,
    Status: c.status,
    // Fixed when made: a renamed user's credentials keep the old name (LocalStack's AWS-recorded
    // test_user_rename_updates_service_specific_credentials); records from before kept none.
    ServiceUserName: c.serviceUserName ?? `${userName}-at-${s.accountId}`,
    CreateDate: date(c.createdAt),
    ServiceSpecificCredentialId: c.id,
    ServiceName: c.serviceName,
  };
}

export function serviceSpecificCredentialHandlers(s: IamState): ServiceHandlers {
  /** The named user, else the calling IAM user; the root user owns none (its id: the account's). */
  const owner = async (ctx: HandlerContext, name: string | undefined) => {
    const u = await targetUser(s, ctx, name);
    return u ? { id: u.id, name: u.name } : { id: ctx.accountId, name: ctx.accountId };
  };
  const full = (ctx: HandlerContext, o: { name: string }, c: ServiceCredentialRecord, password: string) => ({
    ServiceSpecificCredential: { ...metadata(ctx, o.name, c), ServicePassword: password },
  });
  return {
    async CreateServiceSpecificCredential(input: { UserName: string; ServiceName: string }, ctx) {
      const u: UserRecord = await mustGet(s, ctx, 'user', input.UserName);
      supported(input.ServiceName);
      const mine = await listOf(s, ctx, KIND, u.id);
      if (
        mine.filter((c) => c.serviceName === input.ServiceName).length >=
        SERVICE_CREDENTIALS_PER_USER_PER_SERVICE
      )
        throw limitExceeded(
          `Cannot exceed quota for ServiceSpecificCredentialsPerUser: ${SERVICE_CREDENTIALS_PER_USER_PER_SERVICE}`,
        );
      const id = uniqueId('ACCA');
      const password = newPassword();
      const record = await create(s, ctx, KIND, u.id, id, {
        serviceName: input.ServiceName,
        passwordHash: digest(password),
        serviceUserName: `${u.name}-at-${ctx.accountId}`,
      });
      return full(ctx, u, record, password);
    },

    async ListServiceSpecificCredentials(input: Paged & { UserName?: string; ServiceName?: string }, ctx) {
      // Without UserName and from other than an IAM user: none (kept as before, for clean-up tools).
      if (input.UserName === undefined && ctx.principal.type !== 'IAMUser')
        return { ServiceSpecificCredentials: [], IsTruncated: false };
      const o = await owner(ctx, input.UserName);
      if (input.ServiceName !== undefined) supported(input.ServiceName);
      const mine = (await listOf(s, ctx, KIND, o.id)).filter(
        (c) => input.ServiceName === undefined || c.serviceName === input.ServiceName,
      );
      const p = pageOf(mine, input);
      return {
        ServiceSpecificCredentials: p.items.map((c) => metadata(ctx, o.name, c)),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
      };
    },

    async ResetServiceSpecificCredential(
      input: { UserName?: string; ServiceSpecificCredentialId: string },
      ctx,
    ) {
      const o = await owner(ctx, input.UserName);
      const id = input.ServiceSpecificCredentialId;
      const c = await oneOf(s, ctx, KIND, o.id, id, missing(id));
      const password = newPassword();
      const record = { ...c, passwordHash: digest(password) };
      await s.repo.saveEntity(ctx.accountId, KIND, record);
      s.changed();
      return full(ctx, o, record, password);
    },

    async UpdateServiceSpecificCredential(
      input: { UserName?: string; ServiceSpecificCredentialId: string; Status: 'Active' | 'Inactive' },
      ctx,
    ) {
      const o = await owner(ctx, input.UserName);
      const id = input.ServiceSpecificCredentialId;
      await setStatus(s, ctx, KIND, await oneOf(s, ctx, KIND, o.id, id, missing(id)), input.Status);
      return {};
    },

    async DeleteServiceSpecificCredential(
      input: { UserName?: string; ServiceSpecificCredentialId: string },
      ctx,
    ) {
      const o = await owner(ctx, input.UserName);
      const id = input.ServiceSpecificCredentialId;
      await remove(s, ctx, KIND, await oneOf(s, ctx, KIND, o.id, id, missing(id)));
      return {};
    },
  };
}
