/** DescribeRegions, DescribeAvailabilityZones and DescribeInstanceTypes: catalog answers. */
import { InvalidInstanceType, InvalidParameterValue } from '../../generated/ec2/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import { applyFilters, paginate } from './filters.ts';
import { INSTANCE_TYPES, INSTANCE_TYPE_FILTERS, typeInfo } from './instance-types.ts';
import { REGIONS, regionInfo, zonesFor } from './regions.ts';

export function zoneHandlers(): ServiceHandlers {
  return {
    async DescribeRegions(input) {
      let regions = REGIONS.map((r) => ({
        RegionName: r.name,
        Endpoint: `ec2.${r.name}.amazonaws.com`,
        OptInStatus: r.optIn ? 'not-opted-in' : 'opt-in-not-required',
      }));
      if (!input.AllRegions) regions = regions.filter((r) => r.OptInStatus !== 'not-opted-in');
      if (input.RegionNames?.length) {
        const names: string[] = input.RegionNames;
        const unknown = names.find((n) => !regionInfo(n));
        // AWS's words (a DescribeRegions answer quoted in awslabs/amazon-s3-tar-tool#7).
        if (unknown) throw new InvalidParameterValue(`Invalid region: [${unknown}]`);
        regions = REGIONS.filter((r) => names.includes(r.name)).map((r) => ({
          RegionName: r.name,
          Endpoint: `ec2.${r.name}.amazonaws.com`,
          OptInStatus: r.optIn ? 'not-opted-in' : 'opt-in-not-required',
        }));
      }
      regions = applyFilters(
        regions,
        input.Filters,
        {
          endpoint: (r) => r.Endpoint,
          'opt-in-status': (r) => r.OptInStatus,
          'region-name': (r) => r.RegionName,
        },
        'DescribeRegions',
      );
      return { Regions: regions };
    },

    async DescribeAvailabilityZones(input, ctx) {
      const info = regionInfo(ctx.region);
      let zones = zonesFor(ctx.accountId, ctx.region).map((z) => ({
        State: 'available',
        OptInStatus: 'opt-in-not-required',
        Messages: [],
        RegionName: ctx.region,
        ZoneName: z.name,
        ZoneId: z.id,
        // The zone group's current form (AWS moved from the bare region name in 2025, per the model).
        GroupName: `${ctx.region}-zg-1`,
        GroupLongName: info ? `${info.longName} 1` : ctx.region,
        NetworkBorderGroup: ctx.region,
        ZoneType: 'availability-zone',
      }));
      if (input.ZoneNames?.length || input.ZoneIds?.length) {
        const names: string[] = input.ZoneNames ?? [];
        const ids: string[] = input.ZoneIds ?? [];
        const unknown = [
          ...names.filter((n) => !zones.some((z) => z.ZoneName === n)),
          ...ids.filter((n) => !zones.some((z) => z.ZoneId === n)),
        ];
        // AWS's words for an unknown zone name (seen from SDKs and CloudFormation).
        const badName = names.find((n) => !zones.some((z) => z.ZoneName === n));
        if (badName) throw new InvalidParameterValue(`Invalid availability zone: [${badName}]`);
        if (unknown.length) throw new InvalidParameterValue(`The zone '${unknown[0]}' does not exist.`);
        zones = zones.filter((z) => names.includes(z.ZoneName) || ids.includes(z.ZoneId));
      }
      zones = applyFilters(
        zones,
        input.Filters,
        {
          'group-name': (z) => z.GroupName,
          'group-long-name': (z) => z.GroupLongName,
          message: () => undefined,
          'network-border-group': (z) => z.NetworkBorderGroup,
          'opt-in-status': (z) => z.OptInStatus,
          'region-name': (z) => z.RegionName,
          state: (z) => z.State,
          'zone-id': (z) => z.ZoneId,
          'zone-name': (z) => z.ZoneName,
          'zone-type': (z) => z.ZoneType,
        },
        'DescribeAvailabilityZones',
      );
      return { AvailabilityZones: zones };
    },

    async DescribeInstanceTypeOfferings(input, ctx) {
      const type: string = input.LocationType ?? 'region';
      const zones = zonesFor(ctx.accountId, ctx.region);
      const locations =
        type === 'region'
          ? [ctx.region]
          : type === 'availability-zone'
            ? zones.map((z) => z.name)
            : zones.map((z) => z.id);
      let offerings = locations.flatMap((Location) =>
        INSTANCE_TYPES.map((t) => ({ InstanceType: t.name, LocationType: type, Location })),
      );
      offerings = applyFilters(
        offerings,
        input.Filters,
        {
          location: (o) => o.Location,
          'instance-type': (o) => o.InstanceType,
        },
        'DescribeInstanceTypeOfferings',
      );
      const { page, NextToken } = paginate(offerings, input, { min: 5, max: 1000 });
      return { InstanceTypeOfferings: page, NextToken };
    },

    async DescribeInstanceTypes(input) {
      let types = INSTANCE_TYPES.map(typeInfo);
      if (input.InstanceTypes?.length) {
        const names: string[] = input.InstanceTypes;
        const unknown = names.filter((n) => !types.some((t) => t.InstanceType === n));
        if (unknown.length)
          throw new InvalidInstanceType(
            `The following supplied instance types do not exist: [${unknown.join(', ')}]`,
          );
        types = types.filter((t) => names.includes(t.InstanceType!));
      }
      types = applyFilters(types, input.Filters, INSTANCE_TYPE_FILTERS, 'DescribeInstanceTypes');
      const { page, NextToken } = paginate(types, input, { min: 5, max: 100 });
      return { InstanceTypes: page, NextToken };
    },
  };
}
