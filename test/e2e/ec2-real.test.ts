/**
 * EC2 on real machines (Linux, root, tools present, a cached base image in STRATUS_IMAGE_CACHE;
 * skipped otherwise): launch with a key pair and user data, trust only the console's host key,
 * SSH in as the image's user, keep disk and host key across stop/start, and move the SSH forward to
 * an Elastic IP and back.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  EC2Client,
  CreateKeyPairCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  GetConsoleOutputCommand,
  ReleaseAddressCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { detectRealDriverSupport } from '../../src/machines/index.ts';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';
import { run } from '../support/clients.ts';

const cache = process.env.STRATUS_IMAGE_CACHE;
const support = await detectRealDriverSupport({ imageCacheDir: cache });
const skip =
  !cache || !existsSync(join(cache, 'base.tar.zst'))
    ? 'set STRATUS_IMAGE_CACHE to a dir with base.tar.zst'
    : !support.ok && support.reason;

let server: TestServer;
let ec2: EC2Client;
const dir = mkdtempSync(join(tmpdir(), 'ec2-real-'));
const wait = { maxWaitTime: 120, minDelay: 1, maxDelay: 1 };

before(async () => {
  if (skip) return;
  server = await startTestServer(['--machines=real']);
  ec2 = new EC2Client(sdkConfig(server, server.credentials, 'us-west-2'));
});
after(async () => server?.stop());

/** A new key pair saved owner-only, and the CentOS image (by its product code) to launch. */
async function keyAndImage(name: string): Promise<{ keyFile: string; ami: string }> {
  const key = await ec2.send(new CreateKeyPairCommand({ KeyName: name }));
  const keyFile = join(dir, `${name}.pem`);
  writeFileSync(keyFile, key.KeyMaterial!, { mode: 0o600 });
  const images = await ec2.send(
    new DescribeImagesCommand({
      Filters: [{ Name: 'product-code', Values: ['aw0evgkw8e5c1q413zgy5pjce'] }],
    }),
  );
  return { keyFile, ami: images.Images![0]!.ImageId! };
}

async function hostKey(id: string): Promise<string> {
  for (let i = 0; i < 60; i++) {
    const out = await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }));
    const line = Buffer.from(out.Output ?? '', 'base64')
      .toString()
      .split('\n')
      .find((l) => l.startsWith('ssh-rsa '));
    if (line) return line;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error('no host key in the console output');
}

async function ssh(
  id: string,
  keyFile: string,
  command: string,
): Promise<{ code: number; stdout: string; key: string }> {
  const key = await hostKey(id);
  const i = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!
    .Instances![0]!;
  const knownHosts = join(dir, `known_hosts-${id}`);
  writeFileSync(knownHosts, `${i.PublicDnsName},${i.PublicIpAddress} ${key}\n`);
  const args = [
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=5',
    '-i',
    keyFile,
    `centos@${i.PublicIpAddress}`,
    command,
  ];
  let r = await run('ssh', args, process.env);
  for (let n = 0; n < 30 && r.code === 255; n++) {
    await new Promise((res) => setTimeout(res, 1000));
    r = await run('ssh', args, process.env);
  }
  return { code: r.code, stdout: r.stdout, key };
}

const publicIp = async (id: string) =>
  (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!
    .PublicIpAddress;

/** Whether anything accepts a TCP connection on host:22. */
function answers(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port: 22, timeout: 2000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

test(
  'a real machine: SSH with the console host key, user data ran, stop/start keeps disk and key, an Elastic IP takes over SSH',
  { skip },
  async () => {
    const { keyFile, ami } = await keyAndImage('real');
    const r = await ec2.send(
      new RunInstancesCommand({
        ImageId: ami,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't2.micro',
        KeyName: 'real',
        UserData: Buffer.from('#!/bin/sh\necho from-user-data > /var/tmp/ud\n').toString('base64'),
      }),
    );
    const id = r.Instances![0]!.InstanceId!;
    await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
    const first = await ssh(
      id,
      keyFile,
      'id -un; cat /var/tmp/ud; hostname; echo kept | sudo -n tee /etc/marker >/dev/null',
    );
    assert.equal(first.code, 0);
    const private_ = r.Instances![0]!.PrivateIpAddress!.replaceAll('.', '-');
    assert.deepEqual(first.stdout.trim().split('\n'), ['centos', 'from-user-data', `ip-${private_}`]);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceStopped({ client: ec2, ...wait }, { InstanceIds: [id] });
    await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
    const second = await ssh(id, keyFile, 'cat /etc/marker');
    assert.equal(second.code, 0);
    assert.equal(second.stdout.trim(), 'kept');
    assert.equal(second.key, first.key, 'the host key survives stop/start');
    // An Elastic IP takes over the SSH forward; the auto-assigned address stops answering.
    const before = await publicIp(id);
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: id }));
    assert.equal(await publicIp(id), eip.PublicIp);
    assert.equal((await ssh(id, keyFile, 'cat /etc/marker')).stdout.trim(), 'kept');
    assert.equal(await answers(before!), false, 'the replaced address no longer forwards');
    // Released in the default VPC: disassociated, and a new auto-assigned address forwards.
    await ec2.send(new ReleaseAddressCommand({ AllocationId: eip.AllocationId }));
    const after = await publicIp(id);
    assert.ok(after && after !== eip.PublicIp);
    assert.equal((await ssh(id, keyFile, 'cat /etc/marker')).stdout.trim(), 'kept');
    assert.equal(await answers(eip.PublicIp!), false, 'the released address no longer forwards');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [id] });
  },
);

/** A shell line that sends one HTTP/1.0 request to the metadata address and prints the body. */
function imdsCall(method: string, path: string, header: string): string {
  const request = `${method} ${path} HTTP/1.0\\r\\n${header}\\r\\n\\r\\n`;
  return `bash -c 'exec 3<>/dev/tcp/169.254.169.254/80; printf "${request}" >&3; cat <&3' | tail -n 1`;
}

test(
  'the instance metadata service answers inside the machine, from its first boot script on',
  { skip },
  async () => {
    const { keyFile, ami } = await keyAndImage('imds');
    const token = imdsCall('PUT', '/latest/api/token', 'X-aws-ec2-metadata-token-ttl-seconds: 60');
    // $t: the token, exported by the caller (the inner shell expands it).
    const get = (path: string) => imdsCall('GET', path, 'X-aws-ec2-metadata-token: $t');
    const userData = `#!/bin/bash\nexport t=$(${token})\n${get('/latest/meta-data/instance-id')} > /var/tmp/imds-at-boot\n`;
    const r = await ec2.send(
      new RunInstancesCommand({
        ImageId: ami,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't2.micro',
        KeyName: 'imds',
        UserData: Buffer.from(userData).toString('base64'),
      }),
    );
    const id = r.Instances![0]!.InstanceId!;
    await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
    const out = await ssh(
      id,
      keyFile,
      `cat /var/tmp/imds-at-boot; echo; export t=$(${token}); ${get('/latest/meta-data/local-ipv4')}; echo; ${get('/latest/meta-data/placement/region')}`,
    );
    assert.equal(out.code, 0);
    assert.deepEqual(out.stdout.trim().split('\n'), [id, r.Instances![0]!.PrivateIpAddress, 'us-west-2']);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [id] });
  },
);
