/**
 * EC2: regions and zones, default and custom networks, images, key pairs and instances. Machines
 * run behind src/machines (the driver is chosen by config.machines: real where the host can,
 * else metadata-only). State is per account and region in the store and survives restarts.
 */
import { createHash } from 'node:crypto';
import { DryRunOperation } from '../../generated/ec2/errors.ts';
import { createMachineDriver } from '../../machines/index.ts';
import type { Service } from '../registry.ts';
import type { ServiceDeps } from '../deps.ts';
import { mergeHandlers, type Handler, type ServiceHandlers } from '../handler.ts';
import { addressHandlers } from './addresses.ts';
import { ec2Authz } from './authz.ts';
import { scopeOf, type Ec2Env } from './env.ts';
import { imageHandlers } from './images.ts';
import { InstanceMetadataService } from './imds.ts';
import { instanceHandlers } from './instances.ts';
import { keyPairHandlers } from './key-pairs.ts';
import { launchTemplateHandlers } from './launch-templates.ts';
import { MachinesBridge } from './machines-bridge.ts';
import { natGatewayHandlers } from './nat-gateways.ts';
import { createDefaultNetwork } from './network-defaults.ts';
import { routeHandlers } from './routes.ts';
import { securityGroupHandlers } from './security-groups.ts';
import { openEc2Repository, type Scope } from './store.ts';
import { tagHandlers } from './tags.ts';
import { vpcHandlers } from './vpcs.ts';
import { volumeHandlers } from './volumes.ts';
import { ebsVolumeHandlers } from './ebs-volumes.ts';
import { zoneHandlers } from './zones.ts';

export async function createEc2Service(deps: ServiceDeps): Promise<Service> {
  const repo = openEc2Repository(deps.backend);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const imds = new InstanceMetadataService(repo, deps.backend);
  const { driver } = await createMachineDriver({
    dataDir: deps.config.dataDir,
    mode: deps.config.machines,
    log,
    // Real machines route their guests' 169.254.169.254 requests here.
    metadataService: (instanceId, req) => imds.handle(instanceId, req),
  });
  // One promise per scope: concurrent first requests must not create two default VPCs.
  const ready = new Map<string, Promise<void>>();
  // Changes within one account and region run one at a time: handlers read, modify and write
  // documents across awaits, and two at once could lose an update (two rules, one address).
  const locks = new Map<string, Promise<unknown>>();
  const serialized = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => {});
    locks.set(key, settled);
    void settled.then(() => {
      if (locks.get(key) === settled) locks.delete(key);
    });
    return next;
  };
  const env: Ec2Env = {
    exclusive: (scope, fn) => serialized(`${scope.account}/${scope.region}`, fn),
    repo,
    driver,
    async instanceProfile(ctx, ref) {
      const name = ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
      const get = deps.app.handlers.iam?.GetInstanceProfile;
      if (!get) {
        // No IAM here: trust the caller, as a profile would be trusted by name.
        const arn = ref.startsWith('arn:') ? ref : `arn:aws:iam::${ctx.accountId}:instance-profile/${name}`;
        return {
          arn,
          id: `AIPA${createHash('sha256').update(arn).digest('hex').toUpperCase().slice(0, 17)}`,
        };
      }
      try {
        const out = await get(
          { InstanceProfileName: name },
          { ...ctx, service: 'iam', operation: 'GetInstanceProfile', region: 'us-east-1' },
        );
        const p = out.InstanceProfile as { Arn: string; InstanceProfileId: string };
        if (ref.startsWith('arn:') && p.Arn !== ref) return undefined;
        return { arn: p.Arn, id: p.InstanceProfileId };
      } catch (e) {
        if ((e as { code?: string }).code === 'NoSuchEntity') return undefined;
        throw e;
      }
    },
    ensureDefaults(scope: Scope) {
      const key = `${scope.account}/${scope.region}`;
      let p = ready.get(key);
      if (!p) {
        p = (async () => {
          if (await repo.get(scope, 'defaults')) return;
          await createDefaultNetwork(repo, scope);
          await repo.put(scope, 'meta', 'defaults', { id: 'defaults', createdAt: new Date().toISOString() });
        })();
        p.catch(() => ready.delete(key));
        ready.set(key, p);
      }
      return p;
    },
  };
  const bridge = new MachinesBridge(repo, driver, env.exclusive, log);
  await bridge.start();

  const all = mergeHandlers(
    zoneHandlers(),
    vpcHandlers(env),
    securityGroupHandlers(env),
    routeHandlers(env),
    keyPairHandlers(env),
    imageHandlers(env, (p) => bridge.background(p)),
    instanceHandlers(env, bridge),
    addressHandlers(env, bridge),
    natGatewayHandlers(env),
    tagHandlers(env),
    volumeHandlers(env),
    ebsVolumeHandlers(env),
    launchTemplateHandlers(env),
  );
  // Every request sees its account's default network, as on AWS, from the first call on.
  const handlers: ServiceHandlers = {};
  for (const [name, fn] of Object.entries(all)) {
    const readOnly = name.startsWith('Describe') || name.startsWith('Get');
    const wrapped: Handler = async (input, ctx) => {
      const scope = scopeOf(ctx);
      await env.ensureDefaults(scope);
      // The authorize step has passed: a dry run would have succeeded.
      if (input?.DryRun) throw new DryRunOperation();
      if (readOnly) return fn(input, ctx);
      return env.exclusive(scope, () => fn(input, ctx));
    };
    handlers[name] = wrapped;
  }
  return {
    handlers,
    authz: ec2Authz(repo),
    close: () => bridge.close(),
    health: () => ({ machines: driver.kind }),
  };
}
