/** Security groups and their rules (ingress/egress, sgr- ids), with AWS's duplicate and dependency errors. */
import {
  CannotDelete,
  DependencyViolation,
  InvalidGroupDuplicate,
  InvalidGroupNotFound,
  InvalidGroupReserved,
  InvalidParameterValue,
  InvalidSecurityGroupRuleIdNotFound,
  MissingParameter,
  VPCIdNotSpecified,
} from '../../generated/ec2/errors.ts';
import type { IpPermission, SecurityGroup } from '../../generated/ec2/types.ts';
import type { ServiceHandlers } from '../handler.ts';
import {
  dryRun,
  GROUP_ERRORS,
  mustGet,
  mustGetAll,
  requireParam,
  scopeOf,
  tagsFor,
  type Ec2Env,
} from './env.ts';
import { describePage, listed } from './describe.ts';
import { newId } from './ids.ts';
import {
  egressAll,
  permissionsOf,
  removeRules,
  addRules,
  revokedOutput,
  ruleOutput,
  rulesFrom,
  type GroupDoc,
  type Rule,
} from './sg-rules.ts';
import { securityGroupDoc } from './network-defaults.ts';
import { modifySecurityGroupRules } from './sg-modify.ts';
import type { Scope } from './store.ts';

const RULE_FILTERS = {
  'group-id': (r: Rule) => r.GroupId,
  'security-group-rule-id': (r: Rule) => r.SecurityGroupRuleId,
};

export function groupView(g: GroupDoc): SecurityGroup {
  return {
    GroupId: g.GroupId,
    GroupName: g.GroupName,
    Description: g.Description,
    VpcId: g.VpcId,
    OwnerId: g.OwnerId,
    SecurityGroupArn: g.SecurityGroupArn,
    Tags: g.Tags,
    IpPermissions: permissionsOf(g._rules, false),
    IpPermissionsEgress: permissionsOf(g._rules, true),
  };
}

const perms = (g: GroupDoc, egress: boolean) => permissionsOf(g._rules, egress);
const rulesOf = (g: GroupDoc, egress: boolean) => g._rules.filter((r) => r.IsEgress === egress);

const GROUP_FILTERS = {
  description: (g: GroupDoc) => g.Description,
  'group-id': (g: GroupDoc) => g.GroupId,
  'group-name': (g: GroupDoc) => g.GroupName,
  'owner-id': (g: GroupDoc) => g.OwnerId,
  'vpc-id': (g: GroupDoc) => g.VpcId,
  'ip-permission.cidr': (g: GroupDoc) => rulesOf(g, false).map((r) => r.CidrIpv4),
  'ip-permission.from-port': (g: GroupDoc) => perms(g, false).map((p) => p.FromPort),
  'ip-permission.to-port': (g: GroupDoc) => perms(g, false).map((p) => p.ToPort),
  'ip-permission.protocol': (g: GroupDoc) => perms(g, false).map((p) => p.IpProtocol),
  'ip-permission.group-id': (g: GroupDoc) => rulesOf(g, false).map((r) => r.ReferencedGroupInfo?.GroupId),
  'ip-permission.ipv6-cidr': (g: GroupDoc) => rulesOf(g, false).map((r) => r.CidrIpv6),
  'ip-permission.prefix-list-id': (g: GroupDoc) => rulesOf(g, false).map((r) => r.PrefixListId),
  'ip-permission.user-id': (g: GroupDoc) => rulesOf(g, false).map((r) => r.ReferencedGroupInfo?.UserId),
  'egress.ip-permission.cidr': (g: GroupDoc) => rulesOf(g, true).map((r) => r.CidrIpv4),
  'egress.ip-permission.from-port': (g: GroupDoc) => perms(g, true).map((p) => p.FromPort),
  'egress.ip-permission.to-port': (g: GroupDoc) => perms(g, true).map((p) => p.ToPort),
  'egress.ip-permission.protocol': (g: GroupDoc) => perms(g, true).map((p) => p.IpProtocol),
  'egress.ip-permission.group-id': (g: GroupDoc) =>
    rulesOf(g, true).map((r) => r.ReferencedGroupInfo?.GroupId),
  'egress.ip-permission.ipv6-cidr': (g: GroupDoc) => rulesOf(g, true).map((r) => r.CidrIpv6),
  'egress.ip-permission.prefix-list-id': (g: GroupDoc) => rulesOf(g, true).map((r) => r.PrefixListId),
  'egress.ip-permission.user-id': (g: GroupDoc) => rulesOf(g, true).map((r) => r.ReferencedGroupInfo?.UserId),
};

/** ip-permission.group-name filters: the names of the groups rules refer to. */
function groupNameFilters(all: GroupDoc[]) {
  const names = new Map(all.map((g) => [g.GroupId, g.GroupName]));
  const referenced = (g: GroupDoc, egress: boolean) =>
    rulesOf(g, egress).map((r) => names.get(r.ReferencedGroupInfo?.GroupId ?? ''));
  return {
    'ip-permission.group-name': (g: GroupDoc) => referenced(g, false),
    'egress.ip-permission.group-name': (g: GroupDoc) => referenced(g, true),
  };
}

export async function defaultVpcId(env: Ec2Env, scope: Scope): Promise<string | undefined> {
  const vpcs = await env.repo.list<{ VpcId: string; IsDefault: boolean }>(scope, 'vpc');
  return vpcs.find((v) => v.IsDefault)?.VpcId;
}

/** A group by id, or by name in the default VPC (EC2-Classic style names). */
async function groupByIdOrName(
  env: Ec2Env,
  scope: Scope,
  id: string | undefined,
  name: string | undefined,
): Promise<GroupDoc> {
  if (id) return mustGet<GroupDoc>(env, scope, id, 'sg', GROUP_ERRORS);
  if (!name) throw new MissingParameter('The request must contain the parameter groupName or groupId');
  const vpc = await defaultVpcId(env, scope);
  const found = (await env.repo.list<GroupDoc>(scope, 'sg')).find(
    (g) => g.GroupName === name && g.VpcId === vpc,
  );
  if (!found)
    throw new InvalidGroupNotFound(
      `The security group '${name}' does not exist in default VPC '${vpc ?? 'none'}'`,
    );
  return found;
}

/** The legacy top-level parameters (IpProtocol, CidrIp, SourceSecurityGroupName) as IpPermissions. */
function legacyPermissions(input: any): IpPermission[] {
  if (input.IpPermissions?.length) return input.IpPermissions as IpPermission[];
  if (input.SourceSecurityGroupName || input.CidrIp || input.IpProtocol) {
    const p: IpPermission = {
      IpProtocol: input.IpProtocol ?? '-1',
      FromPort: input.FromPort,
      ToPort: input.ToPort,
    };
    if (input.CidrIp) p.IpRanges = [{ CidrIp: input.CidrIp }];
    if (input.SourceSecurityGroupName)
      p.UserIdGroupPairs = [
        { GroupName: input.SourceSecurityGroupName, UserId: input.SourceSecurityGroupOwnerId },
      ];
    return [p];
  }
  return [];
}

export function securityGroupHandlers(env: Ec2Env): ServiceHandlers {
  const resolver =
    (scope: Scope, groups: GroupDoc[], vpcId: string) =>
    (id: string | undefined, name: string | undefined) => {
      const g = id
        ? groups.find((x) => x.GroupId === id)
        : groups.find((x) => x.GroupName === name && x.VpcId === vpcId);
      if (!g) throw new InvalidGroupNotFound(`The security group '${id ?? name}' does not exist`);
      return g.GroupId;
    };

  async function change(input: any, ctx: any, egress: boolean, add: boolean) {
    dryRun(input);
    const scope = scopeOf(ctx);
    const group = egress
      ? await mustGet<GroupDoc>(env, scope, input.GroupId, 'sg', GROUP_ERRORS)
      : await groupByIdOrName(env, scope, input.GroupId, input.GroupName);
    const all = await env.repo.list<GroupDoc>(scope, 'sg');
    if (!add && input.SecurityGroupRuleIds?.length) {
      const ids: string[] = input.SecurityGroupRuleIds;
      const missing = ids.filter(
        (id) => !group._rules.some((r) => r.SecurityGroupRuleId === id && r.IsEgress === egress),
      );
      if (missing.length)
        throw new InvalidSecurityGroupRuleIdNotFound(
          `The security group rule ID '${missing[0]}' does not exist`,
        );
      const removed = group._rules.filter((r) => ids.includes(r.SecurityGroupRuleId));
      group._rules = group._rules.filter((r) => !ids.includes(r.SecurityGroupRuleId));
      await env.repo.put(scope, 'sg', group.GroupId, group);
      return {
        Return: true,
        RevokedSecurityGroupRules: removed.map(revokedOutput),
      };
    }
    const permissions = legacyPermissions(input);
    if (!permissions.length) throw new MissingParameter('No ip permissions specified');
    const rules = rulesFrom(scope, group, permissions, egress, resolver(scope, all, group.VpcId));
    if (add) {
      const tags = tagsFor(input.TagSpecifications, 'security-group-rule');
      for (const r of rules) r.Tags = tags;
      addRules(group, rules);
      await env.repo.put(scope, 'sg', group.GroupId, group);
      return { Return: true, SecurityGroupRules: rules.map(ruleOutput) };
    }
    // In a default VPC, rules that do not exist are answered, not refused (the API's documentation).
    const lenient = group.VpcId === (await defaultVpcId(env, scope));
    const { removed, unknown } = removeRules(group, rules, lenient);
    await env.repo.put(scope, 'sg', group.GroupId, group);
    return {
      Return: true,
      ...(unknown.length ? { UnknownIpPermissions: permissionsOf(unknown, egress) } : {}),
      RevokedSecurityGroupRules: removed.map(revokedOutput),
    };
  }

  return {
    async CreateSecurityGroup(input, ctx) {
      dryRun(input);
      requireParam(input.GroupName, 'GroupName');
      requireParam(input.Description, 'GroupDescription');
      const scope = scopeOf(ctx);
      const name: string = input.GroupName;
      if (name.length > 255)
        throw new InvalidParameterValue(
          `Invalid value '${name}' for groupName. Length exceeds maximum of 255`,
        );
      if (name.startsWith('sg-'))
        throw new InvalidParameterValue(
          `Value (${name}) for parameter GroupName is invalid. Group names may not be in the format sg-*.`,
        );
      if (name === 'default') throw new InvalidGroupReserved(`The security group 'default' is reserved`);
      // AWS's words for a non-ASCII description (an em dash is the usual culprit), and name.
      for (const [param, value] of [
        ['GroupName', name],
        ['GroupDescription', input.Description as string],
      ])
        if (/[^\x00-\x7f]/.test(value))
          throw new InvalidParameterValue(
            `Value (${value}) for parameter ${param} is invalid. Character sets beyond ASCII are not supported.`,
          );
      let vpcId: string | undefined = input.VpcId;
      if (vpcId)
        await mustGet(env, scope, vpcId, 'vpc', {
          malformed: 'InvalidVpcID.Malformed',
          notFound: 'InvalidVpcID.NotFound',
          notFoundMessage: (id) => `The vpc ID '${id}' does not exist`,
        });
      else vpcId = await defaultVpcId(env, scope);
      if (!vpcId) throw new VPCIdNotSpecified('No default VPC for this user');
      const groups = await env.repo.list<GroupDoc>(scope, 'sg');
      if (groups.some((g) => g.GroupName === name && g.VpcId === vpcId)) {
        throw new InvalidGroupDuplicate(`The security group '${name}' already exists for VPC '${vpcId}'`);
      }
      const id = newId('sg');
      const doc = securityGroupDoc(scope, id, name, input.Description, vpcId);
      doc.Tags = tagsFor(input.TagSpecifications, 'security-group');
      doc._rules = egressAll(scope, doc);
      await env.repo.put(scope, 'sg', id, doc);
      return {
        GroupId: id,
        Tags: doc.Tags.length ? doc.Tags : undefined,
        SecurityGroupArn: doc.SecurityGroupArn,
      };
    },

    async DescribeSecurityGroups(input, ctx) {
      const scope = scopeOf(ctx);
      // GroupNames narrow either source further; an unknown name is a not-found of its own.
      const named = async (groups: GroupDoc[]) => {
        if (!input.GroupNames?.length) return groups;
        const byName: GroupDoc[] = [];
        for (const n of input.GroupNames as string[])
          byName.push(await groupByIdOrName(env, scope, undefined, n));
        return groups.filter((g) => byName.some((b) => b.GroupId === g.GroupId));
      };
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeSecurityGroups',
        ids: input.GroupIds,
        idsParam: 'groupIds',
        byIds: async (ids) => named(await mustGetAll<GroupDoc>(env, scope, ids, 'sg', GROUP_ERRORS)),
        all: async () => named(await env.repo.list<GroupDoc>(scope, 'sg')),
        fields: { ...GROUP_FILTERS, ...groupNameFilters(await env.repo.list<GroupDoc>(scope, 'sg')) },
        maxResults: { min: 5, max: 1000 },
      });
      return { SecurityGroups: page.map(groupView), NextToken };
    },

    async DeleteSecurityGroup(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const group = await groupByIdOrName(env, scope, input.GroupId, input.GroupName);
      if (group.GroupName === 'default') {
        throw new CannotDelete(
          `the specified group: "${group.GroupId}" name: "default" cannot be deleted by a user`,
        );
      }
      const instances = await env.repo.list<{
        State: { Name: string };
        SecurityGroups: { GroupId: string }[];
      }>(scope, 'instance');
      const users = instances.filter(
        (i) => i.State.Name !== 'terminated' && i.SecurityGroups.some((g) => g.GroupId === group.GroupId),
      );
      const referencing = (await env.repo.list<GroupDoc>(scope, 'sg')).filter(
        (g) =>
          g.GroupId !== group.GroupId &&
          g._rules.some((r) => r.ReferencedGroupInfo?.GroupId === group.GroupId),
      );
      if (users.length || referencing.length) {
        throw new DependencyViolation(`resource ${group.GroupId} has a dependent object`);
      }
      await env.repo.delete(scope, group.GroupId);
      return { Return: true, GroupId: group.GroupId };
    },

    AuthorizeSecurityGroupIngress: (input, ctx) => change(input, ctx, false, true),
    AuthorizeSecurityGroupEgress: (input, ctx) => change(input, ctx, true, true),
    RevokeSecurityGroupIngress: (input, ctx) => change(input, ctx, false, false),
    RevokeSecurityGroupEgress: (input, ctx) => change(input, ctx, true, false),
    ModifySecurityGroupRules: (input, ctx) => modifySecurityGroupRules(env, input, ctx),

    async DescribeSecurityGroupRules(input, ctx) {
      const scope = scopeOf(ctx);
      const rules: Rule[] = (await env.repo.list<GroupDoc>(scope, 'sg')).flatMap((g) => g._rules);
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeSecurityGroupRules',
        ids: input.SecurityGroupRuleIds,
        ...listed(
          rules,
          (r) => r.SecurityGroupRuleId,
          (id) => new InvalidSecurityGroupRuleIdNotFound(`The security group rule ID '${id}' does not exist`),
        ),
        fields: RULE_FILTERS,
        maxResults: { min: 5, max: 1000 },
      });
      return { SecurityGroupRules: page.map(ruleOutput), NextToken };
    },
  };
}
