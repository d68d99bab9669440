/**
 * Resolves IAM users' access keys (AKIA...) and STS temporary credentials (ASIA...) for
 * authentication; chained with the root resolver in src/server/start.ts. Inactive keys come back
 * with status 'Inactive' (the auth layer refuses them with InvalidClientTokenId /
 * InvalidAccessKeyId); deleted keys and unknown sessions come back undefined. Key uses are
 * buffered and written in batches, off the request path.
 */
import type { Credential, CredentialResolver, Principal } from '../../auth/principal.ts';
import type { StoreBackend } from '../../store/backend.ts';
import { tagMap } from './common.ts';
import { decodeSession } from './session-data.ts';
import { iamState, type IamState } from './state.ts';

/** Expired sessions are kept this long (so they answer ExpiredToken), then purged. */
const KEEP_EXPIRED_MS = 7 * 86400_000;

export class IamCredentialResolver implements CredentialResolver {
  constructor(private readonly s: IamState) {}

  async resolve(accessKeyId: string, _sessionToken?: string): Promise<Credential | undefined> {
    if (accessKeyId.startsWith('ASIA')) {
      const rec = await this.s.repo.getSession(accessKeyId);
      if (!rec) return undefined;
      const { principal } = decodeSession(rec.data);
      return {
        accessKeyId,
        secretAccessKey: rec.secretAccessKey,
        sessionToken: rec.sessionToken,
        expiration: new Date(rec.expiresAt),
        status: 'Active',
        principal: { ...principal, accessKeyId },
      };
    }
    const key = await this.s.repo.getAccessKey(accessKeyId);
    if (!key) return undefined;
    const user = await this.s.repo.getEntityById('user', key.userId);
    if (!user) return undefined;
    const u = user.record;
    const principal: Principal = {
      type: 'IAMUser',
      accountId: key.accountId,
      arn: u.arn,
      userId: u.id,
      userName: u.name,
      accessKeyId,
      ...(u.tags.length && { tags: tagMap(u.tags) }),
    };
    return { accessKeyId, secretAccessKey: key.secretAccessKey, status: key.status, principal };
  }

  recordUse(accessKeyId: string, service: string, region: string, when: Date): void {
    if (!accessKeyId.startsWith('AKIA')) return;
    this.s.noteKeyUse({ accessKeyId, service, region, date: when.toISOString() });
  }
}

/** The resolver for a backend; purges long-expired sessions now and then. */
export function createIamCredentialResolver(
  backend: StoreBackend,
  now: () => Date = () => new Date(),
): IamCredentialResolver {
  const s = iamState(backend);
  const purge = () =>
    void s.repo
      .deleteExpiredSessions(new Date(now().getTime() - KEEP_EXPIRED_MS).toISOString())
      .catch(() => {});
  purge();
  setInterval(purge, 3600_000).unref();
  return new IamCredentialResolver(s);
}
