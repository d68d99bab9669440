/**
 * Key material in the formats EC2 hands out and accepts: PKCS#1 PEM and OpenSSH private keys,
 * PuTTY's .ppk (v2), OpenSSH public keys (and RFC 4716), and fingerprints as AWS computes them.
 */
import {
  createHash,
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { mpint, sshPublicKey, sshString } from '../../ssh-wire.ts';

export type KeyKind = 'rsa' | 'ed25519';

const colonHex = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

/** The SSH wire blob of a public key (`ssh-rsa` e n / `ssh-ed25519` key). */
const publicBlob = (key: KeyObject): Buffer => sshPublicKey(key).blob;

function wrap(b64: string, width: number): string {
  return b64.match(new RegExp(`.{1,${width}}`, 'g'))!.join('\n');
}

/** OpenSSH's own private key format (unencrypted), as ssh-keygen writes ed25519 keys. */
function opensshPrivate(priv: KeyObject, pub: KeyObject, comment: string): string {
  const jwk = priv.export({ format: 'jwk' });
  const blob = publicBlob(pub);
  const check = randomBytes(4);
  const seed = Buffer.from(jwk.d!, 'base64url');
  const x = Buffer.from(jwk.x!, 'base64url');
  let section = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(x),
    sshString(Buffer.concat([seed, x])),
    sshString(comment),
  ]);
  const pad: number[] = [];
  for (let i = 1; (section.length + pad.length) % 8 !== 0; i++) pad.push(i);
  section = Buffer.concat([section, Buffer.from(pad)]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    Buffer.from([0, 0, 0, 1]),
    sshString(blob),
    sshString(section),
  ]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap(body.toString('base64'), 70)}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** PuTTY writes the ed25519 seed as a little-endian unsigned integer: no trailing zero bytes. */
function leUnsigned(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return b.subarray(0, end);
}

/** PuTTY-User-Key-File-2, unencrypted, with its HMAC-SHA1 over the key parts. */
function ppk(priv: KeyObject, pub: KeyObject, comment: string): string {
  const jwk = priv.export({ format: 'jwk' });
  const blob = publicBlob(pub);
  const algorithm = jwk.kty === 'RSA' ? 'ssh-rsa' : 'ssh-ed25519';
  const privateBlob =
    jwk.kty === 'RSA'
      ? Buffer.concat([jwk.d!, jwk.p!, jwk.q!, jwk.qi!].map((v) => mpint(Buffer.from(v, 'base64url'))))
      : sshString(leUnsigned(Buffer.from(jwk.d!, 'base64url')));
  const macKey = createHash('sha1').update('putty-private-key-file-mac-key').digest();
  const mac = createHmac('sha1', macKey)
    .update(
      Buffer.concat([
        sshString(algorithm),
        sshString('none'),
        sshString(comment),
        sshString(blob),
        sshString(privateBlob),
      ]),
    )
    .digest('hex');
  const lines = (b: Buffer) => wrap(b.toString('base64'), 64).split('\n');
  const pubLines = lines(blob);
  const privLines = lines(privateBlob);
  return [
    `PuTTY-User-Key-File-2: ${algorithm}`,
    'Encryption: none',
    `Comment: ${comment}`,
    `Public-Lines: ${pubLines.length}`,
    ...pubLines,
    `Private-Lines: ${privLines.length}`,
    ...privLines,
    `Private-MAC: ${mac}`,
    '',
  ].join('\n');
}

export interface CreatedKey {
  material: string;
  fingerprint: string;
  /** One OpenSSH line (`ssh-rsa AAAA... name`). */
  publicKey: string;
}

export function createKey(kind: KeyKind, format: 'pem' | 'ppk', name: string): CreatedKey {
  const { privateKey, publicKey } =
    kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const blob = publicBlob(publicKey);
  let material: string;
  if (format === 'ppk') material = ppk(privateKey, publicKey, name);
  else if (kind === 'rsa')
    material = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString().trimEnd();
  else material = opensshPrivate(privateKey, publicKey, '').trimEnd();
  // AWS: a key it created has the SHA-1 of its PKCS#8 DER private key (rsa), SHA-256 of the
  // public key blob in base64 (ed25519).
  const fingerprint =
    kind === 'rsa'
      ? colonHex(
          createHash('sha1')
            .update(privateKey.export({ format: 'der', type: 'pkcs8' }))
            .digest(),
        )
      : createHash('sha256').update(blob).digest('base64');
  return {
    material,
    fingerprint,
    publicKey: `${kind === 'rsa' ? 'ssh-rsa' : 'ssh-ed25519'} ${blob.toString('base64')} ${name}`,
  };
}

export interface ImportedKey {
  kind: KeyKind;
  fingerprint: string;
  publicKey: string;
}

function readString(b: Buffer, off: number): [Buffer, number] {
  if (off + 4 > b.length) throw new Error('short');
  const len = b.readUInt32BE(off);
  if (off + 4 + len > b.length) throw new Error('short');
  return [b.subarray(off + 4, off + 4 + len), off + 4 + len];
}

/** The base64 blob of an OpenSSH line or an RFC 4716 block; undefined when neither. */
function blobOf(text: string): Buffer | undefined {
  const t = text.trim();
  const rfc = /^---- BEGIN SSH2 PUBLIC KEY ----\r?\n([\s\S]*?)\r?\n---- END SSH2 PUBLIC KEY ----$/.exec(t);
  if (rfc) {
    const body = rfc[1]!
      .split(/\r?\n/)
      .filter((l) => !/^[\w-]+:/.test(l))
      .join('');
    return /^[A-Za-z0-9+/]+=*$/.test(body) ? Buffer.from(body, 'base64') : undefined;
  }
  const m = /^(ssh-rsa|ssh-ed25519) ([A-Za-z0-9+/]+=*)(?: .*)?$/.exec(t);
  if (!m || t.includes('\n')) return undefined;
  return Buffer.from(m[2]!, 'base64');
}

/**
 * An RSA public key in base64-encoded DER (SubjectPublicKeyInfo or PKCS#1), bare or in its PEM
 * armour: the third format ImportKeyPair documents. Its SSH blob, or undefined.
 */
function derBlob(text: string): Buffer | undefined {
  const t = text.trim();
  const pem = /^-----BEGIN (RSA )?PUBLIC KEY-----\r?\n([\s\S]*?)\r?\n?-----END \1PUBLIC KEY-----$/.exec(t);
  const body = (pem ? pem[2]! : t).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) return undefined;
  const der = Buffer.from(body, 'base64');
  for (const type of pem?.[1] ? (['pkcs1'] as const) : (['spki', 'pkcs1'] as const)) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      return key.asymmetricKeyType === 'rsa' ? publicBlob(key) : undefined;
    } catch {
      // not this structure
    }
  }
  return undefined;
}

/** Parses an imported public key; undefined means InvalidKey.Format. */
export function importKey(material: Buffer, name: string): ImportedKey | undefined {
  const text = material.toString('latin1');
  const blob = blobOf(text) ?? derBlob(text);
  if (!blob) return undefined;
  try {
    const [type, o1] = readString(blob, 0);
    if (type.toString() === 'ssh-rsa') {
      const [e, o2] = readString(blob, o1);
      const [n, o3] = readString(blob, o2);
      if (o3 !== blob.length) return undefined;
      const key = createPublicKey({
        key: { kty: 'RSA', e: strip(e).toString('base64url'), n: strip(n).toString('base64url') },
        format: 'jwk',
      });
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < 1024 || bits > 16384) return undefined;
      const der = key.export({ format: 'der', type: 'spki' });
      return {
        kind: 'rsa',
        fingerprint: colonHex(createHash('md5').update(der).digest()),
        publicKey: `ssh-rsa ${blob.toString('base64')} ${name}`,
      };
    }
    if (type.toString() === 'ssh-ed25519') {
      const [x, o2] = readString(blob, o1);
      if (x.length !== 32 || o2 !== blob.length) return undefined;
      return {
        kind: 'ed25519',
        fingerprint: createHash('sha256').update(blob).digest('base64'),
        publicKey: `ssh-ed25519 ${blob.toString('base64')} ${name}`,
      };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function strip(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}
