/**
 * ListObjectVersions' body lists versions and delete markers as one sequence in S3's order (key,
 * then newest first), so a marker sits between the versions of its key (the API reference's
 * example; clients such as the Java SDK v1 read them as one list). The model keeps them in two
 * lists; the handler records the sequence under this symbol and the writer interleaves them.
 */
import type { ServiceModel, Shape } from '../model.ts';
import { writeMember } from '../xml/shape-writer.ts';

/** On a ListObjectVersions output: one entry per listed version, true for a delete marker. */
export const VERSION_SEQUENCE = Symbol('s3.versionSequence');

export function writeListVersionsMembers(
  model: ServiceModel,
  shape: Shape,
  value: Record<string | symbol, unknown>,
): string | undefined {
  const sequence = value[VERSION_SEQUENCE] as boolean[] | undefined;
  if (!sequence) return undefined;
  const members = shape.members ?? {};
  const versions = (value.Versions ?? []) as unknown[];
  const markers = (value.DeleteMarkers ?? []) as unknown[];
  let out = '';
  for (const [name, ref] of Object.entries(members)) {
    if (name === 'DeleteMarkers' || ref.location || ref.xmlAttribute) continue;
    if (name === 'Versions') {
      let v = 0;
      let d = 0;
      for (const isMarker of sequence) {
        const [listRef, item] = isMarker ? [members.DeleteMarkers!, markers[d++]] : [ref, versions[v++]];
        out += writeMember(model, listRef, listRef.locationName!, [item], {});
      }
      continue;
    }
    const v = value[name];
    if (v === undefined || v === null) continue;
    out += writeMember(model, ref, ref.locationName ?? name, v, {});
  }
  return out;
}
