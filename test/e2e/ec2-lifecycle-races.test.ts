/**
 * Instance calls that arrive while a launch is still in flight (metadata driver): AWS refuses to
 * stop an instance that never ran; a terminate or reboot waits for the machine instead of racing
 * it; reboots of terminated instances are ignored.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC2Client,
  RunInstancesCommand,
  DescribeInstancesCommand,
  StopInstancesCommand,
  StartInstancesCommand,
  RebootInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import type { TestServer } from '../support/server.ts';
import { startEc2Server } from '../support/ec2.ts';
import { errorFields } from '../support/errors.ts';

let server: TestServer;
let ec2: EC2Client;
let ami: string;
const wait = { maxWaitTime: 60, minDelay: 1, maxDelay: 1 };
const errorOf = (p: Promise<unknown>) => errorFields(p, 'name', 'message');

before(async () => {
  ({ server, ec2, ami } = await startEc2Server());
});
after(() => server.stop());

async function launch(): Promise<string> {
  const r = await ec2.send(
    new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }),
  );
  return r.Instances![0]!.InstanceId!;
}

async function describe(id: string) {
  return (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!
    .Instances![0]!;
}

test('StopInstances on an instance that never ran: IncorrectInstanceState; it still comes up', async () => {
  const id = await launch();
  assert.deepEqual(await errorOf(ec2.send(new StopInstancesCommand({ InstanceIds: [id] }))), {
    name: 'IncorrectInstanceState',
    message: `Instance '${id}' cannot be stopped as it has never reached the 'running' state.`,
  });
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  // Once it has run, a start's pending is stoppable: the stop waits for the start.
  await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
  await waitUntilInstanceStopped({ client: ec2, ...wait }, { InstanceIds: [id] });
  await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
  const stop = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
  assert.equal(stop.StoppingInstances![0]!.PreviousState!.Name, 'pending');
  await waitUntilInstanceStopped({ client: ec2, ...wait }, { InstanceIds: [id] });
  const d = await describe(id);
  assert.equal(d.StateReason!.Code, 'Client.UserInitiatedShutdown');
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
});

test('TerminateInstances during the launch: waits for the machine, never goes back to pending', async () => {
  const id = await launch();
  const t = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  assert.deepEqual(
    [t.TerminatingInstances![0]!.PreviousState!.Name, t.TerminatingInstances![0]!.CurrentState!.Name],
    ['pending', 'shutting-down'],
  );
  const seen = new Set<string>();
  for (let n = 0; n < 30; n++) {
    const s = (await describe(id)).State!.Name!;
    seen.add(s);
    if (s === 'terminated') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(
    [...seen].filter((s) => s !== 'shutting-down' && s !== 'terminated'),
    [],
  );
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [id] });
  assert.equal((await describe(id)).StateReason!.Code, 'Client.UserInitiatedShutdown');
});

test('RebootInstances: pending refused, running accepted, terminated ignored', async () => {
  const id = await launch();
  assert.equal(
    (await errorOf(ec2.send(new RebootInstancesCommand({ InstanceIds: [id] })))).name,
    'IncorrectInstanceState',
  );
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  await ec2.send(new RebootInstancesCommand({ InstanceIds: [id] }));
  assert.equal((await describe(id)).State!.Name, 'running');
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [id] });
  await ec2.send(new RebootInstancesCommand({ InstanceIds: [id] }));
  assert.equal((await describe(id)).State!.Name, 'terminated');
});
