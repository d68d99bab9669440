/**
 * S3 request routing: which bucket and key a request addresses (path-style or virtual-host-style)
 * and which operation it is. Operations share method and path and differ by sub-resource query
 * keys and required headers/query members, so the table is built from the model and the most
 * specific match wins (e.g. PUT with x-amz-copy-source is CopyObject, not PutObject).
 */
import type { Operation, ServiceModel } from '../model.ts';

export interface S3Target {
  bucket?: string;
  key?: string;
  /** How the bucket was addressed; virtual-host requests name it in Host. */
  style: 'path' | 'virtual';
}

type PathKind = 'root' | 'bucket' | 'object';

interface Route {
  op: Operation;
  method: string;
  kind: PathKind;
  literals: [string, string | undefined][];
  requiredQuery: string[];
  requiredHeaders: string[];
  score: number;
}

function decodePathPart(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Host suffixes under which `<bucket>.<suffix>` names a bucket. Plain IPs and the bare suffixes
 * themselves are path-style.
 */
export const DEFAULT_VIRTUAL_HOST_SUFFIXES = [
  's3.localhost.localstack.cloud',
  'localhost.localstack.cloud',
  's3.amazonaws.com',
  's3.localhost',
  'localhost',
];

export function resolveTarget(
  host: string,
  rawPath: string,
  suffixes = DEFAULT_VIRTUAL_HOST_SUFFIXES,
): S3Target {
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  let vhostBucket: string | undefined;
  for (const suffix of suffixes) {
    if (hostname.endsWith(`.${suffix}`)) {
      let prefix = hostname.slice(0, -suffix.length - 1);
      // bucket.s3.us-west-2.amazonaws.com style: strip a regional s3 label.
      prefix = prefix.replace(/\.s3[.-][a-z0-9-]+$/, '').replace(/\.s3$/, '');
      if (prefix && prefix !== 's3') vhostBucket = prefix;
      break;
    }
  }
  if (vhostBucket) {
    const key = rawPath.length > 1 ? decodePathPart(rawPath.slice(1)) : undefined;
    return { bucket: vhostBucket, key: key || undefined, style: 'virtual' };
  }
  if (rawPath === '/' || rawPath === '') return { style: 'path' };
  const rest = rawPath.slice(1);
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: decodePathPart(rest), style: 'path' };
  const bucket = decodePathPart(rest.slice(0, slash));
  const key = decodePathPart(rest.slice(slash + 1));
  return { bucket, key: key === '' ? undefined : key, style: 'path' };
}

const routeCache = new WeakMap<ServiceModel, Route[]>();

function buildRoutes(model: ServiceModel): Route[] {
  const routes: Route[] = [];
  for (const op of Object.values(model.operations)) {
    const [path, query = ''] = op.http.requestUri.split('?');
    const kind: PathKind = path!.includes('{Key+}')
      ? 'object'
      : path!.includes('{Bucket}')
        ? 'bucket'
        : 'root';
    const literals = query
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const [k, v] = pair.split('=');
        return [k!, v] as [string, string | undefined];
      })
      .filter(([k]) => k !== 'x-id');
    const input = op.input ? model.shapes[op.input.shape] : undefined;
    const requiredQuery: string[] = [];
    const requiredHeaders: string[] = [];
    for (const name of input?.required ?? []) {
      const ref = input!.members![name]!;
      if (ref.location === 'querystring') requiredQuery.push(ref.locationName ?? name);
      if (ref.location === 'header') requiredHeaders.push((ref.locationName ?? name).toLowerCase());
    }
    const score = literals.length * 10 + requiredQuery.length + requiredHeaders.length;
    routes.push({ op, method: op.http.method, kind, literals, requiredQuery, requiredHeaders, score });
  }
  // Deprecated operations (PutBucketNotification, GetBucketLifecycle...) share their successors'
  // routes: the current operation wins.
  return routes.sort((a, b) => b.score - a.score || Number(!!a.op.deprecated) - Number(!!b.op.deprecated));
}

export function resolveOperation(
  model: ServiceModel,
  method: string,
  target: S3Target,
  query: URLSearchParams,
  headers: Record<string, string>,
): Operation | undefined {
  let routes = routeCache.get(model);
  if (!routes) routeCache.set(model, (routes = buildRoutes(model)));
  const kind: PathKind =
    target.key !== undefined ? 'object' : target.bucket !== undefined ? 'bucket' : 'root';
  for (const r of routes) {
    if (r.method !== method || r.kind !== kind) continue;
    if (!r.literals.every(([k, v]) => query.has(k) && (v === undefined || query.get(k) === v))) continue;
    if (!r.requiredQuery.every((k) => query.has(k))) continue;
    if (!r.requiredHeaders.every((h) => headers[h] !== undefined)) continue;
    return r.op;
  }
  return undefined;
}
