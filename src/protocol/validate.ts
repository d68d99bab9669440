/**
 * Model-driven input validation: required members, lengths, numeric ranges, patterns and enums,
 * checked the way each AWS protocol family checks them, reported as AWS words them.
 *
 * - query (IAM, STS) and json (CloudTrail): every constraint, all issues aggregated into one
 *   `ValidationError` / `ValidationException`: "2 validation errors detected: Value 'x' at
 *   'roleSessionName' failed to satisfy constraint: Member must ...; Value ...". Paths use the
 *   member names with a lower-case first letter, items of lists of structures as
 *   `tags.1.member.key`. A list of scalars is checked as a whole: bad items make one issue at the
 *   list's path, "Member must satisfy constraint: [every constraint of the item shape, Member must
 *   not be null]" (IAM's UntagPolicy as AWS answers it). AWS's order of several issues is not
 *   stable (Cognito answers the same two in either order); Stratus keeps model order.
 *   IAM (since about 2023) no longer echoes string values ("Value at 'roleName' ..."); STS does.
 *   A shape's overlay `patternMessage` replaces the whole message (IAM: "The specified value for
 *   userName is invalid. It must contain only alphanumeric characters and/or ...").
 * - ec2: only a missing required parameter (`MissingParameter`, "The request must contain the
 *   parameter X") and numeric ranges (`InvalidParameterValue`) are generic; enums, lengths and
 *   patterns are checked by the handlers with their operation-specific messages.
 * - rest-xml (S3): only required members; S3 rejects a body missing one as `MalformedXML`.
 *   S3 does not validate enums or patterns generically (handlers do what S3 does).
 */
import { AwsError } from '../errors.ts';
import { javaPattern } from './java-regex.ts';
import type { Protocol, ServiceModel, ServiceName, Shape, ShapeRef } from './model.ts';

/** `member`: items of a list of scalars break their shape's constraints (one issue per list). */
export type IssueKind = 'required' | 'length' | 'range' | 'pattern' | 'enum' | 'member';

export interface ValidationIssue {
  kind: IssueKind;
  /** The path as query/json AWS services print it: 'roleSessionName', 'tags.1.member.key'. */
  path: string;
  /** The path in wire (EC2 query) form: 'ImageId', 'IpPermissions.1.IpProtocol'. */
  wirePath: string;
  /** The constraint text: "Member must have length greater than or equal to 2". */
  constraint: string;
  /** The offending value (undefined for a missing member). */
  value: unknown;
  /** The value must not be echoed (sensitive shapes, or a service that no longer echoes it). */
  redact: boolean;
  /** Inside the request's XML/JSON body rather than a header, URI label or query parameter. */
  inPayload: boolean;
  /** For ranges/lengths: the bound that failed. */
  bound?: { min?: number; max?: number };
  /** The service's own whole message for this issue (IAM names and paths), replacing the generic one. */
  message?: string;
}

interface Rules {
  kinds: ReadonlySet<IssueKind>;
  /** Whether string-like values are echoed in messages. */
  echoStrings: boolean;
  /** Whether any constraint beyond 'required' is checked (else scalars need no visit at all). */
  constraints: boolean;
  /** Coral (query, json): a list of scalars is checked as a whole; EC2 names each item (Name.1). */
  listsAsWhole: boolean;
}

const ALL: ReadonlySet<IssueKind> = new Set(['required', 'length', 'range', 'pattern', 'enum', 'member']);
const EC2_RULES: Rules = {
  kinds: new Set(['required', 'range']),
  echoStrings: true,
  constraints: true,
  listsAsWhole: false,
};
const REST_XML_RULES: Rules = {
  kinds: new Set(['required']),
  echoStrings: true,
  constraints: false,
  listsAsWhole: false,
};
const ECHOING_RULES: Rules = { kinds: ALL, echoStrings: true, constraints: true, listsAsWhole: true };
const SILENT_RULES: Rules = { kinds: ALL, echoStrings: false, constraints: true, listsAsWhole: true };

function rulesFor(model: ServiceModel): Rules {
  switch (model.metadata.protocol) {
    case 'ec2':
      return EC2_RULES;
    case 'rest-xml':
      return REST_XML_RULES;
    default:
      return model.name !== 'iam' ? ECHOING_RULES : SILENT_RULES;
  }
}

/**
 * Checks `input` (the parsed request, AWS member names) against the operation's input shape.
 * Returns the issues in model member order; empty when the input is acceptable.
 */
export function validateInput(
  model: ServiceModel,
  operationName: string,
  input: Record<string, unknown>,
): ValidationIssue[] {
  const op = model.operations[operationName];
  if (!op) throw new Error(`${model.name}: unknown operation ${operationName}`);
  if (!op.input) return [];
  const rules = rulesFor(model);
  const issues: ValidationIssue[] = [];
  const top = model.shapes[op.input.shape]!;
  walkStructure(
    model,
    rules,
    top,
    input ?? {},
    { path: '', wire: '', depth: 0, payload: top.payload },
    issues,
  );
  return issues;
}

interface Where {
  path: string;
  wire: string;
  depth: number;
  /** At the top level: the name of the member that is the HTTP payload, if any. */
  payload?: string;
}

const lowerFirst = (s: string) => (s ? s[0]!.toLowerCase() + s.slice(1) : s);
const upperFirst = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
const join = (a: string, b: string) => (a ? `${a}.${b}` : b);

function walkStructure(
  model: ServiceModel,
  rules: Rules,
  shape: Shape,
  value: Record<string, unknown>,
  where: Where,
  issues: ValidationIssue[],
): void {
  const required = shape.required;
  for (const name in shape.members) {
    const ref = shape.members[name]!;
    const member = value[name];
    const missing = member === undefined || member === null;
    if (missing ? !required?.includes(name) || !rules.kinds.has('required') : !needsVisit(model, rules, ref))
      continue;
    const inPayload =
      where.depth > 0 ||
      (where.payload ? where.payload === name : !ref.location && model.metadata.protocol !== 'rest-xml');
    // EC2's wire names come from queryName, else the capitalised locationName.
    const wireName = ref.queryName ?? upperFirst(ref.locationName ?? name);
    const here = {
      path: join(where.path, lowerFirst(name)),
      wire: join(where.wire, wireName),
      depth: where.depth + 1,
    };
    if (missing) {
      issues.push({
        kind: 'required',
        path: here.path,
        wirePath: here.wire,
        constraint: 'Member must not be null',
        value: undefined,
        redact: !rules.echoStrings,
        inPayload,
      });
      continue;
    }
    walkValue(model, rules, ref, member, here, inPayload, issues);
  }
}

/** Whether a present value can hold an issue: any value under constraints, else only containers. */
function needsVisit(model: ServiceModel, rules: Rules, ref: ShapeRef): boolean {
  if (rules.constraints) return true;
  const type = model.shapes[ref.shape]!.type;
  return type === 'structure' || type === 'list' || type === 'map';
}

function walkValue(
  model: ServiceModel,
  rules: Rules,
  ref: ShapeRef,
  value: unknown,
  where: Where,
  inPayload: boolean,
  issues: ValidationIssue[],
): void {
  const shape = model.shapes[ref.shape]!;
  const redact = Boolean(shape.sensitive) || (!rules.echoStrings && !isNumeric(shape));
  const push = (kind: IssueKind, constraint: string, bound?: ValidationIssue['bound'], message?: string) => {
    if (rules.kinds.has(kind)) {
      issues.push({
        kind,
        path: where.path,
        wirePath: where.wire,
        constraint,
        value,
        redact,
        inPayload,
        bound,
        message,
      });
    }
  };
  if (rules.constraints) {
    for (const c of scalarConstraints(shape, value)) {
      const own = c.kind === 'pattern' ? shape.patternMessage?.replaceAll('{path}', where.path) : undefined;
      push(c.kind, c.constraint, c.bound, own);
    }
  }
  // Nested values.
  if (shape.type === 'structure' && isRecord(value)) {
    walkStructure(model, rules, shape, value, { ...where }, issues);
  } else if (shape.type === 'list' && Array.isArray(value) && shape.member) {
    const itemShape = model.shapes[shape.member.shape]!;
    if (rules.listsAsWhole && isScalar(itemShape)) {
      const constraint = rules.constraints ? listMemberIssue(itemShape, value) : undefined;
      if (constraint) push('member', constraint);
      return;
    }
    value.forEach((item, i) => {
      if (item === undefined || item === null) return;
      const n = String(i + 1);
      walkValue(
        model,
        rules,
        shape.member!,
        item,
        // EC2 flattens lists (Name.1); the query/json Coral path names the item `N.member`.
        { path: `${where.path}.${n}.member`, wire: `${where.wire}.${n}`, depth: where.depth + 1 },
        inPayload,
        issues,
      );
    });
  } else if (shape.type === 'map' && isRecord(value) && shape.value) {
    for (const [k, v] of Object.entries(value)) {
      if (shape.key)
        walkValue(
          model,
          rules,
          shape.key,
          k,
          { path: `${where.path}.${k}`, wire: `${where.wire}.${k}`, depth: where.depth + 1 },
          inPayload,
          issues,
        );
      if (v !== undefined && v !== null) {
        walkValue(
          model,
          rules,
          shape.value,
          v,
          { path: `${where.path}.${k}`, wire: `${where.wire}.${k}`, depth: where.depth + 1 },
          inPayload,
          issues,
        );
      }
    }
  }
}

interface Constraint {
  kind: IssueKind;
  constraint: string;
  bound?: ValidationIssue['bound'];
}

/**
 * The constraints a scalar value breaks, in the order Coral reports them: length/range, pattern,
 * enum. With `all`, every constraint the shape has, broken or not (for list members, below).
 */
function scalarConstraints(shape: Shape, value: unknown, all = false): Constraint[] {
  const out: Constraint[] = [];
  const size = sizeOf(shape, value);
  const lengthy = shape.type === 'string' || shape.type === 'blob';
  if (all ? lengthy : size !== undefined) {
    // Coral lists the upper bound first when it prints them all.
    if (shape.max !== undefined && (all || size! > shape.max))
      out.push({
        kind: 'length',
        constraint: `Member must have length less than or equal to ${shape.max}`,
        bound: { max: shape.max },
      });
    if (shape.min !== undefined && (all || size! < shape.min))
      out.push({
        kind: 'length',
        constraint: `Member must have length greater than or equal to ${shape.min}`,
        bound: { min: shape.min },
      });
  }
  if (isNumeric(shape)) {
    const n = typeof value === 'number' ? value : Number(value);
    if (all || !Number.isNaN(n)) {
      if (shape.max !== undefined && (all || n > shape.max))
        out.push({
          kind: 'range',
          constraint: `Member must have value less than or equal to ${shape.max}`,
          bound: { max: shape.max },
        });
      if (shape.min !== undefined && (all || n < shape.min))
        out.push({
          kind: 'range',
          constraint: `Member must have value greater than or equal to ${shape.min}`,
          bound: { min: shape.min },
        });
    }
  }
  if (shape.type === 'string' && (all || typeof value === 'string')) {
    if (shape.pattern && (all || !javaPattern(shape.pattern).test(value as string)))
      out.push({
        kind: 'pattern',
        constraint: `Member must satisfy regular expression pattern: ${shape.pattern}`,
      });
    if (shape.enum && (all || !shape.enum.includes(value as string)))
      out.push({
        kind: 'enum',
        constraint: `Member must satisfy enum value set: [${shape.enum.join(', ')}]`,
      });
  }
  return out;
}

const isScalar = (s: Shape) => s.type !== 'structure' && s.type !== 'list' && s.type !== 'map';

/**
 * A list of scalars whose items break their shape's constraints is one issue at the list's path
 * naming every constraint of the item shape and "Member must not be null", as Coral words it:
 * "Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must
 * have length less than or equal to 128, Member must have length greater than or equal to 1,
 * Member must satisfy regular expression pattern: ..., Member must not be null]".
 */
function listMemberIssue(item: Shape, items: unknown[]): string | undefined {
  const bad = items.some((v) => v === undefined || v === null || scalarConstraints(item, v).length > 0);
  if (!bad) return undefined;
  const all = scalarConstraints(item, undefined, true).map((c) => c.constraint);
  return `Member must satisfy constraint: [${[...all, 'Member must not be null'].join(', ')}]`;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumeric = (s: Shape) =>
  s.type === 'integer' || s.type === 'long' || s.type === 'float' || s.type === 'double';

/** Length as AWS counts it: code points for strings, bytes for blobs, items for lists and maps. */
function sizeOf(shape: Shape, value: unknown): number | undefined {
  switch (shape.type) {
    case 'string':
      return typeof value === 'string' ? [...value].length : undefined;
    case 'blob':
      return Buffer.isBuffer(value) || value instanceof Uint8Array
        ? value.byteLength
        : typeof value === 'string'
          ? Buffer.byteLength(value)
          : undefined;
    case 'list':
      return Array.isArray(value) ? value.length : undefined;
    case 'map':
      return isRecord(value) ? Object.keys(value).length : undefined;
    default:
      return undefined;
  }
}

/** "Value 'x' at 'path'", "Value null at 'path'", or "Value at 'path'" when not echoed. */
function describe(issue: ValidationIssue): string {
  if (issue.redact) return `Value at '${issue.path}'`;
  if (issue.value === undefined) return `Value null at '${issue.path}'`;
  return `Value '${render(issue.value)}' at '${issue.path}'`;
}

/** Java's toString of the value, as Coral prints it. */
function render(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (isRecord(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${render(v)}`)
      .join(', ')}}`;
  return String(value);
}

/** The AWS message for a set of query/json issues: "N validation error(s) detected: ...; ...". */
export function validationMessage(issues: ValidationIssue[]): string {
  const n = issues.length;
  const parts = issues.map((i) => `${describe(i)} failed to satisfy constraint: ${i.constraint}`);
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}

const PROTOCOLS: Record<ServiceName, Protocol> = {
  s3: 'rest-xml',
  iam: 'query',
  sts: 'query',
  ec2: 'ec2',
  cloudtrail: 'json',
};

/**
 * The one error AWS answers for these issues (call only with a non-empty list), by protocol:
 * query → ValidationError, json → ValidationException, ec2 → MissingParameter or
 * InvalidParameterValue (first issue), rest-xml → MalformedXML (body) or InvalidArgument.
 */
export function validationError(
  target: ServiceModel | ServiceName | Protocol,
  issues: ValidationIssue[],
): AwsError {
  if (!issues.length) throw new Error('validationError called without issues');
  const protocol =
    typeof target === 'object'
      ? target.metadata.protocol
      : (PROTOCOLS[target as ServiceName] ?? (target as Protocol));
  const first = issues[0]!;
  switch (protocol) {
    case 'query': {
      // IAM's own sentences (bad name or path) replace the aggregated message.
      const own = issues.find((i) => i.message);
      return new AwsError('ValidationError', own?.message ?? validationMessage(issues), 400);
    }
    case 'json':
      return new AwsError('ValidationException', validationMessage(issues), 400);
    case 'ec2': {
      const missing = issues.find((i) => i.kind === 'required');
      if (missing)
        return new AwsError(
          'MissingParameter',
          `The request must contain the parameter ${missing.wirePath}`,
          400,
        );
      return new AwsError('InvalidParameterValue', ec2ValueMessage(first), 400);
    }
    case 'rest-xml': {
      const body = issues.find((i) => i.inPayload);
      if (body) {
        return new AwsError(
          'MalformedXML',
          'The XML you provided was not well-formed or did not validate against our published schema',
          400,
        );
      }
      return new AwsError('InvalidArgument', `${first.constraint.replace(/^Member/, first.wirePath)}`, 400, {
        ArgumentName: first.wirePath,
        ...(first.value !== undefined ? { ArgumentValue: render(first.value) } : {}),
      });
    }
  }
}

/** EC2's wording for an out-of-range number (e.g. MaxResults). */
function ec2ValueMessage(issue: ValidationIssue): string {
  const param = lowerFirst(issue.wirePath);
  const expect =
    issue.bound?.min !== undefined
      ? `Expecting a value greater than or equal to ${issue.bound.min}.`
      : `Expecting a value less than or equal to ${issue.bound?.max}.`;
  return `Value ( ${render(issue.value)} ) for parameter ${param} is invalid. ${expect}`;
}
