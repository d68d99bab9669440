/**
 * Writes a value as XML following its model shape: the one XML body writer behind the query, ec2
 * and rest-xml serializers (they differ only in envelopes and in how they name list items).
 */
import type { ServiceModel, Shape, ShapeRef } from '../model.ts';
import { escapeXml } from './writer.ts';
import { formatScalar } from './values.ts';

export interface XmlStyle {
  /** Timestamp format when a shape does not say (iso8601 everywhere in XML bodies). */
  timestampFormat?: Shape['timestampFormat'];
}

export function writeMembers(
  model: ServiceModel,
  shape: Shape,
  value: Record<string, unknown>,
  style: XmlStyle = {},
): string {
  let out = '';
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    if (ref.xmlAttribute || ref.location) continue;
    out += writeMember(model, ref, ref.locationName ?? name, v, style);
  }
  return out;
}

function attributesOf(
  model: ServiceModel,
  shape: Shape,
  value: Record<string, unknown>,
  ref?: ShapeRef,
): string {
  let attrs = '';
  const ns = ref?.xmlNamespace ?? shape.xmlNamespace;
  if (ns?.uri) attrs += ns.prefix ? ` xmlns:${ns.prefix}="${ns.uri}"` : ` xmlns="${ns.uri}"`;
  for (const [name, m] of Object.entries(shape.members ?? {})) {
    if (!m.xmlAttribute) continue;
    const v = value[name];
    if (v === undefined || v === null) continue;
    if (m.xmlNamespace?.prefix && !attrs.includes(`xmlns:${m.xmlNamespace.prefix}=`)) {
      attrs += ` xmlns:${m.xmlNamespace.prefix}="${m.xmlNamespace.uri}"`;
    }
    attrs += ` ${m.locationName ?? name}="${escapeXml(formatScalar(model.shapes[m.shape]!, v))}"`;
  }
  return attrs;
}

export function writeMember(
  model: ServiceModel,
  ref: ShapeRef,
  elementName: string,
  value: unknown,
  style: XmlStyle,
): string {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      return `<${elementName}${attributesOf(model, shape, obj, ref)}>${writeMembers(model, shape, obj, style)}</${elementName}>`;
    }
    case 'list': {
      const items = value as unknown[];
      const memberRef = shape.member!;
      if (ref.flattened || shape.flattened) {
        const itemName = memberRef.locationName ?? elementName;
        return items.map((item) => writeMember(model, memberRef, itemName, item, style)).join('');
      }
      const itemName = memberRef.locationName ?? 'member';
      const inner = items.map((item) => writeMember(model, memberRef, itemName, item, style)).join('');
      return `<${elementName}>${inner}</${elementName}>`;
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      const one = ([k, v]: [string, unknown]) =>
        `<${keyName}>${escapeXml(k)}</${keyName}>${writeMember(model, shape.value!, valueName, v, style)}`;
      if (ref.flattened || shape.flattened)
        return entries.map((e) => `<${elementName}>${one(e)}</${elementName}>`).join('');
      return `<${elementName}>${entries.map((e) => `<entry>${one(e)}</entry>`).join('')}</${elementName}>`;
    }
    default:
      return `<${elementName}>${escapeXml(formatScalar(shape, value, style.timestampFormat))}</${elementName}>`;
  }
}
