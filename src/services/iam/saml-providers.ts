/**
 * SAML identity providers: the IdP's metadata XML (validated; its signing certificates kept for
 * AssumeRoleWithSAML), tags.
 */
import { X509Certificate, createHash, randomUUID } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import type { ServiceHandlers } from '../handler.ts';
import { create, date, iso, save, tagsOut, tagHandlers } from './common.ts';
import { checkTags } from './tags.ts';
import { IamErrors, invalidInput } from './errors.ts';
import type { IamState } from './state.ts';
import type { SamlProviderRecord, Tag } from './repository.ts';
import type { HandlerContext } from '../handler.ts';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

export interface ParsedMetadata {
  entityId: string;
  certificates: string[];
  validUntil?: string;
}

const toPem = (b64: string): string => {
  const body = b64.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
};

/** Reads an IdP's metadata: entity id and signing certificates; InvalidInput when unusable. */
export function parseSamlMetadata(xml: string): ParsedMetadata {
  const bad = () => invalidInput('Could not parse metadata');
  let doc;
  try {
    doc = new DOMParser({
      onError: () => {
        throw bad();
      },
    }).parseFromString(xml, 'text/xml');
  } catch {
    throw bad();
  }
  const root = doc.documentElement;
  if (!root || root.localName !== 'EntityDescriptor' || root.namespaceURI !== MD) throw bad();
  const entityId = root.getAttribute('entityID');
  if (!entityId) throw bad();
  const idp = root.getElementsByTagNameNS(MD, 'IDPSSODescriptor')[0];
  if (!idp) throw bad();
  const certificates: string[] = [];
  const descriptors = idp.getElementsByTagNameNS(MD, 'KeyDescriptor');
  for (let i = 0; i < descriptors.length; i++) {
    const d = descriptors[i]!;
    const use = d.getAttribute('use');
    if (use && use !== 'signing') continue;
    const certs = d.getElementsByTagNameNS(DS, 'X509Certificate');
    for (let j = 0; j < certs.length; j++) {
      const pem = toPem(certs[j]!.textContent ?? '');
      try {
        new X509Certificate(pem);
      } catch {
        throw bad();
      }
      certificates.push(pem);
    }
  }
  if (certificates.length === 0) throw bad();
  const validUntil = root.getAttribute('validUntil') ?? undefined;
  return { entityId, certificates, ...(validUntil && { validUntil }) };
}

/** A stable UUID-shaped id from the ARN, for providers stored before their UUID was kept. */
const uuidOf = (arn: string): string => {
  const h = createHash('sha256').update(arn).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

async function byArn(s: IamState, ctx: HandlerContext, arn: string): Promise<SamlProviderRecord> {
  const m = /^arn:aws:iam::(\d{12}):saml-provider\/(.+)$/.exec(arn);
  const p =
    m && m[1] === ctx.accountId ? await s.repo.getEntity(ctx.accountId, 'saml-provider', m[2]!) : undefined;
  if (!p || p.arn !== arn) throw IamErrors.noSuchEntity('saml-provider', arn);
  return p;
}

export function samlProviderHandlers(s: IamState): ServiceHandlers {
  const tags = tagHandlers(s, 'saml-provider', (i: { SAMLProviderArn: string }, ctx: HandlerContext) =>
    byArn(s, ctx, i.SAMLProviderArn),
  );
  return {
    async CreateSAMLProvider(
      input: {
        SAMLMetadataDocument: string;
        Name: string;
        Tags?: Tag[];
        AssertionEncryptionMode?: 'Allowed' | 'Required';
      },
      ctx,
    ) {
      const md = parseSamlMetadata(input.SAMLMetadataDocument);
      const arn = `arn:aws:iam::${ctx.accountId}:saml-provider/${input.Name}`;
      const validUntil = md.validUntil ?? new Date(ctx.now.getTime() + 100 * 365 * 86400_000).toISOString();
      const p: SamlProviderRecord = {
        name: input.Name,
        id: arn,
        path: '/',
        arn,
        createdAt: iso(ctx.now),
        tags: checkTags(input.Tags, 'saml-provider'),
        metadata: input.SAMLMetadataDocument,
        validUntil,
        certificates: md.certificates,
        entityId: md.entityId,
        uuid: randomUUID(),
        ...(input.AssertionEncryptionMode && { assertionEncryptionMode: input.AssertionEncryptionMode }),
      };
      await create(s, ctx, 'saml-provider', p);
      return { SAMLProviderArn: arn, Tags: tagsOut(p.tags) };
    },

    async GetSAMLProvider(input: { SAMLProviderArn: string }, ctx) {
      const p = await byArn(s, ctx, input.SAMLProviderArn);
      // The fields AWS answers (LocalStack's recorded test_get_saml_provider): the UUID,
      // AssertionEncryptionMode ('Allowed' by default), PrivateKeyList and Tags even when empty.
      return {
        SAMLProviderUUID: p.uuid ?? uuidOf(p.arn),
        SAMLMetadataDocument: p.metadata,
        CreateDate: date(p.createdAt),
        ValidUntil: date(p.validUntil),
        Tags: p.tags,
        AssertionEncryptionMode: p.assertionEncryptionMode ?? 'Allowed',
        PrivateKeyList: [],
      };
    },

    async ListSAMLProviders(_input: unknown, ctx) {
      const all = await s.repo.listEntities(ctx.accountId, 'saml-provider');
      return {
        SAMLProviderList: all.map((p) => ({
          Arn: p.arn,
          ValidUntil: date(p.validUntil),
          CreateDate: date(p.createdAt),
        })),
      };
    },

    async UpdateSAMLProvider(
      input: {
        SAMLProviderArn: string;
        SAMLMetadataDocument?: string;
        AssertionEncryptionMode?: 'Allowed' | 'Required';
      },
      ctx,
    ) {
      let p = await byArn(s, ctx, input.SAMLProviderArn);
      if (input.AssertionEncryptionMode !== undefined) {
        p = { ...p, assertionEncryptionMode: input.AssertionEncryptionMode };
        await save(s, ctx, 'saml-provider', p);
      }
      if (input.SAMLMetadataDocument !== undefined) {
        const md = parseSamlMetadata(input.SAMLMetadataDocument);
        await save(s, ctx, 'saml-provider', {
          ...p,
          metadata: input.SAMLMetadataDocument,
          certificates: md.certificates,
          entityId: md.entityId,
          validUntil: md.validUntil ?? p.validUntil,
        });
      }
      return { SAMLProviderArn: p.arn };
    },

    async DeleteSAMLProvider(input: { SAMLProviderArn: string }, ctx) {
      const p = await byArn(s, ctx, input.SAMLProviderArn);
      await s.repo.deleteEntity(ctx.accountId, 'saml-provider', p);
      s.changed();
      return {};
    },

    TagSAMLProvider: tags.tag,
    UntagSAMLProvider: tags.untag,
    ListSAMLProviderTags: tags.list,
  };
}
