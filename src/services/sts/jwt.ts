/**
 * JSON Web Token verification for AssumeRoleWithWebIdentity: compact JWS with RS256/384/512,
 * PS256/384/512 or ES256/384/512, against a JWKS (keys matched by kid when the token names one).
 */
import { createPublicKey, verify as verifySignature, constants, type KeyObject } from 'node:crypto';

export class JwtError extends Error {}

/** AWS's wording for a token that does not parse as a JWT (aws-sdk-go, IRSA and Cognito reports). */
export const NOT_A_JWT =
  'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)';

export const NO_VERIFICATION_KEY =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

export interface Jwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const ALGS: Record<string, { hash: string; kind: 'rsa' | 'pss' | 'ec' }> = {
  RS256: { hash: 'sha256', kind: 'rsa' },
  RS384: { hash: 'sha384', kind: 'rsa' },
  RS512: { hash: 'sha512', kind: 'rsa' },
  PS256: { hash: 'sha256', kind: 'pss' },
  PS384: { hash: 'sha384', kind: 'pss' },
  PS512: { hash: 'sha512', kind: 'pss' },
  ES256: { hash: 'sha256', kind: 'ec' },
  ES384: { hash: 'sha384', kind: 'ec' },
  ES512: { hash: 'sha512', kind: 'ec' },
};

function json(part: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* below */
  }
  throw new JwtError(NOT_A_JWT);
}

/** Splits and decodes a token without checking anything. */
export function decodeJwt(token: string): Jwt & { signingInput: string; signature: Buffer } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError(NOT_A_JWT);
  return {
    header: json(parts[0]!),
    payload: json(parts[1]!),
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2]!, 'base64url'),
  };
}

/** Verifies the signature with a key of the JWKS; returns the decoded token. */
export function verifyJwt(token: string, jwks: string): Jwt {
  const t = decodeJwt(token);
  const alg = ALGS[String(t.header.alg)];
  if (!alg) throw new JwtError(`Unsupported JWT algorithm ${String(t.header.alg)}`);
  let keys: Record<string, unknown>[];
  try {
    keys = (JSON.parse(jwks) as { keys: Record<string, unknown>[] }).keys ?? [];
  } catch {
    throw new JwtError('The OpenID Connect provider has no valid JWKS registered');
  }
  const candidates = keys.filter(
    (k) => (t.header.kid === undefined || k.kid === t.header.kid) && (k.use === undefined || k.use === 'sig'),
  );
  // No key of the provider's JWKS has the token's kid: AWS's words (two spaces and all, as in
  // raw STS answers quoted by cluster-api-provider-aws and IRSA reports).
  if (candidates.length === 0) throw new JwtError(NO_VERIFICATION_KEY);
  for (const jwk of candidates) {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk as never, format: 'jwk' });
    } catch {
      continue;
    }
    const ok =
      alg.kind === 'ec'
        ? verifySignature(
            alg.hash,
            Buffer.from(t.signingInput),
            { key, dsaEncoding: 'ieee-p1363' },
            t.signature,
          )
        : verifySignature(
            alg.hash,
            Buffer.from(t.signingInput),
            alg.kind === 'pss'
              ? {
                  key,
                  padding: constants.RSA_PKCS1_PSS_PADDING,
                  saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
                }
              : key,
            t.signature,
          );
    if (ok) return { header: t.header, payload: t.payload };
  }
  throw new JwtError('The signature of the web identity token could not be verified');
}
