/** Key pairs: create (rsa/ed25519, pem/ppk), import (OpenSSH), describe, delete — AWS's fingerprints. */
import {
  InvalidKeyFormat,
  InvalidKeyPairDuplicate,
  InvalidKeyPairNotFound,
  InvalidParameterValue,
  MissingParameter,
} from '../../generated/ec2/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import { dryRun, requireParam, scopeOf, tagsFor, type Ec2Env } from './env.ts';
import { describeAll, listed, pickByIds } from './describe.ts';
import { newId, nowIso } from './ids.ts';
import { createKey, importKey } from './key-formats.ts';
import type { Scope } from './store.ts';

export interface KeyDoc {
  KeyPairId: string;
  KeyName: string;
  KeyFingerprint: string;
  KeyType: 'rsa' | 'ed25519';
  Tags: { Key: string; Value: string }[];
  CreateTime: string;
  PublicKey: string;
}

const KEY_FILTERS = {
  'key-pair-id': (k: KeyDoc) => k.KeyPairId,
  'key-name': (k: KeyDoc) => k.KeyName,
  fingerprint: (k: KeyDoc) => k.KeyFingerprint,
  'key-type': (k: KeyDoc) => k.KeyType,
};

function checkName(name: unknown): string {
  requireParam(name, 'KeyName');
  const n = String(name);
  if (n.length > 255 || !/^[\x20-\x7e]+$/.test(n)) {
    throw new InvalidParameterValue(
      `Value (${n}) for parameter keyName is invalid. Length exceeds maximum of 255 or contains non-ASCII characters.`,
    );
  }
  return n;
}

async function unique(env: Ec2Env, scope: Scope, name: string): Promise<void> {
  const keys = await env.repo.list<KeyDoc>(scope, 'key');
  if (keys.some((k) => k.KeyName === name))
    throw new InvalidKeyPairDuplicate(`The keypair '${name}' already exists.`);
}

const view = (k: KeyDoc, withPublic: boolean) => {
  const { PublicKey, ...rest } = k;
  return withPublic ? { ...rest, PublicKey } : rest;
};

export function keyPairHandlers(env: Ec2Env): ServiceHandlers {
  return {
    async CreateKeyPair(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const name = checkName(input.KeyName);
      const type = input.KeyType ?? 'rsa';
      if (type !== 'rsa' && type !== 'ed25519')
        throw new InvalidParameterValue(`Value (${type}) for parameter keyType is invalid.`);
      const format = input.KeyFormat ?? 'pem';
      if (format !== 'pem' && format !== 'ppk')
        throw new InvalidParameterValue(`Value (${format}) for parameter keyFormat is invalid.`);
      await unique(env, scope, name);
      const created = createKey(type, format, name);
      const doc: KeyDoc = {
        KeyPairId: newId('key'),
        KeyName: name,
        KeyFingerprint: created.fingerprint,
        KeyType: type,
        Tags: tagsFor(input.TagSpecifications, 'key-pair') as KeyDoc['Tags'],
        CreateTime: nowIso(),
        PublicKey: created.publicKey,
      };
      await env.repo.put(scope, 'key', doc.KeyPairId, doc);
      return {
        KeyName: name,
        KeyFingerprint: doc.KeyFingerprint,
        KeyMaterial: created.material,
        KeyPairId: doc.KeyPairId,
        Tags: doc.Tags.length ? doc.Tags : undefined,
      };
    },

    async ImportKeyPair(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const name = checkName(input.KeyName);
      requireParam(input.PublicKeyMaterial, 'PublicKeyMaterial');
      const imported = importKey(Buffer.from(input.PublicKeyMaterial), name);
      if (!imported) throw new InvalidKeyFormat('Key is not in valid OpenSSH public key format');
      await unique(env, scope, name);
      const doc: KeyDoc = {
        KeyPairId: newId('key'),
        KeyName: name,
        KeyFingerprint: imported.fingerprint,
        KeyType: imported.kind,
        Tags: tagsFor(input.TagSpecifications, 'key-pair') as KeyDoc['Tags'],
        CreateTime: nowIso(),
        PublicKey: imported.publicKey,
      };
      await env.repo.put(scope, 'key', doc.KeyPairId, doc);
      return {
        KeyName: name,
        KeyFingerprint: doc.KeyFingerprint,
        KeyPairId: doc.KeyPairId,
        Tags: doc.Tags.length ? doc.Tags : undefined,
      };
    },

    async DescribeKeyPairs(input, ctx) {
      const scope = scopeOf(ctx);
      const all = await env.repo.list<KeyDoc>(scope, 'key');
      const notFound = (key: string) => new InvalidKeyPairNotFound(`The key pair '${key}' does not exist`);
      // KeyNames narrow the list first; KeyPairIds pick from what is left. No pagination here.
      const named = input.KeyNames?.length ? pickByIds(all, input.KeyNames, (k) => k.KeyName, notFound) : all;
      const keys = await describeAll(input, {
        operation: 'DescribeKeyPairs',
        ids: input.KeyPairIds,
        ...listed(named, (k) => k.KeyPairId, notFound),
        fields: KEY_FILTERS,
      });
      return { KeyPairs: keys.map((k) => view(k, Boolean(input.IncludePublicKey))) };
    },

    async DeleteKeyPair(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      if (input.KeyName === undefined && input.KeyPairId === undefined) {
        throw new MissingParameter('The request must contain the parameter KeyName or KeyPairId');
      }
      const keys = await env.repo.list<KeyDoc>(scope, 'key');
      const key = keys.find((k) =>
        input.KeyPairId !== undefined ? k.KeyPairId === input.KeyPairId : k.KeyName === input.KeyName,
      );
      if (input.KeyPairId !== undefined && !key) {
        if (!/^key-[0-9a-f]{17}$/.test(input.KeyPairId))
          throw new InvalidKeyPairNotFound(`The key pair '${input.KeyPairId}' does not exist`);
      }
      // Deleting a key that does not exist succeeds, as on AWS.
      if (key) await env.repo.delete(scope, key.KeyPairId);
      return { Return: true, ...(key ? { KeyPairId: key.KeyPairId } : {}) };
    },
  };
}
