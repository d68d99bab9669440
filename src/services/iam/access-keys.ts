/**
 * Access keys of IAM users: at most two per user, Active/Inactive, the secret shown only by
 * CreateAccessKey, last use (date, service signing name, region) recorded by the credential
 * resolver's recordUse hook.
 */
import { AwsError } from '../../errors.ts';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { date, iso, page, type Paged } from './common.ts';
import { limitExceeded, noSuch } from './errors.ts';
import { accessKeyId, secretAccessKey } from './ids.ts';
import { QuotaError, type AccessKeyRecord, type UserRecord } from './repository.ts';
import type { IamState } from './state.ts';
import { targetUser } from './users.ts';

export const ACCESS_KEYS_PER_USER = 2;

async function keyUser(s: IamState, ctx: HandlerContext, name: string | undefined): Promise<UserRecord> {
  const u = await targetUser(s, ctx, name);
  if (!u) {
    throw new AwsError(
      'ValidationError',
      "Root access keys are managed with Stratus's CLI (stratus accounts); name a UserName.",
      400,
    );
  }
  return u;
}

async function userKey(
  s: IamState,
  ctx: HandlerContext,
  user: UserRecord,
  id: string,
): Promise<AccessKeyRecord> {
  const k = await s.repo.getAccessKey(id);
  if (!k || k.accountId !== ctx.accountId || k.userId !== user.id)
    throw noSuch(`The Access Key with id ${id} cannot be found.`);
  return k;
}

export function accessKeyHandlers(s: IamState): ServiceHandlers {
  return {
    async CreateAccessKey(input: { UserName?: string }, ctx) {
      const u = await keyUser(s, ctx, input.UserName);
      const key: AccessKeyRecord = {
        accessKeyId: accessKeyId(),
        accountId: ctx.accountId,
        userId: u.id,
        secretAccessKey: secretAccessKey(),
        status: 'Active',
        createdAt: iso(ctx.now),
      };
      try {
        await s.repo.createAccessKey(key, ACCESS_KEYS_PER_USER);
      } catch (e) {
        if (e instanceof QuotaError)
          throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);
        throw e;
      }
      return {
        AccessKey: {
          UserName: u.name,
          AccessKeyId: key.accessKeyId,
          Status: key.status,
          SecretAccessKey: key.secretAccessKey,
          CreateDate: ctx.now,
        },
      };
    },

    async ListAccessKeys(input: Paged & { UserName?: string }, ctx) {
      const u = await keyUser(s, ctx, input.UserName);
      const p = page(await s.repo.listAccessKeys(ctx.accountId, u.id), input);
      return {
        AccessKeyMetadata: p.items.map((k) => ({
          UserName: u.name,
          AccessKeyId: k.accessKeyId,
          Status: k.status,
          CreateDate: date(k.createdAt),
        })),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
      };
    },

    async UpdateAccessKey(
      input: { UserName?: string; AccessKeyId: string; Status: 'Active' | 'Inactive' },
      ctx,
    ) {
      const u = await keyUser(s, ctx, input.UserName);
      const k = await userKey(s, ctx, u, input.AccessKeyId);
      await s.repo.setAccessKeyStatus(k.accessKeyId, input.Status);
      return {};
    },

    async DeleteAccessKey(input: { UserName?: string; AccessKeyId: string }, ctx) {
      const u = await keyUser(s, ctx, input.UserName);
      const k = await userKey(s, ctx, u, input.AccessKeyId);
      await s.repo.deleteAccessKey(k.accessKeyId);
      return {};
    },

    async GetAccessKeyLastUsed(input: { AccessKeyId: string }, ctx) {
      await s.flushKeyUses();
      const k = await s.repo.getAccessKey(input.AccessKeyId);
      // An unknown key is AccessDenied in AWS's own odd wording (LocalStack's AWS-recorded
      // test_access_key_errors), not NoSuchEntity as UpdateAccessKey / DeleteAccessKey answer.
      if (!k || k.accountId !== ctx.accountId)
        throw new AwsError(
          'AccessDenied',
          `User: ${ctx.principal.arn} is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key ${input.AccessKeyId}`,
          403,
        );
      const u = await s.repo.getEntityById('user', k.userId);
      return {
        UserName: u?.record.name,
        AccessKeyLastUsed: k.lastUsed
          ? {
              LastUsedDate: date(k.lastUsed.date),
              ServiceName: k.lastUsed.service,
              Region: k.lastUsed.region,
            }
          : { ServiceName: 'N/A', Region: 'N/A' },
      };
    },
  };
}
