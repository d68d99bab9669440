/** Time formats shared by several services' responses. */

let lastSecond = NaN;
let lastText = '';

/**
 * ISO-8601 without milliseconds ("2026-11-29T06:20:00Z"), as CloudTrail's eventTime and S3's
 * ServerTime read. Every recorded call asks for its second, so the text is kept per second.
 */
export function isoSeconds(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastText = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = second;
  }
  return lastText;
}
