/** GetAccountAuthorizationDetails: every user, group, role and managed policy with their policies. */
import type { ServiceHandlers } from '../handler.ts';
import { date, encodeDocument, page, tagsOut, type Paged } from './common.ts';
import { boundaryCounts, findPolicy, usage } from './managed-policies.ts';
import type { EntityBase } from './repository.ts';
import type { IamState } from './state.ts';
import { awsManagedPolicies } from './aws-managed.ts';
import { roleOut } from './roles.ts';

export function authorizationDetailsHandlers(s: IamState): ServiceHandlers {
  return {
    async GetAccountAuthorizationDetails(input: Paged & { Filter?: string[] }, ctx) {
      const acct = ctx.accountId;
      const want = (f: string) => !input.Filter?.length || input.Filter.includes(f);
      const inline = async (e: EntityBase) =>
        (await s.repo.listInline(acct, e.id)).map((p) => ({
          PolicyName: p.name,
          PolicyDocument: encodeDocument(p.document),
        }));
      const attached = async (e: EntityBase) => {
        const out = [];
        for (const arn of await s.repo.linksFrom(acct, 'attach', e.id)) {
          const p = await findPolicy(s, acct, arn);
          if (p) out.push({ PolicyName: p.name, PolicyArn: p.arn });
        }
        return out;
      };
      const items: { kind: string; v: unknown }[] = [];
      if (want('User')) {
        for (const u of await s.repo.listEntities(acct, 'user')) {
          const groups = [];
          for (const gid of await s.repo.linksFrom(acct, 'member', u.id)) {
            const g = await s.repo.getEntityById('group', gid);
            if (g) groups.push(g.record.name);
          }
          items.push({
            kind: 'user',
            v: {
              Path: u.path,
              UserName: u.name,
              UserId: u.id,
              Arn: u.arn,
              CreateDate: date(u.createdAt),
              UserPolicyList: await inline(u),
              GroupList: groups,
              AttachedManagedPolicies: await attached(u),
              ...(u.boundary && {
                PermissionsBoundary: {
                  PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
                  PermissionsBoundaryArn: u.boundary,
                },
              }),
              Tags: tagsOut(u.tags),
            },
          });
        }
      }
      if (want('Group')) {
        for (const g of await s.repo.listEntities(acct, 'group')) {
          items.push({
            kind: 'group',
            v: {
              Path: g.path,
              GroupName: g.name,
              GroupId: g.id,
              Arn: g.arn,
              CreateDate: date(g.createdAt),
              GroupPolicyList: await inline(g),
              AttachedManagedPolicies: await attached(g),
            },
          });
        }
      }
      if (want('Role')) {
        const profiles = await s.repo.listEntities(acct, 'instance-profile');
        for (const r of await s.repo.listEntities(acct, 'role')) {
          const { RoleLastUsed: _l, ...base } = roleOut(r);
          items.push({
            kind: 'role',
            v: {
              ...base,
              InstanceProfileList: profiles
                .filter((p) => p.roles.includes(r.id))
                .map((p) => ({
                  Path: p.path,
                  InstanceProfileName: p.name,
                  InstanceProfileId: p.id,
                  Arn: p.arn,
                  CreateDate: date(p.createdAt),
                  Roles: [roleOut(r, false)],
                })),
              RolePolicyList: await inline(r),
              AttachedManagedPolicies: await attached(r),
            },
          });
        }
      }
      const wantLocal = want('LocalManagedPolicy');
      const wantAws = want('AWSManagedPolicy');
      const policies = [
        ...(wantAws ? awsManagedPolicies() : []),
        ...(wantLocal ? await s.repo.listEntities(acct, 'policy') : []),
      ];
      const boundaries = await boundaryCounts(s, acct);
      for (const p of policies) {
        const u = await usage(s, acct, p.arn, boundaries);
        // AWS lists only the AWS-managed policies in use.
        if (p.arn.startsWith('arn:aws:iam::aws:') && u.attachments + u.boundaries === 0) continue;
        items.push({
          kind: 'policy',
          v: {
            PolicyName: p.name,
            PolicyId: p.id,
            Arn: p.arn,
            Path: p.path,
            DefaultVersionId: p.defaultVersion,
            AttachmentCount: u.attachments,
            PermissionsBoundaryUsageCount: u.boundaries,
            IsAttachable: true,
            ...(p.description !== undefined && { Description: p.description }),
            CreateDate: date(p.createdAt),
            UpdateDate: date(p.updatedAt),
            PolicyVersionList: p.versions.map((v) => ({
              Document: encodeDocument(v.document),
              VersionId: v.id,
              IsDefaultVersion: v.id === p.defaultVersion,
              CreateDate: date(v.createdAt),
            })),
          },
        });
      }
      const pg = page(items, input);
      const of = (k: string) => pg.items.filter((i) => i.kind === k).map((i) => i.v);
      return {
        UserDetailList: of('user'),
        GroupDetailList: of('group'),
        RoleDetailList: of('role'),
        Policies: of('policy'),
        IsTruncated: pg.IsTruncated,
        Marker: pg.Marker,
      };
    },
  };
}
