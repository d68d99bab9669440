/** GetObjectAttributes: ETag (unquoted), checksum, parts, storage class and size in one call. */
import { InvalidArgument } from '../../generated/s3/errors.ts';
import type { GetObjectAttributesOutput, GetObjectAttributesRequest } from '../../generated/s3/types.ts';
import type { HandlerContext } from '../handler.ts';
import type { S3Env } from './env.ts';
import { checksumMembers } from './object-headers.ts';
import { partChecksumMember } from './multipart.ts';
import { checkCustomerKeyRead } from './sse-c.ts';

const KNOWN = new Set(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);

export function attributesHandlers(env: S3Env) {
  return {
    async GetObjectAttributes(
      input: GetObjectAttributesRequest,
      _ctx: HandlerContext,
    ): Promise<GetObjectAttributesOutput> {
      const wanted = new Set(
        (input.ObjectAttributes ?? [])
          .flatMap((a) => String(a).split(','))
          .map((a) => a.trim())
          .filter(Boolean),
      );
      for (const a of wanted) {
        if (!KNOWN.has(a))
          throw new InvalidArgument('Invalid attribute name specified.', {
            ArgumentName: 'x-amz-object-attributes',
            ArgumentValue: a,
          });
      }
      if (wanted.size === 0) {
        throw new InvalidArgument('Minimum of one object attribute must be specified.', {
          ArgumentName: 'x-amz-object-attributes',
        });
      }
      const o = await env.object(input.Bucket, input.Key, input.VersionId);
      checkCustomerKeyRead(o.attrs.ssecKeyMd5, input);
      const out: GetObjectAttributesOutput = {
        LastModified: new Date(o.lastModified),
        // x-amz-version-id, as GET and HEAD answer it.
        ...(o.versionId !== undefined ? { VersionId: o.versionId } : {}),
      };
      if (wanted.has('ETag')) out.ETag = o.etag.replace(/^"(.*)"$/, '$1');
      // A composite checksum is named without its "-<parts>" suffix here (ObjectParts counts them).
      const checksum = o.attrs.checksum;
      if (wanted.has('Checksum') && checksum)
        out.Checksum = checksumMembers(
          checksum.type === 'COMPOSITE'
            ? { ...checksum, value: checksum.value.replace(/-\d+$/, '') }
            : checksum,
        ) as never;
      if (wanted.has('StorageClass')) out.StorageClass = o.storageClass as never;
      if (wanted.has('ObjectSize')) out.ObjectSize = o.size;
      if (wanted.has('ObjectParts') && o.attrs.parts) {
        const all = o.attrs.parts;
        const marker = Number(input.PartNumberMarker ?? 0) || 0;
        const max = Math.min(input.MaxParts ?? 1000, 1000);
        const page = all.slice(marker, marker + max);
        const algorithm = o.attrs.checksum?.algorithm;
        out.ObjectParts = {
          TotalPartsCount: all.length,
          PartNumberMarker: marker,
          ...(page.length ? { NextPartNumberMarker: marker + page.length } : {}),
          MaxParts: max,
          IsTruncated: marker + page.length < all.length,
          Parts: page.map((p, i) => ({
            PartNumber: marker + i + 1,
            Size: p.size,
            ...partChecksumMember(algorithm, p.checksum),
          })),
        };
      }
      return out;
    },
  };
}
