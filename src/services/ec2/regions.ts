/**
 * The availability zones of AWS's commercial regions (listed in src/regions.ts). Zone ids
 * (`usw2-az1`) name physical zones; which zone name (`us-west-2a`) maps to which id differs per
 * account (AWS shuffles them so accounts spread out), here by a deterministic shuffle seeded
 * with the account id.
 */
import { seededInt } from './ids.ts';
import { REGIONS, regionInfo, type RegionInfo } from '../../regions.ts';

export { REGIONS, regionInfo, type RegionInfo };

export interface Zone {
  name: string;
  id: string;
  region: string;
}

/** The zones of a region as one account sees them (name → id shuffled per account). */
export function zonesFor(account: string, region: string): Zone[] {
  const info = regionInfo(region) ?? {
    name: region,
    short: region.replace(/[^a-z0-9]/g, '').slice(0, 6),
    zones: 'abc',
  };
  const letters = [...info.zones];
  const ids = letters.map((_, i) => `${info.short}-az${i + 1}`);
  // Fisher-Yates with a seeded generator: stable for an account, different between accounts.
  for (let i = ids.length - 1; i > 0; i--) {
    const j = seededInt(i + 1, account, region, String(i));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return letters.map((l, i) => ({ name: `${region}${l}`, id: ids[i]!, region }));
}

/** The DNS suffix AWS uses for public host names in a region. */
export function computeDomain(region: string): string {
  return region === 'us-east-1' ? 'compute-1.amazonaws.com' : `${region}.compute.amazonaws.com`;
}
