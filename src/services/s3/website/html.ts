/** The HTML error pages of S3's website endpoint. */

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
};

export interface WebsiteError {
  status: number;
  code: string;
  message: string;
  /** Extra <li> lines (Key, BucketName, Method, ResourceType), in order. */
  details?: [string, string][];
}

export const reason = (status: number) => REASONS[status] ?? 'Error';

export function errorPage(
  e: WebsiteError,
  ids: { requestId: string; hostId: string },
  errorDocumentError?: WebsiteError,
): string {
  const title = `${e.status} ${reason(e.status)}`;
  const items = [
    `<li>Code: ${esc(e.code)}</li>`,
    `<li>Message: ${esc(e.message)}</li>`,
    ...(e.details ?? []).map(([k, v]) => `<li>${esc(k)}: ${esc(v)}</li>`),
    `<li>RequestId: ${esc(ids.requestId)}</li>`,
    `<li>HostId: ${esc(ids.hostId)}</li>`,
  ];
  let extra = '';
  if (errorDocumentError) {
    extra =
      '<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n' +
      `<li>Code: ${esc(errorDocumentError.code)}</li>\n<li>Message: ${esc(errorDocumentError.message)}</li>\n` +
      (errorDocumentError.details ?? []).map(([k, v]) => `<li>${esc(k)}: ${esc(v)}</li>\n`).join('') +
      '</ul>\n';
  }
  return `<html>\n<head><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<ul>\n${items.join('\n')}\n</ul>\n${extra}<hr/>\n</body>\n</html>\n`;
}
