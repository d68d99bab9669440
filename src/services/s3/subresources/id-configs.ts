/**
 * The Id-keyed bucket configurations: analytics, inventory, metrics and S3 Intelligent-Tiering.
 * Each family is one stored document per bucket (Id → configuration), at most 1,000 entries,
 * listed 100 at a time in Id order. Stored and answered only: no analysis, inventory report,
 * CloudWatch metric or tiering ever happens.
 */
import { AwsError } from '../../../errors.ts';
import { MalformedXML } from '../../../generated/s3/errors.ts';
import type { FeatureEnv } from '../access/env.ts';
import type { ConfigKind } from '../access/config-store.ts';
import { decodeToken, encodeToken } from '../tokens.ts';

const MAX_CONFIGURATIONS = 1000;
const PAGE = 100;

type Config = { Id: string } & Record<string, unknown>;

interface Family {
  kind: ConfigKind;
  /** The operations' noun: Put/Get/DeleteBucket<noun>Configuration, ListBucket<noun>Configurations. */
  noun: 'Analytics' | 'Inventory' | 'Metrics' | 'IntelligentTiering';
  /** Checks the document beyond the model (the Id of the request is `id`). */
  validate(id: string, c: Config): void;
}

const noSuchConfiguration = () =>
  new AwsError('NoSuchConfiguration', 'The specified configuration does not exist.', 404);

const idMustMatch = (id: string, c: Config) => {
  if (c.Id !== id) throw new MalformedXML();
};

const INVENTORY_FORMATS = new Set(['CSV', 'ORC', 'Parquet']);
const INVENTORY_FREQUENCIES = new Set(['Daily', 'Weekly']);
const INVENTORY_VERSIONS = new Set(['All', 'Current']);
/** The model's InventoryOptionalField values. */
const INVENTORY_FIELDS = new Set([
  'Size',
  'LastModifiedDate',
  'StorageClass',
  'ETag',
  'IsMultipartUploaded',
  'ReplicationStatus',
  'EncryptionStatus',
  'ObjectLockRetainUntilDate',
  'ObjectLockMode',
  'ObjectLockLegalHoldStatus',
  'IntelligentTieringAccessTier',
  'BucketKeyStatus',
  'ChecksumAlgorithm',
  'ObjectAccessControlList',
  'ObjectOwner',
  'LifecycleExpirationDate',
]);

function validateInventory(id: string, c: Config): void {
  const dest = (c.Destination as { S3BucketDestination?: Record<string, unknown> } | undefined)
    ?.S3BucketDestination;
  const schedule = c.Schedule as { Frequency?: string } | undefined;
  if (
    !dest ||
    typeof dest.Bucket !== 'string' ||
    !INVENTORY_FORMATS.has(dest.Format as string) ||
    !INVENTORY_FREQUENCIES.has(schedule?.Frequency ?? '') ||
    !INVENTORY_VERSIONS.has(c.IncludedObjectVersions as string) ||
    c.IsEnabled === undefined ||
    ((c.OptionalFields as string[] | undefined) ?? []).some((f) => !INVENTORY_FIELDS.has(f))
  )
    throw new MalformedXML();
  if (c.Id !== id)
    throw new AwsError('IdMismatch', 'Document ID does not match the specified configuration ID.', 400);
  if (!/^arn:[^:]+:s3:::.+/.test(dest.Bucket))
    throw new AwsError('InvalidS3DestinationBucket', 'Invalid bucket ARN.', 400);
}

const TIERING_STATUSES = new Set(['Enabled', 'Disabled']);
const ACCESS_TIERS = new Set(['ARCHIVE_ACCESS', 'DEEP_ARCHIVE_ACCESS']);

function validateTiering(id: string, c: Config): void {
  idMustMatch(id, c);
  const tierings = (c.Tierings as { AccessTier?: string; Days?: number }[] | undefined) ?? [];
  if (!TIERING_STATUSES.has(c.Status as string) || tierings.length === 0) throw new MalformedXML();
  if (tierings.some((t) => !ACCESS_TIERS.has(t.AccessTier ?? '') || t.Days === undefined))
    throw new MalformedXML();
}

const FAMILIES: Family[] = [
  { kind: 'analytics', noun: 'Analytics', validate: idMustMatch },
  { kind: 'inventory', noun: 'Inventory', validate: validateInventory },
  // Whether S3 compares a metrics document's Id with the request's is not known; the request's keys it.
  { kind: 'metrics', noun: 'Metrics', validate: () => {} },
  { kind: 'intelligent-tiering', noun: 'IntelligentTiering', validate: validateTiering },
];

type Handler = (input: Record<string, any>) => Promise<unknown>;

function familyHandlers(env: FeatureEnv, f: Family): Record<string, Handler> {
  const member = `${f.noun}Configuration`;
  const load = async (bucket: string) => {
    const b = await env.s3.bucket(bucket);
    return { b, all: (await env.config.get<Record<string, Config>>(b, f.kind)) ?? {} };
  };
  return {
    [`PutBucket${member}`]: async (input) => {
      const { b, all } = await load(input.Bucket);
      const id = input.Id as string;
      const c = input[member] as Config | undefined;
      if (!c) throw new MalformedXML();
      f.validate(id, c);
      if (!(id in all) && Object.keys(all).length >= MAX_CONFIGURATIONS)
        throw new AwsError(
          'TooManyConfigurations',
          'You are attempting to create a new configuration but have already reached the 1,000-configuration limit.',
          400,
        );
      await env.config.put(b, f.kind, { ...all, [id]: { ...c, Id: id } });
    },

    [`GetBucket${member}`]: async (input) => {
      const { all } = await load(input.Bucket);
      const c = Object.hasOwn(all, input.Id) ? all[input.Id] : undefined;
      if (!c) throw noSuchConfiguration();
      return { [member]: c };
    },

    [`DeleteBucket${member}`]: async (input) => {
      const { b, all } = await load(input.Bucket);
      if (!Object.hasOwn(all, input.Id)) throw noSuchConfiguration();
      const { [input.Id as string]: _gone, ...rest } = all;
      await env.config.put(b, f.kind, Object.keys(rest).length ? rest : undefined);
    },

    [`ListBucket${member}s`]: async (input) => {
      const { all } = await load(input.Bucket);
      const token = input.ContinuationToken as string | undefined;
      const after = token === undefined ? undefined : decodeToken(token, 'continuation-token');
      const ids = Object.keys(all)
        .filter((id) => after === undefined || id > after)
        .sort();
      const page = ids.slice(0, PAGE);
      const truncated = ids.length > PAGE;
      return {
        IsTruncated: truncated,
        ...(token !== undefined ? { ContinuationToken: token } : {}),
        ...(truncated ? { NextContinuationToken: encodeToken(page[page.length - 1]!) } : {}),
        [`${member}List`]: page.map((id) => all[id]),
      };
    },
  };
}

export function idConfigHandlers(env: FeatureEnv): Record<string, Handler> {
  return Object.assign({}, ...FAMILIES.map((f) => familyHandlers(env, f)));
}
