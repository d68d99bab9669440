/**
 * Calls and denials over time as an inline SVG bar chart (no chart library): one pair of bars
 * per time bin, denials hatched as well as coloured so colour is not the only cue.
 */
import { markup, type Html } from './html.ts';

export interface Point {
  time: number;
  denied: boolean;
}

const W = 760;
const H = 200;
const PAD = { left: 40, right: 12, top: 12, bottom: 36 };

function label(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  if (spanMs > 2 * 86_400_000) return iso.slice(5, 10);
  if (spanMs > 3_600_000) return iso.slice(11, 16);
  return spanMs > 60_000 ? iso.slice(11, 19) : iso.slice(11, 21);
}

export function activityChart(points: Point[], from: number, to: number, bins = 24): Html {
  const span = Math.max(to - from, 1000);
  const width = span / bins;
  const calls = new Array<number>(bins).fill(0);
  const denials = new Array<number>(bins).fill(0);
  for (const p of points) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor((p.time - from) / width)));
    calls[i]!++;
    if (p.denied) denials[i]!++;
  }
  const max = Math.max(1, ...calls);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / bins;
  const barW = Math.max(2, slot / 2 - 2);
  const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
  const bars: Html[] = [];
  for (let i = 0; i < bins; i++) {
    const x = PAD.left + i * slot + 1;
    const t0 = label(from + i * width, span);
    const t1 = label(from + (i + 1) * width, span);
    if (calls[i])
      bars.push(
        markup`<rect class="calls" x="${x.toFixed(1)}" y="${y(calls[i]!).toFixed(1)}" width="${barW.toFixed(1)}" height="${(PAD.top + plotH - y(calls[i]!)).toFixed(1)}"><title>${t0}–${t1}: ${calls[i]} calls</title></rect>`,
      );
    if (denials[i])
      bars.push(
        markup`<rect class="denials" x="${(x + barW + 1).toFixed(1)}" y="${y(denials[i]!).toFixed(1)}" width="${barW.toFixed(1)}" height="${(PAD.top + plotH - y(denials[i]!)).toFixed(1)}"><title>${t0}–${t1}: ${denials[i]} denied</title></rect>`,
      );
  }
  const ticks: Html[] = [];
  for (let i = 0; i <= bins; i += bins / 4) {
    const x = PAD.left + i * slot;
    ticks.push(
      markup`<text x="${x.toFixed(1)}" y="${H - 14}" text-anchor="${i === 0 ? 'start' : i >= bins ? 'end' : 'middle'}">${label(from + i * width, span)}</text>`,
    );
  }
  const total = points.length;
  const denied = points.filter((p) => p.denied).length;
  const summary = `${total} calls, ${denied} denied, from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`;
  return markup`<figure class="chart">
  <svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet">
    <title id="chart-title">Calls and denials over time</title>
    <desc id="chart-desc">${summary}</desc>
    <defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="denials-bg"></rect><line x1="0" y1="0" x2="0" y2="6" class="hatch-line"></line></pattern></defs>
    <line class="axis" x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}"></line>
    <text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${max}</text>
    <text x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">0</text>
    ${bars}${ticks}
  </svg>
  <figcaption><span class="key key-calls" aria-hidden="true"></span> Calls <span class="key key-denials" aria-hidden="true"></span> Denied
    <span class="muted">· ${summary}</span></figcaption>
</figure>`;
}
