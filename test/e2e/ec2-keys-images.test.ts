/**
 * EC2 key pairs and images through boto3, @aws-sdk/client-ec2 and the AWS CLI: key formats and
 * AWS's fingerprints checked with openssl/ssh-keygen, import errors, the image catalog with its
 * filters, owners and errors, image attributes, copies and launch permissions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EC2Client,
  CreateKeyPairCommand,
  DescribeKeyPairsCommand,
  DeleteKeyPairCommand,
  ImportKeyPairCommand,
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  DescribeInstanceTypeOfferingsCommand,
  CreateTagsCommand,
} from '@aws-sdk/client-ec2';
import { createAccount } from '../../src/accounts/accounts.ts';
import { sdkConfig } from '../support/server.ts';
import { useServer } from '../support/use-server.ts';
import { python, run, AWS_CLI_V1 } from '../support/clients.ts';
import { errorOf } from '../support/ec2.ts';

const dir = mkdtempSync(join(tmpdir(), 'ec2-keys-'));
const { server, ec2 } = useServer({ args: ['--machines=metadata'], region: 'us-west-2' });

/**
 * A new 2048-bit RSA key pair `name` in `dir` (private key PEM): its public key as DER and the
 * MD5 fingerprint of that DER, which AWS gives imported RSA keys.
 */
function newRsaKey(name: string): { der: Buffer; md5: string | undefined } {
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '', '-f', join(dir, name)]);
  const der = execFileSync('openssl', ['rsa', '-in', join(dir, name), '-pubout', '-outform', 'DER'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const md5 = execFileSync('openssl', ['md5', '-c'], { input: der }).toString().trim().split(' ').pop();
  return { der, md5 };
}

test('CreateKeyPair ed25519: an OpenSSH private key ssh-keygen reads; fingerprint = base64 SHA-256', async () => {
  const key = await ec2.send(new CreateKeyPairCommand({ KeyName: 'ed', KeyType: 'ed25519' }));
  assert.match(key.KeyMaterial!, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
  const file = join(dir, 'ed');
  writeFileSync(file, key.KeyMaterial! + '\n', { mode: 0o600 });
  const pub = execFileSync('ssh-keygen', ['-y', '-f', file]).toString().trim();
  assert.match(pub, /^ssh-ed25519 /);
  writeFileSync(`${file}.pub`, pub + '\n');
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`])
    .toString()
    .split(' ')[1]!;
  assert.equal(key.KeyFingerprint!.replace(/=+$/, ''), fp.replace(/^SHA256:/, ''));
  const listed = await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['ed'], IncludePublicKey: true }));
  assert.equal(listed.KeyPairs![0]!.KeyType, 'ed25519');
  assert.equal(listed.KeyPairs![0]!.PublicKey!.split(' ')[1], pub.split(' ')[1]);
  assert.ok(listed.KeyPairs![0]!.CreateTime instanceof Date);
});

test('CreateKeyPair ppk: PuTTY v2 file whose MAC and RSA parts check out', async () => {
  const r = await python(
    `import base64, hashlib, hmac, struct
c = boto3.client("ec2", region_name="us-west-2")
k = c.create_key_pair(KeyName="putty", KeyFormat="ppk")
text = k["KeyMaterial"]
lines = text.split("\\n")
head = dict(l.split(": ", 1) for l in lines if ": " in l)
pub_n = int(head["Public-Lines"]); i = lines.index("Public-Lines: %d" % pub_n)
pub = base64.b64decode("".join(lines[i + 1:i + 1 + pub_n]))
priv_n = int(lines[i + 1 + pub_n].split(": ")[1])
priv = base64.b64decode("".join(lines[i + 2 + pub_n:i + 2 + pub_n + priv_n]))
s = lambda b: struct.pack(">I", len(b)) + b
key = hashlib.sha1(b"putty-private-key-file-mac-key").digest()
data = s(b"ssh-rsa") + s(b"none") + s(head["Comment"].encode()) + s(pub) + s(priv)
def read(b, o):
    n = struct.unpack(">I", b[o:o + 4])[0]; return b[o + 4:o + 4 + n], o + 4 + n
_, o = read(pub, 0); e, o = read(pub, o); n, o = read(pub, o)
d, o = read(priv, 0); p, o = read(priv, o); q, o = read(priv, o)
as_int = lambda b: int.from_bytes(b, "big")
out([lines[0], head["Encryption"], hmac.new(key, data, hashlib.sha1).hexdigest() == head["Private-MAC"], as_int(p) * as_int(q) == as_int(n), len(k["KeyFingerprint"].split(":"))])`,
    server.env(),
  );
  assert.deepEqual(r, ['PuTTY-User-Key-File-2: ssh-rsa', 'none', true, true, 20]);
});

test('ImportKeyPair: rsa MD5 fingerprint, ed25519, RFC 4716; junk and double base64 are InvalidKey.Format', async () => {
  const { md5 } = newRsaKey('rsa');
  const pub = readFileSync(join(dir, 'rsa.pub'));
  const key = await ec2.send(new ImportKeyPairCommand({ KeyName: 'imported-rsa', PublicKeyMaterial: pub }));
  assert.equal(key.KeyFingerprint, md5);
  const rfc = execFileSync('ssh-keygen', ['-e', '-f', join(dir, 'rsa.pub')]);
  const again = await ec2.send(
    new ImportKeyPairCommand({ KeyName: 'imported-rfc4716', PublicKeyMaterial: rfc }),
  );
  assert.equal(again.KeyFingerprint, md5);
  const twice = await errorOf(
    ec2.send(
      new ImportKeyPairCommand({ KeyName: 'twice', PublicKeyMaterial: Buffer.from(pub.toString('base64')) }),
    ),
  );
  assert.deepEqual(twice, {
    name: 'InvalidKey.Format',
    message: 'Key is not in valid OpenSSH public key format',
  });
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new ImportKeyPairCommand({ KeyName: 'junk', PublicKeyMaterial: Buffer.from('ssh-rsa AAAA') }),
        ),
      )
    ).name,
    'InvalidKey.Format',
  );
  assert.equal(
    (await errorOf(ec2.send(new ImportKeyPairCommand({ KeyName: 'imported-rsa', PublicKeyMaterial: pub }))))
      .name,
    'InvalidKeyPair.Duplicate',
  );
});

test('ImportKeyPair: base64 DER (bare or PEM-armoured) RSA public keys, with the same MD5 fingerprint', async () => {
  const { der, md5 } = newRsaKey('der');
  const bare = await ec2.send(
    new ImportKeyPairCommand({ KeyName: 'der-bare', PublicKeyMaterial: Buffer.from(der.toString('base64')) }),
  );
  assert.equal(bare.KeyFingerprint, md5);
  const pem = execFileSync('openssl', ['rsa', '-in', join(dir, 'der'), '-pubout'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const armoured = await ec2.send(new ImportKeyPairCommand({ KeyName: 'der-pem', PublicKeyMaterial: pem }));
  assert.equal(armoured.KeyFingerprint, md5);
  const described = await ec2.send(
    new DescribeKeyPairsCommand({ KeyNames: ['der-pem'], IncludePublicKey: true }),
  );
  assert.match(described.KeyPairs![0]!.PublicKey!, /^ssh-rsa AAAA[A-Za-z0-9+/=]+ der-pem$/);
  assert.equal(described.KeyPairs![0]!.KeyType, 'rsa');
});

test('DescribeKeyPairs and DeleteKeyPair: by name and id, filters, idempotent delete', async () => {
  const k = await ec2.send(
    new CreateKeyPairCommand({
      KeyName: 'temp',
      TagSpecifications: [{ ResourceType: 'key-pair', Tags: [{ Key: 'use', Value: 'ci' }] }],
    }),
  );
  assert.match(k.KeyMaterial!, /^-----BEGIN RSA PRIVATE KEY-----\n/);
  const byTag = await ec2.send(
    new DescribeKeyPairsCommand({ Filters: [{ Name: 'tag:use', Values: ['ci'] }] }),
  );
  assert.deepEqual(
    byTag.KeyPairs!.map((x) => x.KeyName),
    ['temp'],
  );
  const byId = await ec2.send(new DescribeKeyPairsCommand({ KeyPairIds: [k.KeyPairId!] }));
  assert.equal(byId.KeyPairs![0]!.KeyFingerprint, k.KeyFingerprint);
  assert.equal(byId.KeyPairs![0]!.PublicKey, undefined);
  await ec2.send(new DeleteKeyPairCommand({ KeyPairId: k.KeyPairId }));
  await ec2.send(new DeleteKeyPairCommand({ KeyName: 'temp' }));
  const missing = await errorOf(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['temp'] })));
  assert.deepEqual(missing, {
    name: 'InvalidKeyPair.NotFound',
    message: "The key pair 'temp' does not exist",
  });
});

test('images: catalog per region with stable ids, owners, filters, malformed and unknown ids', async () => {
  const centos = await ec2.send(
    new DescribeImagesCommand({ Filters: [{ Name: 'product-code', Values: ['aw0evgkw8e5c1q413zgy5pjce'] }] }),
  );
  assert.ok(centos.Images!.length >= 2);
  for (const i of centos.Images!) {
    assert.equal(i.OwnerId, '679593333241');
    assert.equal(i.ImageOwnerAlias, 'aws-marketplace');
    assert.equal(i.RootDeviceName, '/dev/sda1');
    assert.match(i.BlockDeviceMappings![0]!.Ebs!.SnapshotId!, /^snap-/);
    assert.deepEqual(i.ProductCodes, [
      { ProductCodeId: 'aw0evgkw8e5c1q413zgy5pjce', ProductCodeType: 'marketplace' },
    ]);
  }
  const east = new EC2Client(sdkConfig(server, server.credentials, 'us-east-1'));
  const eastIds = (await east.send(new DescribeImagesCommand({ Owners: ['aws-marketplace'] }))).Images!.map(
    (i) => i.ImageId,
  );
  const project = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['125523088429'],
      Filters: [{ Name: 'name', Values: ['CentOS 7.9*'] }],
    }),
  );
  assert.deepEqual(
    project.Images!.map((i) => [i.Name, i.ProductCodes]),
    [['CentOS 7.9.2009 x86_64', []]],
  );
  assert.ok(!centos.Images!.some((i) => eastIds.includes(i.ImageId)), 'image ids differ between regions');
  const amazon = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['amazon'],
      Filters: [
        { Name: 'name', Values: ['al2023-ami-*'] },
        { Name: 'architecture', Values: ['arm64'] },
      ],
    }),
  );
  assert.equal(amazon.Images!.length, 1);
  assert.equal(amazon.Images![0]!.OwnerId, '137112412989');
  assert.equal(amazon.Images![0]!.RootDeviceName, '/dev/xvda');
  const ubuntu = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['099720109477'],
      Filters: [{ Name: 'name', Values: ['ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-????????'] }],
    }),
  );
  assert.equal(ubuntu.Images!.length, 1);
  const debian = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['136693071363'],
      Filters: [
        { Name: 'is-public', Values: ['true'] },
        { Name: 'root-device-type', Values: ['ebs'] },
      ],
    }),
  );
  assert.ok(debian.Images!.length >= 2);
  assert.deepEqual((await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images, []);
  const malformed = await errorOf(ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-xyz'] })));
  assert.equal(malformed.name, 'InvalidAMIID.Malformed');
  const unknown = await errorOf(ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-00000000000000000'] })));
  assert.deepEqual(unknown, {
    name: 'InvalidAMIID.NotFound',
    message: "The image id '[ami-00000000000000000]' does not exist",
  });
});

test('tags on a public image belong to the account that set them', async () => {
  const image = (await ec2.send(new DescribeImagesCommand({ Owners: ['136693071363'] }))).Images![0]!;
  await ec2.send(
    new CreateTagsCommand({ Resources: [image.ImageId!], Tags: [{ Key: 'approved', Value: 'yes' }] }),
  );
  const mine = await ec2.send(
    new DescribeImagesCommand({ Filters: [{ Name: 'tag:approved', Values: ['yes'] }] }),
  );
  assert.deepEqual(
    mine.Images!.map((i) => i.ImageId),
    [image.ImageId],
  );
  const other = await createAccount(server.accounts, 'image-tags-other');
  const theirs = new EC2Client(
    sdkConfig(
      server,
      {
        accessKeyId: other.rootCredential.accessKeyId,
        secretAccessKey: other.rootCredential.secretAccessKey,
      },
      'us-west-2',
    ),
  );
  assert.deepEqual(
    (await theirs.send(new DescribeImagesCommand({ Filters: [{ Name: 'tag-key', Values: ['approved'] }] })))
      .Images,
    [],
  );
});

test('images through the AWS CLI: describe-images --filters and --query', async () => {
  const r = await run(
    AWS_CLI_V1,
    [
      'ec2',
      'describe-images',
      '--region',
      'us-west-2',
      '--owners',
      'aws-marketplace',
      '--filters',
      'Name=product-code,Values=aw0evgkw8e5c1q413zgy5pjce',
      'Name=state,Values=available',
      '--query',
      'sort_by(Images, &CreationDate)[-1].Name',
      '--output',
      'text',
    ],
    server.env(),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout.trim(),
    'CentOS Linux 7 x86_64 HVM EBS ENA 2111-b7ee8a69-ee97-4a49-9e68-afaee216db2e',
  );
});

test('instance types: catalog with vCPUs and memory, filters, unknown types', async () => {
  const t = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t2.micro', 'm5.large'] }));
  const micro = t.InstanceTypes!.find((x) => x.InstanceType === 't2.micro')!;
  assert.equal(micro.VCpuInfo!.DefaultVCpus, 1);
  assert.equal(micro.MemoryInfo!.SizeInMiB, 1024);
  const arm = await ec2.send(
    new DescribeInstanceTypesCommand({
      Filters: [
        { Name: 'processor-info.supported-architecture', Values: ['arm64'] },
        { Name: 'instance-type', Values: ['t4g.*'] },
      ],
    }),
  );
  assert.ok(
    arm.InstanceTypes!.length >= 5 && arm.InstanceTypes!.every((x) => x.InstanceType!.startsWith('t4g.')),
  );
  assert.equal(
    (await errorOf(ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t2.gigantic' as never] }))))
      .name,
    'InvalidInstanceType',
  );
  const offered = await ec2.send(
    new DescribeInstanceTypeOfferingsCommand({
      LocationType: 'availability-zone',
      Filters: [{ Name: 'instance-type', Values: ['t2.micro'] }],
    }),
  );
  assert.deepEqual(
    offered.InstanceTypeOfferings!.map((o) => o.Location),
    ['us-west-2a', 'us-west-2b', 'us-west-2c', 'us-west-2d'],
  );
});
