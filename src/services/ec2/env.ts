/** What every EC2 handler shares: the repository, the machine driver, and small helpers. */
import { AwsError } from '../../errors.ts';
import {
  DryRunOperation,
  InvalidParameterValue,
  MissingParameter,
  TagLimitExceeded,
} from '../../generated/ec2/errors.ts';
import type { MachineDriver } from '../../machines/driver.ts';
import type { HandlerContext } from '../handler.ts';
import type { Tag, TagSpecification } from '../../generated/ec2/types.ts';
import { isId } from './ids.ts';
import type { Ec2Repository, Scope } from './store.ts';

export interface Ec2Env {
  repo: Ec2Repository;
  driver: MachineDriver;
  /**
   * Runs fn alone among the changes of its account and region. Every handler that changes state
   * runs this way, and so must background writers (driver state changes, image completion):
   * documents are read and written across awaits, and interleaved writers would lose updates.
   */
  exclusive<T>(scope: Scope, fn: () => Promise<T>): Promise<T>;
  /** Creates the default VPC and friends for a scope on first use. */
  ensureDefaults(scope: Scope): Promise<void>;
  /**
   * An instance profile by name or ARN as IAM knows it; undefined when IAM says it does not
   * exist. When no IAM service runs, a profile is assumed (a soft dependency).
   */
  instanceProfile(ctx: HandlerContext, nameOrArn: string): Promise<{ arn: string; id: string } | undefined>;
}

export function scopeOf(ctx: HandlerContext): Scope {
  return { account: ctx.accountId, region: ctx.region };
}

export function arn(scope: Scope, type: string, id: string): string {
  return `arn:aws:ec2:${scope.region}:${scope.account}:${type}/${id}`;
}

/**
 * Tags of a TagSpecifications list for one resource type. `accepted` are the types the operation
 * can tag (by default only `resourceType`); any other is InvalidParameterValue, as on AWS.
 */
export function tagsFor(
  specs: TagSpecification[] | undefined,
  resourceType: string,
  accepted: readonly string[] = [resourceType],
): Tag[] {
  const out: Tag[] = [];
  for (const s of specs ?? []) {
    if (s.ResourceType !== undefined && !accepted.includes(s.ResourceType))
      throw new InvalidParameterValue(
        `'${s.ResourceType}' is not a valid taggable resource type for this operation.`,
      );
    if (s.ResourceType === resourceType)
      out.push(...(s.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })));
  }
  validateTags(out);
  return out;
}

export function validateTags(tags: Tag[]): void {
  for (const t of tags) {
    const key = t.Key ?? '';
    // AWS's words (aws/aws-cli#3283), quotes included.
    if (key.length === 0)
      throw new InvalidParameterValue(
        "Value ( '' ) for parameter Tag key is invalid. Tag key cannot be null or empty.",
      );
    if (key.length > 128) {
      throw new InvalidParameterValue(`Tag key exceeds the maximum length of 128 characters`);
    }
    if (key.toLowerCase().startsWith('aws:')) {
      throw new InvalidParameterValue(
        `Value ( ${key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use`,
      );
    }
    if ((t.Value ?? '').length > 256)
      throw new InvalidParameterValue('Tag value exceeds the maximum length of 256 characters');
  }
  if (tags.length > 50)
    throw new TagLimitExceeded('The maximum number of Tags for a resource has been reached.');
}

export function requireParam(value: unknown, name: string): void {
  if (value === undefined || value === null || value === '') {
    throw new MissingParameter(`The request must contain the parameter ${name}`);
  }
}

export function dryRun(input: { DryRun?: boolean }): void {
  if (input.DryRun) throw new DryRunOperation();
}

/** `Invalid id: "x" (expecting "vpc-...")`: AWS's message for malformed ids. */
export function malformed(code: string, id: string, prefix: string): AwsError {
  return new AwsError(code, `Invalid id: "${id}" (expecting "${prefix}-...")`);
}

/** Loads a resource by id or throws the id's Malformed / NotFound error as AWS words them. */
export async function mustGet<T>(
  env: Ec2Env,
  scope: { account: string; region: string },
  id: string | undefined,
  prefix: string,
  errors: { malformed: string; notFound: string; notFoundMessage: (id: string) => string },
): Promise<T> {
  const value = id ?? '';
  // AWS parses ids before looking them up: a prefix and 8 or 17 hex digits, else Malformed.
  if (!isId(prefix, value)) throw malformed(errors.malformed, value, prefix);
  const doc = await env.repo.get<T>(scope, value);
  if (!doc || (doc as { _deleted?: boolean })._deleted)
    throw new AwsError(errors.notFound, errors.notFoundMessage(value));
  return doc;
}

export const VPC_ERRORS = {
  malformed: 'InvalidVpcID.Malformed',
  notFound: 'InvalidVpcID.NotFound',
  notFoundMessage: (id: string) => `The vpc ID '${id}' does not exist`,
};
export const SUBNET_ERRORS = {
  malformed: 'InvalidSubnetID.Malformed',
  notFound: 'InvalidSubnetID.NotFound',
  notFoundMessage: (id: string) => `The subnet ID '${id}' does not exist`,
};
export const GROUP_ERRORS = {
  malformed: 'InvalidGroupId.Malformed',
  notFound: 'InvalidGroup.NotFound',
  notFoundMessage: (id: string) => `The security group '${id}' does not exist`,
};
export const IGW_ERRORS = {
  malformed: 'InvalidInternetGatewayId.Malformed',
  notFound: 'InvalidInternetGatewayID.NotFound',
  notFoundMessage: (id: string) => `The internetGateway ID '${id}' does not exist`,
};
export const RTB_ERRORS = {
  malformed: 'InvalidRouteTableId.Malformed',
  notFound: 'InvalidRouteTableID.NotFound',
  notFoundMessage: (id: string) => `The routeTable ID '${id}' does not exist`,
};
export const INSTANCE_ERRORS = {
  malformed: 'InvalidInstanceID.Malformed',
  notFound: 'InvalidInstanceID.NotFound',
  notFoundMessage: (id: string) => `The instance ID '${id}' does not exist`,
};

/** Several ids at once: AWS names all missing ones in one message. */
export async function mustGetAll<T>(
  env: Ec2Env,
  scope: { account: string; region: string },
  ids: string[],
  prefix: string,
  errors: { malformed: string; notFound: string; notFoundMessage: (id: string) => string },
): Promise<T[]> {
  const out: T[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    if (!isId(prefix, id)) throw malformed(errors.malformed, id, prefix);
    const doc = await env.repo.get<T>(scope, id);
    if (!doc) missing.push(id);
    else out.push(doc);
  }
  if (missing.length) throw new AwsError(errors.notFound, errors.notFoundMessage(missing.join(', ')));
  return out;
}
