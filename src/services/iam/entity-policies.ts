/**
 * Inline policies (Put/Get/Delete/List{User,Group,Role}Policy) and managed-policy attachments
 * (Attach/Detach/ListAttached{User,Group,Role}Policies, ListEntitiesForPolicy) of the three
 * kinds of IAM identities, which IAM treats alike apart from names and quotas.
 */
import { policySize, POLICY_LIMITS, validateIdentityPolicy } from '../../policy/index.ts';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { encodeDocument, mustGet, page, type Paged } from './common.ts';
import { limitExceeded, noSuch, validationError } from './errors.ts';
import { findPolicy, resolvePolicy } from './managed-policies.ts';
import { QuotaError, type EntityBase, type PolicyRecord } from './repository.ts';
import type { IamState } from './state.ts';

type Kind = 'user' | 'group' | 'role';

const KINDS: { kind: Kind; Cap: string; size: number }[] = [
  { kind: 'user', Cap: 'User', size: POLICY_LIMITS.userInline },
  { kind: 'group', Cap: 'Group', size: POLICY_LIMITS.groupInline },
  { kind: 'role', Cap: 'Role', size: POLICY_LIMITS.roleInline },
];

/**
 * A PolicyArn that is not an ARN (a bare policy name, say) is ValidationError "ARN X is not
 * valid.", as AWS answered AttachRolePolicy in LocalStack's recorded test_role_managed_policy_errors.
 */
function checkPolicyArn(arn: string): void {
  if (!/^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+/.test(arn)) throw validationError(`ARN ${arn} is not valid.`);
}

/** Managed policies attached per identity (AWS's default quota). */
export const ATTACHED_POLICIES_QUOTA = 10;

export function entityPolicyHandlers(s: IamState): ServiceHandlers {
  const handlers: ServiceHandlers = {};
  for (const { kind, Cap, size } of KINDS) {
    const nameKey = `${Cap}Name`;
    const owner = (ctx: HandlerContext, input: Record<string, string>): Promise<EntityBase> =>
      mustGet(s, ctx, kind, input[nameKey]!);

    handlers[`Put${Cap}Policy`] = async (input: Record<string, string>, ctx) => {
      const e = await owner(ctx, input);
      validateIdentityPolicy(input.PolicyDocument!);
      // The quota is on the sum of the entity's inline policies (the replaced one not counted).
      const others = (await s.repo.listInline(ctx.accountId, e.id)).filter(
        (p) => p.name.toLowerCase() !== input.PolicyName!.toLowerCase(),
      );
      const total = others.reduce((n, p) => n + policySize(p.document), policySize(input.PolicyDocument!));
      if (total > size)
        throw limitExceeded(`Maximum policy size of ${size} bytes exceeded for ${kind} ${e.name}`);
      await s.repo.putInline(ctx.accountId, e.id, {
        name: input.PolicyName!,
        document: input.PolicyDocument!,
      });
      s.changed();
      return {};
    };

    handlers[`Get${Cap}Policy`] = async (input: Record<string, string>, ctx) => {
      const e = await owner(ctx, input);
      const p = await s.repo.getInline(ctx.accountId, e.id, input.PolicyName!);
      if (!p) throw noSuch(`The ${kind} policy with name ${input.PolicyName} cannot be found.`);
      return { [nameKey]: e.name, PolicyName: p.name, PolicyDocument: encodeDocument(p.document) };
    };

    handlers[`Delete${Cap}Policy`] = async (input: Record<string, string>, ctx) => {
      const e = await owner(ctx, input);
      if (!(await s.repo.deleteInline(ctx.accountId, e.id, input.PolicyName!)))
        throw noSuch(`The ${kind} policy with name ${input.PolicyName} cannot be found.`);
      s.changed();
      return {};
    };

    handlers[`List${Cap}Policies`] = async (input: Record<string, string> & Paged, ctx) => {
      const e = await owner(ctx, input);
      const p = page(
        (await s.repo.listInline(ctx.accountId, e.id)).map((x) => x.name),
        input,
      );
      return { PolicyNames: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
    };

    handlers[`Attach${Cap}Policy`] = async (input: Record<string, string>, ctx) => {
      checkPolicyArn(input.PolicyArn!);
      const e = await owner(ctx, input);
      const policy = await resolvePolicy(s, ctx, input.PolicyArn!);
      try {
        await s.repo.addLink(ctx.accountId, 'attach', e.id, policy.arn, ATTACHED_POLICIES_QUOTA);
      } catch (err) {
        if (err instanceof QuotaError)
          throw limitExceeded(`Cannot exceed quota for PoliciesPer${Cap}: ${ATTACHED_POLICIES_QUOTA}`);
        throw err;
      }
      s.changed();
      return {};
    };

    handlers[`Detach${Cap}Policy`] = async (input: Record<string, string>, ctx) => {
      const e = await owner(ctx, input);
      if (!(await s.repo.removeLink(ctx.accountId, 'attach', e.id, input.PolicyArn!)))
        throw noSuch(`Policy ${input.PolicyArn} was not found.`);
      s.changed();
      return {};
    };

    handlers[`ListAttached${Cap}Policies`] = async (
      input: Record<string, string> & Paged & { PathPrefix?: string },
      ctx,
    ) => {
      const e = await owner(ctx, input);
      const list: PolicyRecord[] = [];
      for (const arn of await s.repo.linksFrom(ctx.accountId, 'attach', e.id)) {
        const p = await findPolicy(s, ctx.accountId, arn);
        if (p && (!input.PathPrefix || p.path.startsWith(input.PathPrefix))) list.push(p);
      }
      const p = page(list, input);
      return {
        AttachedPolicies: p.items.map((x) => ({ PolicyName: x.name, PolicyArn: x.arn })),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
      };
    };
  }

  handlers.ListEntitiesForPolicy = async (
    input: Paged & {
      PolicyArn: string;
      EntityFilter?: string;
      PathPrefix?: string;
      PolicyUsageFilter?: string;
    },
    ctx,
  ) => {
    // "Policy ARN does not exist or is not attachable.", as AWS answers here (LocalStack's
    // AWS-recorded test_list_entities_for_policy_errors), unlike GetPolicy's "was not found".
    const policy = await resolvePolicy(s, ctx, input.PolicyArn);
    const rows: { kind: Kind; e: EntityBase }[] = [];
    const want = (k: Kind) =>
      !input.EntityFilter ||
      input.EntityFilter.toLowerCase() === k ||
      /managedpolicy/i.test(input.EntityFilter);
    const keep = (k: Kind, e: EntityBase) => {
      if (want(k) && (!input.PathPrefix || e.path.startsWith(input.PathPrefix))) rows.push({ kind: k, e });
    };
    if (input.PolicyUsageFilter !== 'PermissionsBoundary') {
      for (const id of await s.repo.linksTo(ctx.accountId, 'attach', policy.arn)) {
        const kind: Kind = id.startsWith('AIDA') ? 'user' : id.startsWith('AGPA') ? 'group' : 'role';
        const found = await s.repo.getEntityById(kind, id);
        if (found) keep(kind, found.record);
      }
    }
    if (input.PolicyUsageFilter === 'PermissionsBoundary') {
      for (const u of await s.repo.listEntities(ctx.accountId, 'user'))
        if (u.boundary === policy.arn) keep('user', u);
      for (const r of await s.repo.listEntities(ctx.accountId, 'role'))
        if (r.boundary === policy.arn) keep('role', r);
    }
    const p = page(rows, input);
    const of = (k: Kind, Cap: string) =>
      p.items.filter((r) => r.kind === k).map((r) => ({ [`${Cap}Name`]: r.e.name, [`${Cap}Id`]: r.e.id }));
    return {
      PolicyGroups: of('group', 'Group'),
      PolicyUsers: of('user', 'User'),
      PolicyRoles: of('role', 'Role'),
      IsTruncated: p.IsTruncated,
      Marker: p.Marker,
    };
  };
  return handlers;
}
