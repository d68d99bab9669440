/**
 * Security group rules: stored one per peer (as DescribeSecurityGroupRules shows them, each with
 * its sgr- id) and grouped into IpPermissions (protocol + port range) for DescribeSecurityGroups.
 */
import {
  InvalidParameterValue,
  InvalidPermissionDuplicate,
  InvalidPermissionNotFound,
  RulesPerSecurityGroupLimitExceeded,
} from '../../generated/ec2/errors.ts';
import type {
  IpPermission,
  RevokedSecurityGroupRule,
  SecurityGroupRule,
  Tag,
} from '../../generated/ec2/types.ts';
import { isIpv6Cidr, parseCidr } from './cidr.ts';
import { arn } from './env.ts';
import { newId } from './ids.ts';
import type { Scope } from './store.ts';

export interface Rule {
  SecurityGroupRuleId: string;
  GroupId: string;
  GroupOwnerId: string;
  IsEgress: boolean;
  IpProtocol: string;
  FromPort: number;
  ToPort: number;
  CidrIpv4?: string;
  CidrIpv6?: string;
  PrefixListId?: string;
  ReferencedGroupInfo?: { GroupId: string; UserId: string };
  Description?: string;
  Tags: Tag[];
  SecurityGroupRuleArn: string;
}

export interface GroupDoc {
  GroupId: string;
  GroupName: string;
  Description: string;
  VpcId: string;
  OwnerId: string;
  SecurityGroupArn: string;
  Tags: Tag[];
  _rules: Rule[];
}

const PROTOCOLS: Record<string, string> = {
  '-1': '-1',
  all: '-1',
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  icmp: 'icmp',
  '1': 'icmp',
  icmpv6: 'icmpv6',
  '58': 'icmpv6',
};

export function normalizeProtocol(p: string | undefined): string {
  const v = (p ?? '').toLowerCase();
  if (PROTOCOLS[v]) return PROTOCOLS[v]!;
  if (/^\d+$/.test(v) && Number(v) <= 255) return v;
  throw new InvalidParameterValue(`Invalid value '${p ?? ''}' for IP protocol. Unknown protocol.`);
}

function ports(protocol: string, from: number | undefined, to: number | undefined): [number, number] {
  if (protocol === 'tcp' || protocol === 'udp') {
    if (from === undefined || to === undefined) {
      throw new InvalidParameterValue(
        `Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange. Must specify both from and to ports with TCP/UDP.`,
      );
    }
    if (from < 0 || to > 65535 || from > to) {
      throw new InvalidParameterValue(
        `Invalid value 'Invalid TCP/UDP port range' for portRange. Invalid TCP/UDP port range.`,
      );
    }
    return [from, to];
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    // FromPort is the ICMP type, ToPort the code; -1 means all. AWS: "ICMP code (65535) out of range".
    const type = from ?? -1;
    const code = to ?? -1;
    if (type < -1 || type > 255) throw new InvalidParameterValue(`ICMP type (${type}) out of range`);
    if (code < -1 || code > 255) throw new InvalidParameterValue(`ICMP code (${code}) out of range`);
    return [type, code];
  }
  return [-1, -1];
}

/** Rules per group and direction (the default quota); IPv4 and IPv6 rules are counted apart. */
export const RULES_PER_GROUP = 60;

function peerText(r: Rule): string {
  return r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId ?? r.ReferencedGroupInfo?.GroupId ?? '';
}

export function sameRule(a: Rule, b: Rule): boolean {
  return (
    a.IsEgress === b.IsEgress &&
    a.IpProtocol === b.IpProtocol &&
    a.FromPort === b.FromPort &&
    a.ToPort === b.ToPort &&
    a.CidrIpv4 === b.CidrIpv4 &&
    a.CidrIpv6 === b.CidrIpv6 &&
    a.PrefixListId === b.PrefixListId &&
    a.ReferencedGroupInfo?.GroupId === b.ReferencedGroupInfo?.GroupId
  );
}

export function describeRule(r: Rule): string {
  // AWS names no ports for all-protocol rules: "peer: 0.0.0.0/0, ALL, ALLOW".
  if (r.IpProtocol === '-1') return `peer: ${peerText(r)}, ALL, ALLOW`;
  const proto = r.IpProtocol.toUpperCase();
  return `peer: ${peerText(r)}, ${proto}, from port: ${r.FromPort}, to port: ${r.ToPort}, ALLOW`;
}

/** The characters AWS takes in a rule description, up to 255 of them. */
const RULE_DESCRIPTION = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{0,255}$/;

/** A rule's Description member, refused as AWS refuses it (words as aws-cli shows them). */
function described(d: string | undefined): { Description?: string } {
  if (d === undefined) return {};
  if (!RULE_DESCRIPTION.test(d))
    throw new InvalidParameterValue(
      'Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*',
    );
  return { Description: d };
}

/** Expands IpPermissions into one rule per peer. `resolveGroup` checks referenced groups. */
export function rulesFrom(
  scope: Scope,
  group: GroupDoc,
  perms: IpPermission[],
  egress: boolean,
  resolveGroup: (id: string | undefined, name: string | undefined) => string,
): Rule[] {
  const out: Rule[] = [];
  for (const p of perms) {
    const protocol = normalizeProtocol(p.IpProtocol);
    const [from, to] = ports(protocol, p.FromPort, p.ToPort);
    const base = () => {
      const id = newId('sgr');
      return {
        SecurityGroupRuleId: id,
        GroupId: group.GroupId,
        GroupOwnerId: group.OwnerId,
        IsEgress: egress,
        IpProtocol: protocol,
        FromPort: from,
        ToPort: to,
        Tags: [],
        SecurityGroupRuleArn: arn(scope, 'security-group-rule', id),
      };
    };
    for (const r of p.IpRanges ?? []) {
      const cidr = r.CidrIp ?? '';
      if (!parseCidr(cidr)) throw new InvalidParameterValue(`CIDR block ${cidr} is malformed`);
      out.push({
        ...base(),
        CidrIpv4: cidr,
        ...described(r.Description),
      });
    }
    for (const r of p.Ipv6Ranges ?? []) {
      if (!isIpv6Cidr(r.CidrIpv6 ?? ''))
        throw new InvalidParameterValue(`CIDR block ${r.CidrIpv6 ?? ''} is malformed`);
      out.push({
        ...base(),
        CidrIpv6: r.CidrIpv6 ?? '',
        ...described(r.Description),
      });
    }
    for (const r of p.PrefixListIds ?? []) {
      out.push({
        ...base(),
        PrefixListId: r.PrefixListId ?? '',
        ...described(r.Description),
      });
    }
    for (const r of p.UserIdGroupPairs ?? []) {
      const gid = resolveGroup(r.GroupId, r.GroupName);
      out.push({
        ...base(),
        ReferencedGroupInfo: { GroupId: gid, UserId: r.UserId ?? group.OwnerId },
        ...described(r.Description),
      });
    }
  }
  return out;
}

/**
 * Adds the rules to the group. The same rule twice in one request is InvalidParameterValue; a rule
 * the group already has is InvalidPermission.Duplicate naming it; past the quota nothing is added.
 */
export function addRules(group: GroupDoc, rules: Rule[]): void {
  if (rules.some((r, i) => rules.findIndex((x) => sameRule(x, r)) !== i))
    throw new InvalidParameterValue('The same permission must not appear multiple times');
  for (const r of rules) {
    if (group._rules.some((e) => sameRule(e, r))) {
      throw new InvalidPermissionDuplicate(`the specified rule "${describeRule(r)}" already exists`);
    }
  }
  checkRuleLimit([...group._rules, ...rules]);
  group._rules.push(...rules);
}

/**
 * The VPC quota: 60 inbound and 60 outbound rules, IPv4 and IPv6 counted apart; a rule naming a
 * group or a prefix list counts once for each (Amazon VPC quotas, security groups).
 */
export function checkRuleLimit(rules: Rule[]): void {
  for (const egress of [false, true]) {
    const side = rules.filter((r) => r.IsEgress === egress);
    const v4 = side.filter((r) => !r.CidrIpv6).length;
    const v6 = side.filter((r) => !r.CidrIpv4).length;
    if (v4 > RULES_PER_GROUP || v6 > RULES_PER_GROUP)
      throw new RulesPerSecurityGroupLimitExceeded(
        'The maximum number of rules per security group has been reached.',
      );
  }
}

/**
 * Removes the rules from the group. A rule the group does not have is InvalidPermission.NotFound,
 * unless `lenient` (default VPCs): then it is returned among `unknown` and the rest is removed.
 */
export function removeRules(
  group: GroupDoc,
  rules: Rule[],
  lenient = false,
): { removed: Rule[]; unknown: Rule[] } {
  const removed: Rule[] = [];
  const unknown: Rule[] = [];
  for (const r of rules) {
    const found = group._rules.find((e) => sameRule(e, r));
    if (found) removed.push(found);
    else if (lenient) unknown.push(r);
    else throw new InvalidPermissionNotFound('The specified rule does not exist in this security group.');
  }
  group._rules = group._rules.filter((e) => !removed.includes(e));
  return { removed, unknown };
}

export function defaultGroupRules(scope: Scope, group: GroupDoc): Rule[] {
  const self = rulesFrom(
    scope,
    group,
    [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: group.GroupId }] }],
    false,
    (id) => id!,
  );
  return [...self, ...egressAll(scope, group)];
}

export function egressAll(scope: Scope, group: GroupDoc): Rule[] {
  return rulesFrom(
    scope,
    group,
    [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    true,
    (id) => id!,
  );
}

/** Groups rules into IpPermissions (by protocol and port range), in rule order. */
export function permissionsOf(rules: Rule[], egress: boolean): IpPermission[] {
  const out: IpPermission[] = [];
  const index = new Map<string, IpPermission>();
  for (const r of rules.filter((x) => x.IsEgress === egress)) {
    const key = `${r.IpProtocol}/${r.FromPort}/${r.ToPort}`;
    let p = index.get(key);
    if (!p) {
      p = { IpProtocol: r.IpProtocol, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
      if (r.IpProtocol !== '-1') {
        p.FromPort = r.FromPort;
        p.ToPort = r.ToPort;
      }
      index.set(key, p);
      out.push(p);
    }
    const d = r.Description !== undefined ? { Description: r.Description } : {};
    if (r.CidrIpv4) p.IpRanges!.push({ CidrIp: r.CidrIpv4, ...d });
    else if (r.CidrIpv6) p.Ipv6Ranges!.push({ CidrIpv6: r.CidrIpv6, ...d });
    else if (r.PrefixListId) p.PrefixListIds!.push({ PrefixListId: r.PrefixListId, ...d });
    else if (r.ReferencedGroupInfo)
      p.UserIdGroupPairs!.push({
        GroupId: r.ReferencedGroupInfo.GroupId,
        UserId: r.ReferencedGroupInfo.UserId,
        ...d,
      });
  }
  return out;
}

/** The rule as RevokeSecurityGroup*'s RevokedSecurityGroupRules show it (ReferencedGroupId). */
export function revokedOutput(r: Rule): RevokedSecurityGroupRule {
  return {
    SecurityGroupRuleId: r.SecurityGroupRuleId,
    GroupId: r.GroupId,
    IsEgress: r.IsEgress,
    IpProtocol: r.IpProtocol,
    FromPort: r.FromPort,
    ToPort: r.ToPort,
    CidrIpv4: r.CidrIpv4,
    CidrIpv6: r.CidrIpv6,
    PrefixListId: r.PrefixListId,
    ReferencedGroupId: r.ReferencedGroupInfo?.GroupId,
    Description: r.Description,
  };
}

/** The rule as SecurityGroupRule output (CidrIpv4 etc. only when set). */
export function ruleOutput(r: Rule): SecurityGroupRule {
  const { ...out } = r;
  return out as SecurityGroupRule;
}
