/**
 * SSH host keys in OpenSSH's public formats, generated with node's crypto (no ssh-keygen), for
 * machines that have no real sshd (the metadata driver).
 */
import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

export interface HostKey {
  /** `ssh-rsa`, `ssh-ed25519`. */
  type: string;
  /** The base64 wire blob (the second field of a `.pub` line). */
  blob: string;
  bits: number;
  /** PKCS#8 PEM private key (kept so the key could serve a real sshd later). */
  privatePem: string;
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** An SSH mpint: big-endian, with a leading zero byte when the top bit is set. */
function mpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let v = b.subarray(i);
  if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return sshString(v);
}

export function publicBlob(key: KeyObject): { type: string; blob: Buffer } {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'RSA') {
    const e = Buffer.from(jwk.e!, 'base64url');
    const n = Buffer.from(jwk.n!, 'base64url');
    return { type: 'ssh-rsa', blob: Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(e), mpint(n)]) };
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    const x = Buffer.from(jwk.x!, 'base64url');
    return {
      type: 'ssh-ed25519',
      blob: Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(x)]),
    };
  }
  throw new Error(`unsupported key type ${jwk.kty}`);
}

export async function generateHostKeys(): Promise<HostKey[]> {
  const [rsa, ed] = await Promise.all([generate('rsa', { modulusLength: 2048 }), generate('ed25519')]);
  return [
    { ...wire(rsa.publicKey), bits: 2048, privatePem: pem(rsa.privateKey) },
    { ...wire(ed.publicKey), bits: 256, privatePem: pem(ed.privateKey) },
  ];
}

function wire(key: KeyObject): { type: string; blob: string } {
  const { type, blob } = publicBlob(key);
  return { type, blob: blob.toString('base64') };
}

function pem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** `SHA256:...` as ssh-keygen -l prints it (unpadded base64 of the blob's digest). */
export function fingerprint(blobBase64: string): string {
  const digest = createHash('sha256').update(Buffer.from(blobBase64, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** ssh-keygen's label for a key type in fingerprint lines: (RSA), (ED25519). */
export function keyLabel(type: string): string {
  return type === 'ssh-rsa' ? 'RSA' : type === 'ssh-ed25519' ? 'ED25519' : type.toUpperCase();
}
