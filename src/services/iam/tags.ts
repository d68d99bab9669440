/**
 * The rules IAM applies to the tags of its resources (lengths and characters are the model's,
 * checked before a handler runs): at most 50 per resource, no key twice, no `aws:` keys.
 *
 * Keys are compared case-insensitively (case kept) on users and roles only; policies, instance
 * profiles, OIDC and SAML providers and MFA devices can hold `Costcenter` and `costcenter` side
 * by side (IAM User Guide, "Tagging IAM resources", Case sensitivity).
 */
import { invalidInput, limitExceeded } from './errors.ts';
import type { EntityKind, Tag } from './repository.ts';

export const MAX_TAGS = 50;

const foldsCase = (kind: EntityKind): boolean => kind === 'user' || kind === 'role';
const keyOf = (kind: EntityKind) => (foldsCase(kind) ? (k: string) => k.toLowerCase() : (k: string) => k);

/**
 * Keys beginning with `aws:` in any case are AWS's own: "You cannot create a tag key or value
 * that begins with the text aws:" (IAM User Guide, "Tagging IAM resources"). The error code and
 * wording are not documented; InvalidInput is what IAM answers for the other tag-set rules.
 */
export const reservedTagKey = (key: string): boolean => key.slice(0, 4).toLowerCase() === 'aws:';

/** Checks a Tags list as given to Create* or Tag* (reserved keys, duplicates, count). */
export function checkTags(tags: Tag[] | undefined, kind: EntityKind): Tag[] {
  const list = tags ?? [];
  const key = keyOf(kind);
  const seen = new Set<string>();
  for (const t of list) {
    if (reservedTagKey(t.Key))
      throw invalidInput(`The tag key ${t.Key} is reserved: tag keys can't begin with aws:.`);
    // Kinds that keep case answer without the case note (AWS-recorded test_policy_tag_create_errors).
    if (seen.has(key(t.Key)))
      throw invalidInput(
        foldsCase(kind)
          ? 'Duplicate tag keys found. Please note that Tag keys are case insensitive.'
          : 'Duplicate tag keys found.',
      );
    seen.add(key(t.Key));
  }
  if (list.length > MAX_TAGS) throw limitExceeded('The number of tags has reached the maximum limit.');
  return list.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
}

/** Tags merged (a tag with an existing key replaces that tag), at most 50. */
export function mergeTags(current: Tag[], added: Tag[], kind: EntityKind): Tag[] {
  const key = keyOf(kind);
  const out = [...current];
  for (const t of checkTags(added, kind)) {
    const i = out.findIndex((x) => key(x.Key) === key(t.Key));
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  if (out.length > MAX_TAGS) throw limitExceeded('The number of tags has reached the maximum limit.');
  return out;
}

export function removeTags(current: Tag[], keys: string[], kind: EntityKind): Tag[] {
  const key = keyOf(kind);
  const drop = new Set(keys.map(key));
  return current.filter((t) => !drop.has(key(t.Key)));
}
