/**
 * OpenID Connect providers: issuer URL, client ids (audiences), thumbprints, tags.
 *
 * Stratus cannot fetch an issuer's JWKS from the internet, so the keys AssumeRoleWithWebIdentity
 * verifies tokens with are registered out of band, through the IAM API itself: the provider's
 * tags `stratus:jwks:0`, `stratus:jwks:1`, ... hold the JWKS JSON, base64url-encoded (tag values
 * allow no JSON punctuation), in chunks of up to 256 characters concatenated in order
 * (`jwksTags(json)` makes them). Tag operations need the
 * usual IAM permissions, so this is no back door.
 */
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { create, date, iso, save, tagsOut, tagHandlers } from './common.ts';
import { checkTags } from './tags.ts';
import { exists, invalidInput, limitExceeded, noSuch, validationError } from './errors.ts';
import type { OidcProviderRecord, Tag } from './repository.ts';
import type { IamState } from './state.ts';

export const JWKS_TAG_PREFIX = 'stratus:jwks:';

/** Splits a JWKS (JSON text) into provider tags. */
export function jwksTags(jwks: string): Tag[] {
  const b64 = Buffer.from(jwks, 'utf8').toString('base64url');
  const out: Tag[] = [];
  for (let i = 0; i * 256 < b64.length; i++)
    out.push({ Key: `${JWKS_TAG_PREFIX}${i}`, Value: b64.slice(i * 256, (i + 1) * 256) });
  return out;
}

/** The JWKS registered on a provider's tags, or undefined. */
export function jwksOf(p: OidcProviderRecord): string | undefined {
  const parts = p.tags
    .filter((t) => t.Key.startsWith(JWKS_TAG_PREFIX))
    .map((t) => ({ n: Number(t.Key.slice(JWKS_TAG_PREFIX.length)), v: t.Value }))
    .sort((a, b) => a.n - b.n);
  return parts.length ? Buffer.from(parts.map((x) => x.v).join(''), 'base64url').toString('utf8') : p.jwks;
}

/** 'https://host/path' → 'host/path' (how the ARN and GetOpenIDConnectProvider show it). */
export const providerKey = (url: string): string => url.replace(/^https:\/\//i, '').replace(/\/$/, '');

/**
 * The provider an ARN names, else NoSuchEntity in AWS's words (LocalStack's AWS-recorded
 * test_iam_oidc): "OpenIDConnect Provider not found for arn X"; DeleteOpenIDConnectProvider
 * says "OpenId connect Provider X cannot be found." instead.
 */
async function byArn(
  s: IamState,
  ctx: HandlerContext,
  arn: string,
  missing = (a: string) => noSuch(`OpenIDConnect Provider not found for arn ${a}`),
): Promise<OidcProviderRecord> {
  const m = /^arn:aws:iam::(\d{12}):oidc-provider\/(.+)$/.exec(arn);
  const p =
    m && m[1] === ctx.accountId ? await s.repo.getEntity(ctx.accountId, 'oidc-provider', m[2]!) : undefined;
  if (!p || p.arn !== arn) throw missing(arn);
  return p;
}

const CLIENT_IDS_QUOTA = 100;
const THUMBPRINTS_QUOTA = 5;

export function oidcProviderHandlers(s: IamState): ServiceHandlers {
  const tags = tagHandlers(
    s,
    'oidc-provider',
    (i: { OpenIDConnectProviderArn: string }, ctx: HandlerContext) =>
      byArn(s, ctx, i.OpenIDConnectProviderArn),
  );
  return {
    async CreateOpenIDConnectProvider(
      input: { Url: string; ClientIDList?: string[]; ThumbprintList?: string[]; Tags?: Tag[] },
      ctx,
    ) {
      // AWS's answers recorded by LocalStack's test_iam_oidc: a URL with no scheme at all
      // ("example.org"), more than 5 thumbprints, more than 100 client ids, a duplicate.
      if (!input.Url.includes('://')) throw validationError('Invalid Open ID Connect Provider URL');
      if (!/^https:\/\/[^\s/]+/i.test(input.Url))
        throw invalidInput('Invalid URL. The URL must start with https://');
      const key = providerKey(input.Url);
      const arn = `arn:aws:iam::${ctx.accountId}:oidc-provider/${key}`;
      const thumbprints = input.ThumbprintList ?? [];
      if (thumbprints.length > THUMBPRINTS_QUOTA)
        throw invalidInput('Thumbprint list must contain fewer than 5 entries.');
      const clientIds = [...new Set(input.ClientIDList ?? [])];
      if (clientIds.length > CLIENT_IDS_QUOTA)
        throw limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_QUOTA}`);
      if (await s.repo.getEntity(ctx.accountId, 'oidc-provider', key))
        throw exists(`Provider with url ${input.Url} already exists.`);
      const p: OidcProviderRecord = {
        name: key,
        id: arn,
        path: '/',
        arn,
        createdAt: iso(ctx.now),
        tags: checkTags(input.Tags, 'oidc-provider'),
        url: input.Url,
        clientIds,
        thumbprints,
      };
      await create(s, ctx, 'oidc-provider', p);
      return { OpenIDConnectProviderArn: arn, Tags: tagsOut(p.tags) };
    },

    async GetOpenIDConnectProvider(input: { OpenIDConnectProviderArn: string }, ctx) {
      const p = await byArn(s, ctx, input.OpenIDConnectProviderArn);
      return {
        Url: p.name,
        ClientIDList: p.clientIds,
        ThumbprintList: p.thumbprints,
        CreateDate: date(p.createdAt),
        Tags: p.tags, // [] when untagged, as AWS answers
      };
    },

    async ListOpenIDConnectProviders(_input: unknown, ctx) {
      const all = await s.repo.listEntities(ctx.accountId, 'oidc-provider');
      return { OpenIDConnectProviderList: all.map((p) => ({ Arn: p.arn })) };
    },

    async AddClientIDToOpenIDConnectProvider(
      input: { OpenIDConnectProviderArn: string; ClientID: string },
      ctx,
    ) {
      const p = await byArn(s, ctx, input.OpenIDConnectProviderArn);
      if (p.clientIds.includes(input.ClientID)) return {};
      if (p.clientIds.length >= CLIENT_IDS_QUOTA)
        throw limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_QUOTA}`);
      await save(s, ctx, 'oidc-provider', { ...p, clientIds: [...p.clientIds, input.ClientID] });
      return {};
    },

    async RemoveClientIDFromOpenIDConnectProvider(
      input: { OpenIDConnectProviderArn: string; ClientID: string },
      ctx,
    ) {
      const p = await byArn(s, ctx, input.OpenIDConnectProviderArn);
      await save(s, ctx, 'oidc-provider', {
        ...p,
        clientIds: p.clientIds.filter((c) => c !== input.ClientID),
      });
      return {};
    },

    async UpdateOpenIDConnectProviderThumbprint(
      input: { OpenIDConnectProviderArn: string; ThumbprintList: string[] },
      ctx,
    ) {
      const p = await byArn(s, ctx, input.OpenIDConnectProviderArn);
      if (input.ThumbprintList.length > THUMBPRINTS_QUOTA)
        throw limitExceeded(
          `Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: ${THUMBPRINTS_QUOTA}`,
        );
      await save(s, ctx, 'oidc-provider', { ...p, thumbprints: input.ThumbprintList });
      return {};
    },

    async DeleteOpenIDConnectProvider(input: { OpenIDConnectProviderArn: string }, ctx) {
      const p = await byArn(s, ctx, input.OpenIDConnectProviderArn, (a) =>
        noSuch(`OpenId connect Provider ${a} cannot be found.`),
      );
      await s.repo.deleteEntity(ctx.accountId, 'oidc-provider', p);
      s.changed();
      return {};
    },

    TagOpenIDConnectProvider: tags.tag,
    UntagOpenIDConnectProvider: tags.untag,
    ListOpenIDConnectProviderTags: tags.list,
  };
}
