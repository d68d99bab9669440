/** DescribeInstanceAttribute, ModifyInstanceAttribute and ModifyInstanceMetadataOptions. */
import {
  IncorrectInstanceState,
  InvalidInstanceAttributeValue,
  InvalidParameterValue,
} from '../../generated/ec2/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import { dryRun, GROUP_ERRORS, mustGet, requireParam, scopeOf, type Ec2Env } from './env.ts';
import { byIds } from './instance-lookup.ts';
import { shutdownBehavior } from './instance-model.ts';
import { instanceType } from './instance-types.ts';
import { setDeleteOnTermination, withAttachedVolumes } from './instance-volumes.ts';
import type { GroupDoc } from './sg-rules.ts';

export function instanceAttributeHandlers(env: Ec2Env): ServiceHandlers {
  return {
    async DescribeInstanceAttribute(input, ctx) {
      const scope = scopeOf(ctx);
      requireParam(input.Attribute, 'Attribute');
      const [d] = await byIds(env, scope, [input.InstanceId ?? '']);
      const doc = d!;
      const out: Record<string, unknown> = { InstanceId: doc.InstanceId };
      const v = (Value: unknown) => ({ Value });
      switch (input.Attribute) {
        case 'instanceType':
          out.InstanceType = v(doc.InstanceType);
          break;
        case 'kernel':
          out.KernelId = {};
          break;
        case 'ramdisk':
          out.RamdiskId = {};
          break;
        case 'userData':
          out.UserData = doc._userData ? v(doc._userData) : {};
          break;
        case 'disableApiTermination':
          out.DisableApiTermination = v(doc._disableApiTermination);
          break;
        case 'disableApiStop':
          out.DisableApiStop = v(Boolean(doc._disableApiStop));
          break;
        case 'instanceInitiatedShutdownBehavior':
          out.InstanceInitiatedShutdownBehavior = v(doc._shutdownBehavior);
          break;
        case 'rootDeviceName':
          out.RootDeviceName = v(doc.RootDeviceName);
          break;
        case 'blockDeviceMapping':
          out.BlockDeviceMappings = (await withAttachedVolumes(env, scope, [doc]))[0]!.BlockDeviceMappings;
          break;
        case 'productCodes':
          out.ProductCodes = [];
          break;
        case 'sourceDestCheck':
          out.SourceDestCheck = v(doc.SourceDestCheck);
          break;
        case 'groupSet':
          out.Groups = doc.SecurityGroups;
          break;
        case 'ebsOptimized':
          out.EbsOptimized = v(doc.EbsOptimized);
          break;
        case 'sriovNetSupport':
          out.SriovNetSupport = v('simple');
          break;
        case 'enaSupport':
          out.EnaSupport = v(doc.EnaSupport);
          break;
        case 'enclaveOptions':
          out.EnclaveOptions = { Enabled: false };
          break;
        default:
          throw new InvalidParameterValue(
            `Value (${input.Attribute}) for parameter attribute is invalid. Unknown attribute.`,
          );
      }
      return out;
    },

    async ModifyInstanceAttribute(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const [d] = await byIds(env, scope, [input.InstanceId ?? '']);
      const doc = d!;
      const stoppedOnly = (what: string) => {
        if (doc.State.Name !== 'stopped') {
          throw new IncorrectInstanceState(`The instance '${doc.InstanceId}' is not in the 'stopped' state.`);
        }
        return what;
      };
      const attr: string | undefined = input.Attribute;
      const typeValue = input.InstanceType?.Value ?? (attr === 'instanceType' ? input.Value : undefined);
      if (typeValue !== undefined) {
        stoppedOnly('instanceType');
        const t = instanceType(typeValue);
        if (!t)
          throw new InvalidInstanceAttributeValue(
            `Value (${typeValue}) for parameter instanceType is invalid.`,
          );
        if (t.arch !== doc.Architecture)
          throw new InvalidInstanceAttributeValue(
            `The instance type '${typeValue}' does not support the architecture '${doc.Architecture}' of the instance.`,
          );
        doc.InstanceType = typeValue;
      }
      const userData: Buffer | undefined =
        input.UserData?.Value ??
        (attr === 'userData' && input.Value !== undefined ? Buffer.from(input.Value) : undefined);
      if (userData !== undefined) {
        stoppedOnly('userData');
        // The SDKs send user data base64-encoded once more; what arrives decoded is the base64 text.
        const text = Buffer.from(userData).toString();
        doc._userData = /^[A-Za-z0-9+/\s]*={0,2}$/.test(text)
          ? text.replace(/\s+/g, '')
          : Buffer.from(userData).toString('base64');
      }
      const bool = (field: string, key: string) => {
        const v =
          input[field]?.Value ??
          (attr === key && input.Value !== undefined ? input.Value === 'true' : undefined);
        return v as boolean | undefined;
      };
      const dat = bool('DisableApiTermination', 'disableApiTermination');
      if (dat !== undefined) doc._disableApiTermination = dat;
      const das = bool('DisableApiStop', 'disableApiStop');
      if (das !== undefined) doc._disableApiStop = das;
      const sdc = bool('SourceDestCheck', 'sourceDestCheck');
      if (sdc !== undefined) doc.SourceDestCheck = sdc;
      const ebs = bool('EbsOptimized', 'ebsOptimized');
      if (ebs !== undefined) doc.EbsOptimized = ebs;
      const behavior =
        input.InstanceInitiatedShutdownBehavior?.Value ??
        (attr === 'instanceInitiatedShutdownBehavior' ? input.Value : undefined);
      if (behavior !== undefined) doc._shutdownBehavior = shutdownBehavior(behavior);
      if (input.BlockDeviceMappings?.length)
        await setDeleteOnTermination(env, scope, doc, input.BlockDeviceMappings);
      if (input.Groups?.length) {
        const groups: GroupDoc[] = [];
        for (const id of input.Groups as string[])
          groups.push(await mustGet<GroupDoc>(env, scope, id, 'sg', GROUP_ERRORS));
        doc.SecurityGroups = groups.map((g) => ({ GroupName: g.GroupName, GroupId: g.GroupId }));
        doc.NetworkInterfaces = doc.NetworkInterfaces.map((n) => ({ ...n, Groups: doc.SecurityGroups }));
      }
      await env.repo.put(scope, 'instance', doc.InstanceId, doc);
      return {};
    },

    async ModifyInstanceMetadataOptions(input, ctx) {
      const scope = scopeOf(ctx);
      const [doc] = await byIds(env, scope, [input.InstanceId ?? '']);
      const current = doc!.MetadataOptions as Record<string, unknown>;
      const next: Record<string, unknown> = { ...current, State: 'pending' };
      for (const k of [
        'HttpTokens',
        'HttpPutResponseHopLimit',
        'HttpEndpoint',
        'HttpProtocolIpv6',
        'InstanceMetadataTags',
      ]) {
        if (input[k] !== undefined) next[k] = input[k];
      }
      const hop = next.HttpPutResponseHopLimit as number;
      if (hop < 1 || hop > 64)
        throw new InvalidParameterValue(
          `Value (${hop}) for parameter HttpPutResponseHopLimit is invalid. Must be between 1 and 64.`,
        );
      // The change applies at once here; AWS reports `pending` first, then `applied`.
      await env.repo.put(scope, 'instance', doc!.InstanceId, {
        ...doc!,
        MetadataOptions: { ...next, State: 'applied' },
      });
      return { InstanceId: doc!.InstanceId, InstanceMetadataOptions: next };
    },
  };
}
