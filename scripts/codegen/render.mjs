// Renders one merged service model (see src/protocol/model.ts) into TypeScript source text.
// Decisions (documented once here, visible in the output):
// - one interface per structure reachable from an operation's input or output; AWS member names;
//   `required` members are non-optional everywhere (handlers must return them too);
// - lists -> T[], maps -> Record<string, V>, timestamps -> Date, blobs -> Buffer, documents -> unknown;
// - streaming blobs: Readable in inputs (the body stays a stream), Readable | Buffer in outputs;
//   event streams -> AsyncIterable<Union>;
// - enums -> named unions of the known values plus `(string & {})`: editors complete the known
//   values, yet a value AWS added later (or one S3 accepts unvalidated) still type-checks;
//   src/protocol/validate.ts enforces enums where the service does (IAM, STS, JSON services);
// - error shapes become classes in errors.ts, never interfaces in types.ts.

const IDENT = /^[A-Za-z_$][\w$]*$/;
const prop = (name) => (IDENT.test(name) ? name : JSON.stringify(name));
const sorted = (names) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
/** Names the generated code itself uses; a shape so named would shadow them. */
const RESERVED = new Set(['Date', 'Buffer', 'Readable', 'Record', 'AsyncIterable', 'Promise', 'AwsError']);

function typeName(name) {
  if (RESERVED.has(name)) throw new Error(`shape ${name} would shadow a name the generated code uses`);
  return name;
}

/** Walks operations' inputs and outputs; returns reachable shape names, split by direction. */
export function reachable(model) {
  const seen = { input: new Set(), output: new Set() };
  const visit = (name, dir) => {
    const shape = model.shapes[name];
    if (!shape || shape.exception || seen[dir].has(name)) return;
    seen[dir].add(name);
    for (const ref of Object.values(shape.members ?? {})) visit(ref.shape, dir);
    if (shape.member) visit(shape.member.shape, dir);
    if (shape.key) visit(shape.key.shape, dir);
    if (shape.value) visit(shape.value.shape, dir);
  };
  for (const op of Object.values(model.operations)) {
    if (op.input) visit(op.input.shape, 'input');
    if (op.output) visit(op.output.shape, 'output');
  }
  return seen;
}

function isNamed(shape) {
  return shape.type === 'structure' || (shape.type === 'string' && shape.enum);
}

function tsType(model, ref, ctx) {
  const shape = model.shapes[ref.shape];
  switch (shape.type) {
    case 'structure':
      if (shape.eventstream) return `AsyncIterable<${typeName(ref.shape)}>`;
      return typeName(ref.shape);
    case 'list':
      return `${wrap(tsType(model, shape.member, ctx))}[]`;
    case 'map':
      return `Record<string, ${tsType(model, shape.value, ctx)}>`;
    case 'string':
      if (shape.enum) return typeName(ref.shape);
      return 'string';
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'Date';
    case 'blob':
      if (shape.streaming || ref.streaming) {
        ctx.usesReadable = true;
        return ctx.direction === 'input' ? 'Readable' : 'Readable | Buffer';
      }
      return 'Buffer';
    default:
      if (shape.document) return 'unknown';
      throw new Error(`${model.name}: unsupported shape type ${shape.type} (${ref.shape})`);
  }
}

const wrap = (t) => (/[|&]/.test(t) ? `(${t})` : t);

export function renderTypes(model) {
  const { input, output } = reachable(model);
  const all = new Set([...input, ...output]);
  const ctx = { usesReadable: false, direction: 'output' };
  const body = [];
  for (const name of sorted(all)) {
    const shape = model.shapes[name];
    if (!isNamed(shape)) continue;
    if (shape.type === 'string') {
      const values = shape.enum.map((v) => JSON.stringify(v)).join(' | ');
      body.push(`export type ${typeName(name)} = ${values} | (string & {});\n`);
      continue;
    }
    // A shape reachable only from inputs gets input typing for streams.
    ctx.direction = input.has(name) && !output.has(name) ? 'input' : 'output';
    const required = new Set(shape.required ?? []);
    const lines = Object.entries(shape.members ?? {}).map(([member, ref]) => {
      const optional = required.has(member) ? '' : '?';
      return `  ${prop(member)}${optional}: ${tsType(model, ref, ctx)};`;
    });
    const kind = shape.union ? ' (a union: set exactly one member)' : '';
    const head = kind ? `/** ${name}${kind} */\n` : '';
    body.push(
      lines.length
        ? `${head}export interface ${typeName(name)} {\n${lines.join('\n')}\n}\n`
        : `${head}export interface ${typeName(name)} {}\n`,
    );
  }
  const imports = ctx.usesReadable ? `import type { Readable } from 'node:stream';\n\n` : '';
  return `${imports}${body.join('\n')}`;
}

/** The error code and HTTP status AWS sends for an error shape (protocol defaults applied). */
export function errorInfo(model, name) {
  const shape = model.shapes[name];
  return {
    code: shape.error?.code ?? name,
    status: shape.error?.httpStatusCode ?? (shape.fault ? 500 : 400),
    message: shape.defaultMessage,
  };
}

export function renderErrors(model) {
  const names = sorted(Object.keys(model.shapes).filter((n) => model.shapes[n].exception));
  const out = [
    `import { AwsError } from '../../errors.ts';\n`,
    `/** Extra members an error carries into the response body (S3's <BucketName>, ...). */`,
    `type Extra<K extends string> = { [P in K]?: string } & Record<string, string | undefined>;\n`,
    `function defined(extra: Record<string, string | undefined>): Record<string, string> {`,
    `  const out: Record<string, string> = {};`,
    `  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;`,
    `  return out;`,
    `}\n`,
  ];
  const byCode = [];
  for (const name of names) {
    const { code, status, message } = errorInfo(model, name);
    const members = Object.keys(model.shapes[name].members ?? {}).filter((m) => !/^message$/i.test(m));
    const keys = members.length ? members.map((m) => JSON.stringify(m)).join(' | ') : 'never';
    // Without a known default, the thrower must give AWS's (usually specific) message.
    const param = message === undefined ? 'message: string' : `message = ${JSON.stringify(message)}`;
    out.push(
      `export class ${typeName(name)} extends AwsError {`,
      `  static readonly code = ${JSON.stringify(code)};`,
      `  static readonly status = ${status};`,
      `  constructor(${param}, extra: Extra<${keys}> = {}, headers?: Record<string, string>) {`,
      `    super(${JSON.stringify(code)}, message, ${status}, defined(extra), headers);`,
      `  }`,
      `}\n`,
    );
    byCode.push([code, name]);
  }
  out.push(
    `export type ${serviceTypePrefix(model)}ErrorClass = new (message: string, extra?: Record<string, string | undefined>, headers?: Record<string, string>) => AwsError;\n`,
    `/** Every error class of the service by its AWS code (what the pipeline uses to raise auth errors). */`,
    `export const errorsByCode: Readonly<Record<string, ${serviceTypePrefix(model)}ErrorClass>> = {`,
    ...byCode
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([code, name]) => `  ${prop(code)}: ${name},`),
    `};`,
  );
  // Query services (IAM, STS) model errors whose code differs from the shape's name (IAM's
  // NoSuchEntity is NoSuchEntityException): CloudTrail records those by the shape's name. (EC2's
  // error shapes are the overlay's own, named after the code.)
  const renamed = model.metadata.protocol === 'query' ? byCode.filter(([code, name]) => code !== name) : [];
  if (renamed.length)
    out.push(
      `\n/** Error shape names by AWS code, where they differ (CloudTrail's errorCode is the shape name). */`,
      `export const shapeNamesByCode: Readonly<Record<string, string>> = {`,
      ...renamed.map(([code, name]) => `  ${prop(code)}: ${JSON.stringify(name)},`),
      `};`,
    );
  return out.join('\n') + '\n';
}

/** S3, Iam, Sts, Ec2, CloudTrail: the prefix of the service's aggregate type names. */
export function serviceTypePrefix(model) {
  return { s3: 'S3', iam: 'Iam', sts: 'Sts', ec2: 'Ec2', cloudtrail: 'CloudTrail' }[model.name] ?? model.name;
}

export function renderOperations(model) {
  const p = serviceTypePrefix(model);
  const ops = sorted(Object.keys(model.operations));
  const used = new Set();
  const sig = ops.map((op) => {
    const { input, output } = model.operations[op];
    if (input) used.add(input.shape);
    if (output) used.add(output.shape);
    const inType = input ? input.shape : 'NoInput';
    const outType = output ? output.shape : 'void';
    return `  ${op}(input: ${inType}, ctx: HandlerContext): Promise<${outType}>;`;
  });
  return (
    [
      `import type { HandlerContext, NoInput } from '../../services/handler-context.ts';`,
      `import type {\n${sorted(used)
        .map((n) => `  ${n},`)
        .join('\n')}\n} from './types.ts';\n`,
      `/** One method per ${model.metadata.serviceId} operation, keyed by the exact AWS operation name. */`,
      `export interface ${p}Operations {`,
      ...sig,
      `}\n`,
      `/** What a service implements: any subset; a missing operation answers NotImplemented. */`,
      `export type ${p}Handlers = Partial<${p}Operations>;\n`,
      `export type ${p}OperationName = keyof ${p}Operations;\n`,
      `export const ${p.toUpperCase()}_OPERATIONS: readonly ${p}OperationName[] = [`,
      ...ops.map((op) => `  '${op}',`),
      `];`,
    ].join('\n') + '\n'
  );
}

export function renderIndex() {
  return (
    [
      `export type * from './types.ts';`,
      `export * from './errors.ts';`,
      `export * from './operations.ts';`,
    ].join('\n') + '\n'
  );
}
