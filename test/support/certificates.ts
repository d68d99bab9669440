/**
 * Test certificates made with python's `cryptography` (it can back-date validity, which the
 * openssl CLI cannot): a CA, an intermediate it signs, leaves signed by either or self-signed,
 * each with its PKCS#8 PEM private key.
 */
import { python } from './clients.ts';

export interface TestCert {
  cert: string;
  key: string;
  /** notAfter as ISO text. */
  notAfter: string;
}

export interface CertSet {
  ca: TestCert;
  intermediate: TestCert;
  /** Signed by the intermediate. */
  leaf: TestCert;
  selfSigned: TestCert;
  /** Self-signed, notAfter yesterday. */
  expired: TestCert;
}

/** `env` is any test server's (the python helper expects an endpoint, unused here). */
export async function makeCertificates(env: NodeJS.ProcessEnv): Promise<CertSet> {
  return python(
    `
import datetime
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
def make(cn, issuer=None, days=30, start=-1, ca=False):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    signer_name, signer_key = (issuer[0].subject, issuer[1]) if issuer else (name, key)
    end = now + datetime.timedelta(days=days)
    b = (x509.CertificateBuilder().subject_name(name).issuer_name(signer_name).public_key(key.public_key())
         .serial_number(x509.random_serial_number()).not_valid_before(now + datetime.timedelta(days=start))
         .not_valid_after(end).add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    cert = b.sign(signer_key, hashes.SHA256())
    return cert, key
def out_(pair):
    cert, key = pair
    return {"cert": cert.public_bytes(serialization.Encoding.PEM).decode(),
            "key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode(),
            "notAfter": cert.not_valid_after_utc.isoformat().replace("+00:00", ".000Z")}
ca = make("Test CA", ca=True, days=3650)
inter = make("Test Intermediate", issuer=ca, ca=True, days=1000)
leaf = make("www.example.com", issuer=inter, days=90)
out({"ca": out_(ca), "intermediate": out_(inter), "leaf": out_(leaf),
     "selfSigned": out_(make("self.example.com")), "expired": out_(make("old.example.com", days=-1, start=-10))})
`,
    env,
  );
}
