/**
 * SSH host keys in OpenSSH's public formats, generated with node's crypto (no ssh-keygen), for
 * machines that have no real sshd (the metadata driver).
 */
import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { sshPublicKey } from '../ssh-wire.ts';

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

export async function generateHostKeys(): Promise<HostKey[]> {
  const [rsa, ed] = await Promise.all([generate('rsa', { modulusLength: 2048 }), generate('ed25519')]);
  return [
    { ...wire(rsa.publicKey), bits: 2048, privatePem: pem(rsa.privateKey) },
    { ...wire(ed.publicKey), bits: 256, privatePem: pem(ed.privateKey) },
  ];
}

function wire(key: KeyObject): { type: string; blob: string } {
  const { type, blob } = sshPublicKey(key);
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
