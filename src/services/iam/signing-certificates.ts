/**
 * X.509 signing certificates of IAM users (or, without UserName, of the root user when root
 * calls): PEM bodies checked like server certificates, Active on upload, at most 2 per user, a
 * certificate used once per account (DuplicateCertificate), 32-character ids.
 */
import { createHash, randomInt } from 'node:crypto';
import { DuplicateCertificateException } from '../../generated/iam/errors.ts';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { parseCertificate } from './certificates.ts';
import { date, type Paged } from './common.ts';
import { limitExceeded, noSuch } from './errors.ts';
import type { UserCredentialRecord } from './repository.ts';
import type { IamState } from './state.ts';
import { create, listOf, oneOf, pageOf, remove, setStatus } from './user-credential-store.ts';
import { targetUser } from './users.ts';

export const SIGNING_CERTIFICATES_PER_USER = 2;
const KIND = 'signing-certificate';
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const missing = (id: string) => () => noSuch(`The Certificate with id ${id} cannot be found.`);

/** The owner: a user's id and name, or for the root user the account id as both. */
async function owner(s: IamState, ctx: HandlerContext, name: string | undefined) {
  const u = await targetUser(s, ctx, name);
  return u ? { id: u.id, name: u.name } : { id: ctx.accountId, name: ctx.accountId };
}

const out = (name: string, c: UserCredentialRecord) => ({
  UserName: name,
  CertificateId: c.id,
  CertificateBody: c.body,
  Status: c.status,
  UploadDate: date(c.createdAt),
});

/** Whether the root user of the account has a signing certificate (GetAccountSummary). */
export async function rootHasSigningCertificate(s: IamState, accountId: string): Promise<boolean> {
  return (await s.repo.listEntities(accountId, KIND)).some((c) => c.userId === accountId);
}

export function signingCertificateHandlers(s: IamState): ServiceHandlers {
  return {
    async UploadSigningCertificate(input: { UserName?: string; CertificateBody: string }, ctx) {
      const o = await owner(s, ctx, input.UserName);
      const cert = parseCertificate(input.CertificateBody, ctx.now);
      const fingerprint = createHash('sha256').update(cert.raw).digest('hex');
      if ((await s.repo.listEntities(ctx.accountId, KIND)).some((c) => c.fingerprint === fingerprint))
        throw new DuplicateCertificateException(
          'The same certificate is already associated with an IAM user.',
        );
      if ((await listOf(s, ctx, KIND, o.id)).length >= SIGNING_CERTIFICATES_PER_USER)
        throw limitExceeded(
          `Cannot exceed quota for SigningCertificatesPerUser: ${SIGNING_CERTIFICATES_PER_USER}`,
        );
      let id = '';
      for (let i = 0; i < 32; i++) id += ID_CHARS[randomInt(ID_CHARS.length)];
      const record = await create(s, ctx, KIND, o.id, id, {
        body: input.CertificateBody,
        fingerprint,
      });
      return { Certificate: out(o.name, record) };
    },

    async ListSigningCertificates(input: Paged & { UserName?: string }, ctx) {
      const o = await owner(s, ctx, input.UserName);
      const p = pageOf(await listOf(s, ctx, KIND, o.id), input);
      return {
        Certificates: p.items.map((c) => out(o.name, c)),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
      };
    },

    async UpdateSigningCertificate(
      input: { UserName?: string; CertificateId: string; Status: 'Active' | 'Inactive' },
      ctx,
    ) {
      const o = await owner(s, ctx, input.UserName);
      const c = await oneOf(s, ctx, KIND, o.id, input.CertificateId, missing(input.CertificateId));
      await setStatus(s, ctx, KIND, c, input.Status);
      return {};
    },

    async DeleteSigningCertificate(input: { UserName?: string; CertificateId: string }, ctx) {
      const o = await owner(s, ctx, input.UserName);
      const c = await oneOf(s, ctx, KIND, o.id, input.CertificateId, missing(input.CertificateId));
      await remove(s, ctx, KIND, c);
      return {};
    },
  };
}
