/** Responses and errors of the `json` protocol (CloudTrail). Timestamps are epoch seconds. */
import type { Operation, ServiceModel, ShapeRef } from '../model.ts';
import type { AwsError } from '../../errors.ts';
import type { SerializedResponse } from './types.ts';

function toJson(model: ServiceModel, ref: ShapeRef, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const v = toJson(model, member, (value as Record<string, unknown>)[name]);
        if (v !== undefined) out[member.locationName ?? name] = v;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => toJson(model, shape.member!, v));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        out[k] = toJson(model, shape.value!, v);
      return out;
    }
    case 'timestamp':
      return (value instanceof Date ? value : new Date(String(value))).getTime() / 1000;
    case 'blob':
      return Buffer.isBuffer(value) ? value.toString('base64') : value;
    default:
      return value;
  }
}

function contentType(model: ServiceModel): string {
  return `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`;
}

export function serializeJsonOutput(model: ServiceModel, op: Operation, output: unknown): SerializedResponse {
  const body = op.output ? toJson(model, op.output, output ?? {}) : {};
  return { status: 200, headers: { 'content-type': contentType(model) }, body: JSON.stringify(body ?? {}) };
}

export function serializeJsonError(model: ServiceModel, error: AwsError): SerializedResponse {
  return {
    status: error.status,
    headers: { 'content-type': contentType(model), 'x-amzn-errortype': error.code, ...error.headers },
    body: JSON.stringify({ __type: error.code, message: error.message, ...error.extra }),
  };
}
