/** IAM users: create, read, list, rename/move, delete (with AWS's conflict checks), tags, login profiles. */
import { AwsError } from '../../errors.ts';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import {
  byPrefix,
  create,
  date,
  iso,
  mustGet,
  page,
  save,
  tagsOut,
  type Paged,
  tagHandlers,
} from './common.ts';
import { checkTags } from './tags.ts';
import { deleteConflict, exists, noSuch } from './errors.ts';
import { iamArn, uniqueId } from './ids.ts';
import { resolvePolicy } from './managed-policies.ts';
import { hasMfaDevice } from './mfa.ts';
import type { Tag, UserRecord } from './repository.ts';
import type { IamState } from './state.ts';
import { checkPassword } from './password-policy.ts';
import { withNewPassword, type LoginProfile, type UserWithLogin } from './passwords.ts';
import type { AccountsRepository } from '../../accounts/repository.ts';

export function userOut(u: UserRecord, full = true) {
  return {
    Path: u.path,
    UserName: u.name,
    UserId: u.id,
    Arn: u.arn,
    CreateDate: date(u.createdAt),
    ...(full &&
      u.boundary && {
        PermissionsBoundary: {
          PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
          PermissionsBoundaryArn: u.boundary,
        },
      }),
    ...(full && { Tags: tagsOut(u.tags) }),
  };
}

/** The user a request names, or (no name) the calling IAM user. */
export async function targetUser(
  s: IamState,
  ctx: HandlerContext,
  name: string | undefined,
): Promise<UserRecord | undefined> {
  if (name !== undefined) return mustGet(s, ctx, 'user', name);
  if (ctx.principal.type === 'IAMUser' && ctx.principal.userName)
    return mustGet(s, ctx, 'user', ctx.principal.userName);
  if (ctx.principal.type === 'Root') return undefined;
  throw new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials', 400);
}

export function userHandlers(s: IamState, accounts?: AccountsRepository): ServiceHandlers {
  const password = async (ctx: HandlerContext, value: string | undefined) => {
    if (value === undefined) return;
    const name = (await accounts?.get(ctx.accountId))?.name;
    await checkPassword(s, ctx.accountId, value, name);
  };
  const tags = tagHandlers(s, 'user', (i: { UserName: string }, ctx: HandlerContext) =>
    mustGet(s, ctx, 'user', i.UserName),
  );
  return {
    async CreateUser(
      input: { UserName: string; Path?: string; PermissionsBoundary?: string; Tags?: Tag[] },
      ctx,
    ) {
      const path = input.Path ?? '/';
      const tags = checkTags(input.Tags, 'user');
      if (input.PermissionsBoundary) await resolvePolicy(s, ctx, input.PermissionsBoundary);
      const user: UserRecord = {
        name: input.UserName,
        id: uniqueId('AIDA'),
        path,
        arn: iamArn(ctx.accountId, 'user', path, input.UserName),
        createdAt: iso(ctx.now),
        tags,
        ...(input.PermissionsBoundary && { boundary: input.PermissionsBoundary }),
      };
      await create(s, ctx, 'user', user);
      return { User: userOut(user) };
    },

    async GetUser(input: { UserName?: string }, ctx) {
      const u = await targetUser(s, ctx, input.UserName);
      if (!u) {
        // The root user: AWS answers with the account as the user id.
        return {
          User: {
            UserId: ctx.accountId,
            Arn: `arn:aws:iam::${ctx.accountId}:root`,
            CreateDate: ctx.now,
            Path: '/',
          },
        };
      }
      return { User: userOut(u) };
    },

    async ListUsers(input: Paged & { PathPrefix?: string }, ctx) {
      const all = byPrefix(await s.repo.listEntities(ctx.accountId, 'user'), input.PathPrefix);
      const p = page(all, input);
      return { Users: p.items.map((u) => userOut(u, false)), IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    async UpdateUser(input: { UserName: string; NewPath?: string; NewUserName?: string }, ctx) {
      const u = await mustGet(s, ctx, 'user', input.UserName);
      const name = input.NewUserName ?? u.name;
      const path = input.NewPath ?? u.path;
      await save(s, ctx, 'user', { ...u, name, path, arn: iamArn(ctx.accountId, 'user', path, name) });
      return {};
    },

    async DeleteUser(input: { UserName: string }, ctx) {
      const u = (await mustGet(s, ctx, 'user', input.UserName)) as UserWithLogin;
      if (u.loginProfile) throw deleteConflict('Cannot delete entity, must delete login profile first.');
      if ((await s.repo.listAccessKeys(ctx.accountId, u.id)).length)
        throw deleteConflict('Cannot delete entity, must delete access keys first.');
      const owns = async (kind: 'signing-certificate' | 'ssh-public-key' | 'service-specific-credential') =>
        (await s.repo.listEntities(ctx.accountId, kind)).some((c) => c.userId === u.id);
      if (await owns('signing-certificate'))
        throw deleteConflict('Cannot delete entity, must delete signing certificates first.');
      if (await owns('ssh-public-key'))
        throw deleteConflict('Cannot delete entity, must delete SSH public keys first.');
      if (await owns('service-specific-credential'))
        throw deleteConflict('Cannot delete entity, must remove service specific credentials first.');
      if (await hasMfaDevice(s, ctx.accountId, u.id))
        throw deleteConflict('Cannot delete entity, must delete MFA device first.');
      if ((await s.repo.listInline(ctx.accountId, u.id)).length)
        throw deleteConflict('Cannot delete entity, must delete policies first.');
      if ((await s.repo.linksFrom(ctx.accountId, 'attach', u.id)).length)
        throw deleteConflict('Cannot delete entity, must detach all policies first.');
      if ((await s.repo.linksFrom(ctx.accountId, 'member', u.id)).length)
        throw deleteConflict('Cannot delete entity, must remove user from all groups first.');
      await s.repo.deleteEntity(ctx.accountId, 'user', u);
      s.changed();
      return {};
    },

    TagUser: tags.tag,
    UntagUser: tags.untag,
    ListUserTags: tags.list,

    async PutUserPermissionsBoundary(input: { UserName: string; PermissionsBoundary: string }, ctx) {
      const u = await mustGet(s, ctx, 'user', input.UserName);
      await resolvePolicy(s, ctx, input.PermissionsBoundary);
      await save(s, ctx, 'user', { ...u, boundary: input.PermissionsBoundary });
      return {};
    },

    async DeleteUserPermissionsBoundary(input: { UserName: string }, ctx) {
      const u = await mustGet(s, ctx, 'user', input.UserName);
      const { boundary: _drop, ...rest } = u;
      await save(s, ctx, 'user', rest);
      return {};
    },

    async CreateLoginProfile(
      input: { UserName?: string; Password?: string; PasswordResetRequired?: boolean },
      ctx,
    ) {
      const u = (await targetUser(s, ctx, input.UserName)) as UserWithLogin | undefined;
      if (!u) throw noSuch('The user with name  cannot be found.');
      if (u.loginProfile) throw exists(`Login Profile for user ${u.name} already exists.`);
      await password(ctx, input.Password);
      let loginProfile: LoginProfile = {
        createdAt: iso(ctx.now),
        passwordResetRequired: input.PasswordResetRequired ?? false,
      };
      if (input.Password !== undefined) loginProfile = withNewPassword(loginProfile, input.Password, ctx.now);
      await save(s, ctx, 'user', { ...u, loginProfile } as UserRecord);
      return {
        LoginProfile: {
          UserName: u.name,
          CreateDate: ctx.now,
          PasswordResetRequired: loginProfile.passwordResetRequired,
        },
      };
    },

    async GetLoginProfile(input: { UserName?: string }, ctx) {
      const u = (await targetUser(s, ctx, input.UserName)) as UserWithLogin | undefined;
      if (!u?.loginProfile)
        throw noSuch(`Login Profile for User ${u?.name ?? input.UserName ?? ''} cannot be found.`);
      return {
        LoginProfile: {
          UserName: u.name,
          CreateDate: date(u.loginProfile.createdAt),
          PasswordResetRequired: u.loginProfile.passwordResetRequired,
        },
      };
    },

    async UpdateLoginProfile(
      input: { UserName?: string; Password?: string; PasswordResetRequired?: boolean },
      ctx,
    ) {
      const u = (await targetUser(s, ctx, input.UserName)) as UserWithLogin | undefined;
      if (!u?.loginProfile)
        throw noSuch(`Login Profile for User ${u?.name ?? input.UserName ?? ''} cannot be found.`);
      await password(ctx, input.Password);
      let loginProfile: LoginProfile = {
        ...u.loginProfile,
        passwordResetRequired: input.PasswordResetRequired ?? u.loginProfile.passwordResetRequired,
      };
      if (input.Password !== undefined) loginProfile = withNewPassword(loginProfile, input.Password, ctx.now);
      await save(s, ctx, 'user', { ...u, loginProfile } as UserRecord);
      return {};
    },

    async DeleteLoginProfile(input: { UserName?: string }, ctx) {
      const u = (await targetUser(s, ctx, input.UserName)) as UserWithLogin | undefined;
      if (!u?.loginProfile)
        throw noSuch(`Login Profile for User ${u?.name ?? input.UserName ?? ''} cannot be found.`);
      const { loginProfile: _drop, ...rest } = u;
      await save(s, ctx, 'user', rest);
      return {};
    },
  };
}
