/** The bridge orders driver work per instance and ignores driver reports the API has overtaken. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteBackend } from '../../src/store/backend.ts';
import { openEc2Repository } from '../../src/services/ec2/store.ts';
import { MachinesBridge } from '../../src/services/ec2/machines-bridge.ts';
import { stateOf, type InstanceDoc } from '../../src/services/ec2/instance-model.ts';
import { StateEvents, type MachineDriver } from '../../src/machines/driver.ts';

const scope = { account: '123456789012', region: 'us-east-1' };
const id = 'i-0123456789abcdef0';

test('driver calls wait for the launch; a late "pending" does not undo shutting-down', async () => {
  const backend = await openSqliteBackend(':memory:');
  const repo = openEc2Repository(backend);
  const events = new StateEvents();
  const calls: string[] = [];
  let finishLaunch!: () => void;
  const driver = {
    kind: 'metadata',
    recover: async () => [],
    onStateChange: (l: Parameters<MachineDriver['onStateChange']>[0]) => events.on(l),
    state: () => undefined,
    launch: () =>
      new Promise<void>((resolve) => {
        finishLaunch = () => {
          calls.push('launched');
          events.emit({ instanceId: id, state: 'pending' });
          resolve();
        };
      }),
    terminate: async () => {
      calls.push('terminate');
    },
    close: async () => {},
  } as unknown as MachineDriver;
  const bridge = new MachinesBridge(repo, driver, (_s, fn) => fn());
  await bridge.start();
  const doc = {
    InstanceId: id,
    State: stateOf('pending'),
    Monitoring: { State: 'disabled' },
    NetworkInterfaces: [],
    _layers: ['base'],
    _subnetCidr: '172.31.0.0/20',
    PrivateIpAddress: '172.31.0.10',
  } as unknown as InstanceDoc;
  await repo.put(scope, 'instance', id, doc);
  bridge.launch(doc);
  await repo.put(scope, 'instance', id, bridge.apply(doc, 'shutting-down'));
  const terminated = bridge.drive(id, () => driver.terminate(id));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(calls, []);
  finishLaunch();
  await terminated;
  assert.deepEqual(calls, ['launched', 'terminate']);
  await bridge.close();
  const now = await repo.get<InstanceDoc>(scope, id);
  assert.equal(now!.State.Name, 'shutting-down');
});
