/** Responses and errors of the `rest-xml` protocol (S3): status, headers, and an XML or raw payload. */
import { Readable } from 'node:stream';
import { memberBindings, type Operation, type ServiceModel, type Shape } from '../model.ts';
import type { AwsError } from '../../errors.ts';
import { escapeXml, XML_DECL } from '../xml/writer.ts';
import { writeMember, writeMembers } from '../xml/shape-writer.ts';
import { formatScalar } from '../xml/values.ts';
import { S3_NAMESPACE, S3_ROOT_ELEMENTS } from '../s3/root-elements.ts';
import { writeListVersionsMembers } from '../s3/version-order.ts';
import type { SerializedResponse } from './types.ts';

function headerValue(shape: Shape, value: unknown, jsonvalue: boolean): string {
  if (jsonvalue) return Buffer.from(JSON.stringify(value)).toString('base64');
  if (shape.type === 'timestamp') return formatScalar(shape, value, 'rfc822');
  if (shape.type === 'list') return (value as unknown[]).map(String).join(', ');
  return formatScalar(shape, value);
}

function namespaceFor(model: ServiceModel): string {
  return model.metadata.xmlNamespace ?? (model.name === 's3' ? S3_NAMESPACE : '');
}

export function serializeRestXmlOutput(
  model: ServiceModel,
  op: Operation,
  output: Record<string, unknown> | undefined,
): SerializedResponse {
  const headers: Record<string, string> = {};
  let status = op.http.responseCode ?? 200;
  const shape = op.output ? model.shapes[op.output.shape] : undefined;
  const value = output ?? {};
  if (!shape) return { status, headers };
  let hasBodyMembers = false;
  for (const { name, ref, shape: memberShape, header } of memberBindings(model, shape)) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    switch (ref.location) {
      case 'header':
        headers[header] = headerValue(memberShape, v, !!ref.jsonvalue);
        break;
      case 'headers':
        for (const [k, mv] of Object.entries(v as Record<string, string>))
          headers[`${ref.locationName}${k}`.toLowerCase()] = mv;
        break;
      case 'statusCode':
        status = Number(v);
        break;
      default:
        hasBodyMembers = true;
    }
  }
  if (shape.payload) {
    const ref = shape.members![shape.payload]!;
    const payload = value[shape.payload];
    const payloadShape = model.shapes[ref.shape]!;
    if (payload === undefined || payload === null) return { status, headers };
    if (payloadShape.type === 'blob' || payloadShape.type === 'string') {
      const body = payload as string | Buffer | Readable;
      return { status, headers, body };
    }
    const rootName = ref.locationName ?? shape.payload;
    const xml = writeMember(
      model,
      { ...ref, xmlNamespace: ref.xmlNamespace ?? { uri: namespaceFor(model) } },
      rootName,
      payload,
      {},
    );
    headers['content-type'] = 'application/xml';
    return { status, headers, body: `${XML_DECL}\n${xml}` };
  }
  if (!hasBodyMembers && op.name !== 'GetBucketLocation') return { status, headers };
  headers['content-type'] = 'application/xml';
  const rootName =
    (shape.locationName as string | undefined) ?? S3_ROOT_ELEMENTS[op.name] ?? `${op.name}Result`;
  const ns = namespaceFor(model);
  if (op.name === 'GetBucketLocation') {
    // The region is the root element's text, not a child element.
    const region = value.LocationConstraint as string | undefined;
    const body = region
      ? `${XML_DECL}\n<LocationConstraint xmlns="${ns}">${escapeXml(region)}</LocationConstraint>`
      : `${XML_DECL}\n<LocationConstraint xmlns="${ns}"/>`;
    return { status, headers, body };
  }
  const members =
    (op.name === 'ListObjectVersions' ? writeListVersionsMembers(model, shape, value) : undefined) ??
    writeMembers(model, shape, value);
  return {
    status,
    headers,
    body: `${XML_DECL}\n<${rootName} xmlns="${ns}">${members}</${rootName}>`,
  };
}

export function serializeRestXmlError(
  error: AwsError,
  requestId: string,
  hostId: string,
  method: string,
): SerializedResponse {
  const headers: Record<string, string> = { ...error.headers };
  // HEAD answers carry no body; clients read the status code alone.
  if (method === 'HEAD' || error.status === 304) return { status: error.status, headers };
  headers['content-type'] = 'application/xml';
  let extra = '';
  for (const [k, v] of Object.entries(error.extra)) extra += `<${k}>${escapeXml(v)}</${k}>`;
  const body = `${XML_DECL}\n<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
  return { status: error.status, headers, body };
}

export { Readable };
