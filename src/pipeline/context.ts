/**
 * The one object a request carries through the pipeline (see chain.ts for the steps' order).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Principal, Credential } from '../auth/principal.ts';
import type { AwsError } from '../errors.ts';
import type { Operation, ServiceModel, ServiceName } from '../protocol/model.ts';
import type { S3Target } from '../protocol/s3/router.ts';
import type { SerializedResponse } from '../protocol/serialize/types.ts';
import type { PostObjectForm, RequestFacts } from '../services/handler.ts';

export interface RequestContext {
  requestId: string;
  /** S3's x-amz-id-2. */
  hostId: string;
  startedAt: Date;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path as received (percent-encoded), without the query. */
  rawPath: string;
  rawQuery: string;
  query: URLSearchParams;
  /** Lower-cased header names; repeated headers joined with ','. */
  headers: Record<string, string>;
  facts: RequestFacts;

  service?: ServiceName;
  model?: ServiceModel;
  operation?: Operation;
  /** An operation that could not be resolved; reported after authentication, as AWS does. */
  operationError?: AwsError;
  region: string;
  s3?: S3Target;

  /** The body: the socket stream for S3; for the other protocols the buffered bytes. */
  body: Readable;
  bodyBuffer?: Buffer;
  /** Form parameters of query/ec2 requests (body or query string). */
  params?: URLSearchParams;

  credential?: Credential;
  principal?: Principal;
  input?: Record<string, unknown>;
  output?: unknown;
  error?: AwsError;
  response?: SerializedResponse;
  /** S3 POST Object: the verified form (fields, key, file stream), set by authentication. */
  postForm?: PostObjectForm;
  /** Set by the authorize step: the decision, for the audit trail. */
  authorization?: { allowed: boolean; action?: string; resource?: string };
}
