/** Instance lifecycle (Run/Start/Stop/Reboot/Terminate), DescribeInstances, status and console. */
import { IncorrectInstanceState, OperationNotPermitted } from '../../generated/ec2/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import type { MachineState } from '../../machines/driver.ts';
import { dryRun, INSTANCE_ERRORS, mustGet, requireParam, scopeOf, type Ec2Env } from './env.ts';
import { describeAll, describePage } from './describe.ts';
import { paginate } from './filters.ts';
import { instanceAttributeHandlers } from './instance-attributes.ts';
import { INSTANCE_FILTERS } from './instance-filters.ts';
import { byIds, liveInstances } from './instance-lookup.ts';
import { stateOf, type InstanceDoc } from './instance-model.ts';
import { withAttachedVolumes } from './instance-volumes.ts';
import { machineFailure, type MachinesBridge } from './machines-bridge.ts';
import { networkInterfaceHandlers } from './network-interfaces.ts';
import { allocatePublicIp, publicDnsName, runInstances, type Reservation } from './run-instances.ts';
import { withLaunchTemplate } from './launch-template-model.ts';
import type { Scope } from './store.ts';

function reservations(docs: InstanceDoc[], account: string): Reservation[] {
  const map = new Map<string, Reservation>();
  for (const d of docs) {
    let r = map.get(d._reservationId);
    if (!r) {
      r = { ReservationId: d._reservationId, OwnerId: account, Groups: [], Instances: [] };
      map.set(d._reservationId, r);
    }
    r.Instances.push(d);
  }
  return [...map.values()];
}

/** One instance as DescribeInstanceStatus shows it. */
function statusOf(d: InstanceDoc) {
  const running = d.State.Name === 'running';
  const check = (name: string) =>
    running
      ? { Status: 'ok', Details: [{ Name: name, Status: 'passed' }] }
      : { Status: 'not-applicable', Details: [] as unknown[] };
  return {
    AvailabilityZone: d.Placement.AvailabilityZone,
    AvailabilityZoneId: d.Placement.AvailabilityZoneId,
    InstanceId: d.InstanceId,
    InstanceState: d.State,
    InstanceStatus: check('reachability'),
    SystemStatus: check('reachability'),
    AttachedEbsStatus: running
      ? { Status: 'ok', Details: [{ Name: 'reachability', Status: 'passed' }] }
      : { Status: 'not-applicable', Details: [] },
    Events: [],
  };
}

type Change = {
  InstanceId: string;
  CurrentState: ReturnType<typeof stateOf>;
  PreviousState: ReturnType<typeof stateOf>;
};

export function instanceHandlers(env: Ec2Env, bridge: MachinesBridge): ServiceHandlers {
  /** Moves each instance to `next` now, then lets the driver do the work in the background. */
  async function transition(
    scope: Scope,
    docs: InstanceDoc[],
    next: MachineState,
    work: (doc: InstanceDoc) => Promise<void>,
    reason?: { code: string; message: string },
  ): Promise<Change[]> {
    const out: Change[] = [];
    for (const doc of docs) {
      const previous = doc.State;
      const updated = await bridge.record(scope, doc, next, reason);
      out.push({ InstanceId: doc.InstanceId, CurrentState: updated.State, PreviousState: previous });
      bridge.background(
        bridge
          .drive(doc.InstanceId, () => work(updated))
          .catch(async (e) => {
            // The driver could not do it: show what the machine really is (gone = terminated).
            const actual = env.driver.state(doc.InstanceId) ?? 'terminated';
            await env.exclusive(scope, async () => {
              const now = await env.repo.get<InstanceDoc>(scope, doc.InstanceId);
              if (now && now.State.Name !== actual) {
                await bridge.record(scope, now, actual, {
                  code: 'Server.InternalError',
                  message: 'Server.InternalError: Internal error',
                });
              }
            });
            throw e;
          }),
      );
    }
    return out;
  }

  async function monitoring(input: any, ctx: any, state: 'enabled' | 'disabled') {
    dryRun(input);
    const scope = scopeOf(ctx);
    const docs = await byIds(env, scope, input.InstanceIds ?? []);
    for (const d of docs)
      await env.repo.put(scope, 'instance', d.InstanceId, { ...d, Monitoring: { State: state } });
    return {
      InstanceMonitorings: docs.map((d) => ({
        InstanceId: d.InstanceId,
        Monitoring: { State: state === 'enabled' ? 'pending' : 'disabling' },
      })),
    };
  }

  return {
    ...instanceAttributeHandlers(env),
    ...networkInterfaceHandlers(env),

    async RunInstances(input, ctx) {
      const { input: merged, systemTags } = await withLaunchTemplate(env.repo, scopeOf(ctx), input);
      return runInstances(env, merged, ctx, (doc) => bridge.launch(doc), systemTags);
    },

    async DescribeInstances(input, ctx) {
      const scope = scopeOf(ctx);
      const docs = await describeAll(input, {
        operation: 'DescribeInstances',
        ids: input.InstanceIds,
        idsParam: 'instancesSet',
        // Volumes attached after launch are block devices too, for the filters as for the answer.
        byIds: async (ids) => withAttachedVolumes(env, scope, await byIds(env, scope, ids)),
        all: async () => withAttachedVolumes(env, scope, await liveInstances(env, scope)),
        fields: INSTANCE_FILTERS,
      });
      // Pages count reservations, not instances.
      const { page, NextToken } = paginate(reservations(docs, scope.account), input, { min: 5, max: 1000 });
      return { Reservations: page, NextToken };
    },

    async StopInstances(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const docs = await byIds(env, scope, input.InstanceIds ?? []);
      for (const d of docs) {
        if (d.State.Name === 'terminated' || d.State.Name === 'shutting-down') {
          throw new IncorrectInstanceState(
            `This instance '${d.InstanceId}' is not in a state from which it can be stopped.`,
          );
        }
        if (d.State.Name === 'pending' && !d._reachedRunning) {
          throw new IncorrectInstanceState(
            `Instance '${d.InstanceId}' cannot be stopped as it has never reached the 'running' state.`,
          );
        }
        if (d._disableApiStop) {
          throw new OperationNotPermitted(
            `The instance '${d.InstanceId}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`,
          );
        }
      }
      const already = docs.filter((d) => d.State.Name === 'stopped' || d.State.Name === 'stopping');
      const moving = docs.filter((d) => !already.includes(d));
      const changes = await transition(
        scope,
        moving,
        'stopping',
        (d) => env.driver.stop(d.InstanceId, { force: input.Force }),
        {
          code: 'Client.UserInitiatedShutdown',
          message: 'Client.UserInitiatedShutdown: User initiated shutdown',
        },
      );
      for (const c of changes) {
        const doc = (await env.repo.get<InstanceDoc>(scope, c.InstanceId))!;
        await env.repo.put(scope, 'instance', c.InstanceId, {
          ...doc,
          StateTransitionReason: `User initiated (${new Date().toISOString().slice(0, 19).replace('T', ' ')} GMT)`,
        });
      }
      const all = [
        ...changes,
        ...already.map((d) => ({ InstanceId: d.InstanceId, CurrentState: d.State, PreviousState: d.State })),
      ];
      return {
        StoppingInstances: input.InstanceIds.map((id: string) => all.find((c) => c.InstanceId === id)),
      };
    },

    async StartInstances(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const docs = await byIds(env, scope, input.InstanceIds ?? []);
      for (const d of docs) {
        if (!['stopped', 'running', 'pending'].includes(d.State.Name)) {
          throw new IncorrectInstanceState(
            `The instance '${d.InstanceId}' is not in a state from which it can be started.`,
          );
        }
      }
      const already = docs.filter((d) => d.State.Name !== 'stopped');
      const moving = docs.filter((d) => d.State.Name === 'stopped');
      for (const d of moving) {
        // EC2 gives a stopped instance a new public address when it starts.
        if (d.NetworkInterfaces[0]?.Association === undefined && d._wantsPublicIp) {
          const ip = await allocatePublicIp(env);
          const dns = publicDnsName(ip, scope.region);
          const assoc = { IpOwnerId: 'amazon', PublicDnsName: dns, PublicIp: ip };
          d.PublicIpAddress = ip;
          d.PublicDnsName = dns;
          d.NetworkInterfaces = d.NetworkInterfaces.map((n, i) =>
            i === 0
              ? {
                  ...n,
                  Association: assoc,
                  PrivateIpAddresses: n.PrivateIpAddresses.map((p: object) => ({ ...p, Association: assoc })),
                }
              : n,
          );
        }
      }
      const changes = await transition(scope, moving, 'pending', (d) =>
        env.driver.start(d.InstanceId, {
          publicAddress: d.PublicIpAddress ? { host: d.PublicIpAddress, port: 22 } : null,
        }),
      );
      const all = [
        ...changes,
        ...already.map((d) => ({ InstanceId: d.InstanceId, CurrentState: d.State, PreviousState: d.State })),
      ];
      return {
        StartingInstances: input.InstanceIds.map((id: string) => all.find((c) => c.InstanceId === id)),
      };
    },

    async RebootInstances(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      // "Requests to reboot terminated instances are ignored" (RebootInstances' documentation).
      const docs = (await byIds(env, scope, input.InstanceIds ?? [])).filter(
        (d) => d.State.Name !== 'terminated',
      );
      for (const d of docs) {
        if (d.State.Name !== 'running') {
          throw new IncorrectInstanceState(
            `The instance '${d.InstanceId}' is not in a state from which it can be rebooted.`,
          );
        }
      }
      for (const d of docs)
        bridge.background(bridge.drive(d.InstanceId, () => env.driver.reboot(d.InstanceId)));
      return {};
    },

    async TerminateInstances(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const docs = await byIds(env, scope, input.InstanceIds ?? []);
      for (const d of docs) {
        if (d._disableApiTermination && d.State.Name !== 'terminated') {
          throw new OperationNotPermitted(
            `The instance '${d.InstanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
          );
        }
      }
      const done = docs.filter((d) => d.State.Name === 'terminated' || d.State.Name === 'shutting-down');
      const moving = docs.filter((d) => !done.includes(d));
      const changes = await transition(
        scope,
        moving,
        'shutting-down',
        async (d) => {
          try {
            await env.driver.terminate(d.InstanceId);
          } catch (e) {
            // A machine the driver no longer knows is as good as terminated.
            await env.exclusive(scope, async () => {
              const now = await env.repo.get<InstanceDoc>(scope, d.InstanceId);
              if (now && now.State.Name !== 'terminated')
                await bridge.record(scope, now, 'terminated', {
                  code: 'Client.UserInitiatedShutdown',
                  message: 'Client.UserInitiatedShutdown: User initiated shutdown',
                });
            });
            if (!(e instanceof Error && e.name === 'MachineError')) throw e;
          }
        },
        {
          code: 'Client.UserInitiatedShutdown',
          message: 'Client.UserInitiatedShutdown: User initiated shutdown',
        },
      );
      const all = [
        ...changes,
        ...done.map((d) => ({ InstanceId: d.InstanceId, CurrentState: d.State, PreviousState: d.State })),
      ];
      return {
        TerminatingInstances: input.InstanceIds.map((id: string) => all.find((c) => c.InstanceId === id)),
      };
    },

    async DescribeInstanceStatus(input, ctx) {
      const scope = scopeOf(ctx);
      const statusesOf = (docs: InstanceDoc[]) =>
        (input.IncludeAllInstances ? docs : docs.filter((d) => d.State.Name === 'running')).map(statusOf);
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeInstanceStatus',
        ids: input.InstanceIds,
        idsParam: 'instancesSet',
        byIds: async (ids) => statusesOf(await byIds(env, scope, ids)),
        all: async () => statusesOf(await liveInstances(env, scope)),
        fields: {
          'availability-zone': (s) => s.AvailabilityZone,
          'instance-state-name': (s) => s.InstanceState.Name,
          'instance-state-code': (s) => s.InstanceState.Code,
          'instance-status.status': (s) => s.InstanceStatus.Status,
          'instance-status.reachability': (s) => s.InstanceStatus.Details.map((x: any) => x.Status),
          'system-status.status': (s) => s.SystemStatus.Status,
          'system-status.reachability': (s) => s.SystemStatus.Details.map((x: any) => x.Status),
          'event.code': () => undefined,
        },
        maxResults: { min: 5, max: 1000 },
      });
      return { InstanceStatuses: page, NextToken };
    },

    async MonitorInstances(input, ctx) {
      return monitoring(input, ctx, 'enabled');
    },

    async UnmonitorInstances(input, ctx) {
      return monitoring(input, ctx, 'disabled');
    },

    async GetConsoleOutput(input, ctx) {
      const scope = scopeOf(ctx);
      requireParam(input.InstanceId, 'InstanceId');
      const doc = await mustGet<InstanceDoc>(env, scope, input.InstanceId, 'i', INSTANCE_ERRORS);
      let text = '';
      try {
        text = await env.driver.consoleOutput(doc.InstanceId);
      } catch (e) {
        if (!(e instanceof Error && e.name === 'MachineError'))
          throw machineFailure(e, doc.InstanceId, 'read');
      }
      return {
        InstanceId: doc.InstanceId,
        Timestamp: new Date(),
        ...(text ? { Output: Buffer.from(text).toString('base64') } : {}),
      };
    },
  };
}
