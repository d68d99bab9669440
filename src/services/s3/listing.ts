/** ListObjects (v1) and ListObjectsV2: prefix, delimiter, markers and tokens, url encoding. */
import { InvalidArgument } from '../../generated/s3/errors.ts';
import type {
  ListObjectsOutput,
  ListObjectsRequest,
  ListObjectsV2Output,
  ListObjectsV2Request,
} from '../../generated/s3/types.ts';
import type { HandlerContext } from '../handler.ts';
import type { Owner, S3Env } from './env.ts';
import type { ListedObject } from './store/repository.ts';
import { decodeToken, encodeToken } from './tokens.ts';

const MAX_KEYS = 1000;

function maxKeysOf(v: number | undefined): number {
  if (v === undefined) return MAX_KEYS;
  if (v < 0 || v > 2147483647) {
    throw new InvalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', {
      ArgumentName: 'maxKeys',
      ArgumentValue: String(v),
    });
  }
  return Math.min(v, MAX_KEYS);
}

/** S3's encoding-type: only 'url' (keys percent-encoded, '/' kept); anything else is refused. */
export function encoderOf(type: string | undefined): (s: string) => string {
  if (type === undefined) return (s) => s;
  if (type !== 'url') {
    throw new InvalidArgument('Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: type,
    });
  }
  return (s) => encodeURIComponent(s).replace(/%2F/g, '/');
}

function entry(o: ListedObject, enc: (s: string) => string, owner: Owner | undefined) {
  return {
    Key: enc(o.key),
    LastModified: new Date(o.lastModified),
    ETag: o.etag,
    ...(o.checksumAlgorithm
      ? { ChecksumAlgorithm: [o.checksumAlgorithm], ChecksumType: o.checksumType }
      : {}),
    Size: o.size,
    StorageClass: o.storageClass,
    ...(owner ? { Owner: owner } : {}),
  };
}

export function listingHandlers(env: S3Env) {
  /** Owners are per account; a listing holds a handful at most. */
  async function ownersOf(objects: ListedObject[]): Promise<Map<string, Owner>> {
    const out = new Map<string, Owner>();
    for (const o of objects) if (!out.has(o.owner)) out.set(o.owner, await env.owner(o.owner));
    return out;
  }

  return {
    async ListObjects(input: ListObjectsRequest, _ctx: HandlerContext): Promise<ListObjectsOutput> {
      await env.bucket(input.Bucket);
      const maxKeys = maxKeysOf(input.MaxKeys);
      const enc = encoderOf(input.EncodingType);
      const prefix = input.Prefix ?? '';
      const delimiter = input.Delimiter || undefined;
      const page = await env.repo.listObjects(input.Bucket, {
        prefix,
        ...(delimiter ? { delimiter } : {}),
        ...(input.Marker ? { after: input.Marker } : {}),
        maxKeys,
      });
      const owners = await ownersOf(page.contents);
      return {
        IsTruncated: page.truncated,
        Marker: enc(input.Marker ?? ''),
        // S3 sends NextMarker only when a delimiter was given; clients otherwise use the last key.
        ...(page.truncated && delimiter && page.last !== undefined ? { NextMarker: enc(page.last) } : {}),
        Contents: page.contents.map((o) => entry(o, enc, owners.get(o.owner))),
        Name: input.Bucket,
        // Encoded like the keys (the ListObjects reference; AWS SDK for Java issue #611 shows
        // real S3 sending year%3D2015), though botocore leaves v1's Prefix undecoded.
        Prefix: enc(prefix),
        ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
        MaxKeys: maxKeys,
        CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
        ...(input.EncodingType ? { EncodingType: input.EncodingType } : {}),
      } as ListObjectsOutput;
    },

    async ListObjectsV2(input: ListObjectsV2Request, _ctx: HandlerContext): Promise<ListObjectsV2Output> {
      await env.bucket(input.Bucket);
      const maxKeys = maxKeysOf(input.MaxKeys);
      const enc = encoderOf(input.EncodingType);
      const prefix = input.Prefix ?? '';
      const delimiter = input.Delimiter || undefined;
      let after = input.StartAfter || undefined;
      if (input.ContinuationToken !== undefined) {
        if (input.ContinuationToken === '') {
          throw new InvalidArgument('The continuation token provided is incorrect', {
            ArgumentName: 'continuation-token',
          });
        }
        after = decodeToken(input.ContinuationToken, 'continuation-token');
      }
      const page = await env.repo.listObjects(input.Bucket, {
        prefix,
        ...(delimiter ? { delimiter } : {}),
        ...(after !== undefined ? { after } : {}),
        maxKeys,
      });
      const owners = input.FetchOwner ? await ownersOf(page.contents) : undefined;
      return {
        IsTruncated: page.truncated,
        Contents: page.contents.map((o) => entry(o, enc, owners?.get(o.owner))),
        Name: input.Bucket,
        Prefix: enc(prefix),
        ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
        MaxKeys: maxKeys,
        CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
        ...(input.EncodingType ? { EncodingType: input.EncodingType } : {}),
        KeyCount: page.contents.length + page.commonPrefixes.length,
        ...(input.ContinuationToken !== undefined ? { ContinuationToken: input.ContinuationToken } : {}),
        ...(page.truncated && page.last !== undefined
          ? { NextContinuationToken: encodeToken(page.last) }
          : {}),
        // A continuation token overrides start-after, which then goes unechoed (AWS, as recorded
        // by LocalStack's validated test_list_objects_v2_continuation_start_after).
        ...(input.StartAfter && input.ContinuationToken === undefined
          ? { StartAfter: enc(input.StartAfter) }
          : {}),
      } as ListObjectsV2Output;
    },
  };
}
