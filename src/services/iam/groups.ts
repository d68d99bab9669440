/** IAM groups and their members. */
import type { ServiceHandlers } from '../handler.ts';
import { QuotaError, type GroupRecord } from './repository.ts';
import { byPrefix, create, date, iso, mustGet, page, save, type Paged } from './common.ts';
import { deleteConflict, limitExceeded } from './errors.ts';
import { iamArn, uniqueId } from './ids.ts';
import { userOut } from './users.ts';
import type { IamState } from './state.ts';

export const GROUPS_PER_USER = 10;

export const groupOut = (g: GroupRecord) => ({
  Path: g.path,
  GroupName: g.name,
  GroupId: g.id,
  Arn: g.arn,
  CreateDate: date(g.createdAt),
});

export function groupHandlers(s: IamState): ServiceHandlers {
  async function members(accountId: string, g: GroupRecord) {
    const out = [];
    for (const id of await s.repo.linksTo(accountId, 'member', g.id)) {
      const u = await s.repo.getEntityById('user', id);
      if (u) out.push(u.record);
    }
    return out;
  }

  return {
    async CreateGroup(input: { GroupName: string; Path?: string }, ctx) {
      const path = input.Path ?? '/';
      const g: GroupRecord = {
        name: input.GroupName,
        id: uniqueId('AGPA'),
        path,
        arn: iamArn(ctx.accountId, 'group', path, input.GroupName),
        createdAt: iso(ctx.now),
        tags: [],
      };
      await create(s, ctx, 'group', g);
      return { Group: groupOut(g) };
    },

    async GetGroup(input: Paged & { GroupName: string }, ctx) {
      const g = await mustGet(s, ctx, 'group', input.GroupName);
      const p = page(await members(ctx.accountId, g), input);
      return {
        Group: groupOut(g),
        Users: p.items.map((u) => userOut(u, false)),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
      };
    },

    async ListGroups(input: Paged & { PathPrefix?: string }, ctx) {
      const p = page(byPrefix(await s.repo.listEntities(ctx.accountId, 'group'), input.PathPrefix), input);
      return { Groups: p.items.map(groupOut), IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    async UpdateGroup(input: { GroupName: string; NewPath?: string; NewGroupName?: string }, ctx) {
      const g = await mustGet(s, ctx, 'group', input.GroupName);
      const name = input.NewGroupName ?? g.name;
      const path = input.NewPath ?? g.path;
      await save(s, ctx, 'group', { ...g, name, path, arn: iamArn(ctx.accountId, 'group', path, name) });
      return {};
    },

    async DeleteGroup(input: { GroupName: string }, ctx) {
      const g = await mustGet(s, ctx, 'group', input.GroupName);
      if ((await s.repo.linksTo(ctx.accountId, 'member', g.id)).length)
        throw deleteConflict('Cannot delete entity, must remove users from group first.');
      if ((await s.repo.listInline(ctx.accountId, g.id)).length)
        throw deleteConflict('Cannot delete entity, must delete policies first.');
      if ((await s.repo.linksFrom(ctx.accountId, 'attach', g.id)).length)
        throw deleteConflict('Cannot delete entity, must detach all policies first.');
      await s.repo.deleteEntity(ctx.accountId, 'group', g);
      s.changed();
      return {};
    },

    async AddUserToGroup(input: { GroupName: string; UserName: string }, ctx) {
      const g = await mustGet(s, ctx, 'group', input.GroupName);
      const u = await mustGet(s, ctx, 'user', input.UserName);
      try {
        await s.repo.addLink(ctx.accountId, 'member', u.id, g.id, GROUPS_PER_USER);
      } catch (e) {
        if (e instanceof QuotaError)
          throw limitExceeded(`Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`);
        throw e;
      }
      s.changed();
      return {};
    },

    async RemoveUserFromGroup(input: { GroupName: string; UserName: string }, ctx) {
      // The user is looked up first: with neither there, AWS names the user (LocalStack's
      // recorded test_remove_user_from_unknown_group); a user not in the group is no error.
      const u = await mustGet(s, ctx, 'user', input.UserName);
      const g = await mustGet(s, ctx, 'group', input.GroupName);
      await s.repo.removeLink(ctx.accountId, 'member', u.id, g.id);
      s.changed();
      return {};
    },

    async ListGroupsForUser(input: Paged & { UserName: string }, ctx) {
      const u = await mustGet(s, ctx, 'user', input.UserName);
      const groups: GroupRecord[] = [];
      for (const id of await s.repo.linksFrom(ctx.accountId, 'member', u.id)) {
        const g = await s.repo.getEntityById('group', id);
        if (g) groups.push(g.record);
      }
      groups.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
      const p = page(groups, input);
      return { Groups: p.items.map(groupOut), IsTruncated: p.IsTruncated, Marker: p.Marker };
    },
  };
}
