/** Trail names and ARNs: CloudTrail's naming rules and the name-or-ARN parameters. */
import {
  CloudTrailARNInvalidException,
  InvalidTrailNameException,
  TrailNotFoundException,
} from '../../generated/cloudtrail/errors.ts';

export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

const ALLOWED = /^[A-Za-z0-9._-]+$/;
const ALNUM = /^[A-Za-z0-9]$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** CloudTrail's rules for a new trail's name, with its messages. */
export function checkTrailName(name: string): void {
  if (name.length < 3)
    throw new InvalidTrailNameException(
      `Trail name too short. Minimum allowed length: 3 characters. Specified name length: ${name.length} characters.`,
    );
  if (name.length > 128)
    throw new InvalidTrailNameException(
      `Trail name too long. Maximum allowed length: 128 characters. Specified name length: ${name.length} characters.`,
    );
  if (!ALLOWED.test(name))
    throw new InvalidTrailNameException(
      'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).',
    );
  if (!ALNUM.test(name[0]!))
    throw new InvalidTrailNameException('Trail name must starts with a letter or number.');
  if (!ALNUM.test(name[name.length - 1]!))
    throw new InvalidTrailNameException('Trail name must ends with a letter or number.');
  if (/[._-]{2}/.test(name))
    throw new InvalidTrailNameException('Trail name cannot have adjacent periods, underscores or dashes.');
  if (IPV4.test(name))
    throw new InvalidTrailNameException('Trail name cannot be formatted as an IP address.');
}

export interface TrailRef {
  name: string;
  /** Set when the caller gave an ARN. */
  region?: string;
  accountId?: string;
}

const ARN = /^arn:aws:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

/** A Name parameter: a trail name or a trail ARN. */
export function parseTrailRef(value: string): TrailRef {
  if (value.startsWith('arn:')) {
    const m = ARN.exec(value);
    if (!m) throw new CloudTrailARNInvalidException(`Invalid trail ARN: ${value}.`);
    return { region: m[1]!, accountId: m[2]!, name: m[3]! };
  }
  if (!ALLOWED.test(value) || value.length < 3 || value.length > 128) checkTrailName(value);
  return { name: value };
}

export function trailNotFound(region: string, accountId: string, name: string): TrailNotFoundException {
  return new TrailNotFoundException(
    `Unknown trail: ${trailArn(region, accountId, name)} for the user: ${accountId}`,
  );
}
