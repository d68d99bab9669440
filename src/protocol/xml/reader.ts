/**
 * Reads an XML request body into a typed object following its model shape (rest-xml payloads:
 * S3's CreateBucketConfiguration, Delete, CompleteMultipartUpload, Tagging, ...).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ServiceModel, Shape, ShapeRef } from '../model.ts';
import { AwsError } from '../../errors.ts';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  isArray: () => true,
});

type Node = Record<string, unknown>;

export function malformedXml(): AwsError {
  return new AwsError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
  );
}

/** Parses a document; returns the root element's name and node. */
export function parseXmlDocument(text: string): { name: string; node: Node } {
  if (XMLValidator.validate(text) !== true) throw malformedXml();
  const doc = parser.parse(text) as Node;
  const name = Object.keys(doc).find((k) => !k.startsWith('?'));
  if (!name) throw malformedXml();
  const node = (doc[name] as Node[])[0];
  return { name, node: typeof node === 'object' && node ? node : { '#text': node ?? '' } };
}

function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node;
  if (typeof node === 'object') {
    const t = (node as Node)['#text'];
    if (Array.isArray(t)) return t.join('');
    return t === undefined ? '' : String(t);
  }
  return String(node);
}

function scalar(shape: Shape, raw: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      const t = raw.trim();
      if (!/^-?\d+$/.test(t)) throw malformedXml();
      return Number(t);
    }
    case 'float':
    case 'double':
      return Number(raw.trim());
    case 'boolean':
      return raw.trim().toLowerCase() === 'true';
    case 'timestamp':
      return new Date(raw.trim());
    case 'blob':
      return Buffer.from(raw, 'base64');
    default:
      return raw;
  }
}

function children(node: Node, name: string): unknown[] {
  const v = node[name];
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

export function readShape(model: ServiceModel, ref: ShapeRef, node: unknown): unknown {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure': {
      const obj = (typeof node === 'object' && node ? node : {}) as Node;
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const memberShape = model.shapes[member.shape]!;
        const xmlName = member.locationName ?? name;
        if (member.xmlAttribute) {
          const attr = obj[`@${xmlName.includes(':') ? xmlName.split(':')[1] : xmlName}`];
          if (attr !== undefined) out[name] = scalar(memberShape, String(attr));
          continue;
        }
        if (memberShape.type === 'list' && (member.flattened || memberShape.flattened)) {
          const itemName = memberShape.member!.locationName ?? xmlName;
          const items = children(obj, itemName);
          if (items.length) out[name] = items.map((i) => readShape(model, memberShape.member!, i));
          continue;
        }
        const found = children(obj, xmlName);
        if (found.length) out[name] = readShape(model, member, found[0]);
      }
      return out;
    }
    case 'list': {
      const obj = (typeof node === 'object' && node ? node : {}) as Node;
      const itemName = shape.member!.locationName ?? 'member';
      return children(obj, itemName).map((i) => readShape(model, shape.member!, i));
    }
    case 'map': {
      const obj = (typeof node === 'object' && node ? node : {}) as Node;
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      const out: Record<string, unknown> = {};
      for (const entry of children(obj, 'entry') as Node[]) {
        out[text(children(entry, keyName)[0])] = readShape(
          model,
          shape.value!,
          children(entry, valueName)[0],
        );
      }
      return out;
    }
    default:
      return scalar(shape, text(node));
  }
}
