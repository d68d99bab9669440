/** Instances by id or all of a scope, as the instance handlers and derived views read them. */
import { InvalidInstanceIDNotFound } from '../../generated/ec2/errors.ts';
import { malformed, type Ec2Env } from './env.ts';
import type { InstanceDoc } from './instance-model.ts';
import { TERMINATED_TTL_MS } from './machines-bridge.ts';
import type { Scope } from './store.ts';

/** Instances of a scope, dropping terminated ones older than AWS keeps them. */
export async function liveInstances(env: Ec2Env, scope: Scope): Promise<InstanceDoc[]> {
  const all = await env.repo.list<InstanceDoc>(scope, 'instance');
  const now = Date.now();
  const out: InstanceDoc[] = [];
  for (const i of all) {
    if (i._terminatedAt && now - Date.parse(i._terminatedAt) > TERMINATED_TTL_MS)
      await env.repo.delete(scope, i.InstanceId);
    else out.push(i);
  }
  return out;
}

/** Instances by id: Malformed for bad ids, NotFound naming every missing one. */
export async function byIds(env: Ec2Env, scope: Scope, ids: string[]): Promise<InstanceDoc[]> {
  const live = await liveInstances(env, scope);
  const bad = ids.find((id) => !/^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id));
  if (bad) throw malformed('InvalidInstanceID.Malformed', bad, 'i');
  const missing = ids.filter((id) => !live.some((i) => i.InstanceId === id));
  if (missing.length === 1)
    throw new InvalidInstanceIDNotFound(`The instance ID '${missing[0]}' does not exist`);
  if (missing.length)
    throw new InvalidInstanceIDNotFound(`The instance IDs '${missing.join(', ')}' do not exist`);
  return ids.map((id) => live.find((i) => i.InstanceId === id)!);
}
