/**
 * What each EC2 operation asks of IAM (Service Authorization Reference): Describe* act on '*';
 * RunInstances on the instance, image, subnet, security groups, key pair, network interface and
 * volume; the rest on the resource they name. Condition keys: ec2:Region, ec2:InstanceType,
 * aws:RequestTag/..., aws:TagKeys, and the resource's tags (ec2:ResourceTag/...).
 */
import type { AuthzMapper, AuthzRequest, ConditionValue } from '../authz.ts';
import { allocationOf } from './addresses.ts';
import type { Tag, TagSpecification } from '../../generated/ec2/types.ts';
import { findVersion, mergeLaunchInput, templateIfAny } from './launch-template-model.ts';
import { keyPairTags, resourceTags, type TagList } from './resource-tags.ts';
import type { Ec2Repository } from './store.ts';

const BY_ID: [string, string][] = [
  ['i-', 'instance'],
  ['vpc-', 'vpc'],
  ['subnet-', 'subnet'],
  ['sgr-', 'security-group-rule'],
  ['sg-', 'security-group'],
  ['igw-', 'internet-gateway'],
  ['rtb-', 'route-table'],
  ['acl-', 'network-acl'],
  ['dopt-', 'dhcp-options'],
  ['key-', 'key-pair'],
  ['ami-', 'image'],
  ['snap-', 'snapshot'],
  ['vol-', 'volume'],
  ['eni-', 'network-interface'],
  ['lt-', 'launch-template'],
  ['eipalloc-', 'elastic-ip'],
  ['nat-', 'natgateway'],
];

export function ec2Authz(repo: Ec2Repository): AuthzMapper {
  return async (operation, input, ctx) => {
    const region = ctx.region;
    const account = ctx.accountId;
    const action = `ec2:${operation}`;
    // Images are not owned by an account in their ARN (AWS: arn:aws:ec2:REGION::image/ami-...).
    const a = (type: string, id: string) =>
      type === 'image'
        ? `arn:aws:ec2:${region}::image/${id}`
        : `arn:aws:ec2:${region}:${account}:${type}/${id}`;
    const ofId = (id: string) => {
      const t = BY_ID.find(([p]) => id.startsWith(p));
      return t ? a(t[1], id) : '*';
    };
    const base: Record<string, ConditionValue> = { 'ec2:Region': region };
    const requestTags = (specs: TagSpecification[] | undefined, tags?: Tag[]) => {
      const all = [...(specs ?? []).flatMap((s) => s.Tags ?? []), ...(tags ?? [])];
      const out: Record<string, ConditionValue> = {};
      for (const t of all) if (t.Key) out[`aws:RequestTag/${t.Key}`] = t.Value ?? '';
      if (all.length) out['aws:TagKeys'] = all.map((t) => t.Key!);
      return out;
    };
    const tagged = (
      resource: string,
      list: TagList,
      extra?: Record<string, ConditionValue>,
    ): AuthzRequest => {
      const tags: Record<string, string> = {};
      for (const t of list) if (t.Key) tags[t.Key] = t.Value ?? '';
      const context: Record<string, ConditionValue> = { ...base, ...extra };
      for (const [k, v] of Object.entries(tags)) context[`ec2:ResourceTag/${k}`] = v;
      return { action, resource, context, resourceTags: tags };
    };
    const withTags = async (id: string): Promise<AuthzRequest> =>
      tagged(ofId(id), id === '*' ? [] : await resourceTags(repo, { account, region }, id));
    const keyPair = async (name: string): Promise<AuthzRequest> =>
      tagged(a('key-pair', name), await keyPairTags(repo, { account, region }, name));

    if (operation.startsWith('Describe') && operation !== 'DescribeInstanceAttribute') {
      return [{ action, resource: '*', context: base }];
    }
    const scope = { account, region };
    switch (operation) {
      case 'RunInstances': {
        // A launch template's parameters are asked for as if the request carried them, and the
        // template itself is a resource of the launch (ec2:LaunchTemplate names it everywhere).
        const template = await templateIfAny(repo, scope, input.LaunchTemplate);
        let templateReq: AuthzRequest | undefined;
        if (template) {
          try {
            input = mergeLaunchInput(
              findVersion(template, input.LaunchTemplate.Version).LaunchTemplateData,
              input,
            );
          } catch {
            // An unknown version: the handler answers VersionNotFound.
          }
          base['ec2:LaunchTemplate'] = a('launch-template', template.LaunchTemplateId);
          templateReq = tagged(a('launch-template', template.LaunchTemplateId), template.Tags);
        } else if (input.LaunchTemplate) {
          templateReq = { action, resource: a('launch-template', '*'), context: base };
        }
        const ctxKeys = {
          ...base,
          'ec2:InstanceType': input.InstanceType ?? 'm1.small',
          ...requestTags(input.TagSpecifications),
        };
        // The existing resources a launch uses carry their tags (launch only into tagged subnets...).
        const reqs: AuthzRequest[] = [
          { action, resource: a('instance', '*'), context: ctxKeys },
          tagged(
            a('image', input.ImageId ?? '*'),
            input.ImageId ? await resourceTags(repo, { account, region }, input.ImageId) : [],
          ),
          { action, resource: a('network-interface', '*'), context: base },
          { action, resource: a('volume', '*'), context: base },
          input.SubnetId
            ? await withTags(input.SubnetId)
            : { action, resource: a('subnet', '*'), context: base },
        ];
        for (const g of (input.SecurityGroupIds as string[] | undefined) ?? []) reqs.push(await withTags(g));
        if (!input.SecurityGroupIds?.length)
          reqs.push({ action, resource: a('security-group', '*'), context: base });
        if (input.KeyName) reqs.push(await keyPair(input.KeyName));
        if (templateReq) reqs.push(templateReq);
        return reqs;
      }
      case 'StartInstances':
      case 'StopInstances':
      case 'RebootInstances':
      case 'TerminateInstances':
      case 'MonitorInstances':
      case 'UnmonitorInstances':
        return Promise.all(((input.InstanceIds as string[]) ?? []).map(withTags));
      case 'GetConsoleOutput':
      case 'ModifyInstanceAttribute':
      case 'DescribeInstanceAttribute':
        return [await withTags(input.InstanceId ?? '*')];
      case 'CreateImage':
        return [
          {
            action,
            resource: a('image', '*'),
            context: { ...base, ...requestTags(input.TagSpecifications) },
          },
          await withTags(input.InstanceId ?? '*'),
          { action, resource: a('snapshot', '*'), context: base },
        ];
      case 'CopyImage':
        return [
          {
            action,
            resource: a('image', '*'),
            context: { ...base, ...requestTags(input.TagSpecifications) },
          },
        ];
      case 'DeregisterImage':
      case 'ModifyImageAttribute':
      case 'ResetImageAttribute':
        return [{ action, resource: a('image', input.ImageId ?? '*'), context: base }];
      case 'CreateKeyPair':
      case 'ImportKeyPair':
        return [
          {
            action,
            resource: a('key-pair', input.KeyName ?? '*'),
            context: { ...base, ...requestTags(input.TagSpecifications) },
          },
        ];
      case 'DeleteKeyPair':
        if (input.KeyName) return [await keyPair(input.KeyName)];
        return [
          input.KeyPairId
            ? await withTags(input.KeyPairId)
            : { action, resource: a('key-pair', '*'), context: base },
        ];
      case 'CreateVpc':
        return [
          { action, resource: a('vpc', '*'), context: { ...base, ...requestTags(input.TagSpecifications) } },
        ];
      case 'CreateSubnet':
        return [
          {
            action,
            resource: a('subnet', '*'),
            context: { ...base, ...requestTags(input.TagSpecifications) },
          },
          { action, resource: a('vpc', input.VpcId ?? '*'), context: base },
        ];
      case 'CreateSecurityGroup':
        return [
          {
            action,
            resource: a('security-group', '*'),
            context: { ...base, ...requestTags(input.TagSpecifications) },
          },
          { action, resource: a('vpc', input.VpcId ?? '*'), context: base },
        ];
      case 'CreateInternetGateway':
        return [
          {
            action,
            resource: a('internet-gateway', '*'),
            context: { ...base, ...requestTags(input.TagSpecifications) },
          },
        ];
      case 'CreateRouteTable':
        return [
          {
            action,
            resource: a('route-table', '*'),
            context: { ...base, ...requestTags(input.TagSpecifications) },
          },
          { action, resource: a('vpc', input.VpcId ?? '*'), context: base },
        ];
      case 'CreateTags':
      case 'DeleteTags':
        return Promise.all(
          ((input.Resources as string[]) ?? []).map(async (id) => {
            const r = await withTags(id);
            return { ...r, context: { ...r.context, ...requestTags(undefined, input.Tags) } };
          }),
        );
      case 'CreateLaunchTemplate':
        return [
          {
            action,
            resource: a('launch-template', '*'),
            context: { ...base, ...requestTags(input.TagSpecifications) },
          },
        ];
      case 'CreateLaunchTemplateVersion':
      case 'ModifyLaunchTemplate':
      case 'DeleteLaunchTemplate':
      case 'DeleteLaunchTemplateVersions': {
        const t = await templateIfAny(repo, scope, input);
        return [
          t
            ? tagged(a('launch-template', t.LaunchTemplateId), t.Tags)
            : { action, resource: a('launch-template', '*'), context: base },
        ];
      }
      case 'AttachInternetGateway':
      case 'DetachInternetGateway':
        return [await withTags(input.InternetGatewayId ?? '*'), await withTags(input.VpcId ?? '*')];
      case 'AttachVolume':
      case 'DetachVolume':
        // Both the volume and the instance (Service Authorization Reference).
        return [
          await withTags(input.VolumeId ?? '*'),
          ...(input.InstanceId ? [await withTags(input.InstanceId)] : []),
        ];
      case 'CreateVolume':
        return [
          {
            action,
            resource: a('volume', '*'),
            context: { ...base, ...requestTags(input.TagSpecifications) },
          },
        ];
      case 'AllocateAddress':
        return [
          {
            action,
            resource: a('elastic-ip', '*'),
            context: { ...base, ...requestTags(input.TagSpecifications) },
          },
        ];
      case 'AssociateAddress':
      case 'DisassociateAddress':
      case 'ReleaseAddress': {
        // The address (by allocation, public IP or association) and, to associate, its target.
        const id = await allocationOf(repo, scope, input);
        const reqs = [id ? await withTags(id) : { action, resource: a('elastic-ip', '*'), context: base }];
        if (operation === 'AssociateAddress' && (input.InstanceId || input.NetworkInterfaceId))
          reqs.push(await withTags(input.InstanceId ?? input.NetworkInterfaceId));
        return reqs;
      }
      case 'CreateNatGateway':
        // The gateway (with the request's tags), its subnet and its Elastic IPs.
        return [
          {
            action,
            resource: a('natgateway', '*'),
            context: { ...base, ...requestTags(input.TagSpecifications) },
          },
          input.SubnetId
            ? await withTags(input.SubnetId)
            : { action, resource: a('subnet', '*'), context: base },
          ...(await Promise.all(
            [input.AllocationId, ...((input.SecondaryAllocationIds as string[] | undefined) ?? [])]
              .filter(Boolean)
              .map(withTags),
          )),
        ];
      case 'DeleteNatGateway':
        return [await withTags(input.NatGatewayId ?? '*')];
      case 'AssociateRouteTable':
        return [
          await withTags(input.RouteTableId ?? '*'),
          ...(input.SubnetId ? [await withTags(input.SubnetId)] : []),
        ];
      default: {
        const id: string | undefined =
          input.GroupId ??
          input.VpcId ??
          input.SubnetId ??
          input.InternetGatewayId ??
          input.RouteTableId ??
          input.InstanceId ??
          input.ImageId ??
          input.VolumeId;
        return [id ? await withTags(id) : { action, resource: '*', context: base }];
      }
    }
  };
}
