/** SAML assertion verification: signature, tampering, foreign keys, signature wrapping. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readClaims, verifiedAssertion, SamlError } from '../../src/services/sts/saml-assertion.ts';
import { parseSamlMetadata } from '../../src/services/iam/saml-providers.ts';
import { hasOpenssl, makeIdp, signedResponse, type TestIdp } from './saml-idp.ts';

const ROLE = 'arn:aws:iam::000000000000:role/sso';
const PROVIDER = 'arn:aws:iam::000000000000:saml-provider/corp';
let idp: TestIdp;
let other: TestIdp;

test.describe('SAML assertions', { skip: !hasOpenssl() && 'openssl not installed' }, () => {
  before(() => {
    idp = makeIdp();
    other = makeIdp();
  });

  test('metadata yields the entity id and signing certificate', () => {
    const md = parseSamlMetadata(idp.metadata);
    assert.equal(md.entityId, idp.entityId);
    assert.equal(md.certificates.length, 1);
    assert.throws(() => parseSamlMetadata('<x/>'), /Could not parse metadata/);
  });

  test('a signed assertion verifies and its claims are read', () => {
    const xml = signedResponse(idp, { roleArn: ROLE, providerArn: PROVIDER, subject: 'bob@example.com' });
    const claims = readClaims(verifiedAssertion(xml, parseSamlMetadata(idp.metadata).certificates));
    assert.equal(claims.issuer, idp.entityId);
    assert.equal(claims.nameId, 'bob@example.com');
    assert.deepEqual(claims.audiences, ['https://signin.aws.amazon.com/saml']);
    assert.deepEqual(claims.roles, [`${ROLE},${PROVIDER}`]);
    assert.equal(claims.sessionName, 'bob@example.com');
  });

  test('a changed claim, another IdP key or no signature is refused', () => {
    const certs = parseSamlMetadata(idp.metadata).certificates;
    const xml = signedResponse(idp, { roleArn: ROLE, providerArn: PROVIDER, subject: 'bob@example.com' });
    assert.throws(
      () => verifiedAssertion(xml.replace('>bob@example.com<', '>mallory@example.com<'), certs),
      SamlError,
    );
    assert.throws(
      () => verifiedAssertion(signedResponse(other, { roleArn: ROLE, providerArn: PROVIDER }), certs),
      SamlError,
    );
    const unsigned = xml.replace(/<(ds:)?Signature[\s\S]*<\/(ds:)?Signature>/, '');
    assert.throws(() => verifiedAssertion(unsigned, certs), /not signed/);
    assert.throws(() => verifiedAssertion('<not-saml/>', certs), SamlError);
  });

  test('signature wrapping: an unsigned assertion placed first is never read', () => {
    const certs = parseSamlMetadata(idp.metadata).certificates;
    const xml = signedResponse(idp, { roleArn: ROLE, providerArn: PROVIDER, subject: 'bob@example.com' });
    const signed = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0];
    const signature = /<(ds:)?Signature[\s\S]*<\/(ds:)?Signature>/.exec(signed)![0];
    const evil = signed
      .replace(signature, '')
      .replace(/ID="[^"]+"/, 'ID="_evil"')
      .replace('>bob@example.com<', '>admin@example.com<');
    // The evil assertion carries the original signature and hides the signed one inside itself.
    const wrapped = xml.replace(
      signed,
      evil.replace('</saml:Issuer>', `</saml:Issuer>${signature}<saml:Advice>${signed}</saml:Advice>`),
    );
    let nameId: string | undefined;
    try {
      nameId = readClaims(verifiedAssertion(wrapped, certs)).nameId;
    } catch (e) {
      assert.ok(e instanceof SamlError);
    }
    assert.notEqual(nameId, 'admin@example.com');
    // Also with the evil assertion simply in front of the genuine one.
    const prepended = xml.replace('<saml:Assertion', `${evil}<saml:Assertion`);
    assert.throws(() => verifiedAssertion(prepended, certs), SamlError);
  });
});
