/** Key material: formats OpenSSH tools accept and fingerprints computed as AWS documents them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey } from 'node:crypto';
import { createKey, importKey } from '../../src/services/ec2/key-formats.ts';

test('created rsa pem: PKCS#1, fingerprint = SHA-1 of the PKCS#8 DER', () => {
  const k = createKey('rsa', 'pem', 'n');
  assert.match(k.material, /^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----$/);
  const der = createPrivateKey(k.material).export({ format: 'der', type: 'pkcs8' });
  const hex = [...createHash('sha1').update(der).digest()]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join(':');
  assert.equal(k.fingerprint, hex);
});

test('imported keys: OpenSSH lines of rsa and ed25519; anything else refused', () => {
  const rsa = createKey('rsa', 'pem', 'x');
  const imported = importKey(Buffer.from(rsa.publicKey), 'x')!;
  assert.equal(imported.kind, 'rsa');
  assert.match(imported.fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  const ed = createKey('ed25519', 'pem', 'y');
  const edImported = importKey(Buffer.from(`${ed.publicKey}\n`), 'y')!;
  assert.equal(
    edImported.fingerprint,
    ed.fingerprint,
    'ed25519: the same SHA-256 whether created or imported',
  );
  assert.equal(importKey(Buffer.from(Buffer.from(rsa.publicKey).toString('base64')), 'z'), undefined);
  assert.equal(importKey(Buffer.from('ssh-dss AAAAB3NzaC1kc3M= x'), 'z'), undefined);
  assert.equal(importKey(Buffer.from('ssh-rsa AAAAB3NzaC1yc2E= x'), 'z'), undefined, 'a truncated blob');
  assert.equal(importKey(Buffer.from(`${rsa.publicKey}\n${rsa.publicKey}`), 'z'), undefined, 'two keys');
});
