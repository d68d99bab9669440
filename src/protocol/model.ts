/**
 * Loads an AWS service model (botocore's JSON format, documentation stripped, in models/) and
 * merges its overlay (models/overlays/<svc>.json: shapes and operation errors AWS returns but
 * does not model). Everything protocol-level is driven by these shapes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ServiceName = 's3' | 'iam' | 'sts' | 'ec2' | 'cloudtrail';
export type Protocol = 'query' | 'ec2' | 'rest-xml' | 'json';

export interface ShapeRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  queryName?: string;
  xmlNamespace?: { uri: string; prefix?: string };
  xmlAttribute?: boolean;
  flattened?: boolean;
  streaming?: boolean;
  idempotencyToken?: boolean;
  hostLabel?: boolean;
  jsonvalue?: boolean;
  eventpayload?: boolean;
  [k: string]: unknown;
}

export interface Shape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'float'
    | 'double'
    | 'boolean'
    | 'timestamp'
    | 'blob';
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  payload?: string;
  flattened?: boolean;
  locationName?: string;
  xmlNamespace?: { uri: string; prefix?: string };
  timestampFormat?: 'iso8601' | 'rfc822' | 'unixTimestamp';
  streaming?: boolean;
  exception?: boolean;
  fault?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  sensitive?: boolean;
  document?: boolean;
  /** Overlay extension: AWS's usual message for an error shape, used when a thrower gives none. */
  defaultMessage?: string;
  /** Overlay extension: the service's own sentence for a pattern failure ({path} = member path). */
  patternMessage?: string;
  [k: string]: unknown;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: ShapeRef;
  output?: ShapeRef & { resultWrapper?: string };
  errors?: ShapeRef[];
  [k: string]: unknown;
}

export interface ServiceModel {
  name: ServiceName;
  metadata: {
    apiVersion: string;
    protocol: Protocol;
    protocols?: string[];
    endpointPrefix: string;
    signingName?: string;
    targetPrefix?: string;
    jsonVersion?: string;
    xmlNamespace?: string;
    serviceId: string;
    [k: string]: unknown;
  };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** models/ sits at the repo root; from src/protocol or from the dist/ bundle. */
function modelsDir(): string {
  for (const candidate of [join(here, '..', '..', 'models'), join(here, '..', 'models')]) {
    if (existsSync(join(candidate, 'sts.json'))) return candidate;
  }
  throw new Error(`models/ not found near ${here}`);
}

interface Overlay {
  shapes?: Record<string, Shape>;
  operations?: Record<string, Partial<Operation> & { addErrors?: ShapeRef[] }>;
}

const cache = new Map<ServiceName, ServiceModel>();

export function loadModel(name: ServiceName): ServiceModel {
  const cached = cache.get(name);
  if (cached) return cached;
  const dir = modelsDir();
  const model = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as ServiceModel;
  model.name = name;
  const overlayPath = join(dir, 'overlays', `${name}.json`);
  if (existsSync(overlayPath)) applyOverlay(model, JSON.parse(readFileSync(overlayPath, 'utf8')) as Overlay);
  cache.set(name, model);
  return model;
}

function applyOverlay(model: ServiceModel, overlay: Overlay): void {
  // Overlay shapes merge into modelled ones (so an overlay can add an error code, status or
  // members to a modelled error); an overlay error never silently replaces a plain structure.
  for (const [name, patch] of Object.entries(overlay.shapes ?? {})) {
    const existing = model.shapes[name];
    if (existing && patch.exception && !existing.exception) {
      throw new Error(`${model.name} overlay: ${name} is a modelled non-error shape; rename the error shape`);
    }
    if (!existing && !patch.type) throw new Error(`${model.name} overlay: patches unknown shape ${name}`);
    // Members merge too, so an overlay can add one member (a statusCode) to a modelled shape.
    model.shapes[name] = existing
      ? {
          ...existing,
          ...patch,
          ...(existing.members && patch.members
            ? { members: { ...existing.members, ...patch.members } }
            : {}),
        }
      : patch;
  }
  for (const [opName, patch] of Object.entries(overlay.operations ?? {})) {
    const { addErrors, ...rest } = patch;
    const op = (model.operations[opName] ??= { name: opName, ...rest } as Operation);
    Object.assign(op, rest);
    if (addErrors) op.errors = [...(op.errors ?? []), ...addErrors];
  }
}

export function shapeOf(model: ServiceModel, ref: ShapeRef | string): Shape {
  const name = typeof ref === 'string' ? ref : ref.shape;
  const shape = model.shapes[name];
  if (!shape) throw new Error(`${model.name}: unknown shape ${name}`);
  return shape;
}

/** A structure member with its shape and wire names, as the HTTP bindings use them. */
export interface MemberBinding {
  name: string;
  ref: ShapeRef;
  shape: Shape;
  /** locationName, else the member name. */
  wire: string;
  /** The wire name lower-cased (header names). */
  header: string;
}

const bindingCache = new WeakMap<Shape, MemberBinding[]>();

/** A structure's members in model order, worked out once per shape (requests walk them often). */
export function memberBindings(model: ServiceModel, shape: Shape): MemberBinding[] {
  let list = bindingCache.get(shape);
  if (!list) {
    list = Object.entries(shape.members ?? {}).map(([name, ref]) => {
      const wire = ref.locationName ?? name;
      return { name, ref, shape: shapeOf(model, ref), wire, header: wire.toLowerCase() };
    });
    bindingCache.set(shape, list);
  }
  return list;
}
