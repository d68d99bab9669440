/** S3: the bucket list and an object browser by prefix (ListObjectsV2 with a delimiter). */
import { list, type ConsoleClient, type Xml } from '../aws/client.ts';
import { markup, href, seg } from '../html.ts';
import {
  attempt,
  bytes,
  detailPage,
  facts,
  page,
  problem,
  section,
  show,
  table,
  tagTable,
  when,
} from '../layout.ts';
import type { PageContext } from '../context.ts';

/** The bucket's region: ListBuckets' BucketRegion when given, else GetBucketLocation. */
export async function bucketRegion(client: ConsoleClient, bucket: string): Promise<string> {
  try {
    const r = await client.s3('GetBucketLocation', {
      bucket,
      query: [['location', '']],
      region: 'us-east-1',
    });
    const loc = r.xml.LocationConstraint;
    return typeof loc === 'string' && loc ? (loc === 'EU' ? 'eu-west-1' : loc) : 'us-east-1';
  } catch {
    return client.region;
  }
}

export async function bucketsPage(ctx: PageContext) {
  const r = await attempt(ctx.client.s3('ListBuckets', {}));
  const body = show(r, 'list buckets', (v) => {
    const buckets = list(v.xml.ListAllMyBucketsResult?.Buckets?.Bucket);
    return table(
      'Buckets',
      ['Name', 'Region', 'Created'],
      buckets.map((b) => [
        markup`<a href="${href(`/s3/buckets/${seg(String(b.Name))}`)}">${b.Name}</a>`,
        b.BucketRegion ?? '',
        when(b.CreationDate),
      ]),
      'No buckets.',
    );
  });
  return page(
    { title: 'S3 buckets', active: 's3', session: ctx.session, crumbs: [['S3', href('/s3')]] },
    section('buckets', 'Buckets', body),
  );
}

/** Breadcrumb links for each level of a prefix ("a/b/" → root, a/, a/b/). */
function prefixCrumbs(bucket: string, prefix: string) {
  const parts = prefix.split('/').filter((p, i, a) => p !== '' || i < a.length - 1);
  const links = [markup`<li><a href="${href(`/s3/buckets/${seg(bucket)}`)}">${bucket}</a></li>`];
  let acc = '';
  for (const p of parts) {
    acc += p + '/';
    links.push(
      markup`<li><a href="${href(`/s3/buckets/${seg(bucket)}`, { prefix: acc })}"${acc === prefix ? markup` aria-current="location"` : ''}>${p}/</a></li>`,
    );
  }
  return markup`<nav aria-label="Prefix" class="path"><ol>${links}</ol></nav>`;
}

export async function bucketPage(ctx: PageContext) {
  const bucket = ctx.params[0]!;
  const prefix = ctx.url.searchParams.get('prefix') ?? '';
  const token = ctx.url.searchParams.get('token') ?? '';
  const region = await bucketRegion(ctx.client, bucket);
  const query: Array<[string, string]> = [
    ['list-type', '2'],
    ['delimiter', '/'],
    ['max-keys', '200'],
  ];
  if (prefix) query.push(['prefix', prefix]);
  if (token) query.push(['continuation-token', token]);
  const [listing, tags, versioning] = await Promise.all([
    attempt(ctx.client.s3('ListObjectsV2', { bucket, query, region })),
    attempt(ctx.client.s3('GetBucketTagging', { bucket, query: [['tagging', '']], region })),
    attempt(ctx.client.s3('GetBucketVersioning', { bucket, query: [['versioning', '']], region })),
  ]);
  const objects = show(listing, 'list the objects of this bucket', (v) => {
    const res = v.xml.ListBucketResult ?? {};
    const folders = list(res.CommonPrefixes).map((p) => String(p.Prefix));
    const files = list(res.Contents);
    const rows = [
      ...folders.map((p) => [
        markup`<a class="folder" href="${href(`/s3/buckets/${seg(bucket)}`, { prefix: p })}">${p.slice(prefix.length)}</a>`,
        'Folder',
        '',
        '',
        '',
      ]),
      ...files.map((o) => [
        markup`<a href="${href(`/s3/buckets/${seg(bucket)}/object`, { key: String(o.Key) })}">${String(o.Key).slice(prefix.length) || String(o.Key)}</a>`,
        o.StorageClass ?? 'STANDARD',
        bytes(o.Size),
        when(o.LastModified),
        markup`<code>${String(o.ETag ?? '').replace(/"/g, '')}</code>`,
      ]),
    ];
    const next =
      res.IsTruncated === 'true' && res.NextContinuationToken ? String(res.NextContinuationToken) : '';
    return markup`${table('Objects and folders', ['Name', 'Type / class', 'Size', 'Last modified', 'ETag'], rows, prefix ? 'No objects under this prefix.' : 'This bucket is empty.')}
      <nav class="pager" aria-label="Pages">${token ? markup`<a href="${href(`/s3/buckets/${seg(bucket)}`, { prefix })}">First page</a>` : ''}
      ${next ? markup`<a href="${href(`/s3/buckets/${seg(bucket)}`, { prefix, token: next })}" rel="next">Next page</a>` : ''}</nav>`;
  });
  const filter = markup`<form class="filter" method="get" action="${href(`/s3/buckets/${seg(bucket)}`)}" role="search">
    <label for="prefix">Prefix</label><input id="prefix" name="prefix" value="${prefix}" autocomplete="off" spellcheck="false">
    <button type="submit">Go</button></form>`;
  const tagList = tags.ok
    ? tagTable('Bucket tags', tags.value.xml.Tagging?.TagSet)
    : tags.error.code === 'NoSuchTagSet'
      ? markup`<p class="empty">No tags.</p>`
      : problem(tags.error, 'read the bucket tags');
  return detailPage({
    title: bucket,
    active: 's3',
    session: ctx.session,
    crumbs: [
      ['S3', href('/s3')],
      [bucket, href(`/s3/buckets/${seg(bucket)}`)],
    ],
    fields: [
      ['Region', region],
      ['ARN', markup`<code>arn:aws:s3:::${bucket}</code>`],
      [
        'Versioning',
        versioning.ok
          ? String(versioning.value.xml.VersioningConfiguration?.Status || 'Never enabled')
          : markup`<span class="muted">${versioning.error.notImplemented ? 'Not available' : versioning.error.code}</span>`,
      ],
    ],
    sections: [
      ['objects', 'Objects', markup`${prefixCrumbs(bucket, prefix)}${filter}${objects}`],
      ['tags', 'Tags', tagList],
    ],
  });
}

const SHOWN_HEADERS: Array<[string, string]> = [
  ['content-type', 'Content type'],
  ['content-length', 'Size'],
  ['etag', 'ETag'],
  ['last-modified', 'Last modified'],
  ['x-amz-storage-class', 'Storage class'],
  ['x-amz-version-id', 'Version ID'],
  ['cache-control', 'Cache control'],
  ['content-disposition', 'Content disposition'],
  ['content-encoding', 'Content encoding'],
  ['content-language', 'Content language'],
  ['expires', 'Expires'],
  ['x-amz-server-side-encryption', 'Server-side encryption'],
  ['x-amz-checksum-crc32', 'Checksum CRC32'],
  ['x-amz-checksum-crc32c', 'Checksum CRC32C'],
  ['x-amz-checksum-crc64nvme', 'Checksum CRC64NVME'],
  ['x-amz-checksum-sha1', 'Checksum SHA-1'],
  ['x-amz-checksum-sha256', 'Checksum SHA-256'],
  ['x-amz-website-redirect-location', 'Website redirect'],
  ['x-amz-object-lock-mode', 'Object lock mode'],
];

export async function objectPage(ctx: PageContext) {
  const bucket = ctx.params[0]!;
  const key = ctx.url.searchParams.get('key') ?? '';
  if (!key) return bucketPage(ctx);
  const versionId = ctx.url.searchParams.get('versionId') ?? undefined;
  const region = await bucketRegion(ctx.client, bucket);
  const vq: Array<[string, string]> = versionId ? [['versionId', versionId]] : [];
  const [head, tags, versions] = await Promise.all([
    attempt(ctx.client.s3('HeadObject', { bucket, key, region, head: true, query: vq })),
    attempt(ctx.client.s3('GetObjectTagging', { bucket, key, region, query: [['tagging', ''], ...vq] })),
    attempt(
      ctx.client.s3('ListObjectVersions', {
        bucket,
        region,
        query: [
          ['versions', ''],
          ['prefix', key],
          ['max-keys', '100'],
        ],
      }),
    ),
  ]);
  const meta = show(head, 'read this object', (v) => {
    const h = v.headers;
    const val = (n: string) => {
      const x = h[n];
      return Array.isArray(x) ? x.join(', ') : (x ?? '');
    };
    const pairs: Array<[string, string]> = SHOWN_HEADERS.map(([n, label]) => [
      label,
      n === 'content-length' ? `${bytes(val(n))} (${val(n)} bytes)` : val(n),
    ]);
    const userMeta = Object.keys(h)
      .filter((n) => n.startsWith('x-amz-meta-'))
      .sort()
      .map((n) => [n.slice('x-amz-meta-'.length), val(n)]);
    const url = ctx.client.presignGetObject(bucket, key, region, versionId);
    return markup`${facts(pairs)}
      <p><a class="button" href="${url}" download="${key.split('/').pop() || 'object'}" rel="noreferrer">Download</a>
      <span class="hint">A presigned URL signed with your key, valid for 5 minutes.</span></p>
      <h3>User metadata</h3>${table('User metadata', ['Name', 'Value'], userMeta, 'No user metadata.')}`;
  });
  const tagList = show(tags, 'read the object tags', (v) => tagTable('Object tags', v.xml.Tagging?.TagSet));
  const versionList = show(versions, 'list object versions', (v) => {
    const res = v.xml.ListVersionsResult ?? {};
    const rows = [
      ...list(res.Version).map((x): Xml => ({ ...x, marker: false })),
      ...list(res.DeleteMarker).map((x): Xml => ({ ...x, marker: true })),
    ]
      .filter((x) => x.Key === key)
      .sort((a, b) => String(b.LastModified).localeCompare(String(a.LastModified)))
      .map((x) => [
        x.marker
          ? markup`<code>${x.VersionId}</code>`
          : markup`<a href="${href(`/s3/buckets/${seg(bucket)}/object`, { key, versionId: String(x.VersionId) })}"><code>${x.VersionId}</code></a>`,
        x.marker ? 'Delete marker' : bytes(x.Size),
        when(x.LastModified),
        x.IsLatest === 'true' ? 'Latest' : '',
      ]);
    return table('Versions', ['Version ID', 'Size', 'Last modified', ''], rows, 'No versions.');
  });
  const prefix = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
  return detailPage({
    title: key.split('/').pop() || key,
    active: 's3',
    session: ctx.session,
    crumbs: [
      ['S3', href('/s3')],
      [bucket, href(`/s3/buckets/${seg(bucket)}`)],
      ...(prefix ? [[prefix, href(`/s3/buckets/${seg(bucket)}`, { prefix })] as [string, string]] : []),
      [key.slice(prefix.length), href(`/s3/buckets/${seg(bucket)}/object`, { key })],
    ],
    fields: [
      ['Bucket', bucket],
      ['Key', markup`<code>${key}</code>`],
      ['Version', versionId ?? ''],
      ['ARN', markup`<code>arn:aws:s3:::${bucket}/${key}</code>`],
    ],
    sections: [
      ['metadata', 'Properties', meta],
      ['tags', 'Tags', tagList],
      ['versions', 'Versions', versionList],
    ],
  });
}
