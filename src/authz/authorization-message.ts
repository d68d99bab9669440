/**
 * The "Encoded authorization failure message" of EC2's UnauthorizedOperation and its decoding
 * by STS DecodeAuthorizationMessage. The message carries the decision's details (matched
 * statements, the request context), which AWS hides from the caller unless it holds
 * sts:DecodeAuthorizationMessage; so it is sealed (AES-256-GCM) under a key kept in the data
 * directory, and only the account that received it can open it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

interface Items<T> {
  items: T[];
}
type ValueItems = Items<{ value: string }>;

export interface DecodedStatement {
  statementId: string;
  effect: 'ALLOW' | 'DENY';
  principals: ValueItems;
  principalGroups: ValueItems;
  actions: ValueItems;
  resources: ValueItems;
  conditions: Items<{ key: string; values: ValueItems }>;
}

/** The DecodedMessage JSON, in the form AWS returns it. */
export interface DecodedAuthorizationMessage {
  allowed: boolean;
  explicitDeny: boolean;
  matchedStatements: Items<DecodedStatement>;
  failures: ValueItems;
  context: {
    principal: { id: string; name?: string; arn: string };
    action: string;
    resource: string;
    conditions: Items<{ key: string; values: ValueItems }>;
  };
}

export class InvalidAuthorizationMessage extends Error {}

const KEY_FILE = 'authorization-message.key';

export class AuthorizationMessageCodec {
  constructor(private readonly key: Buffer) {}

  encode(accountId: string, message: DecodedAuthorizationMessage): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(accountId));
    const body = Buffer.concat([cipher.update(deflateRawSync(JSON.stringify(message))), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The JSON text of the message, or InvalidAuthorizationMessage (tampered, another account's). */
  decode(accountId: string, encoded: string): string {
    const raw = Buffer.from(encoded.trim(), 'base64url');
    if (raw.length < 29) throw new InvalidAuthorizationMessage();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(accountId));
      decipher.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
      return inflateRawSync(plain).toString('utf8');
    } catch {
      throw new InvalidAuthorizationMessage();
    }
  }
}

const codecs = new Map<string, AuthorizationMessageCodec>();

/**
 * The codec of a data directory (its key is made on first use and kept, so messages stay
 * decodable across restarts). Shared by the authorizer and the STS handler.
 */
export function authorizationMessages(dataDir: string): AuthorizationMessageCodec {
  let codec = codecs.get(dataDir);
  if (!codec) {
    const file = join(dataDir, KEY_FILE);
    let key: Buffer;
    if (existsSync(file)) key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    else {
      key = randomBytes(32);
      writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    if (key.length !== 32) throw new Error(`${file}: expected a 32-byte base64 key`);
    codec = new AuthorizationMessageCodec(key);
    codecs.set(dataDir, codec);
  }
  return codec;
}
