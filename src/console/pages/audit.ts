/**
 * The audit trail: CloudTrail LookupEvents as a filterable, paginated table with each event's
 * JSON, and a chart of calls and denials over the same filter.
 */
import { markup, href } from '../html.ts';
import { attempt, page, problem, section, when } from '../layout.ts';
import { activityChart, type Point } from '../chart.ts';
import { pageRegion, type PageContext } from '../context.ts';
import { regionList } from './ec2.ts';
import type { ConsoleClient } from '../aws/client.ts';

export const ATTRIBUTE_KEYS = [
  'EventName',
  'Username',
  'EventSource',
  'ResourceName',
  'ResourceType',
  'AccessKeyId',
  'EventId',
  'ReadOnly',
];
const PAGE_SIZE = 25;
const CHART_PAGES = 10;

interface TrailEvent {
  EventId: string;
  EventName: string;
  EventTime: number;
  EventSource: string;
  Username?: string;
  AccessKeyId?: string;
  ReadOnly?: string;
  CloudTrailEvent?: string;
}

/** `2024-05-01T10:00` (datetime-local, read as UTC) → epoch seconds. */
function parseLocal(v: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)) return undefined;
  const t = Date.parse(v + 'Z');
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
}

export function isDenial(code: string | undefined): boolean {
  return !!code && /AccessDenied|UnauthorizedOperation|^Unauthorized/.test(code);
}

function detail(e: TrailEvent): {
  json: string;
  errorCode?: string;
  errorMessage?: string;
  sourceIp?: string;
  region?: string;
} {
  try {
    const parsed = JSON.parse(e.CloudTrailEvent ?? '{}') as Record<string, any>;
    return {
      json: JSON.stringify(parsed, null, 2),
      errorCode: parsed.errorCode,
      errorMessage: parsed.errorMessage,
      sourceIp: parsed.sourceIPAddress,
      region: parsed.awsRegion,
    };
  } catch {
    return { json: e.CloudTrailEvent ?? '' };
  }
}

async function chartPoints(
  c: ConsoleClient,
  input: Record<string, unknown>,
  region: string,
): Promise<{ points: Point[]; complete: boolean }> {
  const points: Point[] = [];
  let token: string | undefined;
  for (let i = 0; i < CHART_PAGES; i++) {
    let r: { Events?: TrailEvent[]; NextToken?: string };
    try {
      r = await c.json(
        'cloudtrail',
        'LookupEvents',
        { ...input, MaxResults: 50, ...(token ? { NextToken: token } : {}) },
        region,
      );
    } catch (err) {
      // A later page failing (throttling, say) still leaves a chart of what came back.
      if (i === 0) throw err;
      return { points, complete: false };
    }
    for (const e of r.Events ?? [])
      points.push({ time: e.EventTime * 1000, denied: isDenial(detail(e).errorCode) });
    token = r.NextToken;
    if (!token) return { points, complete: true };
  }
  return { points, complete: false };
}

export async function auditPage(ctx: PageContext) {
  const c = ctx.client;
  const q = ctx.url.searchParams;
  const region = pageRegion(ctx);
  const key = ATTRIBUTE_KEYS.includes(q.get('key') ?? '') ? q.get('key')! : 'EventName';
  const value = (q.get('value') ?? '').trim();
  const start = q.get('start') ?? '';
  const end = q.get('end') ?? '';
  const token = q.get('token') ?? '';
  const input: Record<string, unknown> = {};
  if (value) input.LookupAttributes = [{ AttributeKey: key, AttributeValue: value }];
  const startS = parseLocal(start);
  const endS = parseLocal(end);
  if (startS !== undefined) input.StartTime = startS;
  if (endS !== undefined) input.EndTime = endS;

  const [regions, events, chart] = await Promise.all([
    regionList(c, region),
    attempt(
      c.json(
        'cloudtrail',
        'LookupEvents',
        { ...input, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) },
        region,
      ) as Promise<{ Events?: TrailEvent[]; NextToken?: string }>,
    ),
    attempt(chartPoints(c, input, region)),
  ]);
  const keep = { region, key, value, start, end };
  const form = markup`<form class="filter audit-filter" method="get" action="${href('/audit')}" role="search" aria-label="Filter events">
    <div><label for="region">Region</label><select id="region" name="region">${regions.map((r) => markup`<option value="${r}"${r === region ? markup` selected` : ''}>${r}</option>`)}</select></div>
    <div><label for="key">Attribute</label><select id="key" name="key">${ATTRIBUTE_KEYS.map((k) => markup`<option value="${k}"${k === key ? markup` selected` : ''}>${k}</option>`)}</select></div>
    <div><label for="value">Value</label><input id="value" name="value" value="${value}" autocomplete="off" spellcheck="false"></div>
    <div><label for="start">From (UTC)</label><input id="start" name="start" type="datetime-local" step="1" value="${start}"></div>
    <div><label for="end">To (UTC)</label><input id="end" name="end" type="datetime-local" step="1" value="${end}"></div>
    <div class="actions"><button type="submit">Filter</button> <a href="${href('/audit', { region })}">Clear</a></div>
  </form>`;
  const chartHtml = chart.ok
    ? (() => {
        const pts = chart.value.points;
        if (pts.length === 0) return markup`<p class="empty">No events to chart.</p>`;
        const times = pts.map((p) => p.time);
        const from = startS !== undefined ? startS * 1000 : Math.min(...times);
        const to = endS !== undefined ? endS * 1000 : Math.max(...times, Date.now());
        return markup`${activityChart(pts, from, to)}${chart.value.complete ? '' : markup`<p class="hint">Charted from the latest ${pts.length} matching events.</p>`}`;
      })()
    : problem(chart.error, 'look up events');
  const tableHtml = events.ok
    ? (() => {
        const list = events.value.Events ?? [];
        if (list.length === 0) return markup`<p class="empty">No events match.</p>`;
        const next = events.value.NextToken;
        return markup`<div class="table-wrap"><table class="events"><caption class="visually-hidden">Events, newest first</caption>
          <thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Source</th><th scope="col">User</th><th scope="col">Access key</th><th scope="col">Source IP</th><th scope="col">Result</th></tr></thead>
          ${list.map((e) => {
            const d = detail(e);
            return markup`<tbody class="event${isDenial(d.errorCode) ? ' denied' : ''}"><tr>
              <td>${when(e.EventTime)}</td><th scope="row">${e.EventName}</th><td>${e.EventSource}</td><td>${e.Username ?? ''}</td>
              <td><code>${e.AccessKeyId ?? ''}</code></td><td>${d.sourceIp ?? ''}</td>
              <td>${d.errorCode ? markup`<span class="status ${isDenial(d.errorCode) ? 'status-denied' : 'status-failed'}" title="${d.errorMessage ?? ''}">${d.errorCode}</span>` : markup`<span class="status status-ok">OK</span>`}</td></tr>
              <tr class="json-row"><td colspan="7"><details><summary>Event JSON<span class="visually-hidden"> of ${e.EventName} at ${new Date(e.EventTime * 1000).toISOString()}</span></summary>
              <pre class="code" tabindex="0"><code>${d.json}</code></pre></details></td></tr></tbody>`;
          })}</table></div>
          <nav class="pager" aria-label="Pages">${token ? markup`<a href="${href('/audit', keep)}">First page</a>` : ''}
          ${next ? markup`<a rel="next" href="${href('/audit', { ...keep, token: next })}">Next page</a>` : ''}</nav>`;
      })()
    : problem(events.error, 'look up events');
  return page(
    {
      title: 'Audit trail',
      active: 'audit',
      session: ctx.session,
      crumbs: [['Audit trail', href('/audit', { region })]],
    },
    markup`${form}
    ${section('activity', 'Calls and denials', chartHtml)}
    ${section('events', 'Events', tableHtml)}`,
  );
}
