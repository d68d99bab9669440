/**
 * SSH wire encoding (RFC 4251 strings and mpints, RFC 4253 public key blobs), shared by EC2's
 * key pairs, the machines' host keys and IAM's SSH public keys.
 */
import type { KeyObject } from 'node:crypto';

/** A length-prefixed string. */
export function sshString(b: Buffer | string): Buffer {
  const v = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(v.length);
  return Buffer.concat([len, v]);
}

/** An mpint: big-endian, with a leading zero byte when the top bit is set. */
export function mpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let v = b.subarray(i);
  if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return sshString(v);
}

/** The strings of a wire blob; undefined when it is cut short. */
export function sshStrings(blob: Buffer): Buffer[] | undefined {
  const out: Buffer[] = [];
  for (let at = 0; at < blob.length;) {
    if (at + 4 > blob.length) return undefined;
    const n = blob.readUInt32BE(at);
    if (at + 4 + n > blob.length) return undefined;
    out.push(blob.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

/** The wire blob of an RSA (`ssh-rsa` e n) or Ed25519 (`ssh-ed25519` key) public key. */
export function sshPublicKey(key: KeyObject): { type: 'ssh-rsa' | 'ssh-ed25519'; blob: Buffer } {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'RSA') {
    const blob = Buffer.concat([
      sshString('ssh-rsa'),
      mpint(Buffer.from(jwk.e!, 'base64url')),
      mpint(Buffer.from(jwk.n!, 'base64url')),
    ]);
    return { type: 'ssh-rsa', blob };
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.from(jwk.x!, 'base64url'))]);
    return { type: 'ssh-ed25519', blob };
  }
  throw new Error(`unsupported key type ${jwk.kty}`);
}
