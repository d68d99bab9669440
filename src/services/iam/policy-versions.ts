/** Versions of customer-managed policies: at most five, one of them the default. */
import { AwsError } from '../../errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import { date, encodeDocument, iso, page, save, type Paged } from './common.ts';
import { deleteConflict, limitExceeded, noSuch } from './errors.ts';
import { checkManagedDocument, ownPolicy, policyNotFound, resolvePolicy } from './managed-policies.ts';
import type { PolicyRecord, PolicyVersionRecord } from './repository.ts';
import type { IamState } from './state.ts';

export const MAX_POLICY_VERSIONS = 5;

const versionOut = (p: PolicyRecord, v: PolicyVersionRecord, withDocument: boolean) => ({
  ...(withDocument && { Document: encodeDocument(v.document) }),
  VersionId: v.id,
  IsDefaultVersion: v.id === p.defaultVersion,
  CreateDate: date(v.createdAt),
});

const noSuchVersion = (arn: string, id: string) =>
  noSuch(`Policy ${arn} version ${id} does not exist or is not attachable.`);

function version(p: PolicyRecord, id: string): PolicyVersionRecord {
  const v = p.versions.find((x) => x.id === id);
  if (!v) throw noSuchVersion(p.arn, id);
  return v;
}

const VERSION_ID = /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/;

export function policyVersionHandlers(s: IamState): ServiceHandlers {
  return {
    async CreatePolicyVersion(
      input: { PolicyArn: string; PolicyDocument: string; SetAsDefault?: boolean },
      ctx,
    ) {
      const p = await ownPolicy(s, ctx, input.PolicyArn);
      checkManagedDocument(input.PolicyDocument);
      if (p.versions.length >= MAX_POLICY_VERSIONS) {
        throw limitExceeded(
          `A managed policy can have up to ${MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version.`,
        );
      }
      const v: PolicyVersionRecord = {
        id: `v${p.nextVersion}`,
        document: input.PolicyDocument,
        createdAt: iso(ctx.now),
      };
      const next: PolicyRecord = {
        ...p,
        versions: [...p.versions, v],
        nextVersion: p.nextVersion + 1,
        defaultVersion: input.SetAsDefault ? v.id : p.defaultVersion,
        updatedAt: input.SetAsDefault ? v.createdAt : p.updatedAt,
      };
      await save(s, ctx, 'policy', next);
      return { PolicyVersion: versionOut(next, v, false) };
    },

    async GetPolicyVersion(input: { PolicyArn: string; VersionId: string }, ctx) {
      const p = await resolvePolicy(s, ctx, input.PolicyArn, (arn) => noSuchVersion(arn, input.VersionId));
      return { PolicyVersion: versionOut(p, version(p, input.VersionId), true) };
    },

    async ListPolicyVersions(input: Paged & { PolicyArn: string }, ctx) {
      const p = await resolvePolicy(s, ctx, input.PolicyArn, policyNotFound);
      // Newest first, as IAM lists them.
      const pg = page([...p.versions].reverse(), input);
      return {
        Versions: pg.items.map((v) => versionOut(p, v, false)),
        IsTruncated: pg.IsTruncated,
        Marker: pg.Marker,
      };
    },

    async DeletePolicyVersion(input: { PolicyArn: string; VersionId: string }, ctx) {
      const p = await ownPolicy(s, ctx, input.PolicyArn, (arn) => noSuchVersion(arn, input.VersionId));
      const v = version(p, input.VersionId);
      if (v.id === p.defaultVersion) throw deleteConflict('Cannot delete the default version of a policy.');
      await save(s, ctx, 'policy', { ...p, versions: p.versions.filter((x) => x.id !== v.id) });
      return {};
    },

    async SetDefaultPolicyVersion(input: { PolicyArn: string; VersionId: string }, ctx) {
      if (!VERSION_ID.test(input.VersionId)) {
        throw new AwsError('InvalidInput', `Invalid Version Id '${input.VersionId}'`, 400);
      }
      const p = await ownPolicy(s, ctx, input.PolicyArn, (arn) => noSuchVersion(arn, input.VersionId));
      version(p, input.VersionId);
      await save(s, ctx, 'policy', { ...p, defaultVersion: input.VersionId, updatedAt: iso(ctx.now) });
      return {};
    },
  };
}
