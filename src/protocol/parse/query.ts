/**
 * Parses `query` (IAM, STS) and `ec2` protocol requests: form parameters such as
 * `Policies.member.1` or EC2's `Filter.1.Value.2` into a typed input object, following the shape.
 */
import type { ServiceModel, Shape, ShapeRef } from '../model.ts';
import { AwsError } from '../../errors.ts';

type Tree = { [k: string]: Tree | string };

/** Splits `A.b.1.C=v` pairs into a nested tree: { A: { b: { 1: { C: v } } } }. */
export function paramTree(params: URLSearchParams): Tree {
  const root: Tree = {};
  for (const [key, value] of params) {
    const parts = key.split('.');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i]!;
      let next = node[p];
      if (typeof next !== 'object') node[p] = next = {};
      node = next;
    }
    const last = parts[parts.length - 1]!;
    if (typeof node[last] !== 'object') node[last] = value;
  }
  return root;
}

export interface QueryFlavor {
  ec2: boolean;
}

function serializedName(name: string, ref: ShapeRef, flavor: QueryFlavor): string {
  if (flavor.ec2) {
    if (ref.queryName) return ref.queryName;
    if (ref.locationName) return ref.locationName[0]!.toUpperCase() + ref.locationName.slice(1);
    return name;
  }
  return ref.locationName ?? name;
}

function invalid(flavor: QueryFlavor, message: string): AwsError {
  return flavor.ec2
    ? new AwsError('InvalidParameterValue', message)
    : new AwsError('ValidationError', message);
}

function scalar(shape: Shape, raw: string, path: string, flavor: QueryFlavor): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      if (!/^-?\d+$/.test(raw.trim()))
        throw invalid(flavor, `Invalid value '${raw}' for ${path}: not an integer`);
      return Number(raw);
    }
    case 'float':
    case 'double': {
      const n = Number(raw);
      if (raw.trim() === '' || Number.isNaN(n))
        throw invalid(flavor, `Invalid value '${raw}' for ${path}: not a number`);
      return n;
    }
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (lower !== 'true' && lower !== 'false')
        throw invalid(flavor, `Invalid value '${raw}' for ${path}: not a boolean`);
      return lower === 'true';
    }
    case 'timestamp': {
      const d = /^\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
      if (Number.isNaN(d.getTime()))
        throw invalid(flavor, `Invalid value '${raw}' for ${path}: not a timestamp`);
      return d;
    }
    case 'blob':
      return Buffer.from(raw, 'base64');
    default:
      return raw;
  }
}

/** Numbered children (1, 2, ...) of a tree node, in numeric order. */
function numbered(node: Tree): (Tree | string)[] {
  return Object.keys(node)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => node[k]!);
}

function parseValue(
  model: ServiceModel,
  ref: ShapeRef,
  node: Tree | string,
  path: string,
  flavor: QueryFlavor,
): unknown {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure':
      return typeof node === 'object' ? parseStructure(model, shape, node, path, flavor) : {};
    case 'list': {
      // AWS sends `Name=` for an empty list.
      if (typeof node !== 'object') return [];
      const memberRef = shape.member!;
      const flattened = flavor.ec2 || shape.flattened || ref.flattened;
      const container = flattened ? node : node[memberRef.locationName ?? 'member'];
      if (typeof container !== 'object') return [];
      return numbered(container).map((item, i) =>
        parseValue(model, memberRef, item, `${path}.${i + 1}`, flavor),
      );
    }
    case 'map': {
      if (typeof node !== 'object') return {};
      const flattened = shape.flattened || ref.flattened;
      const container = flattened ? node : node.entry;
      if (typeof container !== 'object') return {};
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      const out: Record<string, unknown> = {};
      for (const entry of numbered(container)) {
        if (typeof entry !== 'object') continue;
        const k = entry[keyName];
        const v = entry[valueName];
        if (typeof k === 'string' && v !== undefined)
          out[k] = parseValue(model, shape.value!, v, path, flavor);
      }
      return out;
    }
    default:
      return typeof node === 'string' ? scalar(shape, node, path, flavor) : undefined;
  }
}

function parseStructure(
  model: ServiceModel,
  shape: Shape,
  node: Tree,
  path: string,
  flavor: QueryFlavor,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const key = serializedName(name, ref, flavor);
    const child = node[key];
    if (child === undefined) continue;
    const value = parseValue(model, ref, child, path ? `${path}.${key}` : key, flavor);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** What an ec2-protocol request carries besides its input: the action and a query signature. */
const EC2_PROTOCOL_PARAMS = new Set([
  'Action',
  'Version',
  // Signature Version 2 (older clients).
  'AWSAccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'Timestamp',
  'Expires',
  'SecurityToken',
]);

/**
 * EC2 refuses a parameter its input does not have, naming its first segment (`Filter` for
 * `Filter.1.Name`), case-sensitively. IAM and STS answer differently, so only EC2 checks.
 */
const ec2ParamNames = new WeakMap<Shape, Set<string>>();
const NO_INPUT: Shape = { type: 'structure', members: {} };

function refuseUnknownEc2Params(shape: Shape, params: URLSearchParams, flavor: QueryFlavor): void {
  // The input's wire names, once per shape (not per request).
  let known = ec2ParamNames.get(shape);
  if (!known) {
    known = new Set(
      Object.entries(shape.members ?? {}).map(([name, ref]) => serializedName(name, ref, flavor)),
    );
    ec2ParamNames.set(shape, known);
  }
  for (const key of params.keys()) {
    const first = key.split('.')[0]!;
    if (first === '' || known.has(first) || EC2_PROTOCOL_PARAMS.has(first)) continue;
    // Signature Version 4 in the query string (presigned): X-Amz-Algorithm, -Credential, ...
    if (/^x-amz-/i.test(key)) continue;
    throw new AwsError('UnknownParameter', `The parameter ${first} is not recognized`, 400);
  }
}

export function parseQueryInput(
  model: ServiceModel,
  inputRef: ShapeRef | undefined,
  params: URLSearchParams,
): Record<string, unknown> {
  const flavor = { ec2: model.metadata.protocol === 'ec2' };
  const shape: Shape = inputRef ? model.shapes[inputRef.shape]! : NO_INPUT;
  if (flavor.ec2) refuseUnknownEc2Params(shape, params, flavor);
  if (!inputRef) return {};
  return parseStructure(model, shape, paramTree(params), '', flavor);
}
