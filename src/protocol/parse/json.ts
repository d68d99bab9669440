/** Parses `json` protocol bodies (CloudTrail): timestamps may be epoch seconds, blobs are base64. */
import type { ServiceModel, ShapeRef } from '../model.ts';
import { AwsError } from '../../errors.ts';

function convert(model: ServiceModel, ref: ShapeRef, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value))
        throw serialization(`Expected an object for ${ref.shape}`);
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const v = convert(model, member, (value as Record<string, unknown>)[member.locationName ?? name]);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) throw serialization(`Expected a list for ${ref.shape}`);
      return value.map((v) => convert(model, shape.member!, v));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        out[k] = convert(model, shape.value!, v);
      return out;
    }
    case 'timestamp':
      return typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
    case 'blob':
      return Buffer.from(String(value), 'base64');
    default:
      return value;
  }
}

function serialization(message: string): AwsError {
  return new AwsError('SerializationException', message);
}

export function parseJsonInput(
  model: ServiceModel,
  inputRef: ShapeRef | undefined,
  body: Buffer,
): Record<string, unknown> {
  if (!inputRef) return {};
  let parsed: unknown = {};
  if (body.length) {
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw serialization('Start of structure or map found where not expected.');
    }
  }
  return (convert(model, inputRef, parsed) as Record<string, unknown>) ?? {};
}
