/**
 * SSH public keys and signing certificates end to end: upload (formats, fingerprints as
 * ssh-keygen prints them), status updates, listing, deletion, per-user quotas, duplicates,
 * malformed input, root's own signing certificates and DeleteUser's conflict checks.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateUserCommand,
  DeleteUserCommand,
  UploadSSHPublicKeyCommand,
  GetSSHPublicKeyCommand,
  ListSSHPublicKeysCommand,
  UpdateSSHPublicKeyCommand,
  DeleteSSHPublicKeyCommand,
  UploadSigningCertificateCommand,
  ListSigningCertificatesCommand,
  UpdateSigningCertificateCommand,
  DeleteSigningCertificateCommand,
  GetAccountSummaryCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
} from '@aws-sdk/client-iam';
import { useServer } from '../support/use-server.ts';
import { errorFields } from '../support/errors.ts';
import { makeCertificates, type CertSet } from '../support/certificates.ts';

let certs: CertSet;
const dir = mkdtempSync(join(tmpdir(), 'stratus-ssh-'));
const { server, iam } = useServer({
  async setup() {
    certs = await makeCertificates(server.env());
  },
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface SshKey {
  pub: string;
  pem: string;
  md5: string;
}
let n = 0;
function sshKey(type = 'rsa', bits = '2048'): SshKey {
  const file = join(dir, `k${n++}`);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', bits] : []),
    '-N',
    '',
    '-C',
    'me@host',
    '-f',
    file,
  ]);
  const pub = readFileSync(`${file}.pub`, 'utf8');
  const md5 = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', `${file}.pub`], { encoding: 'utf8' });
  const pem =
    type === 'rsa'
      ? execFileSync('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', `${file}.pub`], { encoding: 'utf8' })
      : '';
  return { pub, pem, md5: md5.split(' ')[1]!.replace(/^MD5:/, '') };
}

const uploadKey = (UserName: string, SSHPublicKeyBody: string) =>
  iam.send(new UploadSSHPublicKeyCommand({ UserName, SSHPublicKeyBody }));

test('SSH public keys: formats, fingerprints, status, listing, deletion', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'dev' }));
  const a = sshKey();
  const up = (await uploadKey('dev', a.pub)).SSHPublicKey!;
  assert.match(up.SSHPublicKeyId!, /^APKA[A-Z2-7]{16}$/);
  assert.equal(up.Fingerprint, a.md5);
  assert.equal(up.Status, 'Active');
  assert.equal(up.UserName, 'dev');
  assert.equal(up.SSHPublicKeyBody, a.pub);

  // A PEM upload of another key: same fingerprint scheme; either encoding on the way out.
  const b = sshKey();
  const pemUp = (await uploadKey('dev', b.pem)).SSHPublicKey!;
  assert.equal(pemUp.Fingerprint, b.md5);
  const get = (SSHPublicKeyId: string, Encoding: 'SSH' | 'PEM') =>
    iam.send(new GetSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyId, Encoding }));
  assert.equal(
    (await get(pemUp.SSHPublicKeyId!, 'SSH')).SSHPublicKey!.SSHPublicKeyBody,
    b.pub.split(' ').slice(0, 2).join(' '),
  );
  assert.equal((await get(up.SSHPublicKeyId!, 'PEM')).SSHPublicKey!.SSHPublicKeyBody!.trim(), a.pem.trim());

  await iam.send(
    new UpdateSSHPublicKeyCommand({
      UserName: 'dev',
      SSHPublicKeyId: up.SSHPublicKeyId!,
      Status: 'Inactive',
    }),
  );
  const listed = (await iam.send(new ListSSHPublicKeysCommand({ UserName: 'dev' }))).SSHPublicKeys!;
  assert.deepEqual(
    listed.map((k) => [k.SSHPublicKeyId, k.Status]),
    [
      [up.SSHPublicKeyId, 'Inactive'],
      [pemUp.SSHPublicKeyId, 'Active'],
    ],
  );
  assert.ok(listed.every((k) => !('Fingerprint' in k) && !('SSHPublicKeyBody' in k)));

  assert.deepEqual(await errorFields(uploadKey('dev', a.pem), 'name', 'status'), {
    name: 'DuplicateSSHPublicKeyException',
    status: 400,
  });
  assert.equal(
    (await errorFields(uploadKey('dev', sshKey('ed25519').pub), 'name')).name,
    'UnrecognizedPublicKeyEncodingException',
  );
  assert.equal(
    (await errorFields(uploadKey('dev', 'hello there'), 'name')).name,
    'UnrecognizedPublicKeyEncodingException',
  );
  assert.equal(
    (await errorFields(uploadKey('dev', 'ssh-rsa AAAAB3NzaC1yc2E= x'), 'name')).name,
    'InvalidPublicKeyException',
  );
  assert.equal(
    (await errorFields(uploadKey('dev', sshKey('rsa', '1024').pub), 'name')).name,
    'InvalidPublicKeyException',
  );

  assert.deepEqual(
    await errorFields(iam.send(new DeleteUserCommand({ UserName: 'dev' })), 'name', 'message'),
    {
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must delete SSH public keys first.',
    },
  );
  for (const id of [up.SSHPublicKeyId!, pemUp.SSHPublicKeyId!])
    await iam.send(new DeleteSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyId: id }));
  assert.deepEqual(await errorFields(get(up.SSHPublicKeyId!, 'SSH'), 'name', 'status', 'message'), {
    name: 'NoSuchEntityException',
    status: 404,
    message: `The SSH Public Key with id ${up.SSHPublicKeyId} cannot be found.`,
  });
  await iam.send(new DeleteUserCommand({ UserName: 'dev' }));
});

test('at most 5 SSH keys per user', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'many' }));
  for (let i = 0; i < 5; i++) await uploadKey('many', sshKey().pub);
  assert.deepEqual(await errorFields(uploadKey('many', sshKey().pub), 'name', 'status', 'message'), {
    name: 'LimitExceededException',
    status: 409,
    message: 'Cannot exceed quota for SSHPublicKeysPerUser: 5',
  });
});

const uploadCert = (CertificateBody: string, UserName?: string) =>
  iam.send(new UploadSigningCertificateCommand({ UserName, CertificateBody }));

test('signing certificates: upload, status, quota, duplicates, malformed, delete', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'signer' }));
  const up = (await uploadCert(certs.leaf.cert, 'signer')).Certificate!;
  assert.match(up.CertificateId!, /^[A-Z0-9]{32}$/);
  assert.deepEqual([up.UserName, up.Status, up.CertificateBody], ['signer', 'Active', certs.leaf.cert]);
  await uploadCert(certs.selfSigned.cert, 'signer');
  assert.deepEqual(await errorFields(uploadCert(certs.ca.cert, 'signer'), 'name', 'status', 'message'), {
    name: 'LimitExceededException',
    status: 409,
    message: 'Cannot exceed quota for SigningCertificatesPerUser: 2',
  });
  await iam.send(new CreateUserCommand({ UserName: 'other' }));
  assert.deepEqual(await errorFields(uploadCert(certs.leaf.cert, 'other'), 'name', 'status'), {
    name: 'DuplicateCertificateException',
    status: 409,
  });
  assert.deepEqual(await errorFields(uploadCert('garbage', 'other'), 'name', 'message'), {
    name: 'MalformedCertificateException',
    message: 'Unable to parse certificate. Please ensure the certificate is in PEM format.',
  });
  assert.equal(
    (await errorFields(uploadCert(certs.expired.cert, 'other'), 'name')).name,
    'MalformedCertificateException',
  );

  await iam.send(
    new UpdateSigningCertificateCommand({
      UserName: 'signer',
      CertificateId: up.CertificateId!,
      Status: 'Inactive',
    }),
  );
  const listed = (await iam.send(new ListSigningCertificatesCommand({ UserName: 'signer' }))).Certificates!;
  assert.deepEqual(
    listed.map((c) => c.Status),
    ['Inactive', 'Active'],
  );
  // The credential report's cert_1_* / cert_2_* columns, in upload order.
  await iam.send(new GenerateCredentialReportCommand({}));
  const csv = Buffer.from((await iam.send(new GetCredentialReportCommand({}))).Content!)
    .toString()
    .split('\n');
  const header = csv[0]!.split(',');
  const row = csv.find((l) => l.startsWith('signer,'))!.split(',');
  const col = (name: string) => row[header.indexOf(name)];
  assert.deepEqual(
    [col('cert_1_active'), col('cert_2_active'), col('cert_1_last_rotated') !== 'N/A'],
    ['false', 'true', true],
  );
  assert.equal(
    (await errorFields(iam.send(new DeleteUserCommand({ UserName: 'signer' })), 'message')).message,
    'Cannot delete entity, must delete signing certificates first.',
  );
  assert.deepEqual(
    await errorFields(
      iam.send(new DeleteSigningCertificateCommand({ UserName: 'other', CertificateId: up.CertificateId! })),
      'name',
      'message',
    ),
    {
      name: 'NoSuchEntityException',
      message: `The Certificate with id ${up.CertificateId} cannot be found.`,
    },
  );
  for (const c of listed)
    await iam.send(
      new DeleteSigningCertificateCommand({ UserName: 'signer', CertificateId: c.CertificateId! }),
    );
  await iam.send(new DeleteUserCommand({ UserName: 'signer' }));
});

test("root's own signing certificate shows in the account summary", async () => {
  const summary = async () => (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap!;
  assert.equal((await summary()).AccountSigningCertificatesPresent, 0);
  const up = (await uploadCert(certs.intermediate.cert)).Certificate!;
  assert.equal(up.UserName, '000000000000');
  assert.equal((await iam.send(new ListSigningCertificatesCommand({}))).Certificates!.length, 1);
  assert.equal((await summary()).AccountSigningCertificatesPresent, 1);
  await iam.send(new DeleteSigningCertificateCommand({ CertificateId: up.CertificateId! }));
  assert.equal((await summary()).AccountSigningCertificatesPresent, 0);
});
