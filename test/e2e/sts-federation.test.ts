/**
 * Federation end to end through SDK v3 (unsigned requests): AssumeRoleWithSAML against a SAML
 * provider's metadata and AssumeRoleWithWebIdentity against an OIDC provider whose JWKS is
 * registered on its tags; the sessions then act with the role's permissions.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSAMLProviderCommand,
  GetSAMLProviderCommand,
  ListSAMLProvidersCommand,
  CreateOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  STSClient,
  AssumeRoleWithSAMLCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
} from '@aws-sdk/client-sts';
import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { jwksTags } from '../../src/services/iam/oidc-providers.ts';
import { useServer } from '../support/use-server.ts';
import { errorName } from '../support/errors.ts';
import { sdkConfig } from '../support/server.ts';
import { hasOpenssl, makeIdp, signedResponse, type TestIdp } from '../sts/saml-idp.ts';
import { makeIssuer, signJwt, type TestIssuer } from '../sts/jwt-signer.ts';

const ACCT = '000000000000';

/** "status name: message" of a refused call. */
async function why(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e: any) {
    return `${e.$metadata?.httpStatusCode} ${e.name}: ${e.message}`;
  }
  assert.fail('expected an error');
}

// anon: these operations are unsigned, the SDK sends no credentials even when it has some.
const { server, iam, sts: anon } = useServer();

test.describe('AssumeRoleWithSAML', { skip: !hasOpenssl() && 'openssl not installed' }, () => {
  let idp: TestIdp;
  let providerArn: string;
  const roleArn = `arn:aws:iam::${ACCT}:role/sso`;
  before(async () => {
    idp = makeIdp();
    providerArn = (
      await iam.send(new CreateSAMLProviderCommand({ Name: 'corp', SAMLMetadataDocument: idp.metadata }))
    ).SAMLProviderArn!;
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: providerArn },
          Action: 'sts:AssumeRoleWithSAML',
          Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
        },
      ],
    };
    await iam.send(
      new CreateRoleCommand({ RoleName: 'sso', AssumeRolePolicyDocument: JSON.stringify(trust) }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'sso',
        PolicyName: 'list',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
        }),
      }),
    );
  });

  test('the provider keeps its metadata', async () => {
    assert.equal(providerArn, `arn:aws:iam::${ACCT}:saml-provider/corp`);
    assert.equal(
      (await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: providerArn }))).SAMLMetadataDocument,
      idp.metadata,
    );
    assert.deepEqual(
      (await iam.send(new ListSAMLProvidersCommand({}))).SAMLProviderList!.map((p) => p.Arn),
      [providerArn],
    );
    const bad = await errorName(
      iam.send(
        new CreateSAMLProviderCommand({
          Name: 'bad',
          SAMLMetadataDocument: `<not-metadata>${'x'.repeat(1100)}</not-metadata>`,
        }),
      ),
    );
    assert.equal(bad, 'InvalidInputException');
  });

  test('a signed assertion becomes a role session', async () => {
    const assertion = Buffer.from(
      signedResponse(idp, { roleArn, providerArn, subject: 'carol@example.com' }),
    ).toString('base64');
    const r = await anon.send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: roleArn,
        PrincipalArn: providerArn,
        SAMLAssertion: assertion,
      }),
    );
    assert.equal(r.Subject, 'carol@example.com');
    assert.equal(r.SubjectType, 'persistent');
    assert.equal(r.Issuer, idp.entityId);
    assert.equal(r.Audience, 'https://signin.aws.amazon.com/saml');
    assert.ok(r.NameQualifier);
    assert.equal(r.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCT}:assumed-role/sso/carol@example.com`);
    const c = {
      accessKeyId: r.Credentials!.AccessKeyId!,
      secretAccessKey: r.Credentials!.SecretAccessKey!,
      sessionToken: r.Credentials!.SessionToken!,
    };
    assert.equal(
      (await new STSClient(sdkConfig(server, c)).send(new GetCallerIdentityCommand({}))).Arn,
      r.AssumedRoleUser!.Arn,
    );
    await new S3Client(sdkConfig(server, c)).send(new ListBucketsCommand({}));
  });

  test('expired, mis-addressed, foreign and unlisted-role assertions are refused', async () => {
    const send = (xml: string) =>
      anon.send(
        new AssumeRoleWithSAMLCommand({
          RoleArn: roleArn,
          PrincipalArn: providerArn,
          SAMLAssertion: Buffer.from(xml).toString('base64'),
        }),
      );
    assert.equal(
      await errorName(send(signedResponse(idp, { roleArn, providerArn, lifetimeSeconds: -60 }))),
      'InvalidIdentityTokenException',
    );
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    assert.equal(
      await errorName(
        send(signedResponse(idp, { roleArn, providerArn, now: sixMinutesAgo, lifetimeSeconds: 3600 })),
      ),
      'ExpiredTokenException',
    );
    assert.equal(
      await errorName(
        send(signedResponse(idp, { roleArn, providerArn, audience: 'https://elsewhere.example.com' })),
      ),
      'InvalidIdentityTokenException',
    );
    assert.equal(
      await errorName(send(signedResponse(makeIdp(idp.entityId), { roleArn, providerArn }))),
      'InvalidIdentityTokenException',
    );
    assert.equal(
      await errorName(send(signedResponse(idp, { roleArn: `arn:aws:iam::${ACCT}:role/other`, providerArn }))),
      'AccessDenied',
    );
    assert.equal(
      await errorName(
        send(signedResponse(idp, { roleArn, providerArn, issuer: 'https://impostor.example.com' })),
      ),
      'InvalidIdentityTokenException',
    );
  });
});

test.describe("AssumeRoleWithSAML in AWS's words", { skip: !hasOpenssl() && 'openssl not installed' }, () => {
  let idp: TestIdp;
  let providerArn: string;
  const roleArn = `arn:aws:iam::${ACCT}:role/sso-words`;
  before(async () => {
    idp = makeIdp();
    providerArn = (
      await iam.send(new CreateSAMLProviderCommand({ Name: 'words', SAMLMetadataDocument: idp.metadata }))
    ).SAMLProviderArn!;
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: providerArn },
          Action: ['sts:AssumeRoleWithSAML', 'sts:SetSourceIdentity'],
        },
      ],
    };
    await iam.send(
      new CreateRoleCommand({ RoleName: 'sso-words', AssumeRolePolicyDocument: JSON.stringify(trust) }),
    );
  });
  const send = (xml: string) =>
    anon.send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: roleArn,
        PrincipalArn: providerArn,
        SAMLAssertion: Buffer.from(xml).toString('base64'),
      }),
    );
  const attr = (name: string, value: string) =>
    `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/${name}"><saml:AttributeValue>${value}</saml:AttributeValue></saml:Attribute>`;

  test('refusals as the IAM User Guide quotes them', async () => {
    const base = { roleArn, providerArn };
    assert.equal(
      await why(send(signedResponse(makeIdp(idp.entityId), base))),
      '400 InvalidIdentityTokenException: Response signature invalid',
    );
    assert.equal(
      await why(send(signedResponse(idp, { ...base, audience: 'https://elsewhere.example.com' }))),
      '400 InvalidIdentityTokenException: Response does not contain the required audience.',
    );
    assert.equal(
      await why(send(signedResponse(idp, { ...base, sessionName: 'a b' }))),
      '400 InvalidIdentityTokenException: RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}',
    );
    assert.equal(
      await why(send(signedResponse(idp, { ...base, extraAttributes: attr('SourceIdentity', 'aws:me') }))),
      '400 InvalidIdentityTokenException: Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"',
    );
    assert.match(
      await why(send(signedResponse(idp, { ...base, issuer: 'https://impostor.example.com' }))),
      /^400 InvalidIdentityTokenException: Issuer not present in specified provider \(Service: AWSOpenIdDiscoveryService; Status Code: 400; Error Code: AuthSamlInvalidSamlResponseException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
    );
    assert.equal(
      await why(send(signedResponse(idp, { ...base, lifetimeSeconds: -60 }))),
      '400 InvalidIdentityTokenException: Invalid SAML response: the assertion is past its NotOnOrAfter',
    );
    assert.equal(
      await why(
        send(signedResponse(idp, { ...base, now: new Date(Date.now() - 6 * 60_000), lifetimeSeconds: 3600 })),
      ),
      '400 ExpiredTokenException: Token must be redeemed within 5 minutes of issuance',
    );
  });

  test('SubjectType drops only the SAML 2.0 nameid-format prefix', async () => {
    const signedWith = (nameIdFormat: string) => signedResponse(idp, { roleArn, providerArn, nameIdFormat });
    assert.equal(
      (await send(signedWith('urn:oasis:names:tc:SAML:2.0:nameid-format:entity'))).SubjectType,
      'entity',
    );
    assert.equal(
      (await send(signedWith('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'))).SubjectType,
      'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    );
  });
});

test.describe('AssumeRoleWithWebIdentity', () => {
  let issuer: TestIssuer;
  const roleArn = `arn:aws:iam::${ACCT}:role/ci`;
  const iss = 'https://token.ci.example.test';
  const now = () => Math.floor(Date.now() / 1000);
  before(async () => {
    issuer = makeIssuer();
    const { OpenIDConnectProviderArn } = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: iss,
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['a'.repeat(40)],
        Tags: jwksTags(issuer.jwks),
      }),
    );
    assert.equal(OpenIDConnectProviderArn, `arn:aws:iam::${ACCT}:oidc-provider/token.ci.example.test`);
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: OpenIDConnectProviderArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'token.ci.example.test:sub': 'repo:acme/*' } },
        },
      ],
    };
    await iam.send(
      new CreateRoleCommand({ RoleName: 'ci', AssumeRolePolicyDocument: JSON.stringify(trust) }),
    );
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }));
    assert.deepEqual([got.Url, got.ClientIDList], ['token.ci.example.test', ['sts.amazonaws.com']]);
  });

  const assume = (token: string) =>
    anon.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: 'build-1',
        WebIdentityToken: token,
      }),
    );

  test('a token of a registered issuer becomes a role session', async () => {
    const r = await assume(
      signJwt(issuer, { iss, sub: 'repo:acme/app', aud: 'sts.amazonaws.com', exp: now() + 300, iat: now() }),
    );
    assert.equal(r.SubjectFromWebIdentityToken, 'repo:acme/app');
    // AWS answers the OIDC provider's ARN (IRSA, SPIRE and OpenShift outputs).
    assert.equal(r.Provider, `arn:aws:iam::${ACCT}:oidc-provider/token.ci.example.test`);
    assert.equal(r.Audience, 'sts.amazonaws.com');
    assert.equal(r.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCT}:assumed-role/ci/build-1`);
  });

  test('wrong audience, subject, key, issuer or an expired token are refused', async () => {
    const claims = { iss, sub: 'repo:acme/app', aud: 'sts.amazonaws.com', exp: now() + 300 };
    assert.equal(
      await errorName(assume(signJwt(issuer, { ...claims, aud: 'other' }))),
      'InvalidIdentityTokenException',
    );
    assert.equal(
      await errorName(assume(signJwt(issuer, { ...claims, sub: 'repo:evil/app' }))),
      'AccessDenied',
    );
    assert.equal(await errorName(assume(signJwt(makeIssuer(), claims))), 'InvalidIdentityTokenException');
    assert.equal(
      await errorName(assume(signJwt(issuer, { ...claims, iss: 'https://unknown.example.test' }))),
      'InvalidIdentityTokenException',
    );
    assert.equal(
      await errorName(assume(signJwt(issuer, { ...claims, exp: now() - 10 }))),
      'ExpiredTokenException',
    );
    assert.equal(await errorName(assume('not-a-jwt')), 'InvalidIdentityTokenException');
  });

  test("AWS's words for an expired token and for a key the provider does not have", async () => {
    const claims = { iss, sub: 'repo:acme/app', aud: 'sts.amazonaws.com' };
    const exp = now() - 10;
    // Whole seconds on both sides, as AWS prints them.
    assert.match(
      await why(assume(signJwt(issuer, { ...claims, exp }))),
      new RegExp(
        `^400 ExpiredTokenException: Token expired: current date/time \\d{10} must be before the expiration date/time ${exp}$`,
      ),
    );
    assert.equal(
      await why(assume(signJwt(makeIssuer(), { ...claims, exp: now() + 300 }))),
      "400 InvalidIdentityTokenException: Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
    );
  });

  test("AWS's words for a malformed token and for a RoleArn that is no role's", async () => {
    assert.equal(
      await why(assume('not-a-jwt')),
      '400 InvalidIdentityTokenException: The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
    );
    const token = signJwt(issuer, { iss, sub: 'repo:acme/app', aud: 'sts.amazonaws.com', exp: now() + 300 });
    for (const RoleArn of [
      `arn:aws:iam::${ACCT}:oidc-provider/token.ci.example.test`,
      `arn:aws:acm:us-east-1:${ACCT}:certificate/0b1e2a3c`,
      `arn:aws:iam:${ACCT}:role/ci`,
      'role-ci-not-an-arn-at-all',
    ]) {
      const call = (c: STSClient) =>
        c.send(
          new AssumeRoleWithWebIdentityCommand({ RoleArn, RoleSessionName: 'x1', WebIdentityToken: token }),
        );
      assert.equal(await why(call(anon)), '400 ValidationError: Request ARN is invalid');
    }
    // AssumeRoleWithSAML with RoleArn and PrincipalArn swapped.
    const saml = anon.send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: `arn:aws:iam::${ACCT}:saml-provider/corp`,
        PrincipalArn: roleArn,
        SAMLAssertion: Buffer.from('<x/>').toString('base64'),
      }),
    );
    assert.equal(await why(saml), '400 ValidationError: Request ARN is invalid');
    // A well-formed ARN of a role that does not exist stays AccessDenied.
    const missing = anon.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: `arn:aws:iam::${ACCT}:role/nope`,
        RoleSessionName: 'x1',
        WebIdentityToken: token,
      }),
    );
    assert.equal(await errorName(missing), 'AccessDenied');
  });
});
