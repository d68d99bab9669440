/**
 * Lifecycle V1 (a rule-level Prefix) and V2 (a Filter): S3 keeps one form per configuration and
 * holds V1 to its older rules. Pure.
 *
 * Evidence: "Filter element can only be used in Lifecycle V2." for a Filter after rule-level
 * prefixes (ansible #53751, cloud-custodian #5826); "Base level prefix cannot be used in
 * Lifecycle V2, ..." for the reverse (terraform-provider-aws #23299); "NewerNoncurrentVersions
 * element can only be used in Lifecycle V2." (#23228); "Found overlapping prefixes '' and 'a'
 * for same action type 'Expiration'" (noobaa-core #8341), all 400 InvalidRequest.
 */
import { AwsError } from '../../../errors.ts';
import type { LifecycleRule } from '../../../generated/s3/types.ts';
import type { StoredRule } from './rules.ts';

// Its own helper: rules.ts imports this module.
const invalidRequest = (message: string) => new AwsError('InvalidRequest', message, 400);

export type LifecycleVersion = 1 | 2;

/** A rule whose form differs from the configuration's, or that uses a V2 element in V1. */
export function checkVersion(r: LifecycleRule, version: LifecycleVersion): void {
  if (version === 1 && r.Filter !== undefined)
    throw invalidRequest('Filter element can only be used in Lifecycle V2.');
  if (version === 2 && r.Prefix !== undefined)
    throw invalidRequest(
      'Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.',
    );
  if (
    version === 1 &&
    (r.NoncurrentVersionExpiration?.NewerNoncurrentVersions !== undefined ||
      r.NoncurrentVersionTransitions?.some((t) => t.NewerNoncurrentVersions !== undefined))
  )
    throw invalidRequest('NewerNoncurrentVersions element can only be used in Lifecycle V2.');
}

/**
 * V1 rules may not overlap for one action type (V2 resolves overlaps instead). Only Expiration
 * (ExpiredObjectDeleteMarker included) is on record from S3; Transition follows the same message
 * in emulators written against it. Other action types: no record, so not refused.
 */
export function checkOverlaps(rules: StoredRule[]): void {
  const types: [string, (r: StoredRule) => boolean][] = [
    ['Expiration', (r) => r.Expiration !== undefined],
    ['Transition', (r) => !!r.Transitions?.length],
  ];
  for (const [type, has] of types) {
    const with_ = rules.filter(has);
    for (let i = 0; i < with_.length; i++) {
      for (let j = i + 1; j < with_.length; j++) {
        const a = with_[i]!.Prefix ?? '';
        const b = with_[j]!.Prefix ?? '';
        if (a.startsWith(b) || b.startsWith(a))
          throw invalidRequest(`Found overlapping prefixes '${a}' and '${b}' for same action type '${type}'`);
      }
    }
  }
}
