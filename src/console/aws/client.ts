/**
 * The console's AWS client: signed HTTP calls to this same Stratus endpoint (over the socket
 * address the browser's request arrived on) with the signed-in principal's key pair, so the
 * API's own authentication, authorization and audit trail apply to everything shown.
 */
import { request } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { VERSION } from '../../version.ts';
import { assertReadOnly } from './read-only.ts';
import { encodePath, presignUrl, queryString, rfc3986, signHeaders, type KeyPair } from './sign.ts';

export interface Endpoint {
  /** Where the console's own calls go (loopback socket address of this server). */
  host: string;
  port: number;
  /** The origin the browser uses (for presigned URLs). */
  publicOrigin: string;
}

/** An AWS error answer (or a transport failure, code `NetworkError`). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  get denied(): boolean {
    return /AccessDenied|UnauthorizedOperation|^Forbidden$/.test(this.code);
  }
  get notImplemented(): boolean {
    return this.code === 'NotImplemented' || this.status === 501;
  }
}

const API_VERSIONS: Record<string, string> = { iam: '2010-05-08', sts: '2011-06-15', ec2: '2016-11-15' };
const LIST_ELEMENTS = new Set([
  'member',
  'item',
  'Contents',
  'CommonPrefixes',
  'Bucket',
  'Tag',
  'Version',
  'DeleteMarker',
  'entry',
]);
const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => LIST_ELEMENTS.has(name),
});

export type Xml = Record<string, any>;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const MAX_BODY = 8 * 1024 * 1024;

function errorFrom(raw: Raw, service: string): ApiError {
  const text = raw.body.toString('utf8');
  if (service === 'cloudtrail' && text.startsWith('{')) {
    try {
      const j = JSON.parse(text) as Record<string, string>;
      const type = (j.__type ?? 'UnknownError').split('#').pop()!;
      return new ApiError(type, j.message ?? j.Message ?? '', raw.status);
    } catch {
      // fall through to the generic error
    }
  }
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  if (code) return new ApiError(decodeEntities(code), decodeEntities(message ?? ''), raw.status);
  // HEAD answers carry no body: name the error by its status as the SDKs do.
  const byStatus: Record<number, string> = {
    403: 'Forbidden',
    404: 'NotFound',
    501: 'NotImplemented',
    400: 'BadRequest',
  };
  return new ApiError(byStatus[raw.status] ?? `Http${raw.status}`, `HTTP ${raw.status}`, raw.status);
}

function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+);/g, (_m, e: string) =>
    e === 'lt'
      ? '<'
      : e === 'gt'
        ? '>'
        : e === 'amp'
          ? '&'
          : e === 'quot'
            ? '"'
            : e === 'apos'
              ? "'"
              : String.fromCodePoint(Number(e.slice(1))),
  );
}

/** Answers meaning the key pair itself is no longer good (deleted, deactivated, expired). */
const CREDENTIAL_ERRORS = new Set([
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'AuthFailure',
  'InvalidToken',
]);

export class ConsoleClient {
  /** Set when an answer says the credentials no longer work: the session should end. */
  credentialsRejected?: ApiError;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly keys: KeyPair,
    readonly region: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private fail(raw: Raw, service: string): ApiError {
    const err = errorFrom(raw, service);
    // IAM refuses sessions from GetSessionToken without MFA and GetFederationToken with this same
    // code, though those keys still work elsewhere: that page shows the error, the session stays.
    const sessionBarredFromIam =
      service === 'iam' && err.code === 'InvalidClientTokenId' && this.keys.sessionToken !== undefined;
    if (CREDENTIAL_ERRORS.has(err.code) && !sessionBarredFromIam) this.credentialsRejected = err;
    return err;
  }

  private send(
    method: string,
    service: string,
    region: string,
    path: string,
    query: Array<[string, string]>,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<Raw> {
    const encodedPath = encodePath(path);
    const qs = queryString(query);
    const host = `${this.endpoint.host.includes(':') ? `[${this.endpoint.host}]` : this.endpoint.host}:${this.endpoint.port}`;
    const signed = signHeaders(
      {
        method,
        service,
        region,
        host,
        encodedPath,
        query: qs,
        headers: { ...headers, 'user-agent': `stratus-console/${VERSION}` },
        body,
        now: this.now(),
      },
      this.keys,
    );
    if (body.length) signed['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.endpoint.host,
          port: this.endpoint.port,
          method,
          path: encodedPath + (qs ? `?${qs}` : ''),
          headers: signed,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY) {
              req.destroy(new ApiError('ResponseTooLarge', 'The answer is too large for the console.', 502));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (err) =>
        reject(err instanceof ApiError ? err : new ApiError('NetworkError', err.message, 502)),
      );
      req.end(body);
    });
  }

  /** Query-protocol services (IAM, STS, EC2): returns the parsed `<Action>Result` (or EC2's `<Action>Response`). */
  async query(
    service: 'iam' | 'sts' | 'ec2',
    action: string,
    params: Record<string, string> = {},
    region?: string,
  ): Promise<Xml> {
    assertReadOnly(service, action);
    const signingRegion = service === 'iam' ? 'us-east-1' : (region ?? this.region);
    const form = new URLSearchParams({
      Action: action,
      Version: API_VERSIONS[service]!,
      ...params,
    }).toString();
    const raw = await this.send(
      'POST',
      service,
      signingRegion,
      '/',
      [],
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      Buffer.from(form),
    );
    if (raw.status >= 300) throw this.fail(raw, service);
    const doc = xml.parse(raw.body.toString('utf8')) as Xml;
    const top = doc[`${action}Response`] as Xml | undefined;
    if (!top) return {};
    return service === 'ec2' ? top : ((top[`${action}Result`] as Xml | undefined) ?? {});
  }

  /** Follows IAM's Marker/IsTruncated or EC2's NextToken up to `limit` items. */
  async queryAll(
    service: 'iam' | 'ec2',
    action: string,
    params: Record<string, string>,
    pick: (r: Xml) => Xml[],
    limit = 1000,
    region?: string,
  ): Promise<{ items: Xml[]; truncated: boolean }> {
    const items: Xml[] = [];
    let marker: string | undefined;
    for (;;) {
      const p = { ...params };
      if (marker) p[service === 'iam' ? 'Marker' : 'NextToken'] = marker;
      const r = await this.query(service, action, p, region);
      items.push(...pick(r));
      marker =
        service === 'iam' ? (r.IsTruncated === 'true' ? r.Marker : undefined) : r.nextToken || undefined;
      if (!marker) return { items, truncated: false };
      if (items.length >= limit) return { items, truncated: true };
    }
  }

  /** S3 GET/HEAD (path style); GETs return parsed XML, HEADs the response headers. */
  async s3(
    operation: string,
    o: { bucket?: string; key?: string; query?: Array<[string, string]>; region?: string; head?: boolean },
  ): Promise<{ xml: Xml; headers: Raw['headers'] }> {
    assertReadOnly('s3', operation);
    const path = '/' + (o.bucket ? o.bucket + (o.key !== undefined ? '/' + o.key : '') : '');
    const raw = await this.send(
      o.head ? 'HEAD' : 'GET',
      's3',
      o.region ?? this.region,
      path,
      o.query ?? [],
      {},
      Buffer.alloc(0),
    );
    if (raw.status >= 300) throw this.fail(raw, 's3');
    return {
      xml: o.head || raw.body.length === 0 ? {} : (xml.parse(raw.body.toString('utf8')) as Xml),
      headers: raw.headers,
    };
  }

  /** JSON 1.1 (CloudTrail). */
  async json(
    service: 'cloudtrail',
    operation: string,
    input: Record<string, unknown>,
    region?: string,
  ): Promise<any> {
    assertReadOnly(service, operation);
    const raw = await this.send(
      'POST',
      service,
      region ?? this.region,
      '/',
      [],
      {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.${operation}`,
      },
      Buffer.from(JSON.stringify(input)),
    );
    if (raw.status >= 300) throw this.fail(raw, service);
    return raw.body.length ? JSON.parse(raw.body.toString('utf8')) : {};
  }

  /** A presigned GET for an object, signed by the signed-in principal, valid for a few minutes. */
  presignGetObject(
    bucket: string,
    key: string,
    region: string,
    versionId?: string,
    expiresSeconds = 300,
  ): string {
    const origin = this.endpoint.publicOrigin;
    return presignUrl(
      {
        origin,
        host: new URL(origin).host,
        encodedPath: encodePath(`/${bucket}/${key}`),
        region,
        service: 's3',
        expiresSeconds,
        now: this.now(),
        extra: [
          // Always a download, never rendered: the object is served on the console's own origin.
          [
            'response-content-disposition',
            `attachment; filename*=UTF-8''${rfc3986(key.split('/').pop() || 'object')}`,
          ],
          ...(versionId ? [['versionId', versionId] as [string, string]] : []),
        ],
      },
      this.keys,
    );
  }
}

/** Normalises an XML list (absent, one element, or many) to an array. */
export function list(v: unknown): Xml[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]) as Xml[];
}

/** `<Tags><member>` / `<tagSet><item>` / `<TagSet><Tag>` → [key, value] pairs. */
export function tagPairs(container: Xml | undefined): Array<[string, string]> {
  if (!container || typeof container !== 'object') return [];
  const items = list(container.member ?? container.item ?? container.Tag);
  return items.map((t) => [String(t.Key ?? t.key ?? ''), String(t.Value ?? t.value ?? '')]);
}
