/** Step: turn the request into the operation's typed input, by protocol. */
import { parseQueryInput } from '../../protocol/parse/query.ts';
import { parseJsonInput } from '../../protocol/parse/json.ts';
import { parseRestXmlInput } from '../../protocol/parse/rest-xml.ts';
import { readBody } from '../body.ts';
import type { RequestContext } from '../context.ts';

export async function parse(ctx: RequestContext): Promise<void> {
  const model = ctx.model!;
  const op = ctx.operation!;
  switch (model.metadata.protocol) {
    case 'query':
    case 'ec2':
      ctx.input = parseQueryInput(model, op.input, ctx.params!);
      return;
    case 'json':
      ctx.input = parseJsonInput(model, op.input, ctx.bodyBuffer ?? Buffer.alloc(0));
      return;
    case 'rest-xml':
      ctx.input = await parseRestXmlInput(model, op.input, {
        labels: { Bucket: ctx.s3?.bucket, Key: ctx.s3?.key },
        query: ctx.query,
        headers: ctx.headers,
        body: ctx.body,
        readBody: (limit) => readBody(ctx.body, limit),
      });
  }
}
