/**
 * AWS's commercial regions: the names a credential scope may carry (a signature for a region
 * that does not exist is refused, as AWS's endpoints do) and what EC2 tells of each.
 */
export interface RegionInfo {
  name: string;
  /** Zone id prefix: usw2, use1, euw1, apne1, ... */
  short: string;
  /** Zone letters: 'abcd'. */
  zones: string;
  /** Regions launched after March 2019 must be enabled (opted in) per account. */
  optIn: boolean;
  longName: string;
}

export const REGIONS: readonly RegionInfo[] = [
  { name: 'us-east-1', short: 'use1', zones: 'abcdef', optIn: false, longName: 'US East (N. Virginia)' },
  { name: 'us-east-2', short: 'use2', zones: 'abc', optIn: false, longName: 'US East (Ohio)' },
  { name: 'us-west-1', short: 'usw1', zones: 'ac', optIn: false, longName: 'US West (N. California)' },
  { name: 'us-west-2', short: 'usw2', zones: 'abcd', optIn: false, longName: 'US West (Oregon)' },
  { name: 'af-south-1', short: 'afs1', zones: 'abc', optIn: true, longName: 'Africa (Cape Town)' },
  { name: 'ap-east-1', short: 'ape1', zones: 'abc', optIn: true, longName: 'Asia Pacific (Hong Kong)' },
  { name: 'ap-south-1', short: 'aps1', zones: 'abc', optIn: false, longName: 'Asia Pacific (Mumbai)' },
  { name: 'ap-south-2', short: 'aps2', zones: 'abc', optIn: true, longName: 'Asia Pacific (Hyderabad)' },
  {
    name: 'ap-southeast-1',
    short: 'apse1',
    zones: 'abc',
    optIn: false,
    longName: 'Asia Pacific (Singapore)',
  },
  { name: 'ap-southeast-2', short: 'apse2', zones: 'abc', optIn: false, longName: 'Asia Pacific (Sydney)' },
  { name: 'ap-southeast-3', short: 'apse3', zones: 'abc', optIn: true, longName: 'Asia Pacific (Jakarta)' },
  { name: 'ap-southeast-4', short: 'apse4', zones: 'abc', optIn: true, longName: 'Asia Pacific (Melbourne)' },
  { name: 'ap-northeast-1', short: 'apne1', zones: 'acd', optIn: false, longName: 'Asia Pacific (Tokyo)' },
  { name: 'ap-northeast-2', short: 'apne2', zones: 'abcd', optIn: false, longName: 'Asia Pacific (Seoul)' },
  { name: 'ap-northeast-3', short: 'apne3', zones: 'abc', optIn: false, longName: 'Asia Pacific (Osaka)' },
  { name: 'ca-central-1', short: 'cac1', zones: 'abd', optIn: false, longName: 'Canada (Central)' },
  { name: 'ca-west-1', short: 'caw1', zones: 'abc', optIn: true, longName: 'Canada West (Calgary)' },
  { name: 'eu-central-1', short: 'euc1', zones: 'abc', optIn: false, longName: 'Europe (Frankfurt)' },
  { name: 'eu-central-2', short: 'euc2', zones: 'abc', optIn: true, longName: 'Europe (Zurich)' },
  { name: 'eu-west-1', short: 'euw1', zones: 'abc', optIn: false, longName: 'Europe (Ireland)' },
  { name: 'eu-west-2', short: 'euw2', zones: 'abc', optIn: false, longName: 'Europe (London)' },
  { name: 'eu-west-3', short: 'euw3', zones: 'abc', optIn: false, longName: 'Europe (Paris)' },
  { name: 'eu-north-1', short: 'eun1', zones: 'abc', optIn: false, longName: 'Europe (Stockholm)' },
  { name: 'eu-south-1', short: 'eus1', zones: 'abc', optIn: true, longName: 'Europe (Milan)' },
  { name: 'eu-south-2', short: 'eus2', zones: 'abc', optIn: true, longName: 'Europe (Spain)' },
  { name: 'il-central-1', short: 'ilc1', zones: 'abc', optIn: true, longName: 'Israel (Tel Aviv)' },
  { name: 'me-south-1', short: 'mes1', zones: 'abc', optIn: true, longName: 'Middle East (Bahrain)' },
  { name: 'me-central-1', short: 'mec1', zones: 'abc', optIn: true, longName: 'Middle East (UAE)' },
  { name: 'sa-east-1', short: 'sae1', zones: 'abc', optIn: false, longName: 'South America (Sao Paulo)' },
];

const BY_NAME = new Map(REGIONS.map((r) => [r.name, r]));

export function regionInfo(name: string): RegionInfo | undefined {
  return BY_NAME.get(name);
}

/** True for a region AWS has (the commercial partition). */
export function isKnownRegion(name: string): boolean {
  return BY_NAME.has(name);
}
