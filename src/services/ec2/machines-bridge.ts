/**
 * Keeps stored instances and the machine driver in step: launches machines from instance
 * documents, writes the driver's state changes back (with AWS's reasons), and reconciles both
 * at start-up (recover()).
 */
import {
  MachineError,
  type MachineDriver,
  type MachineSpec,
  type MachineState,
  type StateChange,
} from '../../machines/driver.ts';
import { AwsError } from '../../errors.ts';
import { freeAddressesOf, hasElasticIp, withPublicAddress } from './address-model.ts';
import { IncorrectInstanceState } from '../../generated/ec2/errors.ts';
import { parseCidr, intToIp, network } from './cidr.ts';
import { hostnameOf, stateOf, userInitiated, type InstanceDoc } from './instance-model.ts';
import { instanceType } from './instance-types.ts';
import { releaseVolumes } from './instance-volumes.ts';
import type { Ec2Repository, Scope } from './store.ts';

/** How long terminated instances stay visible (AWS: about an hour). */
export const TERMINATED_TTL_MS = 60 * 60 * 1000;

export function specOf(doc: InstanceDoc): MachineSpec {
  const type = instanceType(doc.InstanceType);
  const c = parseCidr(doc._subnetCidr)!;
  // Only instances not yet terminated are launched: they still have their placement and address.
  return {
    instanceId: doc.InstanceId,
    layers: doc._layers,
    vcpus: type?.vcpus ?? 1,
    memoryMiB: type?.memoryMiB ?? 1024,
    network: {
      vpcId: doc.VpcId!,
      subnetId: doc.SubnetId!,
      cidr: doc._subnetCidr,
      gateway: intToIp(network(c) + 1),
      privateIp: doc.PrivateIpAddress!,
    },
    hostname: hostnameOf(doc.PrivateIpAddress!),
    defaultUser: doc._defaultUser,
    ...(doc._publicKey ? { authorizedKey: doc._publicKey } : {}),
    ...(doc._userData ? { userData: Buffer.from(doc._userData, 'base64') } : {}),
    ...(doc.PublicIpAddress ? { publicAddress: { host: doc.PublicIpAddress, port: 22 } } : {}),
  };
}

/** Maps a driver failure to the EC2 error a client would see. */
export function machineFailure(e: unknown, id: string, verb: string): AwsError {
  if (e instanceof AwsError) return e;
  if (e instanceof MachineError && e.code === 'IncorrectState') {
    return new IncorrectInstanceState(`The instance '${id}' is not in a state from which it can be ${verb}.`);
  }
  return new AwsError('InternalError', `An internal error has occurred (${(e as Error).message})`, 500);
}

/**
 * A driver report older than the API's own change: a launch that finishes booting after
 * TerminateInstances or StopInstances was accepted. The queued driver work reports the outcome.
 */
function superseded(current: MachineState, reported: MachineState): boolean {
  if (current === 'shutting-down') return reported !== 'terminated';
  if (current === 'stopping') return reported === 'pending' || reported === 'running';
  return false;
}

export class MachinesBridge {
  private readonly chains = new Map<string, Promise<void>>();
  /**
   * Driver work per instance, one call after another. A launch resolves only once the driver
   * knows the machine, so anything asked of it meanwhile (terminate, a stop after a start) must
   * wait its turn instead of reaching a driver that says "no machine".
   */
  private readonly queues = new Map<string, Promise<unknown>>();
  private off?: () => void;
  readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly repo: Ec2Repository,
    private readonly driver: MachineDriver,
    private readonly exclusive: <T>(scope: Scope, fn: () => Promise<T>) => Promise<T>,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Runs work after the response without losing its errors or the server's shutdown wait. */
  background(p: Promise<unknown>): void {
    const tracked = p
      .catch((e) => this.log(`ec2 background task failed: ${(e as Error).message}`))
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  async start(): Promise<void> {
    const recovered = new Map((await this.driver.recover()).map((r) => [r.instanceId, r.state]));
    this.off = this.driver.onStateChange((c) => this.onChange(c));
    for (const { scope, doc } of await this.repo.all<InstanceDoc>('instance')) {
      if (doc.State.Name === 'terminated') continue;
      const state = recovered.get(doc.InstanceId) ?? this.driver.state(doc.InstanceId);
      if (state === doc.State.Name) continue;
      if (!state || state === 'terminated') {
        // The machine is gone (its disk lost, or it never came back): say so, as AWS does.
        await this.record(scope, doc, 'terminated', {
          code: 'Server.InternalError',
          message: 'Server.InternalError: Internal error on launch',
        });
      } else {
        await this.record(scope, doc, state);
      }
    }
  }

  /** Runs fn after the driver work queued before it for the same instance (see `queues`). */
  drive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => {});
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return next;
  }

  launch(doc: InstanceDoc): void {
    this.background(
      this.drive(doc.InstanceId, () => this.driver.launch(specOf(doc))).catch((e) =>
        this.onChange({
          instanceId: doc.InstanceId,
          state: 'terminated',
          reason: {
            code: 'Server.InternalError',
            message: `Server.InternalError: ${(e as Error).message}`,
          },
        }),
      ),
    );
  }

  async close(): Promise<void> {
    this.off?.();
    await Promise.all([...this.pending]);
    await Promise.all([...this.chains.values()]);
    await this.driver.close();
  }

  /**
   * Stores a state change (see apply). Terminating also detaches or deletes the instance's
   * volumes, whichever way the instance got there (API, driver report, lost machine).
   */
  async record(
    scope: Scope,
    doc: InstanceDoc,
    state: MachineState,
    reason?: { code: string; message: string },
  ): Promise<InstanceDoc> {
    const next = this.apply(doc, state, reason);
    if (state === 'terminated' && doc.State.Name !== 'terminated') {
      await releaseVolumes(this.repo, scope, doc);
      await freeAddressesOf(this.repo, scope, doc.InstanceId);
    }
    await this.repo.put(scope, 'instance', doc.InstanceId, next);
    return next;
  }

  /** Applies a state to a document with AWS's reason fields. */
  apply(doc: InstanceDoc, state: MachineState, reason?: { code: string; message: string }): InstanceDoc {
    const next: InstanceDoc = { ...doc, State: stateOf(state) };
    // StopInstances refuses a pending instance that never ran (see instances.ts); only one that
    // has run can be stopping or stopped.
    if (state === 'running' || state === 'stopping' || state === 'stopped') next._reachedRunning = true;
    if (state === 'running' || state === 'pending') {
      next.StateTransitionReason = '';
      delete next.StateReason;
      if (state === 'running')
        (next.MetadataOptions as Record<string, unknown>) = {
          ...(doc.MetadataOptions as object),
          State: 'applied',
        };
      if (state === 'running' && doc.Monitoring.State === 'pending') next.Monitoring = { State: 'enabled' };
    } else {
      if (reason) next.StateReason = { Code: reason.code, Message: reason.message };
      if ((state === 'stopped' || state === 'terminated') && !doc.StateTransitionReason)
        next.StateTransitionReason = userInitiated();
    }
    if (state === 'terminated') {
      next._terminatedAt = new Date().toISOString();
      next.PublicDnsName = '';
      next.PrivateDnsName = '';
      delete next.PublicIpAddress;
      // AWS shows a terminated instance without its network placement and private address.
      delete next.SubnetId;
      delete next.VpcId;
      delete next.PrivateIpAddress;
      next.NetworkInterfaces = [];
      next.SecurityGroups = [];
      next.BlockDeviceMappings = [];
      // The interface goes with the instance, and so do the root volume's tags (record() gives a
      // root volume kept with DeleteOnTermination false its own document, tags included).
      next._volumeTags = {};
      next._eniTags = {};
    }
    if (state === 'stopped' && !hasElasticIp(doc)) {
      // A stopped instance gives its public address back (a new one comes with the next start);
      // an Elastic IP stays associated.
      return withPublicAddress(next, undefined);
    }
    return next;
  }

  private onChange(c: StateChange): void {
    const prev = this.chains.get(c.instanceId) ?? Promise.resolve();
    const next = prev
      .then(async () => {
        const found = await this.repo.findById<InstanceDoc>(c.instanceId);
        if (!found || found.kind !== 'instance') return;
        await this.exclusive(found.scope, async () => {
          // Re-read inside the lock: a handler may have changed the document meanwhile.
          const doc = await this.repo.get<InstanceDoc>(found.scope, c.instanceId);
          if (!doc || doc.State.Name === 'terminated') return;
          if (superseded(doc.State.Name, c.state)) return;
          await this.record(found.scope, doc, c.state, c.reason);
        });
      })
      .catch((e) => this.log(`ec2: cannot record state of ${c.instanceId}: ${(e as Error).message}`));
    this.chains.set(c.instanceId, next);
    void next.finally(() => {
      if (this.chains.get(c.instanceId) === next) this.chains.delete(c.instanceId);
    });
  }
}
