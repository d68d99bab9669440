/** Step: render the output or the error in the protocol's format, with AWS's request-id headers. */
import { AwsError, CommonErrors } from '../../errors.ts';
import { serializeQueryError, serializeQueryOutput } from '../../protocol/serialize/query.ts';
import { serializeJsonError, serializeJsonOutput } from '../../protocol/serialize/json.ts';
import { serializeRestXmlError, serializeRestXmlOutput } from '../../protocol/serialize/rest-xml.ts';
import { loadModel } from '../../protocol/model.ts';
import type { SerializedResponse } from '../../protocol/serialize/types.ts';
import type { RequestContext } from '../context.ts';

export function serializeOutput(ctx: RequestContext): SerializedResponse {
  const model = ctx.model!;
  const op = ctx.operation!;
  const out = ctx.output as Record<string, unknown> | undefined;
  let response: SerializedResponse;
  switch (model.metadata.protocol) {
    case 'query':
    case 'ec2':
      response = serializeQueryOutput(model, op, out, ctx.requestId);
      break;
    case 'json':
      response = serializeJsonOutput(model, op, out);
      break;
    default:
      response = serializeRestXmlOutput(model, op, out);
  }
  return withRequestIds(ctx, response);
}

export function serializeError(ctx: RequestContext, err: unknown): SerializedResponse {
  const error = err instanceof AwsError ? err : CommonErrors.internal();
  const model = ctx.model ?? loadModel('s3');
  let response: SerializedResponse;
  switch (model.metadata.protocol) {
    case 'query':
    case 'ec2':
      response = serializeQueryError(model, error, ctx.requestId);
      break;
    case 'json':
      response = serializeJsonError(model, error);
      break;
    default:
      response = serializeRestXmlError(error, ctx.requestId, ctx.hostId, ctx.method);
  }
  return withRequestIds(ctx, response);
}

function withRequestIds(ctx: RequestContext, response: SerializedResponse): SerializedResponse {
  if (ctx.model?.metadata.protocol === 'rest-xml' || !ctx.model) {
    response.headers['x-amz-request-id'] = ctx.requestId;
    response.headers['x-amz-id-2'] = ctx.hostId;
  } else {
    response.headers['x-amzn-requestid'] = ctx.requestId;
  }
  return response;
}
