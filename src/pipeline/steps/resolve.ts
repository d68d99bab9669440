/**
 * Step 1: which service, operation and region a request is for — from the SigV4 credential
 * scope, X-Amz-Target, the query protocols' Action/Version, and S3's host and path.
 */
import { AwsError } from '../../errors.ts';
import { loadModel, type ServiceModel, type ServiceName } from '../../protocol/model.ts';
import { resolveOperation, resolveTarget } from '../../protocol/s3/router.ts';
import type { App } from '../../app.ts';
import type { RequestContext } from '../context.ts';
import { readBody } from '../body.ts';

const SERVICES: ServiceName[] = ['s3', 'iam', 'sts', 'ec2', 'cloudtrail'];
/** The services of the json protocol, found by X-Amz-Target. */
const JSON_SERVICES: ServiceName[] = ['cloudtrail'];
const FORM_LIMIT = 16 * 1024 * 1024;

/** The service and region named by a SigV4 credential scope (header or presigned query). */
export function credentialScope(
  ctx: Pick<RequestContext, 'headers' | 'query'>,
): { region: string; service: string } | undefined {
  const auth = ctx.headers.authorization;
  const cred = auth?.startsWith('AWS4-')
    ? /Credential=([^,\s]+)/.exec(auth)?.[1]
    : ctx.query.get('X-Amz-Credential');
  if (!cred) return undefined;
  const parts = cred.split('/');
  if (parts.length < 5) return undefined;
  return { region: parts[parts.length - 3]!, service: parts[parts.length - 2]! };
}

const VERSION_TO_SERVICE: Record<string, ServiceName> = {};
for (const s of SERVICES) VERSION_TO_SERVICE[loadModel(s).metadata.apiVersion] = s;

function byAction(action: string | null, version: string | null): ServiceName | undefined {
  if (version && VERSION_TO_SERVICE[version] && VERSION_TO_SERVICE[version] !== 's3')
    return VERSION_TO_SERVICE[version];
  if (!action) return undefined;
  for (const s of ['sts', 'iam', 'ec2'] as const) if (loadModel(s).operations[action]) return s;
  return undefined;
}

/**
 * JSON services by X-Amz-Target. botocore sends the full prefix
 * (com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.Op), SDK v3 only its last part.
 */
function byTarget(target: string): ServiceName | undefined {
  const prefix = target.slice(0, target.lastIndexOf('.'));
  for (const s of JSON_SERVICES) {
    const full = loadModel(s).metadata.targetPrefix;
    if (full && (prefix === full || full.endsWith(`.${prefix}`))) return s;
  }
  return undefined;
}

function isForm(ctx: RequestContext): boolean {
  return (ctx.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/**
 * A request scoped to a query service (iam, sts, ec2) that carries no Action at all, neither in
 * the query nor as a form body, is an S3 request signed for the wrong service (a presigned URL
 * made with the wrong client): S3 answers it ("incorrect service ... This endpoint belongs to
 * s3"), as AWS's S3 endpoint does, instead of the query service's MissingAction.
 */
function looksLikeS3(ctx: RequestContext, service: string): boolean {
  if (service !== 'iam' && service !== 'sts' && service !== 'ec2') return false;
  if (ctx.query.has('Action')) return false;
  return !(ctx.method === 'POST' && isForm(ctx));
}

function unknownService(service: string): AwsError {
  return new AwsError('NotImplemented', `Stratus does not serve the ${service} service.`, 501);
}

export async function resolve(app: App, ctx: RequestContext): Promise<void> {
  const scope = credentialScope(ctx);
  const target = ctx.headers['x-amz-target'];
  let service: ServiceName | undefined;

  if (target) {
    service = byTarget(target);
    if (!service) throw unknownService(target.split('.')[0] ?? target);
  } else if (scope && scope.service !== 's3' && !looksLikeS3(ctx, scope.service)) {
    if (!SERVICES.includes(scope.service as ServiceName)) throw unknownService(scope.service);
    service = scope.service as ServiceName;
  } else if (!scope) {
    const form = ctx.method === 'POST' && isForm(ctx) && !(ctx.rawPath.length > 1);
    if (form || ctx.query.has('Action')) {
      if (form) await bufferForm(ctx);
      const params = ctx.params ?? ctx.query;
      service = byAction(params.get('Action'), params.get('Version'));
    }
  }
  service ??= 's3';
  ctx.service = service;
  const model = loadModel(service);
  ctx.model = model;
  // IAM is global: always us-east-1, whatever the client says.
  ctx.region = service === 'iam' ? 'us-east-1' : (scope?.region ?? app.options.region);

  switch (model.metadata.protocol) {
    case 'rest-xml':
      resolveS3(app, ctx, model);
      break;
    case 'json':
      ctx.bodyBuffer = await readBody(ctx.body, FORM_LIMIT);
      resolveJson(ctx, model, target);
      break;
    default:
      if (!ctx.params) {
        if (ctx.method === 'POST') await bufferForm(ctx);
        else ctx.params = ctx.query;
      }
      resolveQuery(ctx, model);
  }
}

async function bufferForm(ctx: RequestContext): Promise<void> {
  ctx.bodyBuffer = await readBody(ctx.body, FORM_LIMIT);
  const params = new URLSearchParams(ctx.bodyBuffer.toString('utf8'));
  // Parameters may also come in the query string (GET-style requests).
  for (const [k, v] of ctx.query) if (!params.has(k)) params.append(k, v);
  ctx.params = params;
}

function resolveQuery(ctx: RequestContext, model: ServiceModel): void {
  const action = ctx.params!.get('Action');
  const op = action ? model.operations[action] : undefined;
  if (op) ctx.operation = op;
  else if (!action) ctx.operationError = new AwsError('MissingAction', 'Missing Action', 400);
  else {
    // EC2 and the query services word it differently (EC2's as quoted from AWS in Terraform's tests).
    const message =
      model.metadata.protocol === 'ec2'
        ? `The action ${action} is not valid for this web service.`
        : `Could not find operation ${action} for version ${ctx.params!.get('Version') ?? model.metadata.apiVersion}`;
    ctx.operationError = new AwsError('InvalidAction', message, 400);
  }
}

function resolveJson(ctx: RequestContext, model: ServiceModel, target: string | undefined): void {
  const name = target?.split('.').pop();
  const op = name ? model.operations[name] : undefined;
  if (op) ctx.operation = op;
  else ctx.operationError = new AwsError('UnknownOperationException', '', 400);
}

function resolveS3(app: App, ctx: RequestContext, model: ServiceModel): void {
  const s3 = resolveTarget(ctx.facts.host, ctx.rawPath, app.options.s3VirtualHostSuffixes);
  ctx.s3 = s3;
  if (ctx.method === 'POST' && s3.bucket && s3.key === undefined && !ctx.query.toString()) {
    const type = (ctx.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('multipart/form-data')) {
      // Browser form uploads are not in the model: a synthetic operation the S3 service handles.
      ctx.operation = model.operations.PostObject ?? {
        name: 'PostObject',
        http: { method: 'POST', requestUri: '/{Bucket}' },
      };
      return;
    }
  }
  // CORS preflight (bucket or object URL): not a model operation; the overlay's OptionsObject.
  if (ctx.method === 'OPTIONS' && s3.bucket && model.operations.OptionsObject) {
    ctx.operation = model.operations.OptionsObject;
    return;
  }
  const op = resolveOperation(model, ctx.method, s3, ctx.query, ctx.headers);
  if (op) ctx.operation = op;
  else {
    ctx.operationError = new AwsError(
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      405,
      {
        Method: ctx.method,
        ResourceType: s3.key !== undefined ? 'OBJECT' : s3.bucket ? 'BUCKET' : 'SERVICE',
      },
    );
  }
}
