/** Instance profiles: containers for (at most) one role that EC2 instances use. */
import type { HandlerContext } from '../handler.ts';
import type { ServiceHandlers } from '../handler.ts';
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
import { deleteConflict, limitExceeded, noSuch } from './errors.ts';
import { iamArn, uniqueId } from './ids.ts';
import type { InstanceProfileRecord, RoleRecord, Tag } from './repository.ts';
import { roleOut } from './roles.ts';
import type { IamState } from './state.ts';

export const ROLES_PER_INSTANCE_PROFILE = 1;

export function instanceProfileHandlers(s: IamState): ServiceHandlers {
  async function out(p: InstanceProfileRecord, withTags = true) {
    const roles: RoleRecord[] = [];
    for (const id of p.roles) {
      const r = await s.repo.getEntityById('role', id);
      if (r) roles.push(r.record);
    }
    return {
      Path: p.path,
      InstanceProfileName: p.name,
      InstanceProfileId: p.id,
      Arn: p.arn,
      CreateDate: date(p.createdAt),
      // Roles here have no MaxSessionDuration (AWS-recorded test_iam_instance_profiles).
      Roles: roles.map((r) => {
        const { MaxSessionDuration: _m, ...role } = roleOut(r, false);
        return role;
      }),
      ...(withTags && { Tags: tagsOut(p.tags) }),
    };
  }

  const tags = tagHandlers(s, 'instance-profile', (i: { InstanceProfileName: string }, ctx: HandlerContext) =>
    mustGet(s, ctx, 'instance-profile', i.InstanceProfileName),
  );
  return {
    async CreateInstanceProfile(input: { InstanceProfileName: string; Path?: string; Tags?: Tag[] }, ctx) {
      const path = input.Path ?? '/';
      const p: InstanceProfileRecord = {
        name: input.InstanceProfileName,
        id: uniqueId('AIPA'),
        path,
        arn: iamArn(ctx.accountId, 'instance-profile', path, input.InstanceProfileName),
        createdAt: iso(ctx.now),
        tags: checkTags(input.Tags, 'instance-profile'),
        roles: [],
      };
      await create(s, ctx, 'instance-profile', p);
      return { InstanceProfile: await out(p) };
    },

    async GetInstanceProfile(input: { InstanceProfileName: string }, ctx) {
      // Tags always, [] when none (AWS-recorded test_instance_profile_lifecycle).
      const p = await mustGet(s, ctx, 'instance-profile', input.InstanceProfileName);
      return { InstanceProfile: { ...(await out(p)), Tags: p.tags } };
    },

    async ListInstanceProfiles(input: Paged & { PathPrefix?: string }, ctx) {
      const p = page(
        byPrefix(await s.repo.listEntities(ctx.accountId, 'instance-profile'), input.PathPrefix),
        input,
      );
      const items = [];
      for (const x of p.items) items.push(await out(x, false));
      return { InstanceProfiles: items, IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    async ListInstanceProfilesForRole(input: Paged & { RoleName: string }, ctx) {
      const r = await mustGet(s, ctx, 'role', input.RoleName);
      const all = (await s.repo.listEntities(ctx.accountId, 'instance-profile')).filter((p) =>
        p.roles.includes(r.id),
      );
      const p = page(all, input);
      const items = [];
      for (const x of p.items) items.push(await out(x, false));
      return { InstanceProfiles: items, IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    async DeleteInstanceProfile(input: { InstanceProfileName: string }, ctx) {
      const p = await mustGet(s, ctx, 'instance-profile', input.InstanceProfileName);
      if (p.roles.length)
        throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
      await s.repo.deleteEntity(ctx.accountId, 'instance-profile', p);
      s.changed();
      return {};
    },

    async AddRoleToInstanceProfile(input: { InstanceProfileName: string; RoleName: string }, ctx) {
      const p = await mustGet(s, ctx, 'instance-profile', input.InstanceProfileName);
      const r = await mustGet(s, ctx, 'role', input.RoleName);
      if (p.roles.includes(r.id))
        throw limitExceeded(
          `Cannot exceed quota for InstanceSessionsPerInstanceProfile: ${ROLES_PER_INSTANCE_PROFILE}`,
        );
      if (p.roles.length >= ROLES_PER_INSTANCE_PROFILE)
        throw limitExceeded(
          `Cannot exceed quota for InstanceSessionsPerInstanceProfile: ${ROLES_PER_INSTANCE_PROFILE}`,
        );
      await save(s, ctx, 'instance-profile', { ...p, roles: [...p.roles, r.id] });
      await s.repo.addLink(ctx.accountId, 'profile-role', p.id, r.id);
      return {};
    },

    async RemoveRoleFromInstanceProfile(input: { InstanceProfileName: string; RoleName: string }, ctx) {
      const p = await mustGet(s, ctx, 'instance-profile', input.InstanceProfileName);
      const r = await mustGet(s, ctx, 'role', input.RoleName);
      // AWS's words for a role not in the profile (LocalStack's recorded test_iam_instance_profiles).
      if (!p.roles.includes(r.id))
        throw noSuch(
          `Role ${input.RoleName} in Instance Profile ${input.InstanceProfileName} cannot be found.`,
        );
      await save(s, ctx, 'instance-profile', { ...p, roles: p.roles.filter((x) => x !== r.id) });
      await s.repo.removeLink(ctx.accountId, 'profile-role', p.id, r.id);
      return {};
    },

    TagInstanceProfile: tags.tag,
    UntagInstanceProfile: tags.untag,
    ListInstanceProfileTags: tags.list,
  };
}
