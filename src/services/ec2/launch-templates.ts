/**
 * Launch templates: create (with tags and ClientToken), versions (SourceVersion and overrides),
 * describe (ids, names, filters, pages), the default version, delete (whole or by version), and
 * GetLaunchTemplateData. RunInstances reads them through launch-template-model.ts.
 */
import { AwsError } from '../../errors.ts';
import {
  InvalidLaunchTemplateNameAlreadyExistsException,
  InvalidLaunchTemplateNameNotFoundException,
  InvalidParameterValue,
  MissingParameter,
} from '../../generated/ec2/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import { describeAll, describePage, listed } from './describe.ts';
import { dryRun, INSTANCE_ERRORS, mustGet, scopeOf, tagsFor, type Ec2Env } from './env.ts';
import { paginate } from './filters.ts';
import { newId, nowIso } from './ids.ts';
import type { InstanceDoc } from './instance-model.ts';
import { volumesOf } from './instance-volumes.ts';
import { launchTemplateDataOf } from './launch-template-data.ts';
import {
  checkTemplateId,
  checkTemplateName,
  findTemplate,
  findVersion,
  idNotFound,
  templates,
  templateView,
  versionView,
  type TemplateData,
  type TemplateDoc,
  type VersionDoc,
} from './launch-template-model.ts';

type VersionView = ReturnType<typeof versionView>;

const TEMPLATE_FILTERS = {
  'create-time': (t: TemplateDoc) => t.CreateTime,
  'launch-template-name': (t: TemplateDoc) => t.LaunchTemplateName,
};

const data = (v: VersionView) => v.LaunchTemplateData as Record<string, any>;
const VERSION_FILTERS = {
  'create-time': (v: VersionView) => v.CreateTime,
  'ebs-optimized': (v: VersionView) => data(v).EbsOptimized,
  'http-endpoint': (v: VersionView) => data(v).MetadataOptions?.HttpEndpoint,
  'http-tokens': (v: VersionView) => data(v).MetadataOptions?.HttpTokens,
  'host-resource-group-arn': (v: VersionView) => data(v).Placement?.HostResourceGroupArn,
  'iam-instance-profile': (v: VersionView) => [
    data(v).IamInstanceProfile?.Arn,
    data(v).IamInstanceProfile?.Name,
  ],
  'image-id': (v: VersionView) => data(v).ImageId,
  'instance-type': (v: VersionView) => data(v).InstanceType,
  'is-default-version': (v: VersionView) => String(v.DefaultVersion),
  'kernel-id': (v: VersionView) => data(v).KernelId,
  'license-configuration-arn': (v: VersionView) =>
    (data(v).LicenseSpecifications ?? []).map((l: any) => l.LicenseConfigurationArn),
  'network-card-index': (v: VersionView) =>
    (data(v).NetworkInterfaces ?? []).map((n: any) => n.NetworkCardIndex),
  'ram-disk-id': (v: VersionView) => data(v).RamDiskId,
};

/** LaunchTemplateData must say something: an empty one is a missing parameter (AWS-validated). */
function requireData(d: TemplateData | undefined): TemplateData {
  if (!d || Object.keys(d).length === 0)
    throw new MissingParameter('The request must contain the parameter LaunchTemplateData');
  return d;
}

function checkDescription(desc: string | undefined): void {
  // VersionDescription: at most 255 characters (botocore model).
  if (desc !== undefined && desc.length > 255)
    throw new InvalidParameterValue(
      `Value (${desc}) for parameter versionDescription is invalid. Length exceeds maximum of 255 characters.`,
    );
}

/** Describing every template's versions takes only $Latest and $Default (moto's wording of AWS). */
const ALL_TEMPLATES_USAGE =
  'To describe the launch template data for all your launch templates, for ‘--versions’ specify ‘$Latest’, ‘$Default’, or both, and omit ‘--launch-template-id’, ‘--launch-template-name’, and version numbers. To describe the launch template data for a specific launch template, specify ‘--launch-template-id’ or ‘--launch-template-name’, and for ‘--versions’ specify one or more of the following values: ‘$Latest’, ‘$Default’, or one or more version numbers.';

function versionsOf(input: any, ts: TemplateDoc[], named: TemplateDoc | undefined): VersionView[] {
  const wanted: string[] = input.Versions ?? [];
  if (!named) {
    if (!wanted.length) throw new MissingParameter(ALL_TEMPLATES_USAGE);
    if (wanted.some((v) => v !== '$Latest' && v !== '$Default'))
      throw new InvalidParameterValue(ALL_TEMPLATES_USAGE);
    return ts.flatMap((t) => {
      const picked = new Set(wanted.map((v) => findVersion(t, v)));
      return [...picked].map((v) => versionView(t, v));
    });
  }
  if (wanted.length) {
    const picked = new Set(wanted.map((v) => findVersion(named, v)));
    return [...picked].map((v) => versionView(named, v));
  }
  const min = input.MinVersion !== undefined ? Number(input.MinVersion) : -Infinity;
  const max = input.MaxVersion !== undefined ? Number(input.MaxVersion) : Infinity;
  // The newest version first, as DescribeLaunchTemplateVersions lists a template's versions.
  return [...named._versions]
    .filter((v) => v.VersionNumber >= min && v.VersionNumber <= max)
    .sort((a, b) => b.VersionNumber - a.VersionNumber)
    .map((v) => versionView(named, v));
}

export function launchTemplateHandlers(env: Ec2Env): ServiceHandlers {
  return {
    async CreateLaunchTemplate(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const name = String(input.LaunchTemplateName ?? '');
      checkTemplateName(name);
      const templateData = requireData(input.LaunchTemplateData);
      checkDescription(input.VersionDescription);
      const tags = tagsFor(input.TagSpecifications, 'launch-template');
      const all = await templates(env.repo, scope);
      if (input.ClientToken) {
        const prior = all.find((t) => t._clientToken === input.ClientToken);
        if (prior) return { LaunchTemplate: templateView(prior) };
      }
      if (all.some((t) => t.LaunchTemplateName === name))
        throw new InvalidLaunchTemplateNameAlreadyExistsException('Launch template name already in use.');
      const now = nowIso();
      const by = ctx.principal.arn;
      const doc: TemplateDoc = {
        LaunchTemplateId: newId('lt'),
        LaunchTemplateName: name,
        CreateTime: now,
        CreatedBy: by,
        DefaultVersionNumber: 1,
        LatestVersionNumber: 1,
        Tags: tags,
        ...(input.ClientToken ? { _clientToken: input.ClientToken } : {}),
        _lastNumber: 1,
        _versions: [
          {
            VersionNumber: 1,
            ...(input.VersionDescription !== undefined
              ? { VersionDescription: input.VersionDescription }
              : {}),
            CreateTime: now,
            CreatedBy: by,
            LaunchTemplateData: templateData,
          },
        ],
      };
      await env.repo.put(scope, 'lt', doc.LaunchTemplateId, doc);
      return { LaunchTemplate: templateView(doc) };
    },

    async CreateLaunchTemplateVersion(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const t = await findTemplate(env.repo, scope, input);
      const overrides = requireData(input.LaunchTemplateData);
      checkDescription(input.VersionDescription);
      if (input.ClientToken) {
        const prior = t._versions.find((v) => v._clientToken === input.ClientToken);
        if (prior) return { LaunchTemplateVersion: versionView(t, prior) };
      }
      // The new version is the source's parameters with the request's in their place.
      const base =
        input.SourceVersion !== undefined ? findVersion(t, input.SourceVersion).LaunchTemplateData : {};
      const number = t._lastNumber + 1;
      const v: VersionDoc = {
        VersionNumber: number,
        ...(input.VersionDescription !== undefined ? { VersionDescription: input.VersionDescription } : {}),
        CreateTime: nowIso(),
        CreatedBy: ctx.principal.arn,
        LaunchTemplateData: { ...base, ...overrides },
        ...(input.ClientToken ? { _clientToken: input.ClientToken } : {}),
      };
      t._versions.push(v);
      t._lastNumber = number;
      t.LatestVersionNumber = number;
      await env.repo.put(scope, 'lt', t.LaunchTemplateId, t);
      return { LaunchTemplateVersion: versionView(t, v) };
    },

    async DescribeLaunchTemplates(input, ctx) {
      const scope = scopeOf(ctx);
      const all = await templates(env.repo, scope);
      const names: string[] = input.LaunchTemplateNames ?? [];
      const missing = names.find((n) => !all.some((t) => t.LaunchTemplateName === n));
      if (missing)
        throw new InvalidLaunchTemplateNameNotFoundException(
          'At least one of the launch templates specified in the request does not exist.',
        );
      const named = names.length ? all.filter((t) => names.includes(t.LaunchTemplateName)) : all;
      for (const id of input.LaunchTemplateIds ?? []) checkTemplateId(id);
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeLaunchTemplates',
        ids: input.LaunchTemplateIds,
        ...listed(named, (t) => t.LaunchTemplateId, idNotFound),
        fields: TEMPLATE_FILTERS,
        maxResults: { min: 1, max: 200 },
      });
      return { LaunchTemplates: page.map(templateView), NextToken };
    },

    async DescribeLaunchTemplateVersions(input, ctx) {
      const scope = scopeOf(ctx);
      const named =
        input.LaunchTemplateId || input.LaunchTemplateName
          ? await findTemplate(env.repo, scope, input)
          : undefined;
      const all = named ? [] : await templates(env.repo, scope);
      const versions = await describeAll(input, {
        operation: 'DescribeLaunchTemplateVersions',
        ids: undefined,
        byIds: () => [],
        all: () => versionsOf(input, all, named),
        fields: VERSION_FILTERS,
      });
      const { page, NextToken } = paginate(versions, input, { min: 1, max: 200 });
      return { LaunchTemplateVersions: page, NextToken };
    },

    async ModifyLaunchTemplate(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const t = await findTemplate(env.repo, scope, input);
      if (input.DefaultVersion !== undefined) {
        t.DefaultVersionNumber = findVersion(t, String(input.DefaultVersion)).VersionNumber;
        await env.repo.put(scope, 'lt', t.LaunchTemplateId, t);
      }
      return { LaunchTemplate: templateView(t) };
    },

    async DeleteLaunchTemplate(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const t = await findTemplate(env.repo, scope, input);
      await env.repo.delete(scope, t.LaunchTemplateId);
      return { LaunchTemplate: templateView(t) };
    },

    async DeleteLaunchTemplateVersions(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const wanted: string[] = input.Versions ?? [];
      const ok: unknown[] = [];
      const failed: unknown[] = [];
      let t: TemplateDoc;
      try {
        t = await findTemplate(env.repo, scope, input);
      } catch (e) {
        // A template that cannot be found fails each version with the template's own reason.
        const code = (e as AwsError).code ?? '';
        const item = code.startsWith('InvalidLaunchTemplateId.Malformed')
          ? 'launchTemplateIdMalformed'
          : code.startsWith('InvalidLaunchTemplateId')
            ? 'launchTemplateIdDoesNotExist'
            : code.startsWith('InvalidLaunchTemplateName')
              ? 'launchTemplateNameDoesNotExist'
              : undefined;
        if (!item) throw e;
        for (const v of wanted)
          failed.push({
            LaunchTemplateId: input.LaunchTemplateId,
            LaunchTemplateName: input.LaunchTemplateName,
            VersionNumber: Number(v),
            ResponseError: { Code: item, Message: (e as AwsError).message },
          });
        return { UnsuccessfullyDeletedLaunchTemplateVersions: failed };
      }
      const ids = { LaunchTemplateId: t.LaunchTemplateId, LaunchTemplateName: t.LaunchTemplateName };
      for (const raw of wanted) {
        const n = Number(raw);
        const v = /^\d+$/.test(raw) ? t._versions.find((x) => x.VersionNumber === n) : undefined;
        if (!v) {
          failed.push({
            ...ids,
            VersionNumber: n,
            ResponseError: {
              Code: 'launchTemplateVersionDoesNotExist',
              Message: 'The specified launch template version does not exist.',
            },
          });
        } else if (n === t.DefaultVersionNumber) {
          // The default version stays until another is made the default (API reference).
          failed.push({
            ...ids,
            VersionNumber: n,
            ResponseError: {
              Code: 'unexpectedError',
              Message: 'Cannot delete the default version of a launch template.',
            },
          });
        } else {
          t._versions = t._versions.filter((x) => x !== v);
          ok.push({ ...ids, VersionNumber: n });
        }
      }
      t.LatestVersionNumber = Math.max(...t._versions.map((v) => v.VersionNumber));
      if (ok.length) await env.repo.put(scope, 'lt', t.LaunchTemplateId, t);
      return {
        SuccessfullyDeletedLaunchTemplateVersions: ok.length ? ok : undefined,
        UnsuccessfullyDeletedLaunchTemplateVersions: failed.length ? failed : undefined,
      };
    },

    async GetLaunchTemplateData(input, ctx) {
      const scope = scopeOf(ctx);
      const i = await mustGet<InstanceDoc>(env, scope, input.InstanceId, 'i', INSTANCE_ERRORS);
      return { LaunchTemplateData: launchTemplateDataOf(i, await volumesOf(env, scope, i)) };
    },
  };
}
