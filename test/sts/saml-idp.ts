/**
 * A SAML identity provider for tests: an RSA key and self-signed certificate made with openssl,
 * metadata naming the certificate, and Responses whose Assertion is signed (enveloped XML-DSig,
 * exclusive c14n, RSA-SHA256) with xml-crypto.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SignedXml } from 'xml-crypto';

export interface TestIdp {
  entityId: string;
  key: string;
  cert: string;
  metadata: string;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function makeIdp(entityId = `https://idp.example.com/${randomUUID().slice(0, 8)}`): TestIdp {
  const dir = mkdtempSync(join(tmpdir(), 'saml-idp-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=idp.example.com',
        '-keyout',
        'k.pem',
        '-out',
        'c.pem',
      ],
      {
        cwd: dir,
        stdio: 'ignore',
      },
    );
    const key = readFileSync(join(dir, 'k.pem'), 'utf8');
    const cert = readFileSync(join(dir, 'c.pem'), 'utf8');
    const b64 = cert.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const metadata = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
    return { entityId, key, cert, metadata };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface AssertionOptions {
  roleArn: string;
  providerArn: string;
  subject?: string;
  sessionName?: string;
  lifetimeSeconds?: number;
  audience?: string;
  issuer?: string;
  now?: Date;
  extraAttributes?: string;
  nameIdFormat?: string;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A signed SAML Response (XML text). */
export function signedResponse(idp: TestIdp, o: AssertionOptions): string {
  const now = o.now ?? new Date();
  const until = iso(new Date(now.getTime() + (o.lifetimeSeconds ?? 300) * 1000));
  const id = `_${randomUUID().replace(/-/g, '')}`;
  const subject = o.subject ?? 'alice@example.com';
  const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r${id}" Version="2.0" IssueInstant="${iso(now)}"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${o.issuer ?? idp.entityId}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(now)}"><saml:Issuer>${o.issuer ?? idp.entityId}</saml:Issuer><saml:Subject><saml:NameID Format="${o.nameIdFormat ?? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'}">${subject}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${until}" Recipient="https://signin.aws.amazon.com/saml"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="${iso(new Date(now.getTime() - 60_000))}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${o.audience ?? 'https://signin.aws.amazon.com/saml'}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>${o.roleArn},${o.providerArn}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>${o.sessionName ?? subject}</saml:AttributeValue></saml:Attribute>${o.extraAttributes ?? ''}</saml:AttributeStatement></saml:Assertion></samlp:Response>`;
  const sig = new SignedXml({
    privateKey: idp.key,
    publicCert: idp.cert,
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  });
  sig.addReference({
    xpath: "//*[local-name(.)='Assertion']",
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, {
    location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' },
  });
  return sig.getSignedXml();
}
