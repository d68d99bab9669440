/**
 * SSH public keys of IAM users (for CodeCommit): RSA keys of at least 2048 bits in ssh-rsa or
 * PEM format (the UploadSSHPublicKey reference), at most 5 per user, ids APKA... (20
 * characters), the fingerprint the MD5 of the key's SSH wire form in colon-separated hex (what
 * `ssh-keygen -l -E md5` prints), GetSSHPublicKey in either encoding.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import {
  DuplicateSSHPublicKeyException,
  InvalidPublicKeyException,
  UnrecognizedPublicKeyEncodingException,
} from '../../generated/iam/errors.ts';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { date, mustGet, type Paged } from './common.ts';
import { limitExceeded, noSuch } from './errors.ts';
import { accessKeyId } from './ids.ts';
import { sshPublicKey, sshStrings } from '../../ssh-wire.ts';
import type { UserCredentialRecord, UserRecord } from './repository.ts';
import type { IamState } from './state.ts';
import { create, listOf, oneOf, pageOf, remove, setStatus } from './user-credential-store.ts';

export const SSH_KEYS_PER_USER = 5;
const KIND = 'ssh-public-key';

const invalid = () => new InvalidPublicKeyException('The public key is malformed or otherwise invalid.');
const missing = (id: string) => () => noSuch(`The SSH Public Key with id ${id} cannot be found.`);

const unsigned = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);

/** The RSA key of an ssh-rsa line or a PEM public key (SubjectPublicKeyInfo or PKCS#1). */
function parseKey(body: string): KeyObject {
  const text = body.trim();
  let key: KeyObject;
  if (text.startsWith('-----BEGIN ')) {
    try {
      key = createPublicKey({ key: text, format: 'pem' });
    } catch {
      throw invalid();
    }
  } else if (/^ssh-rsa\s/.test(text)) {
    const b64 = text.split(/\s+/)[1] ?? '';
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw invalid();
    const [type, e, n, ...rest] = sshStrings(Buffer.from(b64, 'base64')) ?? [];
    if (type?.toString() !== 'ssh-rsa' || !e || !n || rest.length) throw invalid();
    try {
      key = createPublicKey({
        key: { kty: 'RSA', e: unsigned(e).toString('base64url'), n: unsigned(n).toString('base64url') },
        format: 'jwk',
      });
    } catch {
      throw invalid();
    }
  } else {
    throw new UnrecognizedPublicKeyEncodingException(
      'The public key encoding format is unsupported or unrecognized.',
    );
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new UnrecognizedPublicKeyEncodingException(
      'The public key encoding format is unsupported or unrecognized.',
    );
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw invalid();
  return key;
}

const sshBlob = (key: KeyObject): Buffer => sshPublicKey(key).blob;

const md5Colons = (b: Buffer) =>
  [...createHash('md5').update(b).digest()].map((x) => x.toString(16).padStart(2, '0')).join(':');

function full(u: UserRecord, k: UserCredentialRecord, body = k.body) {
  return {
    UserName: u.name,
    SSHPublicKeyId: k.id,
    Fingerprint: k.fingerprint,
    SSHPublicKeyBody: body,
    Status: k.status,
    UploadDate: date(k.createdAt),
  };
}

export function sshPublicKeyHandlers(s: IamState): ServiceHandlers {
  const user = (ctx: HandlerContext, name: string) => mustGet(s, ctx, 'user', name);
  return {
    async UploadSSHPublicKey(input: { UserName: string; SSHPublicKeyBody: string }, ctx) {
      const u = await user(ctx, input.UserName);
      const fingerprint = md5Colons(sshBlob(parseKey(input.SSHPublicKeyBody)));
      const mine = await listOf(s, ctx, KIND, u.id);
      if (mine.some((k) => k.fingerprint === fingerprint))
        throw new DuplicateSSHPublicKeyException(
          'The SSH public key is already associated with the specified IAM user.',
        );
      if (mine.length >= SSH_KEYS_PER_USER)
        throw limitExceeded(`Cannot exceed quota for SSHPublicKeysPerUser: ${SSH_KEYS_PER_USER}`);
      // APKA and 16 characters, like access key ids.
      const id = 'APKA' + accessKeyId().slice(4);
      const record = await create(s, ctx, KIND, u.id, id, {
        body: input.SSHPublicKeyBody,
        fingerprint,
      });
      return { SSHPublicKey: full(u, record) };
    },

    async GetSSHPublicKey(input: { UserName: string; SSHPublicKeyId: string; Encoding: 'SSH' | 'PEM' }, ctx) {
      const u = await user(ctx, input.UserName);
      const k = await oneOf(s, ctx, KIND, u.id, input.SSHPublicKeyId, missing(input.SSHPublicKeyId));
      const key = parseKey(k.body);
      const body =
        input.Encoding === 'PEM'
          ? (key.export({ type: 'spki', format: 'pem' }) as string)
          : k.body.trim().startsWith('ssh-rsa')
            ? k.body
            : `ssh-rsa ${sshBlob(key).toString('base64')}`;
      return { SSHPublicKey: full(u, k, body) };
    },

    async ListSSHPublicKeys(input: Paged & { UserName?: string }, ctx) {
      // Without UserName: the calling IAM user's keys (none for other callers).
      const name = input.UserName ?? (ctx.principal.type === 'IAMUser' ? ctx.principal.userName : undefined);
      if (name === undefined) return { SSHPublicKeys: [], IsTruncated: false };
      const u = await user(ctx, name);
      const p = pageOf(await listOf(s, ctx, KIND, u.id), input);
      return {
        SSHPublicKeys: p.items.map((k) => ({
          UserName: u.name,
          SSHPublicKeyId: k.id,
          Status: k.status,
          UploadDate: date(k.createdAt),
        })),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
      };
    },

    async UpdateSSHPublicKey(
      input: { UserName: string; SSHPublicKeyId: string; Status: 'Active' | 'Inactive' },
      ctx,
    ) {
      const u = await user(ctx, input.UserName);
      const k = await oneOf(s, ctx, KIND, u.id, input.SSHPublicKeyId, missing(input.SSHPublicKeyId));
      await setStatus(s, ctx, KIND, k, input.Status);
      return {};
    },

    async DeleteSSHPublicKey(input: { UserName: string; SSHPublicKeyId: string }, ctx) {
      const u = await user(ctx, input.UserName);
      const k = await oneOf(s, ctx, KIND, u.id, input.SSHPublicKeyId, missing(input.SSHPublicKeyId));
      await remove(s, ctx, KIND, k);
      return {};
    },
  };
}
