/** Scalar formatting shared by the XML and query serializers. */
import type { Shape } from '../model.ts';

export function iso8601(d: Date): string {
  return d.toISOString();
}

/** RFC 7231 date, as S3 uses in Last-Modified and Expires headers. */
export function rfc822(d: Date): string {
  return d.toUTCString();
}

export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  return new Date(String(value));
}

export function formatTimestamp(value: unknown, format: Shape['timestampFormat'] | undefined): string {
  const d = toDate(value);
  switch (format) {
    case 'rfc822':
      return rfc822(d);
    case 'unixTimestamp':
      return String(Math.floor(d.getTime() / 1000));
    default:
      return iso8601(d);
  }
}

export function formatScalar(
  shape: Shape,
  value: unknown,
  defaultTimestamp?: Shape['timestampFormat'],
): string {
  switch (shape.type) {
    case 'timestamp':
      return formatTimestamp(value, shape.timestampFormat ?? defaultTimestamp);
    case 'blob':
      return Buffer.isBuffer(value)
        ? value.toString('base64')
        : Buffer.from(String(value)).toString('base64');
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return String(value);
  }
}
