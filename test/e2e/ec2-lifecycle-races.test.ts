/**
 * Instance calls that arrive while a launch is still in flight (metadata driver): AWS refuses to
 * stop an instance that never ran; a terminate or reboot waits for the machine instead of racing
 * it; reboots of terminated instances are ignored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeInstancesCommand,
  StopInstancesCommand,
  StartInstancesCommand,
  RebootInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { errorOf, launch, useEc2Server, wait } from '../support/ec2.ts';

const { ec2, ami } = useEc2Server();

async function describe(id: string) {
  return (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!
    .Instances![0]!;
}

test('StopInstances on an instance that never ran: IncorrectInstanceState; it still comes up', async () => {
  const id = (await launch(ec2, ami())).InstanceId!;
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
  const id = (await launch(ec2, ami())).InstanceId!;
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
  const id = (await launch(ec2, ami())).InstanceId!;
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
