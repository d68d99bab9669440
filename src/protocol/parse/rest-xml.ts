/**
 * Parses `rest-xml` requests (S3): URI labels, query string, headers (incl. x-amz-meta-* maps) and
 * the payload — a streamed blob, or an XML document read by shape.
 */
import type { Readable } from 'node:stream';
import { memberBindings, type ServiceModel, type Shape, type ShapeRef } from '../model.ts';
import { AwsError } from '../../errors.ts';
import { parseXmlDocument, readShape, malformedXml } from '../xml/reader.ts';

export interface RestRequest {
  labels: Record<string, string | undefined>;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** The (decoded) body stream; only read when the payload is XML, and then buffered. */
  body: Readable;
  readBody: (limit: number) => Promise<Buffer>;
}

const XML_PAYLOAD_LIMIT = 2 * 1024 * 1024;

function headerScalar(shape: Shape, raw: string, ref: ShapeRef): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      if (!/^\s*-?\d+\s*$/.test(raw)) {
        throw new AwsError('InvalidArgument', `Invalid value for header ${ref.locationName}`, 400, {
          ArgumentName: ref.locationName ?? '',
          ArgumentValue: raw,
        });
      }
      return Number(raw);
    }
    case 'boolean':
      return raw.trim().toLowerCase() === 'true';
    case 'timestamp': {
      const d = /^\d+$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
      // S3 ignores unparsable dates in conditional headers rather than failing the request.
      return Number.isNaN(d.getTime()) ? undefined : d;
    }
    case 'list':
      return raw.split(',').map((s) => s.trim());
    default:
      return ref.jsonvalue ? JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) : raw;
  }
}

export async function parseRestXmlInput(
  model: ServiceModel,
  inputRef: ShapeRef | undefined,
  req: RestRequest,
): Promise<Record<string, unknown>> {
  if (!inputRef) return {};
  const shape = model.shapes[inputRef.shape]!;
  const out: Record<string, unknown> = {};
  for (const { name, wire, header, ref, shape: memberShape } of memberBindings(model, shape)) {
    switch (ref.location) {
      case 'uri': {
        const v = req.labels[wire];
        if (v !== undefined) out[name] = v;
        break;
      }
      case 'querystring': {
        if (memberShape.type === 'map') {
          const map: Record<string, string> = {};
          for (const [k, v] of req.query) map[k] = v;
          out[name] = map;
        } else if (memberShape.type === 'list') {
          const all = req.query.getAll(wire);
          if (all.length) out[name] = all;
        } else if (req.query.has(wire)) {
          const raw = req.query.get(wire)!;
          // S3 reads an empty integer parameter (max-keys=, part-number-marker=) as absent.
          if (memberShape.type !== 'integer' && memberShape.type !== 'long') out[name] = raw;
          else if (raw !== '') out[name] = queryInt(raw, wire);
        }
        break;
      }
      case 'header': {
        const raw = req.headers[header];
        if (raw !== undefined) {
          const v = headerScalar(memberShape, raw, ref);
          if (v !== undefined) out[name] = v;
        }
        break;
      }
      case 'headers': {
        const map: Record<string, string> = {};
        let any = false;
        for (const h in req.headers)
          if (h.startsWith(header)) {
            map[h.slice(header.length)] = req.headers[h]!;
            any = true;
          }
        if (any) out[name] = map;
        break;
      }
      default:
        break;
    }
  }
  const payloadName = shape.payload;
  if (payloadName) {
    const ref = shape.members![payloadName]!;
    const payloadShape = model.shapes[ref.shape]!;
    if (payloadShape.type === 'blob' || payloadShape.type === 'string') {
      out[payloadName] = req.body;
    } else {
      const raw = await req.readBody(XML_PAYLOAD_LIMIT);
      if (raw.length) {
        const { name, node } = parseXmlDocument(raw.toString('utf8'));
        // S3 validates a body against its schema: a document whose root is not the payload's
        // element (<Foo> for CreateBucketConfiguration) is MalformedXML, as S3 answered
        // amazonka#81's <CreateBucket> wrapper. The namespace is not required (mc omits it).
        if (ref.locationName !== undefined && name !== ref.locationName) throw malformedXml();
        out[payloadName] = readShape(model, ref, node);
      }
    }
  }
  return out;
}

/** S3 parses query integers strictly: no surrounding spaces, and within a signed 32-bit int. */
function queryInt(raw: string, name: string): number {
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || n < -2147483648 || n > 2147483647) {
    throw new AwsError('InvalidArgument', `Provided ${name} not an integer or within integer range`, 400, {
      ArgumentName: name,
      ArgumentValue: raw,
    });
  }
  return n;
}

export { malformedXml };
