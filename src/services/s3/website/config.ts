/** Put/Get/DeleteBucketWebsite, validated as S3 does. */
import { AwsError } from '../../../errors.ts';
import { InvalidArgument, NoSuchWebsiteConfiguration } from '../../../generated/s3/errors.ts';
import type {
  DeleteBucketWebsiteRequest,
  GetBucketWebsiteOutput,
  GetBucketWebsiteRequest,
  PutBucketWebsiteRequest,
  WebsiteConfiguration,
} from '../../../generated/s3/types.ts';
import type { FeatureEnv } from '../access/env.ts';

const malformed = () =>
  new AwsError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );

export function checkWebsite(c: WebsiteConfiguration): WebsiteConfiguration {
  if (c.RedirectAllRequestsTo) {
    if (c.IndexDocument || c.ErrorDocument || c.RoutingRules?.length) {
      throw new InvalidArgument(
        'RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.',
        { ArgumentName: 'RedirectAllRequestsTo' },
      );
    }
    if (!c.RedirectAllRequestsTo.HostName) throw malformed();
    const p = c.RedirectAllRequestsTo.Protocol;
    if (p !== undefined && p !== 'http' && p !== 'https') {
      throw new InvalidArgument(
        'Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.',
        {
          ArgumentName: 'Protocol',
          ArgumentValue: p,
        },
      );
    }
    return c;
  }
  const suffix = c.IndexDocument?.Suffix;
  if (suffix === undefined) {
    throw new InvalidArgument(
      'A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty',
      { ArgumentName: 'IndexDocument' },
    );
  }
  if (suffix === '' || suffix.includes('/')) {
    throw new InvalidArgument('The IndexDocument Suffix is not well formed', {
      ArgumentName: 'IndexDocument',
      ArgumentValue: suffix,
    });
  }
  if (c.ErrorDocument && !c.ErrorDocument.Key) {
    throw new InvalidArgument('The ErrorDocument Key is not well formed', {
      ArgumentName: 'ErrorDocument',
      ArgumentValue: '',
    });
  }
  const rules = c.RoutingRules ?? [];
  if (rules.length > 50)
    throw new InvalidArgument('The number of routing rules must not exceed 50', {
      ArgumentName: 'RoutingRules',
    });
  for (const r of rules) {
    const d = r.Redirect;
    if (!d) throw malformed();
    if (
      d.HostName === undefined &&
      d.HttpRedirectCode === undefined &&
      d.Protocol === undefined &&
      d.ReplaceKeyPrefixWith === undefined &&
      d.ReplaceKeyWith === undefined
    ) {
      throw new InvalidArgument(
        'Invalid Redirect: at least one of HostName, HttpRedirectCode, Protocol, ReplaceKeyPrefixWith or ReplaceKeyWith must be provided',
        {
          ArgumentName: 'Redirect',
        },
      );
    }
    if (d.ReplaceKeyPrefixWith !== undefined && d.ReplaceKeyWith !== undefined) {
      throw new InvalidArgument('You can only define ReplaceKeyPrefix or ReplaceKey but not both.', {
        ArgumentName: 'ReplaceKeyPrefixWith',
      });
    }
    if (d.Protocol !== undefined && d.Protocol !== 'http' && d.Protocol !== 'https') {
      throw new InvalidArgument(
        'Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.',
        {
          ArgumentName: 'Protocol',
          ArgumentValue: d.Protocol,
        },
      );
    }
    if (
      d.HttpRedirectCode !== undefined &&
      (!/^3\d\d$/.test(d.HttpRedirectCode) || d.HttpRedirectCode === '300')
    ) {
      throw new InvalidArgument(
        'The provided HTTP redirect code (' +
          d.HttpRedirectCode +
          ') is not valid. Valid codes are 3XX except 300.',
        {
          ArgumentName: 'HttpRedirectCode',
          ArgumentValue: d.HttpRedirectCode,
        },
      );
    }
    const code = r.Condition?.HttpErrorCodeReturnedEquals;
    if (code !== undefined && !/^[45]\d\d$/.test(code)) {
      throw new InvalidArgument(
        'The provided HTTP error code (' + code + ') is not valid. Valid codes are 4XX or 5XX.',
        {
          ArgumentName: 'HttpErrorCodeReturnedEquals',
          ArgumentValue: code,
        },
      );
    }
    if (r.Condition && r.Condition.KeyPrefixEquals === undefined && code === undefined) {
      throw new InvalidArgument(
        "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.",
        {
          ArgumentName: 'Condition',
        },
      );
    }
  }
  return c;
}

export function websiteHandlers(env: FeatureEnv) {
  return {
    async PutBucketWebsite(input: PutBucketWebsiteRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      if (!input.WebsiteConfiguration) throw malformed();
      await env.config.put(b, 'website', checkWebsite(input.WebsiteConfiguration));
    },

    async GetBucketWebsite(input: GetBucketWebsiteRequest): Promise<GetBucketWebsiteOutput> {
      const b = await env.s3.bucket(input.Bucket);
      const c = await env.config.get<WebsiteConfiguration>(b, 'website');
      if (!c)
        throw new NoSuchWebsiteConfiguration('The specified bucket does not have a website configuration', {
          BucketName: input.Bucket,
        });
      return c as GetBucketWebsiteOutput;
    },

    async DeleteBucketWebsite(input: DeleteBucketWebsiteRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      await env.config.put(b, 'website', undefined);
    },
  };
}
