/** Customer-managed policies (and the AWS-managed ones, read-only): create, read, list, delete, tags. */
import { validateIdentityPolicy, policySize, POLICY_LIMITS } from '../../policy/index.ts';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { AWS_POLICY_PREFIX, awsManagedPolicies, awsManagedPolicy } from './aws-managed.ts';
import { byPrefix, create, date, iso, page, tagsOut, type Paged, tagHandlers } from './common.ts';
import { checkTags } from './tags.ts';
import type { AwsError } from '../../errors.ts';
import { deleteConflict, IamErrors, limitExceeded, noSuch, unmodifiable } from './errors.ts';
import { iamArn, uniqueId } from './ids.ts';
import type { PolicyRecord, Tag } from './repository.ts';
import type { IamState } from './state.ts';

/** Validates a managed policy document on write (MalformedPolicyDocument / LimitExceeded). */
export function checkManagedDocument(doc: string): void {
  validateIdentityPolicy(doc, { managed: true });
  if (policySize(doc) > POLICY_LIMITS.managed)
    throw limitExceeded(`Cannot exceed quota for PolicySize: ${POLICY_LIMITS.managed}`);
}

/** The policy an ARN names: AWS-managed, or customer-managed in the caller's account. */
export async function findPolicy(
  s: IamState,
  accountId: string,
  arn: string,
): Promise<PolicyRecord | undefined> {
  if (arn.startsWith(AWS_POLICY_PREFIX)) return awsManagedPolicy(arn);
  const m = /^arn:aws:iam::(\d{12}):policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!m || m[1] !== accountId) return undefined;
  const p = await s.repo.getEntity(accountId, 'policy', m[2]!);
  return p && p.arn === arn ? p : undefined;
}

/**
 * The policy an ARN names, else NoSuchEntity. IAM words a missing policy three ways: attaching it
 * (or making it a boundary) says "Policy ARN does not exist or is not attachable." (the default
 * here); reading, tagging or deleting it says "Policy ARN was not found." (`policyNotFound`);
 * the version operations name the version (policy-versions.ts); ListEntitiesForPolicy
 * keeps the default wording.
 */
export async function resolvePolicy(
  s: IamState,
  ctx: HandlerContext,
  arn: string,
  missing: (arn: string) => AwsError = (a) => IamErrors.noSuchEntity('policy', a),
): Promise<PolicyRecord> {
  const p = await findPolicy(s, ctx.accountId, arn);
  if (!p) throw missing(arn);
  return p;
}

export const policyNotFound = (arn: string): AwsError => noSuch(`Policy ${arn} was not found.`);

/** A customer-managed policy the caller may change (AWS-managed ones are read-only). */
export async function ownPolicy(
  s: IamState,
  ctx: HandlerContext,
  arn: string,
  missing: (arn: string) => AwsError = policyNotFound,
): Promise<PolicyRecord> {
  const p = await resolvePolicy(s, ctx, arn, missing);
  if (p.arn.startsWith(AWS_POLICY_PREFIX)) throw unmodifiable(`Cannot modify AWS managed policy ${arn}.`);
  return p;
}

/** How many users and roles use each policy as their permissions boundary. */
export async function boundaryCounts(s: IamState, accountId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const e of [
    ...(await s.repo.listEntities(accountId, 'user')),
    ...(await s.repo.listEntities(accountId, 'role')),
  ])
    if (e.boundary) counts.set(e.boundary, (counts.get(e.boundary) ?? 0) + 1);
  return counts;
}

export async function usage(
  s: IamState,
  accountId: string,
  arn: string,
  boundaries?: Map<string, number>,
): Promise<{ attachments: number; boundaries: number }> {
  const attachments = (await s.repo.linksTo(accountId, 'attach', arn)).length;
  return { attachments, boundaries: (boundaries ?? (await boundaryCounts(s, accountId))).get(arn) ?? 0 };
}

export async function policyOut(
  s: IamState,
  accountId: string,
  p: PolicyRecord,
  withTags = true,
  boundaries?: Map<string, number>,
) {
  const u = await usage(s, accountId, p.arn, boundaries);
  return {
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
    ...(withTags && { Tags: tagsOut(p.tags) }),
  };
}

/**
 * ListPolicyTags answers keys shortest first, then by code point ("a", "b", "z", "abc"; "A" before
 * "a"), as AWS answered LocalStack's recorded test_policy_tag_order; GetPolicy keeps the given order.
 */
const listedTagOrder = (a: { Key: string }, b: { Key: string }): number =>
  a.Key.length - b.Key.length || (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0);

export function managedPolicyHandlers(s: IamState): ServiceHandlers {
  const tags = tagHandlers(
    s,
    'policy',
    (i: { PolicyArn: string }, ctx: HandlerContext) => ownPolicy(s, ctx, i.PolicyArn),
    async (i: { PolicyArn: string }, ctx: HandlerContext) => {
      const p = await resolvePolicy(s, ctx, i.PolicyArn, policyNotFound);
      return { tags: [...p.tags].sort(listedTagOrder) };
    },
  );
  return {
    async CreatePolicy(
      input: {
        PolicyName: string;
        Path?: string;
        PolicyDocument: string;
        Description?: string;
        Tags?: Tag[];
      },
      ctx,
    ) {
      checkManagedDocument(input.PolicyDocument);
      const path = input.Path ?? '/';
      const now = iso(ctx.now);
      const policy: PolicyRecord = {
        name: input.PolicyName,
        id: uniqueId('ANPA'),
        path,
        arn: iamArn(ctx.accountId, 'policy', path, input.PolicyName),
        createdAt: now,
        updatedAt: now,
        tags: checkTags(input.Tags, 'policy'),
        ...(input.Description !== undefined && { description: input.Description }),
        defaultVersion: 'v1',
        versions: [{ id: 'v1', document: input.PolicyDocument, createdAt: now }],
        nextVersion: 2,
      };
      await create(s, ctx, 'policy', policy);
      return { Policy: await policyOut(s, ctx.accountId, policy) };
    },

    async GetPolicy(input: { PolicyArn: string }, ctx) {
      const p = await resolvePolicy(s, ctx, input.PolicyArn, policyNotFound);
      // GetPolicy always has Tags, [] when none (CreatePolicy leaves it out then): AWS-recorded
      // test_policy_lifecycle.
      return { Policy: { ...(await policyOut(s, ctx.accountId, p)), Tags: p.tags } };
    },

    async ListPolicies(
      input: Paged & {
        Scope?: string;
        OnlyAttached?: boolean;
        PathPrefix?: string;
        PolicyUsageFilter?: string;
      },
      ctx,
    ) {
      const scope = input.Scope ?? 'All';
      let all: PolicyRecord[] = [];
      if (scope !== 'Local') all.push(...awsManagedPolicies());
      if (scope !== 'AWS') all.push(...(await s.repo.listEntities(ctx.accountId, 'policy')));
      all = byPrefix(all, input.PathPrefix);
      const boundaries = await boundaryCounts(s, ctx.accountId);
      const out = [];
      for (const p of all) {
        // The Policy shape's reference: Description is in GetPolicy's answer, not ListPolicies'.
        const { Description: _d, ...o } = await policyOut(s, ctx.accountId, p, false, boundaries);
        if (input.OnlyAttached && o.AttachmentCount + o.PermissionsBoundaryUsageCount === 0) continue;
        if (input.PolicyUsageFilter === 'PermissionsPolicy' && input.OnlyAttached && o.AttachmentCount === 0)
          continue;
        if (
          input.PolicyUsageFilter === 'PermissionsBoundary' &&
          input.OnlyAttached &&
          o.PermissionsBoundaryUsageCount === 0
        )
          continue;
        out.push(o);
      }
      const p = page(out, input);
      return { Policies: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    async DeletePolicy(input: { PolicyArn: string }, ctx) {
      const p = await ownPolicy(s, ctx, input.PolicyArn);
      const u = await usage(s, ctx.accountId, p.arn);
      if (u.attachments + u.boundaries > 0)
        throw deleteConflict('Cannot delete a policy attached to entities.');
      if (p.versions.length > 1) {
        throw deleteConflict(
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        );
      }
      await s.repo.deleteEntity(ctx.accountId, 'policy', p);
      s.changed();
      return {};
    },

    TagPolicy: tags.tag,
    UntagPolicy: tags.untag,
    ListPolicyTags: tags.list,
  };
}
