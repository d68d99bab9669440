/**
 * ModifySecurityGroupRules: each named rule of the group is replaced by the rule the request
 * describes (protocol, ports, exactly one peer of the rule's own kind, description), keeping its
 * sgr- id and tags. All updates are checked before any is stored.
 */
import {
  InvalidGroupNotFound,
  InvalidParameterValue,
  InvalidPermissionDuplicate,
  InvalidSecurityGroupRuleIdNotFound,
  MissingParameter,
} from '../../generated/ec2/errors.ts';
import type { IpPermission, SecurityGroupRuleRequest } from '../../generated/ec2/types.ts';
import { GROUP_ERRORS, mustGet, scopeOf, type Ec2Env } from './env.ts';
import { checkRuleLimit, describeRule, rulesFrom, sameRule, type GroupDoc, type Rule } from './sg-rules.ts';

const PEERS = ['CidrIpv4', 'CidrIpv6', 'PrefixListId', 'ReferencedGroupId'] as const;

function peerKind(r: Rule): (typeof PEERS)[number] {
  if (r.CidrIpv4) return 'CidrIpv4';
  if (r.CidrIpv6) return 'CidrIpv6';
  if (r.PrefixListId) return 'PrefixListId';
  return 'ReferencedGroupId';
}

/** The request's rule as IpPermissions, so rulesFrom validates it as Authorize* would. */
function asPermission(req: SecurityGroupRuleRequest): IpPermission {
  const d = req.Description !== undefined ? { Description: req.Description } : {};
  return {
    IpProtocol: req.IpProtocol,
    FromPort: req.FromPort,
    ToPort: req.ToPort,
    ...(req.CidrIpv4 !== undefined ? { IpRanges: [{ CidrIp: req.CidrIpv4, ...d }] } : {}),
    ...(req.CidrIpv6 !== undefined ? { Ipv6Ranges: [{ CidrIpv6: req.CidrIpv6, ...d }] } : {}),
    ...(req.PrefixListId !== undefined ? { PrefixListIds: [{ PrefixListId: req.PrefixListId, ...d }] } : {}),
    ...(req.ReferencedGroupId !== undefined
      ? { UserIdGroupPairs: [{ GroupId: req.ReferencedGroupId, ...d }] }
      : {}),
  };
}

export async function modifySecurityGroupRules(env: Ec2Env, input: any, ctx: any) {
  const scope = scopeOf(ctx);
  const group = await mustGet<GroupDoc>(env, scope, input.GroupId, 'sg', GROUP_ERRORS);
  const all = await env.repo.list<GroupDoc>(scope, 'sg');
  const updates: { SecurityGroupRuleId?: string; SecurityGroupRule?: SecurityGroupRuleRequest }[] =
    input.SecurityGroupRules ?? [];
  let rules = [...group._rules];
  for (const u of updates) {
    if (!u.SecurityGroupRuleId)
      throw new MissingParameter('The request must contain the parameter SecurityGroupRuleId');
    const old = rules.find((r) => r.SecurityGroupRuleId === u.SecurityGroupRuleId);
    if (!old)
      throw new InvalidSecurityGroupRuleIdNotFound(
        `The security group rule ID '${u.SecurityGroupRuleId}' does not exist`,
      );
    const req = u.SecurityGroupRule;
    if (!req) throw new MissingParameter('The request must contain the parameter SecurityGroupRule');
    // The API reference: exactly one peer, and a rule keeps its kind of peer.
    const peers = PEERS.filter((p) => req[p] !== undefined);
    if (peers.length !== 1)
      throw new InvalidParameterValue(
        'Exactly one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId must be specified',
      );
    if (peers[0] !== peerKind(old))
      throw new InvalidParameterValue(
        `The type of the security group rule '${old.SecurityGroupRuleId}' cannot be changed`,
      );
    const [made] = rulesFrom(scope, group, [asPermission(req)], old.IsEgress, (id) => {
      if (!all.some((g) => g.GroupId === id))
        throw new InvalidGroupNotFound(`The security group '${id}' does not exist`);
      return id!;
    });
    const next: Rule = {
      ...made!,
      SecurityGroupRuleId: old.SecurityGroupRuleId,
      SecurityGroupRuleArn: old.SecurityGroupRuleArn,
      Tags: old.Tags,
    };
    if (rules.some((r) => r !== old && sameRule(r, next)))
      throw new InvalidPermissionDuplicate(`the specified rule "${describeRule(next)}" already exists`);
    rules = rules.map((r) => (r === old ? next : r));
  }
  checkRuleLimit(rules);
  group._rules = rules;
  await env.repo.put(scope, 'sg', group.GroupId, group);
  return { Return: true };
}
