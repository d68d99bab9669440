/** Time formats shared by several services' responses, each kept per second (asked per request). */

/** A formatter of whole seconds that formats each second once, remembering the last one. */
function perSecond(format: (second: number) => string): (ms: number) => string {
  let last = NaN;
  let text = '';
  return (ms) => {
    const second = Math.floor(ms / 1000);
    if (second !== last) {
      text = format(second);
      last = second;
    }
    return text;
  };
}

const iso = perSecond((s) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const http = perSecond((s) => new Date(s * 1000).toUTCString());

/** ISO-8601 without milliseconds ("2026-11-29T06:20:00Z"), as CloudTrail's eventTime and S3's ServerTime read. */
export function isoSeconds(d: Date): string {
  return iso(d.getTime());
}

/** The HTTP Date header's text for now ("Sun, 29 Nov 2026 06:20:00 GMT"). */
export function httpDateNow(): string {
  return http(Date.now());
}
