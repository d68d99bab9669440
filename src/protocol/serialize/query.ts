/** Responses and errors of the `query` protocol (IAM, STS) and the `ec2` protocol. */
import type { Operation, ServiceModel } from '../model.ts';
import type { AwsError } from '../../errors.ts';
import { escapeXml, XML_DECL } from '../xml/writer.ts';
import { writeMembers } from '../xml/shape-writer.ts';
import type { SerializedResponse } from './types.ts';

const XML_HEADERS = { 'content-type': 'text/xml' };

function namespace(model: ServiceModel): string {
  const ns = model.metadata.xmlNamespace ?? '';
  // EC2's model omits the trailing slash that the service puts in its responses.
  return model.metadata.protocol === 'ec2' && !ns.endsWith('/') ? `${ns}/` : ns;
}

export function serializeQueryOutput(
  model: ServiceModel,
  op: Operation,
  output: Record<string, unknown> | undefined,
  requestId: string,
): SerializedResponse {
  const shape = op.output ? model.shapes[op.output.shape] : undefined;
  const members = shape && output ? writeMembers(model, shape, output) : '';
  const ns = namespace(model);
  let body: string;
  if (model.metadata.protocol === 'ec2') {
    body = `${XML_DECL}\n<${op.name}Response xmlns="${ns}"><requestId>${requestId}</requestId>${members}</${op.name}Response>`;
  } else {
    const wrapper = op.output?.resultWrapper;
    const result = wrapper ? `<${wrapper}>${members}</${wrapper}>` : '';
    body = `<${op.name}Response xmlns="${ns}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op.name}Response>\n`;
  }
  return { status: 200, headers: { ...XML_HEADERS }, body };
}

export function serializeQueryError(
  model: ServiceModel,
  error: AwsError,
  requestId: string,
): SerializedResponse {
  const code = escapeXml(error.code);
  const message = escapeXml(error.message);
  let body: string;
  if (model.metadata.protocol === 'ec2') {
    body = `${XML_DECL}\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  } else {
    body = `<ErrorResponse xmlns="${namespace(model)}">\n  <Error>\n    <Type>${error.fault}</Type>\n    <Code>${code}</Code>\n    <Message>${message}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
  }
  return { status: error.status, headers: { ...XML_HEADERS, ...error.headers }, body };
}
