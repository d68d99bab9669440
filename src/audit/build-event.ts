/**
 * Turns a finished request into a CloudTrail event. Runs off the request's path (the recorder
 * only queues the context), so it may walk the model and build strings freely.
 */
import { newEventId } from './event-id.ts';
import type { Principal } from '../auth/principal.ts';
import type { RequestContext } from '../pipeline/context.ts';
import { eventSource, isDataEvent, isReadOnly, lookupResources, recordResources } from './classify.ts';
import { lookupUsername, requestAccessKeyId, userIdentity } from './identity.ts';
import { isoSeconds } from '../time-format.ts';
import { genericParameters, s3RequestParameters, s3ResponseElements } from './parameters.ts';
import { federatedIdentity, roleAccount } from './federation.ts';
import { trailErrorCode } from './error-code.ts';
import type { AuditRecord, CloudTrailEvent, UserIdentity } from './types.ts';

export const EVENT_VERSION = '1.11';

const DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
]);

/** The operation's name even when it was not resolved (an unknown Action still has a name). */
export function operationName(ctx: RequestContext): string | undefined {
  if (ctx.operation) return ctx.operation.name;
  const action = ctx.params?.get('Action') ?? ctx.query.get('Action');
  if (action) return action;
  const target = ctx.headers['x-amz-target'];
  return target ? target.slice(target.lastIndexOf('.') + 1) : undefined;
}

function s3AdditionalData(ctx: RequestContext): Record<string, unknown> {
  const auth = ctx.headers.authorization ?? '';
  const presigned = ctx.query.has('X-Amz-Signature') || ctx.query.has('Signature');
  const data: Record<string, unknown> = {
    SignatureVersion: auth.startsWith('AWS ') || ctx.query.has('Signature') ? 'SigV2' : 'SigV4',
    AuthenticationMethod: presigned ? 'QueryString' : 'AuthHeader',
    'x-amz-id-2': ctx.hostId,
  };
  const length = Number(ctx.headers['x-amz-decoded-content-length'] ?? ctx.headers['content-length'] ?? 0);
  data.bytesTransferredIn = Number.isFinite(length) ? length : 0;
  return data;
}

/**
 * The records for one request: one, plus a copy for the other account when a role of another
 * account is assumed or another account's bucket is used (CloudTrail logs cross-account calls
 * in both accounts, with a shared id).
 */
export function buildRecords(
  ctx: RequestContext,
  principal: Principal | undefined,
  ownerAccountId?: string,
): AuditRecord[] {
  const record = buildRecord(ctx, principal, ownerAccountId);
  if (!record) return [];
  // The other account: the assumed role's, or the bucket's owner.
  const owner =
    ctx.service === 'sts' && record.event.eventName.startsWith('AssumeRole')
      ? roleAccount(ctx.input)
      : ctx.service === 's3'
        ? ownerAccountId
        : undefined;
  if (!owner || !record.accountId || owner === record.accountId) return [record];
  const shared = newEventId();
  const copy: AuditRecord = {
    ...record,
    accountId: owner,
    event: withShared({ ...record.event, eventID: newEventId(), recipientAccountId: owner }, shared),
  };
  record.event = withShared(record.event, shared);
  return [record, copy];
}

/** sharedEventID sits between recipientAccountId and eventCategory, as CloudTrail writes it. */
function withShared(e: CloudTrailEvent, shared: string): CloudTrailEvent {
  const { eventCategory, ...rest } = e;
  return { ...rest, sharedEventID: shared, eventCategory };
}

/**
 * The record for one request, or undefined when there is nothing CloudTrail would log (no
 * service or operation could be named). `principal` is the caller, looked up from the key the
 * request carried when authentication failed before setting ctx.principal; `ownerAccountId`
 * the resource owner's account, for callers without one (anonymous S3 requests).
 */
export function buildRecord(
  ctx: RequestContext,
  principal: Principal | undefined,
  ownerAccountId?: string,
): AuditRecord | undefined {
  const service = ctx.service;
  const name = operationName(ctx);
  if (!service || !name) return undefined;
  const accessKeyId = principal?.accessKeyId ?? requestAccessKeyId(ctx.headers, ctx.query, ctx.params);
  let identity: UserIdentity;
  let username = principal ? lookupUsername(principal) : undefined;
  if (principal) identity = userIdentity(principal);
  else
    identity = { type: 'Unknown', principalId: '', accountId: '', ...(accessKeyId ? { accessKeyId } : {}) };
  if (principal && !identity.accessKeyId && accessKeyId && principal.type !== 'Anonymous')
    identity.accessKeyId = accessKeyId;
  // Anonymous calls belong to the resource's owner (the bucket's account), when known.
  let accountId = principal && principal.type !== 'Anonymous' ? principal.accountId : (ownerAccountId ?? '');
  const federated = service === 'sts' && !accountId ? federatedIdentity(name, ctx.output) : undefined;
  if (federated) {
    // Unsigned federation calls belong to the role's account.
    identity = federated.identity;
    username = federated.username;
    accountId = roleAccount(ctx.input) ?? '';
  }
  const readOnly = isReadOnly(service, name);
  const data = isDataEvent(service, name);
  const input = ctx.input;
  const error = ctx.error;
  const status = ctx.response?.status ?? 500;
  const wireCode =
    error?.code ??
    (status >= 400
      ? service === 's3' || service === 'ec2'
        ? 'InternalError'
        : 'InternalFailure'
      : undefined);
  const errorCode = wireCode && trailErrorCode(service, wireCode, status);

  let requestParameters: Record<string, unknown> | null;
  let responseElements: Record<string, unknown> | null = null;
  const opShape = ctx.operation;
  if (service === 's3') {
    requestParameters = s3RequestParameters(ctx.model, opShape?.input, input, ctx.facts.host, ctx.query);
    if (!errorCode && !readOnly) responseElements = s3ResponseElements(ctx.output);
  } else {
    requestParameters = genericParameters(service, ctx.model, opShape?.input, input, 'request');
    // Read calls log no response, except STS's credential-issuing ones (the key id, expiry, user).
    if (!errorCode && (!readOnly || (service === 'sts' && name !== 'GetCallerIdentity'))) {
      responseElements = genericParameters(service, ctx.model, opShape?.output, ctx.output, 'response');
      // EC2 responses carry their requestId first, as in the XML answer.
      if (service === 'ec2') responseElements = { requestId: ctx.requestId, ...responseElements };
    }
  }

  const resources = recordResources(service, name, input, (service === 's3' && ownerAccountId) || accountId);
  // Field order as CloudTrail writes it (resources after readOnly), for readers who diff: keys
  // are added in that order (conditional spreads in one literal cost a copy each).
  const event = {
    eventVersion: EVENT_VERSION,
    userIdentity: identity,
    eventTime: isoSeconds(ctx.startedAt),
    eventSource: eventSource(service),
    eventName: name,
    // IAM is global and CloudTrail records it in us-east-1.
    awsRegion: service === 'iam' ? 'us-east-1' : ctx.region,
    sourceIPAddress: ctx.facts.sourceIp,
    userAgent: ctx.facts.userAgent,
  } as CloudTrailEvent;
  if (errorCode) {
    event.errorCode = errorCode;
    event.errorMessage = error?.message ?? 'We encountered an internal error. Please try again.';
  }
  event.requestParameters = requestParameters;
  event.responseElements = responseElements;
  if (service === 's3') event.additionalEventData = s3AdditionalData(ctx);
  event.requestID = ctx.requestId;
  event.eventID = newEventId();
  event.readOnly = readOnly;
  if (resources) event.resources = resources;
  event.eventType = 'AwsApiCall';
  event.managementEvent = !data;
  event.recipientAccountId = accountId;
  event.eventCategory = data ? 'Data' : 'Management';
  return {
    event,
    time: ctx.startedAt.getTime(),
    accountId,
    username,
    accessKeyId,
    resources: lookupResources(service, input, errorCode ? undefined : ctx.output),
    denied: ctx.authorization?.allowed === false || (wireCode !== undefined && DENIED_CODES.has(wireCode)),
  };
}
