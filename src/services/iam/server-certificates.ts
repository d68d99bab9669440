/**
 * Server certificates (Upload/Get/List/Update/Delete, tags): the body, chain and private key as
 * uploaded (the key is never returned), checked with node:crypto (certificates.ts), ids ASCA...,
 * ARNs arn:aws:iam::ACCOUNT:server-certificate/PATH/NAME, at most 20 per account ("Cannot exceed
 * quota for ServerCertificatesPerAccount: 20", as AWS answers).
 */
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { checkChain, checkPrivateKey, parseCertificate } from './certificates.ts';
import { byPrefix, date, iso, page, tagHandlers, tagsOut, type Paged } from './common.ts';
import { exists, limitExceeded, noSuch } from './errors.ts';
import { iamArn, uniqueId } from './ids.ts';
import type { ServerCertificateRecord, Tag } from './repository.ts';
import type { IamState } from './state.ts';
import { checkTags } from './tags.ts';
import { ConflictError } from '../../store/errors.ts';

export const SERVER_CERTIFICATES_PER_ACCOUNT = 20;

const KIND = 'server-certificate';

const missing = (name: string) => noSuch(`The Server Certificate with name ${name} cannot be found.`);
const taken = (name: string) => exists(`The Server Certificate with name ${name} already exists.`);

async function find(s: IamState, ctx: HandlerContext, name: string): Promise<ServerCertificateRecord> {
  const c = await s.repo.getEntity(ctx.accountId, KIND, name);
  if (!c) throw missing(name);
  return c;
}

const metadata = (c: ServerCertificateRecord) => ({
  Path: c.path,
  ServerCertificateName: c.name,
  ServerCertificateId: c.id,
  Arn: c.arn,
  UploadDate: date(c.createdAt),
  Expiration: date(c.expiration),
});

interface UploadInput {
  ServerCertificateName: string;
  CertificateBody: string;
  PrivateKey: string;
  CertificateChain?: string;
  Path?: string;
  Tags?: Tag[];
}

export function serverCertificateHandlers(s: IamState): ServiceHandlers {
  const tags = tagHandlers(s, KIND, (i: { ServerCertificateName: string }, ctx: HandlerContext) =>
    find(s, ctx, i.ServerCertificateName),
  );
  return {
    async UploadServerCertificate(input: UploadInput, ctx) {
      const tagList = checkTags(input.Tags, KIND);
      const cert = parseCertificate(input.CertificateBody, ctx.now);
      checkPrivateKey(cert, input.PrivateKey);
      if (input.CertificateChain !== undefined) checkChain(cert, input.CertificateChain);
      if (await s.repo.getEntity(ctx.accountId, KIND, input.ServerCertificateName))
        throw taken(input.ServerCertificateName);
      if ((await s.repo.listEntities(ctx.accountId, KIND)).length >= SERVER_CERTIFICATES_PER_ACCOUNT)
        throw limitExceeded(
          `Cannot exceed quota for ServerCertificatesPerAccount: ${SERVER_CERTIFICATES_PER_ACCOUNT}`,
        );
      const path = input.Path ?? '/';
      const record: ServerCertificateRecord = {
        name: input.ServerCertificateName,
        id: uniqueId('ASCA'),
        path,
        arn: iamArn(ctx.accountId, KIND, path, input.ServerCertificateName),
        createdAt: iso(ctx.now),
        tags: tagList,
        body: input.CertificateBody,
        ...(input.CertificateChain !== undefined && { chain: input.CertificateChain }),
        privateKey: input.PrivateKey,
        expiration: new Date(cert.validTo).toISOString(),
      };
      try {
        await s.repo.createEntity(ctx.accountId, KIND, record);
      } catch (e) {
        if (e instanceof ConflictError) throw taken(record.name);
        throw e;
      }
      s.changed();
      return { ServerCertificateMetadata: metadata(record), Tags: tagsOut(record.tags) };
    },

    async GetServerCertificate(input: { ServerCertificateName: string }, ctx) {
      const c = await find(s, ctx, input.ServerCertificateName);
      return {
        ServerCertificate: {
          ServerCertificateMetadata: metadata(c),
          CertificateBody: c.body,
          CertificateChain: c.chain,
          Tags: tagsOut(c.tags),
        },
      };
    },

    async ListServerCertificates(input: Paged & { PathPrefix?: string }, ctx) {
      const all = byPrefix(await s.repo.listEntities(ctx.accountId, KIND), input.PathPrefix);
      const p = page(all, input);
      return {
        ServerCertificateMetadataList: p.items.map(metadata),
        IsTruncated: p.IsTruncated,
        Marker: p.Marker,
      };
    },

    async UpdateServerCertificate(
      input: { ServerCertificateName: string; NewPath?: string; NewServerCertificateName?: string },
      ctx,
    ) {
      const c = await find(s, ctx, input.ServerCertificateName);
      const name = input.NewServerCertificateName ?? c.name;
      const path = input.NewPath ?? c.path;
      try {
        await s.repo.saveEntity(ctx.accountId, KIND, {
          ...c,
          name,
          path,
          arn: iamArn(ctx.accountId, KIND, path, name),
        });
      } catch (e) {
        if (e instanceof ConflictError) throw taken(name);
        throw e;
      }
      s.changed();
      return {};
    },

    async DeleteServerCertificate(input: { ServerCertificateName: string }, ctx) {
      const c = await find(s, ctx, input.ServerCertificateName);
      await s.repo.deleteEntity(ctx.accountId, KIND, c);
      s.changed();
      return {};
    },

    TagServerCertificate: tags.tag,
    UntagServerCertificate: tags.untag,
    ListServerCertificateTags: tags.list,
  };
}
