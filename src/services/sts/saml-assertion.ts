/**
 * Reads a SAML 2.0 Response for AssumeRoleWithSAML: verifies the XML signature (of the Assertion
 * or of the whole Response) against the provider's metadata certificates with xml-crypto, then
 * reads every claim from the signed bytes only (what xml-crypto returns as signed references), so
 * a wrapping attack that adds an unsigned assertion beside the signed one reads nothing from it.
 * Certificates embedded in the assertion's KeyInfo are ignored.
 */
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

export class SamlError extends Error {
  constructor(
    readonly code: 'InvalidIdentityToken' | 'IDPRejectedClaim' | 'ExpiredTokenException',
    message: string,
  ) {
    super(message);
  }
}

export interface SamlClaims {
  issuer: string;
  nameId: string;
  nameIdFormat?: string;
  audiences: string[];
  /** The Assertion's IssueInstant: STS redeems an assertion within 5 minutes of it. */
  issueInstant?: Date;
  notBefore?: Date;
  notOnOrAfter?: Date;
  subjectNotOnOrAfter?: Date;
  /** Values of https://aws.amazon.com/SAML/Attributes/Role ("roleArn,providerArn"). */
  roles: string[];
  sessionName?: string;
  sessionDuration?: number;
  sourceIdentity?: string;
  /** PrincipalTag:x attributes. */
  principalTags: Record<string, string>;
  transitiveTagKeys: string[];
}

const invalid = (m: string) => new SamlError('InvalidIdentityToken', m);

function parse(xml: string): Document {
  let failed = false;
  const doc: Document = new DOMParser({
    onError: (level) => {
      if (level !== 'warning') failed = true;
    },
  }).parseFromString(xml, 'text/xml');
  if (failed || !doc.documentElement) throw invalid('Invalid SAML response');
  return doc;
}

const children = (el: Element, ns: string, name: string): Element[] =>
  Array.from(el.childNodes).filter(
    (n): n is Element =>
      n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns,
  );

const text = (el: Element | undefined): string | undefined => el?.textContent?.trim() || undefined;

function date(v: string | null): Date | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw invalid('Invalid date in SAML assertion');
  return d;
}

/** Verifies the signature with one of `certificates`; returns the signed Assertion element. */
export function verifiedAssertion(xml: string, certificates: string[]): Element {
  const doc = parse(xml);
  const root = doc.documentElement!;
  let assertionEl: Element | undefined;
  if (root.localName === 'Response' && root.namespaceURI === SAMLP)
    assertionEl = children(root, SAML, 'Assertion')[0];
  else if (root.localName === 'Assertion' && root.namespaceURI === SAML) assertionEl = root;
  if (!assertionEl) throw invalid('Invalid SAML response: no Assertion');
  // Signatures directly inside the Assertion or the Response.
  const signatures = [
    ...children(assertionEl, DS, 'Signature'),
    ...(assertionEl === root ? [] : children(root, DS, 'Signature')),
  ];
  if (signatures.length === 0) throw invalid('Invalid SAML response: the assertion is not signed');
  for (const signature of signatures) {
    for (const cert of certificates) {
      const sig = new SignedXml({ publicCert: cert, getCertFromKeyInfo: () => null });
      try {
        sig.loadSignature(signature as never);
        if (!sig.checkSignature(xml)) continue;
      } catch {
        continue;
      }
      for (const signed of sig.getSignedReferences()) {
        const el = parse(signed).documentElement!;
        if (el.localName === 'Assertion' && el.namespaceURI === SAML) return el;
        if (el.localName === 'Response' && el.namespaceURI === SAMLP) {
          const inner = children(el, SAML, 'Assertion');
          if (inner.length === 1) return inner[0]!;
        }
      }
    }
  }
  // AWS's words (IAM User Guide, "Troubleshoot SAML federation"; InvalidIdentityToken, 400).
  throw invalid('Response signature invalid');
}

const ATTR = 'https://aws.amazon.com/SAML/Attributes/';

/** The claims AssumeRoleWithSAML reads, from a verified Assertion. */
export function readClaims(a: Element): SamlClaims {
  const issuer = text(children(a, SAML, 'Issuer')[0]);
  if (!issuer) throw invalid('Invalid SAML response: no Issuer');
  const subject = children(a, SAML, 'Subject')[0];
  const nameIdEl = subject && children(subject, SAML, 'NameID')[0];
  const nameId = text(nameIdEl);
  if (!nameId) throw invalid('Invalid SAML response: no NameID');
  const conditions = children(a, SAML, 'Conditions')[0];
  const audiences: string[] = [];
  for (const r of conditions ? children(conditions, SAML, 'AudienceRestriction') : [])
    for (const au of children(r, SAML, 'Audience')) if (text(au)) audiences.push(text(au)!);
  let subjectNotOnOrAfter: Date | undefined;
  for (const sc of subject ? children(subject, SAML, 'SubjectConfirmation') : []) {
    const data = children(sc, SAML, 'SubjectConfirmationData')[0];
    const d = data ? date(data.getAttribute('NotOnOrAfter')) : undefined;
    if (d && (!subjectNotOnOrAfter || d < subjectNotOnOrAfter)) subjectNotOnOrAfter = d;
  }
  const claims: SamlClaims = {
    issuer,
    nameId,
    ...(nameIdEl?.getAttribute('Format') && { nameIdFormat: nameIdEl.getAttribute('Format')! }),
    audiences,
    issueInstant: date(a.getAttribute('IssueInstant')),
    notBefore: conditions ? date(conditions.getAttribute('NotBefore')) : undefined,
    notOnOrAfter: conditions ? date(conditions.getAttribute('NotOnOrAfter')) : undefined,
    subjectNotOnOrAfter,
    roles: [],
    principalTags: {},
    transitiveTagKeys: [],
  };
  for (const st of children(a, SAML, 'AttributeStatement')) {
    for (const attr of children(st, SAML, 'Attribute')) {
      const name = attr.getAttribute('Name') ?? '';
      const values = children(attr, SAML, 'AttributeValue').map((v) => text(v) ?? '');
      if (!name.startsWith(ATTR)) continue;
      const key = name.slice(ATTR.length);
      if (key === 'Role') claims.roles.push(...values);
      else if (key === 'RoleSessionName') claims.sessionName = values[0];
      else if (key === 'SessionDuration') claims.sessionDuration = Number(values[0]);
      else if (key === 'SourceIdentity') claims.sourceIdentity = values[0];
      else if (key.startsWith('PrincipalTag:'))
        claims.principalTags[key.slice('PrincipalTag:'.length)] = values[0] ?? '';
      else if (key === 'TransitiveTagKeys') claims.transitiveTagKeys.push(...values);
    }
  }
  return claims;
}
