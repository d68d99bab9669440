/**
 * requestParameters and responseElements as CloudTrail shows them: member names with a
 * lower-case first letter ({"userName":"bob"}), S3's bucketName/key/Host and query-string names,
 * and never a secret: access-key secrets, session tokens, private keys and object bodies are
 * left out, passwords show as CloudTrail's HIDDEN_DUE_TO_SECURITY_REASONS.
 */
import type { ServiceModel, ShapeRef } from '../protocol/model.ts';

const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';
const REMOVED = '<sensitiveDataRemoved>';

/** Member names (lower-cased) never logged, or logged as a placeholder in requests. */
const OMIT = new Set([
  'secretaccesskey',
  'sessiontoken',
  'privatekey',
  'keymaterial',
  'passworddata',
  'samlassertion',
  'webidentitytoken',
  'body',
  'clientsecret',
]);
const PLACEHOLDER: Record<string, string> = {
  password: HIDDEN,
  newpassword: HIDDEN,
  oldpassword: HIDDEN,
  userdata: REMOVED,
};

type Mode = 'request' | 'response';
type DateStyle = 'java' | 'epoch' | 'iso';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IAM and STS dates in CloudTrail read like Java's default format: "Oct 3, 2023, 4:03:42 PM". */
export function javaDate(d: Date): string {
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

function lowerFirst(name: string): string {
  return name.length ? name[0]!.toLowerCase() + name.slice(1) : name;
}

function isStream(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { pipe?: unknown }).pipe === 'function';
}

interface Walk {
  model?: ServiceModel;
  mode: Mode;
  dates: DateStyle;
  /** EC2 responses: XML element names (locationName) and lists as {"items": [...]}, as CloudTrail writes them. */
  xmlNames?: boolean;
}

function convert(value: unknown, ref: ShapeRef | undefined, w: Walk): unknown {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date)
    return w.dates === 'java'
      ? javaDate(value)
      : w.dates === 'epoch'
        ? value.getTime()
        : value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (Buffer.isBuffer(value) || value instanceof Uint8Array || isStream(value)) return undefined;
  const shape = ref && w.model ? w.model.shapes[ref.shape] : undefined;
  if (shape?.sensitive) return w.mode === 'request' ? HIDDEN : undefined;
  if (Array.isArray(value)) {
    const out = value.map((v) => convert(v, shape?.member, w)).filter((v) => v !== undefined);
    if (w.xmlNames) return out.length ? { items: out } : {};
    return out;
  }
  if (typeof value !== 'object') return value;
  if (shape?.type === 'map') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const c = convert(v, shape.value, w);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  return convertMembers(value as Record<string, unknown>, shape?.members, w);
}

function convertMembers(
  value: Record<string, unknown>,
  members: Record<string, ShapeRef> | undefined,
  w: Walk,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    const lower = name.toLowerCase();
    if (OMIT.has(lower)) continue;
    const key = w.xmlNames ? (members?.[name]?.locationName ?? lowerFirst(name)) : lowerFirst(name);
    if (PLACEHOLDER[lower] !== undefined) {
      if (w.mode === 'request' && v !== undefined) out[key] = PLACEHOLDER[lower];
      continue;
    }
    const c = convert(v, members?.[name], w);
    if (c !== undefined) out[key] = c;
  }
  return out;
}

function dateStyle(service: string): DateStyle {
  return service === 'iam' || service === 'sts' ? 'java' : service === 'ec2' ? 'epoch' : 'iso';
}

function nonEmpty(o: Record<string, unknown>): Record<string, unknown> | null {
  for (const _ in o) return o;
  return null;
}

/** Generic services (IAM, STS, EC2, CloudTrail): the input with CloudTrail's member names. */
export function genericParameters(
  service: string,
  model: ServiceModel | undefined,
  shape: ShapeRef | undefined,
  value: unknown,
  mode: Mode,
): Record<string, unknown> | null {
  if (!value || typeof value !== 'object') return null;
  const w: Walk = {
    model,
    mode,
    dates: dateStyle(service),
    xmlNames: service === 'ec2' && mode === 'response',
  };
  const members = shape && model ? model.shapes[shape.shape]?.members : undefined;
  return nonEmpty(convertMembers(value as Record<string, unknown>, members, w));
}

/** Query parameters that sign a presigned URL: credentials, never request parameters. */
const PRESIGN =
  /^(x-amz-(algorithm|credential|date|expires|signedheaders|signature|security-token)|awsaccesskeyid|signature|expires)$/i;

/**
 * S3 requestParameters: bucketName, key, the query string as the request carried it (strings;
 * subresources such as `acl` with an empty value), a structured payload
 * (CreateBucketConfiguration...) and Host; never the object body or presigned credentials.
 */
export function s3RequestParameters(
  model: ServiceModel | undefined,
  shape: ShapeRef | undefined,
  input: Record<string, unknown> | undefined,
  host: string,
  query?: URLSearchParams,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const s = shape && model ? model.shapes[shape.shape] : undefined;
  const w: Walk = { model, mode: 'request', dates: 'iso' };
  if (input) {
    for (const [name, v] of Object.entries(input)) {
      if (v === undefined || v === null) continue;
      const ref = s?.members?.[name];
      if (name === 'Bucket') out.bucketName = v;
      else if (name === 'Key') out.key = v;
      else if (!query && ref?.location === 'querystring')
        out[ref.locationName ?? lowerFirst(name)] = convert(v, ref, w);
      // Payload structures keep S3's element names, as CloudTrail shows them.
      else if (s?.payload === name && ref && model?.shapes[ref.shape]?.type === 'structure')
        out[name] = upperStructure(v);
    }
  }
  if (query) for (const [k, v] of query) if (!PRESIGN.test(k) && out[k] === undefined) out[k] = v;
  out.Host = host;
  return out;
}

/** A payload with its XML element names (CloudTrail keeps them), minus anything binary. */
function upperStructure(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(upperStructure);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v) && !isStream(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = upperStructure(x);
    return out;
  }
  return v;
}

/** S3 write responses: the encryption and version headers, as CloudTrail lists them. */
export function s3ResponseElements(output: unknown): Record<string, unknown> | null {
  if (!output || typeof output !== 'object') return null;
  const o = output as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (typeof o.ServerSideEncryption === 'string')
    out['x-amz-server-side-encryption'] = o.ServerSideEncryption;
  if (typeof o.VersionId === 'string') out['x-amz-version-id'] = o.VersionId;
  return nonEmpty(out);
}
