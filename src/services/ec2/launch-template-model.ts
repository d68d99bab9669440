/**
 * Launch templates as stored (one document per template, its versions inside) and the lookups every
 * launch template call shares: by id or name, a version by number, `$Latest` or `$Default`, with
 * AWS's error codes and words.
 */
import { AwsError } from '../../errors.ts';
import {
  InvalidLaunchTemplateIdNotFound,
  InvalidLaunchTemplateNameNotFoundException,
  MissingParameter,
} from '../../generated/ec2/errors.ts';
import type { Tag } from '../../generated/ec2/types.ts';
import { malformed } from './env.ts';
import { isId } from './ids.ts';
import type { Ec2Repository, Scope } from './store.ts';

export type TemplateData = Record<string, unknown>;

export interface VersionDoc {
  VersionNumber: number;
  VersionDescription?: string;
  CreateTime: string;
  CreatedBy: string;
  LaunchTemplateData: TemplateData;
  _clientToken?: string;
}

export interface TemplateDoc {
  LaunchTemplateId: string;
  LaunchTemplateName: string;
  CreateTime: string;
  CreatedBy: string;
  DefaultVersionNumber: number;
  LatestVersionNumber: number;
  Tags: Tag[];
  _clientToken?: string;
  /** The highest number ever given: deleted version numbers are not given again. */
  _lastNumber: number;
  _versions: VersionDoc[];
}

/** Names: 3 to 128 of letters, digits and `( ) . - / _` (the API reference's pattern). */
export function checkTemplateName(name: string): void {
  if (name.length < 3 || name.length > 128 || !/^[a-zA-Z0-9().\-/_]+$/.test(name)) {
    // AWS's words (terraform-aws-github-runner#932, localstack's AWS-validated test).
    throw new AwsError(
      'InvalidLaunchTemplateName.MalformedException',
      'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.',
    );
  }
}

export const idNotFound = (id: string) =>
  new InvalidLaunchTemplateIdNotFound(
    `The specified launch template, with template ID ${id}, does not exist.`,
  );
export const nameNotFound = (name: string) =>
  new InvalidLaunchTemplateNameNotFoundException(
    `The specified launch template, with template name ${name}, does not exist.`,
  );
export const versionNotFound = (version: string | number, id: string) =>
  new AwsError(
    'InvalidLaunchTemplateId.VersionNotFound',
    `Could not find the specified version ${version} for the launch template with ID ${id}.`,
  );

export async function templates(repo: Ec2Repository, scope: Scope): Promise<TemplateDoc[]> {
  return repo.list<TemplateDoc>(scope, 'lt');
}

export function checkTemplateId(id: string): void {
  if (!isId('lt', id)) throw malformed('InvalidLaunchTemplateId.Malformed', id, 'lt');
}

/** The template a request names by LaunchTemplateId or LaunchTemplateName (the id wins). */
export async function findTemplate(
  repo: Ec2Repository,
  scope: Scope,
  ref: { LaunchTemplateId?: string; LaunchTemplateName?: string },
): Promise<TemplateDoc> {
  if (ref.LaunchTemplateId !== undefined && ref.LaunchTemplateId !== '') {
    checkTemplateId(ref.LaunchTemplateId);
    const doc = await repo.get<TemplateDoc>(scope, ref.LaunchTemplateId);
    if (!doc) throw idNotFound(ref.LaunchTemplateId);
    return doc;
  }
  if (ref.LaunchTemplateName !== undefined && ref.LaunchTemplateName !== '') {
    const doc = (await templates(repo, scope)).find((t) => t.LaunchTemplateName === ref.LaunchTemplateName);
    if (!doc) throw nameNotFound(ref.LaunchTemplateName);
    return doc;
  }
  throw new MissingParameter(
    'The request must contain the parameter launch template ID or launch template name',
  );
}

/** A version by number, `$Latest` or `$Default`; undefined (no version given) is the default. */
export function findVersion(t: TemplateDoc, version: string | undefined): VersionDoc {
  const v = version ?? '$Default';
  const wanted =
    v === '$Latest' ? t.LatestVersionNumber : v === '$Default' ? t.DefaultVersionNumber : Number(v);
  const found = /^(\$Latest|\$Default|\d+)$/.test(v)
    ? t._versions.find((x) => x.VersionNumber === wanted)
    : undefined;
  if (!found) throw versionNotFound(v, t.LaunchTemplateId);
  return found;
}

/** The template as DescribeLaunchTemplates and the create/modify/delete answers show it. */
export function templateView(t: TemplateDoc) {
  return {
    LaunchTemplateId: t.LaunchTemplateId,
    LaunchTemplateName: t.LaunchTemplateName,
    CreateTime: t.CreateTime,
    CreatedBy: t.CreatedBy,
    DefaultVersionNumber: t.DefaultVersionNumber,
    LatestVersionNumber: t.LatestVersionNumber,
    ...(t.Tags.length ? { Tags: t.Tags } : {}),
  };
}

export function versionView(t: TemplateDoc, v: VersionDoc) {
  return {
    LaunchTemplateId: t.LaunchTemplateId,
    LaunchTemplateName: t.LaunchTemplateName,
    VersionNumber: v.VersionNumber,
    ...(v.VersionDescription !== undefined ? { VersionDescription: v.VersionDescription } : {}),
    CreateTime: v.CreateTime,
    CreatedBy: v.CreatedBy,
    DefaultVersion: v.VersionNumber === t.DefaultVersionNumber,
    LaunchTemplateData: v.LaunchTemplateData,
  };
}

export function launchTemplateArn(scope: Scope, id: string): string {
  return `arn:aws:ec2:${scope.region}:${scope.account}:launch-template/${id}`;
}

/**
 * RunInstances' own parameters over the template's (AWS: parameters in the request override the
 * template's). Tag specifications merge per resource type, the request's value winning per key.
 */
export function mergeLaunchInput(data: TemplateData, input: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...input };
  for (const [k, v] of Object.entries(data)) {
    if (k === 'TagSpecifications') continue;
    if (out[k] === undefined || (Array.isArray(out[k]) && out[k].length === 0)) out[k] = v;
  }
  const specs = new Map<string, Map<string, string>>();
  const add = (list: unknown) => {
    for (const s of (list as { ResourceType?: string; Tags?: Tag[] }[] | undefined) ?? []) {
      const type = s.ResourceType ?? '';
      const tags = specs.get(type) ?? new Map<string, string>();
      for (const t of s.Tags ?? []) tags.set(t.Key ?? '', t.Value ?? '');
      specs.set(type, tags);
    }
  };
  add(data.TagSpecifications);
  add(input.TagSpecifications);
  if (specs.size)
    out.TagSpecifications = [...specs].map(([ResourceType, tags]) => ({
      ResourceType,
      Tags: [...tags].map(([Key, Value]) => ({ Key, Value })),
    }));
  return out;
}

/**
 * A RunInstances request with its LaunchTemplate's parameters filled in, and the tags AWS puts on
 * instances launched from a template (aws:ec2launchtemplate:id / :version, the version resolved).
 */
export async function withLaunchTemplate(
  repo: Ec2Repository,
  scope: Scope,
  input: Record<string, any>,
): Promise<{ input: Record<string, any>; systemTags: { Key: string; Value: string }[] }> {
  const spec = input.LaunchTemplate as
    { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string } | undefined;
  if (!spec) return { input, systemTags: [] };
  const t = await findTemplate(repo, scope, spec);
  const v = findVersion(t, spec.Version);
  return {
    input: mergeLaunchInput(v.LaunchTemplateData, input),
    systemTags: [
      { Key: 'aws:ec2launchtemplate:id', Value: t.LaunchTemplateId },
      { Key: 'aws:ec2launchtemplate:version', Value: String(v.VersionNumber) },
    ],
  };
}

/** For IAM: the template a request names, or undefined when it does not exist (the handler says why). */
export async function templateIfAny(
  repo: Ec2Repository,
  scope: Scope,
  ref: { LaunchTemplateId?: string; LaunchTemplateName?: string } | undefined,
): Promise<TemplateDoc | undefined> {
  if (!ref) return undefined;
  try {
    return await findTemplate(repo, scope, ref);
  } catch {
    return undefined;
  }
}
