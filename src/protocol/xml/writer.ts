/** Minimal, fast XML text building for AWS responses (no DOM; responses are written once). */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};

// Newlines and tabs are escaped as S3 does, so keys containing them survive a round trip.
const TEXT_RE = /[&<>"'\r\n\t]/g;

export function escapeXml(text: string): string {
  return TEXT_RE.test(text) ? text.replace(TEXT_RE, (c) => ESCAPES[c]!) : text;
}

export function element(name: string, inner: string, attrs = ''): string {
  return `<${name}${attrs}>${inner}</${name}>`;
}

export const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';
