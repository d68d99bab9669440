/** IAM roles: trust policies (validated), MaxSessionDuration, boundaries, tags. */
import type { HandlerContext } from '../handler.ts';
import { policySize, POLICY_LIMITS, validateTrustPolicy } from '../../policy/index.ts';
import type { ServiceHandlers } from '../handler.ts';
import {
  byPrefix,
  create,
  date,
  encodeDocument,
  iso,
  mustGet,
  page,
  save,
  tagsOut,
  type Paged,
  tagHandlers,
} from './common.ts';
import { checkTags } from './tags.ts';
import { deleteConflict, limitExceeded, unmodifiable } from './errors.ts';
import { iamArn, uniqueId } from './ids.ts';
import { resolvePolicy } from './managed-policies.ts';
import type { RoleRecord, Tag } from './repository.ts';
import type { IamState } from './state.ts';

/**
 * Validates a trust policy; like AWS, a user or role of this account named as a principal must
 * exist ("Invalid principal in policy"). Principals of other accounts are taken on trust.
 */
export async function checkTrust(s: IamState, accountId: string, doc: string): Promise<void> {
  const known = new Map<string, boolean>();
  const named: string[] = [];
  try {
    const parsed = JSON.parse(doc) as { Statement?: unknown };
    const list = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
    for (const st of list as { Principal?: { AWS?: unknown }; NotPrincipal?: { AWS?: unknown } }[]) {
      const aws = (st?.Principal ?? st?.NotPrincipal)?.AWS;
      named.push(...(Array.isArray(aws) ? aws : [aws]).filter((x): x is string => typeof x === 'string'));
    }
  } catch {
    /* the validator reports it */
  }
  for (const arn of named) {
    const m = /^arn:aws:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!m || m[1] !== accountId) continue;
    const e = await s.repo.getEntity(accountId, m[2] as 'user' | 'role', m[3]!);
    known.set(arn, e?.arn === arn);
  }
  validateTrustPolicy(doc, { principalExists: (arn) => known.get(arn) ?? true });
  if (policySize(doc) > POLICY_LIMITS.trust)
    throw limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${POLICY_LIMITS.trust}`);
}

export function roleOut(r: RoleRecord, full = true) {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: date(r.createdAt),
    AssumeRolePolicyDocument: encodeDocument(r.trust),
    ...(r.description !== undefined && { Description: r.description }),
    MaxSessionDuration: r.maxSessionDuration,
    ...(full &&
      r.boundary && {
        PermissionsBoundary: {
          PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
          PermissionsBoundaryArn: r.boundary,
        },
      }),
    ...(full && { Tags: tagsOut(r.tags) }),
    ...(full && {
      RoleLastUsed: r.lastUsed ? { LastUsedDate: date(r.lastUsed.date), Region: r.lastUsed.region } : {},
    }),
  };
}

export function roleHandlers(s: IamState): ServiceHandlers {
  const tags = tagHandlers(s, 'role', (i: { RoleName: string }, ctx: HandlerContext) =>
    mustGet(s, ctx, 'role', i.RoleName),
  );
  return {
    async CreateRole(
      input: {
        RoleName: string;
        Path?: string;
        AssumeRolePolicyDocument: string;
        Description?: string;
        MaxSessionDuration?: number;
        PermissionsBoundary?: string;
        Tags?: Tag[];
      },
      ctx,
    ) {
      await checkTrust(s, ctx.accountId, input.AssumeRolePolicyDocument);
      const tags = checkTags(input.Tags, 'role');
      if (input.PermissionsBoundary) await resolvePolicy(s, ctx, input.PermissionsBoundary);
      const path = input.Path ?? '/';
      const role: RoleRecord = {
        name: input.RoleName,
        id: uniqueId('AROA'),
        path,
        arn: iamArn(ctx.accountId, 'role', path, input.RoleName),
        createdAt: iso(ctx.now),
        tags,
        trust: input.AssumeRolePolicyDocument,
        ...(input.Description !== undefined && { description: input.Description }),
        maxSessionDuration: input.MaxSessionDuration ?? 3600,
        ...(input.PermissionsBoundary && { boundary: input.PermissionsBoundary }),
      };
      await create(s, ctx, 'role', role);
      // CreateRole leaves out MaxSessionDuration and Description (LocalStack's AWS-recorded
      // test_create_role_defaults; s3-tests' test_account_role_create: "AWS doesn't include
      // these for CreateRole, only GetRole").
      const { RoleLastUsed: _r, MaxSessionDuration: _m, Description: _d, ...out } = roleOut(role);
      return { Role: out };
    },

    async GetRole(input: { RoleName: string }, ctx) {
      return { Role: roleOut(await mustGet(s, ctx, 'role', input.RoleName)) };
    },

    async ListRoles(input: Paged & { PathPrefix?: string }, ctx) {
      const p = page(byPrefix(await s.repo.listEntities(ctx.accountId, 'role'), input.PathPrefix), input);
      return { Roles: p.items.map((r) => roleOut(r, false)), IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    async UpdateRole(input: { RoleName: string; Description?: string; MaxSessionDuration?: number }, ctx) {
      const r = await mustGet(s, ctx, 'role', input.RoleName);
      await save(s, ctx, 'role', {
        ...r,
        ...(input.Description !== undefined && { description: input.Description }),
        ...(input.MaxSessionDuration !== undefined && { maxSessionDuration: input.MaxSessionDuration }),
      });
      return {};
    },

    async UpdateRoleDescription(input: { RoleName: string; Description: string }, ctx) {
      const r = await mustGet(s, ctx, 'role', input.RoleName);
      const next = { ...r, description: input.Description };
      await save(s, ctx, 'role', next);
      // Without MaxSessionDuration and RoleLastUsed, as AWS answered (test_update_role, recorded).
      const { RoleLastUsed: _r, MaxSessionDuration: _m, ...out } = roleOut(next);
      return { Role: out };
    },

    async UpdateAssumeRolePolicy(input: { RoleName: string; PolicyDocument: string }, ctx) {
      const r = await mustGet(s, ctx, 'role', input.RoleName);
      if (r.path.startsWith('/aws-service-role/')) {
        throw unmodifiable(
          `Cannot perform the operation on the protected role '${r.name}' - this role is only modifiable by AWS`,
        );
      }
      await checkTrust(s, ctx.accountId, input.PolicyDocument);
      await save(s, ctx, 'role', { ...r, trust: input.PolicyDocument });
      return {};
    },

    async DeleteRole(input: { RoleName: string }, ctx) {
      const r = await mustGet(s, ctx, 'role', input.RoleName);
      if (r.path.startsWith('/aws-service-role/')) {
        throw unmodifiable(
          `Cannot perform the operation on the protected role '${r.name}' - this role is only modifiable by AWS`,
        );
      }
      if ((await s.repo.linksTo(ctx.accountId, 'profile-role', r.id)).length)
        throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
      if ((await s.repo.listInline(ctx.accountId, r.id)).length)
        throw deleteConflict('Cannot delete entity, must delete policies first.');
      if ((await s.repo.linksFrom(ctx.accountId, 'attach', r.id)).length)
        throw deleteConflict('Cannot delete entity, must detach all policies first.');
      await s.repo.deleteEntity(ctx.accountId, 'role', r);
      s.changed();
      return {};
    },

    TagRole: tags.tag,
    UntagRole: tags.untag,
    ListRoleTags: tags.list,

    async PutRolePermissionsBoundary(input: { RoleName: string; PermissionsBoundary: string }, ctx) {
      const r = await mustGet(s, ctx, 'role', input.RoleName);
      await resolvePolicy(s, ctx, input.PermissionsBoundary);
      await save(s, ctx, 'role', { ...r, boundary: input.PermissionsBoundary });
      return {};
    },

    async DeleteRolePermissionsBoundary(input: { RoleName: string }, ctx) {
      const r = await mustGet(s, ctx, 'role', input.RoleName);
      const { boundary: _drop, ...rest } = r;
      await save(s, ctx, 'role', rest);
      return {};
    },
  };
}
