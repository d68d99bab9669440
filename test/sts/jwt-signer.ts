/** Signs JWTs for tests (RS256 / ES256) with keys made in-process; exports the public JWKS. */
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';

export interface TestIssuer {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  jwks: string;
}

export function makeIssuer(alg: 'RS256' | 'ES256' = 'RS256'): TestIssuer {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID().slice(0, 8);
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, jwks: JSON.stringify({ keys: [jwk] }) };
}

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function signJwt(issuer: TestIssuer, claims: Record<string, unknown>): string {
  const input = `${b64({ alg: issuer.alg, typ: 'JWT', kid: issuer.kid })}.${b64(claims)}`;
  const signer = createSign('sha256');
  signer.update(input);
  const sig =
    issuer.alg === 'ES256'
      ? signer.sign({ key: issuer.privateKey, dsaEncoding: 'ieee-p1363' })
      : signer.sign(issuer.privateKey);
  return `${input}.${sig.toString('base64url')}`;
}
