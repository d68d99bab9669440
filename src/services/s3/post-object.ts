/**
 * POST Object (browser form uploads). The pipeline has verified the form's policy and signer
 * (ctx.post); this streams the file into a blob and commits the object only when the whole
 * form was read and every check passed, so a refused upload leaves nothing behind. Answers
 * per success_action_redirect (303) or success_action_status (204 default, 200, 201 + XML).
 */
import { AwsError } from '../../errors.ts';
import type { PostObjectOutput, PostObjectRequest } from '../../generated/s3/types.ts';
import { parseXmlDocument } from '../../protocol/xml/reader.ts';
import type { HandlerContext } from '../handler.ts';
import { md5Etag, type S3Env, recordedTime } from './env.ts';
import { storeBody } from './body.ts';
import { attrsFrom, DEFAULT_CHECKSUM, DEFAULT_CONTENT_TYPE } from './object-headers.ts';
import { sseAttrs, sseMembers } from './sse.ts';
import { customerKeyWrite } from './sse-c.ts';
import {
  checkEncryption,
  checkKey,
  checkMetadata,
  checkRedirectLocation,
  checkTags,
  storageClassOf,
} from './validation.ts';
import { checkObjectAcl, objectOwner } from './acl.ts';
import type { ObjectRecord, Tag } from './store/repository.ts';

/** The `tagging` field is a <Tagging><TagSet><Tag>... document. */
function parseTagging(xml: string | undefined): Tag[] | undefined {
  if (xml === undefined) return undefined;
  const tags: Tag[] = [];
  const re = /<Tag>\s*<Key>([\s\S]*?)<\/Key>\s*<Value>([\s\S]*?)<\/Value>\s*<\/Tag>/g;
  try {
    parseXmlDocument(xml);
  } catch {
    throw new AwsError(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
      400,
    );
  }
  for (const m of xml.matchAll(re)) tags.push({ Key: unescape(m[1]!), Value: unescape(m[2]!) });
  return checkTags(tags, 'object');
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

function objectUrl(ctx: HandlerContext, bucket: string, key: string): string {
  const host = ctx.request.host || 's3.amazonaws.com';
  return `http://${host}/${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
}

export function postObjectHandlers(env: S3Env) {
  return {
    async PostObject(input: PostObjectRequest, ctx: HandlerContext): Promise<PostObjectOutput> {
      const post = ctx.post;
      if (!post)
        throw new AwsError(
          'MalformedPOSTRequest',
          'The body of your POST request is not well-formed multipart/form-data.',
          400,
        );
      let blobId: string | undefined;
      try {
        const f = post.fields;
        const bucket = await env.bucket(input.Bucket);
        checkObjectAcl(bucket, f.get('acl'), {});
        const key = post.key;
        if (key === '')
          throw new AwsError('InvalidArgument', 'User key must have a length greater than 0.', 400, {
            ArgumentName: 'key',
          });
        checkKey(key);
        const metadata: Record<string, string> = {};
        for (const [name, value] of f)
          if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
        checkMetadata(metadata);
        checkRedirectLocation(f.get('x-amz-website-redirect-location'));
        checkEncryption(
          f.get('x-amz-server-side-encryption'),
          f.get('x-amz-server-side-encryption-aws-kms-key-id'),
        );
        const customer = {
          ServerSideEncryption: f.get('x-amz-server-side-encryption'),
          SSECustomerAlgorithm: f.get('x-amz-server-side-encryption-customer-algorithm'),
          SSECustomerKey: f.get('x-amz-server-side-encryption-customer-key'),
          SSECustomerKeyMD5: f.get('x-amz-server-side-encryption-customer-key-md5'),
        };
        const who = { principalArn: ctx.principal.arn, action: 's3:PutObject', key };
        const ssecKeyMd5 = await customerKeyWrite(env, bucket, customer, who);
        const storageClass = storageClassOf(f.get('x-amz-storage-class'));
        const tags = parseTagging(f.get('tagging'));
        const body = await storeBody(env.blobs, ctx, { body: post.file, defaultAlgorithm: DEFAULT_CHECKSUM });
        blobId = body.blobId;
        await post.done;
        const record: ObjectRecord = {
          bucket: input.Bucket,
          key,
          blobId: body.blobId,
          size: body.size,
          etag: md5Etag(body.md5),
          lastModified: recordedTime(ctx.now),
          storageClass,
          owner: objectOwner(bucket, f.get('acl'), ctx.accountId),
          contentType: f.get('content-type') ?? DEFAULT_CONTENT_TYPE,
          attrs: {
            ...attrsFrom({
              Metadata: metadata,
              CacheControl: f.get('cache-control'),
              ContentDisposition: f.get('content-disposition'),
              ContentEncoding: f.get('content-encoding'),
              Expires: f.get('expires'),
              WebsiteRedirectLocation: f.get('x-amz-website-redirect-location'),
            }),
            ...sseAttrs(
              {
                ServerSideEncryption: f.get('x-amz-server-side-encryption'),
                SSEKMSKeyId: f.get('x-amz-server-side-encryption-aws-kms-key-id'),
                SSECustomerKeyMD5: ssecKeyMd5,
              },
              { accountId: ctx.accountId, region: bucket.region },
              await env.defaultEncryption(bucket),
            ),
            ...(f.get('acl') ? { acl: f.get('acl')! } : {}),
            ...(body.defaulted ? { checksum: { ...body.defaulted, type: 'FULL_OBJECT' as const } } : {}),
          },
          ...(tags?.length ? { tags } : {}),
        };
        blobId = undefined;
        await env.commit(record);
        const location = objectUrl(ctx, input.Bucket, key);
        // Headers every answer carries (POST Object reference: version id and encryption).
        const headers = {
          ETag: record.etag,
          ...sseMembers(record.attrs, { accountId: ctx.accountId, region: bucket.region }),
          ...(record.versionId !== undefined ? { VersionId: record.versionId } : {}),
        };
        const redirect = f.get('success_action_redirect') ?? f.get('redirect');
        if (redirect) {
          const sep = redirect.includes('?') ? '&' : '?';
          const q = new URLSearchParams({ bucket: input.Bucket, key, etag: record.etag }).toString();
          return { ...headers, StatusCode: 303, Location: `${redirect}${sep}${q}` };
        }
        const status = f.get('success_action_status');
        if (status === '201') {
          return {
            ...headers,
            StatusCode: 201,
            Location: location,
            PostResponse: { Location: location, Bucket: input.Bucket, Key: key, ETag: record.etag },
          };
        }
        return { ...headers, StatusCode: status === '200' ? 200 : 204, Location: location };
      } catch (e) {
        if (blobId) env.free([blobId]);
        // Read (and drop) the rest of the form so the error can be answered.
        post.file.resume();
        post.done.catch(() => {});
        throw e;
      }
    },
  };
}
