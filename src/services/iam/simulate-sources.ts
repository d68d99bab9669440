/**
 * The policies SimulatePrincipalPolicy reads for a user, group or role, each labelled as the
 * simulator reports it (SourcePolicyId, SourcePolicyType: user / group / role for inline
 * policies, aws-managed / user-managed for attached ones), with the text the positions of
 * MatchedStatements refer to.
 */
import type { Principal } from '../../auth/principal.ts';
import { AWS_POLICY_PREFIX } from './aws-managed.ts';
import { tagMap } from './common.ts';
import { IamErrors, invalidInput } from './errors.ts';
import { findPolicy } from './managed-policies.ts';
import type { EntityBase } from './repository.ts';
import type { IamState } from './state.ts';

export type SimSourceType = 'user' | 'group' | 'role' | 'aws-managed' | 'user-managed' | 'resource' | 'none';

export interface SimPolicy {
  /** SourcePolicyId as IAM reports it. */
  id: string;
  type: SimSourceType;
  text: string;
}

export interface SimEntity {
  kind: 'user' | 'group' | 'role';
  principal: Principal;
  identity: SimPolicy[];
  boundary?: SimPolicy;
}

type Kind = SimEntity['kind'];

async function managed(s: IamState, accountId: string, arn: string): Promise<SimPolicy | undefined> {
  const p = await findPolicy(s, accountId, arn);
  const v = p?.versions.find((x) => x.id === p.defaultVersion);
  if (!p || !v) return undefined;
  return {
    id: p.name,
    type: arn.startsWith(AWS_POLICY_PREFIX) ? 'aws-managed' : 'user-managed',
    text: v.document,
  };
}

async function policiesOf(s: IamState, accountId: string, kind: Kind, e: EntityBase): Promise<SimPolicy[]> {
  const out: SimPolicy[] = [];
  for (const p of await s.repo.listInline(accountId, e.id))
    out.push({ id: p.name, type: kind, text: p.document });
  for (const arn of await s.repo.linksFrom(accountId, 'attach', e.id)) {
    const m = await managed(s, accountId, arn);
    if (m) out.push(m);
  }
  return out;
}

const ENTITY_ARN = /^arn:aws:iam::(\d{12}):(user|group|role)(\/(?:.*\/)?)([^/]+)$/;

/** The entity a PolicySourceArn names (InvalidInput for other ARNs, NoSuchEntity when missing). */
export async function simulationEntity(s: IamState, callerAccount: string, arn: string): Promise<SimEntity> {
  const m = ENTITY_ARN.exec(arn);
  if (!m)
    throw invalidInput(
      `Invalid ARN: ${arn}. PolicySourceArn must be the ARN of an IAM user, group, or role.`,
    );
  const [, accountId, kind, , name] = m as unknown as [string, string, Kind, string, string];
  const e = accountId === callerAccount ? await s.repo.getEntity(accountId, kind, name) : undefined;
  if (!e || e.arn !== arn) throw IamErrors.noSuchEntity(kind, name);
  const identity = await policiesOf(s, accountId, kind, e);
  const tags = e.tags.length ? { tags: tagMap(e.tags) } : {};
  let principal: Principal;
  let boundaryArn: string | undefined;
  if (kind === 'user') {
    for (const gid of await s.repo.linksFrom(accountId, 'member', e.id)) {
      const g = await s.repo.getEntityById('group', gid);
      if (g) identity.push(...(await policiesOf(s, accountId, 'group', g.record)));
    }
    boundaryArn = (e as { boundary?: string }).boundary;
    principal = { type: 'IAMUser', accountId, arn: e.arn, userId: e.id, userName: e.name, ...tags };
  } else if (kind === 'role') {
    boundaryArn = (e as { boundary?: string }).boundary;
    principal = {
      type: 'AssumedRole',
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/${e.name}/SimulatedSession`,
      userId: `${e.id}:SimulatedSession`,
      role: { arn: e.arn, roleId: e.id, name: e.name, path: e.path },
      sessionName: 'SimulatedSession',
      ...tags,
    };
  } else {
    // A group is no principal: the simulation runs as an unnamed user of the account.
    principal = {
      type: 'IAMUser',
      accountId,
      arn: `arn:aws:iam::${accountId}:user/SimulatedUser`,
      userId: 'AIDASIMULATEDUSER',
    };
  }
  const boundary = boundaryArn ? await managed(s, accountId, boundaryArn) : undefined;
  return { kind, principal, identity, ...(boundary && { boundary }) };
}

/** CallerArn: an IAM user of this server (its id and tags when known). */
export async function callerPrincipal(s: IamState, arn: string): Promise<Principal> {
  const m = ENTITY_ARN.exec(arn);
  if (!m || m[2] !== 'user')
    throw invalidInput(`Invalid CallerArn: ${arn}. CallerArn must be the ARN of an IAM user.`);
  const accountId = m[1]!;
  const name = m[4]!;
  const u = await s.repo.getEntity(accountId, 'user', name);
  if (u && u.arn === arn) {
    return {
      type: 'IAMUser',
      accountId,
      arn,
      userId: u.id,
      userName: u.name,
      ...(u.tags.length && { tags: tagMap(u.tags) }),
    };
  }
  return { type: 'IAMUser', accountId, arn, userId: 'AIDASIMULATEDCALLER', userName: name };
}
