/**
 * Server certificates end to end: upload (checked body, chain and key; the key never comes back),
 * metadata (ASCA... ids, ARNs with the path, UploadDate, Expiration), AWS's refusals, renames,
 * tags, the account quota and the account summary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient,
  UploadServerCertificateCommand,
  GetServerCertificateCommand,
  ListServerCertificatesCommand,
  UpdateServerCertificateCommand,
  DeleteServerCertificateCommand,
  TagServerCertificateCommand,
  UntagServerCertificateCommand,
  ListServerCertificateTagsCommand,
  GetAccountSummaryCommand,
  CreateUserCommand,
  CreateAccessKeyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';
import { errorFields } from '../support/errors.ts';
import { python } from '../support/clients.ts';
import { makeCertificates, type CertSet } from '../support/certificates.ts';

let certs: CertSet;
const { server, iam } = useServer({
  async setup() {
    certs = await makeCertificates(server.env());
  },
});

const upload = (name: string, body: string, key: string, extra: Record<string, unknown> = {}) =>
  iam.send(
    new UploadServerCertificateCommand({
      ServerCertificateName: name,
      CertificateBody: body,
      PrivateKey: key,
      ...extra,
    }),
  );

test('upload with a chain, read back without the private key, list by path', async () => {
  const before = Date.now();
  const up = await upload('web', certs.leaf.cert, certs.leaf.key, {
    CertificateChain: certs.intermediate.cert + certs.ca.cert,
    Path: '/cloudfront/prod/',
    Tags: [{ Key: 'team', Value: 'web' }],
  });
  const m = up.ServerCertificateMetadata!;
  assert.match(m.ServerCertificateId!, /^ASCA[A-Z2-7]{17}$/);
  assert.equal(m.Arn, 'arn:aws:iam::000000000000:server-certificate/cloudfront/prod/web');
  assert.equal(m.Path, '/cloudfront/prod/');
  assert.equal(m.Expiration!.toISOString(), certs.leaf.notAfter);
  assert.ok(m.UploadDate!.getTime() >= before - 1000);
  assert.deepEqual(up.Tags, [{ Key: 'team', Value: 'web' }]);

  const got = (await iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'web' })))
    .ServerCertificate!;
  assert.deepEqual(got.ServerCertificateMetadata, m);
  assert.equal(got.CertificateBody, certs.leaf.cert);
  assert.equal(got.CertificateChain, certs.intermediate.cert + certs.ca.cert);
  assert.ok(!JSON.stringify(got).includes('PRIVATE KEY'));

  await upload('plain', certs.selfSigned.cert, certs.selfSigned.key);
  const all = await iam.send(new ListServerCertificatesCommand({}));
  assert.deepEqual(
    all.ServerCertificateMetadataList!.map((c) => c.ServerCertificateName),
    ['plain', 'web'],
  );
  const cf = await iam.send(new ListServerCertificatesCommand({ PathPrefix: '/cloudfront/' }));
  assert.deepEqual(cf.ServerCertificateMetadataList, [m]);
  const summary = (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap!;
  assert.equal(summary.ServerCertificates, 2);
  assert.equal(summary.ServerCertificatesQuota, 20);
  await iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'plain' }));
});

test("AWS's refusals: malformed, expired, mismatched key, bad chain, duplicate name, missing", async () => {
  const fields = (p: Promise<unknown>) => errorFields(p, 'name', 'status', 'message');
  assert.deepEqual(await fields(upload('bad', 'not a certificate', certs.selfSigned.key)), {
    name: 'MalformedCertificateException',
    status: 400,
    message: 'Unable to parse certificate. Please ensure the certificate is in PEM format.',
  });
  assert.deepEqual(await fields(upload('old', certs.expired.cert, certs.expired.key)), {
    name: 'MalformedCertificateException',
    status: 400,
    message:
      "Certificate is no longer valid. The 'Not After' date restriction on the certificate has passed.",
  });
  assert.deepEqual(
    await errorFields(upload('mismatch', certs.selfSigned.cert, certs.leaf.key), 'name', 'status'),
    { name: 'KeyPairMismatchException', status: 400 },
  );
  const chain = await fields(
    upload('chain', certs.leaf.cert, certs.leaf.key, { CertificateChain: certs.ca.cert }),
  );
  assert.equal(chain.name, 'MalformedCertificateException');
  assert.match(
    chain.message,
    /^Unable to validate certificate chain\. The certificate chain must start with/,
  );
  await upload('dup', certs.selfSigned.cert, certs.selfSigned.key);
  assert.deepEqual(await fields(upload('DUP', certs.selfSigned.cert, certs.selfSigned.key)), {
    name: 'EntityAlreadyExistsException',
    status: 409,
    message: 'The Server Certificate with name DUP already exists.',
  });
  assert.deepEqual(
    await fields(iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'nope' }))),
    {
      name: 'NoSuchEntityException',
      status: 404,
      message: 'The Server Certificate with name nope cannot be found.',
    },
  );
  // boto3 sees the same (and CloudTrail never gets the private key).
  const boto = await python(
    `out(call(client("iam").upload_server_certificate, ServerCertificateName="x/y", CertificateBody="c", PrivateKey="k"))`,
    server.env(),
  );
  assert.equal(boto.error, 'ValidationError');
  await iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'dup' }));
});

test('rename and move keep id and tags; both names need permission', async () => {
  const { ServerCertificateMetadata: m } = await upload(
    'old-name',
    certs.selfSigned.cert,
    certs.selfSigned.key,
  );
  await iam.send(
    new TagServerCertificateCommand({ ServerCertificateName: 'old-name', Tags: [{ Key: 'a', Value: '1' }] }),
  );
  await iam.send(
    new UpdateServerCertificateCommand({
      ServerCertificateName: 'old-name',
      NewServerCertificateName: 'new-name',
      NewPath: '/moved/',
    }),
  );
  const got = (await iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'new-name' })))
    .ServerCertificate!;
  assert.equal(got.ServerCertificateMetadata!.ServerCertificateId, m!.ServerCertificateId);
  assert.equal(
    got.ServerCertificateMetadata!.Arn,
    'arn:aws:iam::000000000000:server-certificate/moved/new-name',
  );
  assert.deepEqual(got.Tags, [{ Key: 'a', Value: '1' }]);
  assert.equal(
    (
      await errorFields(
        iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'old-name' })),
        'name',
      )
    ).name,
    'NoSuchEntityException',
  );
  await iam.send(new UntagServerCertificateCommand({ ServerCertificateName: 'new-name', TagKeys: ['a'] }));
  assert.deepEqual(
    (await iam.send(new ListServerCertificateTagsCommand({ ServerCertificateName: 'new-name' }))).Tags,
    [],
  );
  await upload('other', certs.selfSigned.cert, certs.selfSigned.key);
  assert.deepEqual(
    await errorFields(
      iam.send(
        new UpdateServerCertificateCommand({
          ServerCertificateName: 'other',
          NewServerCertificateName: 'new-name',
        }),
      ),
      'name',
      'message',
    ),
    {
      name: 'EntityAlreadyExistsException',
      message: 'The Server Certificate with name new-name already exists.',
    },
  );

  await iam.send(new CreateUserCommand({ UserName: 'certs' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'certs',
      PolicyName: 'one',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'iam:UpdateServerCertificate',
            Resource: 'arn:aws:iam::*:server-certificate/moved/*',
          },
        ],
      }),
    }),
  );
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'certs' }));
  const user = new IAMClient(
    sdkConfig(server, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }),
  );
  const move = (NewPath: string) =>
    user.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'new-name', NewPath }));
  assert.equal((await errorFields(move('/elsewhere/'), 'name')).name, 'AccessDenied');
  await move('/moved/');
  await iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'new-name' }));
  await iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'other' }));
});

test('at most 20 per account', async () => {
  const have = (await iam.send(new ListServerCertificatesCommand({}))).ServerCertificateMetadataList!.length;
  for (let i = have; i < 20; i++) await upload(`q${i}`, certs.selfSigned.cert, certs.selfSigned.key);
  assert.deepEqual(
    await errorFields(
      upload('q20', certs.selfSigned.cert, certs.selfSigned.key),
      'name',
      'status',
      'message',
    ),
    {
      name: 'LimitExceededException',
      status: 409,
      message: 'Cannot exceed quota for ServerCertificatesPerAccount: 20',
    },
  );
});
