/** Request contexts as the pipeline leaves them, for the audit unit tests. */
import type { Principal } from '../../src/auth/principal.ts';
import type { RequestContext } from '../../src/pipeline/context.ts';
import { loadModel, type ServiceName } from '../../src/protocol/model.ts';
import { AwsError } from '../../src/errors.ts';

export const ROOT: Principal = {
  type: 'Root',
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:root',
  userId: '111122223333',
  accessKeyId: 'AKIAROOTKEY000000000',
};

export const BOB: Principal = {
  type: 'IAMUser',
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:user/bob',
  userId: 'AIDABOB0000000000000',
  userName: 'bob',
  accessKeyId: 'AKIABOBKEY0000000000',
};

export const SESSION: Principal = {
  type: 'AssumedRole',
  accountId: '111122223333',
  arn: 'arn:aws:sts::111122223333:assumed-role/reader/sess-1',
  userId: 'AROAREADER0000000000:sess-1',
  accessKeyId: 'ASIASESSION000000000',
  role: {
    arn: 'arn:aws:iam::111122223333:role/reader',
    roleId: 'AROAREADER0000000000',
    name: 'reader',
    path: '/',
  },
  sessionName: 'sess-1',
  tokenIssueTime: new Date('2026-01-02T03:04:05.678Z'),
  temporary: true,
};

export interface CtxOptions {
  service: ServiceName;
  operation: string;
  principal?: Principal;
  input?: Record<string, unknown>;
  output?: unknown;
  error?: AwsError;
  status?: number;
  region?: string;
  headers?: Record<string, string>;
  startedAt?: Date;
}

export function ctxOf(o: CtxOptions): RequestContext {
  const model = loadModel(o.service);
  const headers = { 'user-agent': 'Boto3/1.43 test', host: '127.0.0.1:4566', ...o.headers };
  const query = new URLSearchParams();
  return {
    requestId: 'req-1',
    hostId: 'host-id',
    startedAt: o.startedAt ?? new Date('2026-03-04T05:06:07.890Z'),
    req: undefined as never,
    res: undefined as never,
    method: 'POST',
    rawPath: '/',
    rawQuery: '',
    query,
    headers,
    facts: {
      method: 'POST',
      headers,
      query,
      sourceIp: '127.0.0.1',
      secure: false,
      userAgent: headers['user-agent'],
      host: headers.host,
    },
    service: o.service,
    model,
    operation: model.operations[o.operation],
    region: o.region ?? 'us-east-1',
    body: undefined as never,
    ...(o.principal ? { principal: o.principal } : {}),
    ...(o.input ? { input: o.input } : {}),
    ...(o.output !== undefined ? { output: o.output } : {}),
    ...(o.error ? { error: o.error } : {}),
    response: { status: o.status ?? (o.error ? o.error.status : 200), headers: {} },
  };
}
