/**
 * X.509 certificates and private keys in PEM, as IAM checks them for server and signing
 * certificates (node:crypto does the parsing). Wording AWS is seen to use: "Unable to parse
 * certificate. Please ensure the certificate is in PEM format." for what does not parse, and
 * "Certificate is no longer valid. The 'Not After' date restriction on the certificate has
 * passed." for expired certificates (both MalformedCertificate).
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { KeyPairMismatchException, MalformedCertificateException } from '../../generated/iam/errors.ts';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export const unparseable = () =>
  new MalformedCertificateException(
    'Unable to parse certificate. Please ensure the certificate is in PEM format.',
  );

/** The PEM certificates in a text, in order (none when there are none). */
function pemBlocks(text: string): string[] {
  return text.match(PEM_CERT) ?? [];
}

function parse(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw unparseable();
  }
}

/** The one certificate of a CertificateBody, checked to be in its validity period. */
export function parseCertificate(body: string, now: Date): X509Certificate {
  const blocks = pemBlocks(body);
  if (blocks.length !== 1) throw unparseable();
  const cert = parse(blocks[0]!);
  if (new Date(cert.validTo).getTime() <= now.getTime())
    throw new MalformedCertificateException(
      "Certificate is no longer valid. The 'Not After' date restriction on the certificate has passed.",
    );
  return cert;
}

/**
 * A CertificateChain: the certificate that signed the body first, then each next issuer. The
 * index is that of the first chain certificate that did not sign the one before it.
 */
export function checkChain(cert: X509Certificate, chain: string): void {
  const blocks = pemBlocks(chain);
  if (!blocks.length) throw unparseable();
  let child = cert;
  blocks.forEach((pem, i) => {
    const issuer = parse(pem);
    if (!child.checkIssued(issuer) || !child.verify(issuer.publicKey))
      throw new MalformedCertificateException(
        'Unable to validate certificate chain. The certificate chain must start with the immediate signing ' +
          'certificate, followed by any intermediaries in order. The index within the chain of the invalid ' +
          `certificate is: ${i}`,
      );
    child = issuer;
  });
}

/** An unencrypted PEM private key that belongs to the certificate's public key. */
export function checkPrivateKey(cert: X509Certificate, pem: string): void {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw unparseable();
  }
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(key)).equals(spki(cert.publicKey)))
    throw new KeyPairMismatchException('The private key did not match the public key certificate.');
}
