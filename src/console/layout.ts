/** The page frame and the small rendering helpers every page shares. */
import { ApiError, tagPairs, type Xml } from './aws/client.ts';
import { markup, href, type Html, type HtmlValue } from './html.ts';
import type { Session } from './sessions.ts';

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Runs one API-backed part of a page; an AWS error becomes that part's message, not the page's. */
export async function attempt<T>(p: Promise<T> | (() => Promise<T>)): Promise<Result<T>> {
  try {
    return { ok: true, value: await (typeof p === 'function' ? p() : p) };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: err };
    throw err;
  }
}

export function problem(error: ApiError, what: string, compact = false): Html {
  if (compact) {
    const label = error.denied ? 'Access denied' : error.notImplemented ? 'Not available' : 'Error';
    return markup`<div class="notice ${error.denied ? 'denied' : error.notImplemented ? 'unavailable' : 'error'}" role="status"><strong>${label}</strong> <code>${error.code}</code></div>`;
  }
  if (error.denied) {
    return markup`<div class="notice denied" role="status"><strong>Access denied.</strong> You may not ${what}:
      <code>${error.code}</code> ${error.message}</div>`;
  }
  if (error.notImplemented) {
    return markup`<div class="notice unavailable" role="status"><strong>Not available.</strong> This Stratus does not implement this yet
      (<code>${error.code}</code>).</div>`;
  }
  return markup`<div class="notice error" role="status"><strong>Could not ${what}.</strong> <code>${error.code}</code> ${error.message}</div>`;
}

/** Renders a result: its value through `ok`, or the error notice. */
export function show<T>(r: Result<T>, what: string, ok: (v: T) => HtmlValue): HtmlValue {
  return r.ok ? ok(r.value) : problem(r.error, what);
}

export function section(id: string, title: string, body: HtmlValue, extra: HtmlValue = ''): Html {
  return markup`<section class="panel" aria-labelledby="${id}"><div class="panel-head"><h2 id="${id}">${title}</h2>${extra}</div>${body}</section>`;
}

export function table(caption: string, headers: string[], rows: HtmlValue[][], empty = 'None.'): Html {
  if (rows.length === 0) return markup`<p class="empty">${empty}</p>`;
  return markup`<div class="table-wrap"><table><caption class="visually-hidden">${caption}</caption>
    <thead><tr>${headers.map((h) => markup`<th scope="col">${h}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => markup`<tr>${r.map((c) => markup`<td>${c}</td>`)}</tr>`)}</tbody></table></div>`;
}

/** A definition list of label/value pairs (values absent are skipped). */
export function facts(pairs: Array<[string, HtmlValue]>): Html {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return markup`<dl class="facts">${shown.map(([k, v]) => markup`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

/** A Key/Value table of tags, from whichever tag container the API answers with. */
export function tagTable(caption: string, tags: Xml | undefined): Html {
  return table(caption, ['Key', 'Value'], tagPairs(tags), 'No tags.');
}

export function when(iso: string | number | undefined): Html | string {
  if (iso === undefined || iso === '') return '';
  const d = typeof iso === 'number' ? new Date(iso * 1000) : new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const text = d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
  return markup`<time datetime="${d.toISOString()}">${text}</time>`;
}

export function bytes(n: number | string | undefined): string {
  const v = Number(n ?? 0);
  if (!Number.isFinite(v)) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${x.toFixed(x < 10 ? 1 : 0)} ${units[i]}`;
}

/** A policy document (IAM returns it URL-encoded JSON) pretty-printed. */
export function policyDocument(encoded: string | undefined, label: string): Html {
  if (!encoded) return markup``;
  let text = encoded;
  try {
    text = decodeURIComponent(encoded);
  } catch {
    // already decoded
  }
  try {
    text = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // show as is
  }
  return markup`<pre class="code" tabindex="0" aria-label="${label}"><code>${text}</code></pre>`;
}

const NAV: Array<[string, string, string]> = [
  ['overview', 'Overview', '/'],
  ['s3', 'S3', '/s3'],
  ['iam', 'IAM', '/iam'],
  ['ec2', 'EC2', '/ec2'],
  ['audit', 'Audit trail', '/audit'],
];

export interface PageOptions {
  title: string;
  active?: string;
  session?: Session;
  crumbs?: Array<[string, string]>;
}

export function page(o: PageOptions, body: HtmlValue): Html {
  const s = o.session;
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · Stratus console</title>
<link rel="stylesheet" href="/_stratus/console/assets/console.css">
<link rel="icon" href="/_stratus/console/assets/favicon.svg" type="image/svg+xml">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="${href('/')}"><span aria-hidden="true">◆</span> Stratus <span class="sub">console</span></a>
  ${
    s
      ? markup`<nav aria-label="Services"><ul>${NAV.map(
          ([id, label, path]) =>
            markup`<li><a href="${href(path)}"${o.active === id ? markup` aria-current="page"` : ''}>${label}</a></li>`,
        )}</ul></nav>
  <div class="who"><span class="principal" title="${s.identity.arn}">${shortArn(s.identity.arn)}</span>
    <span class="account">Account ${s.identity.account}</span>
    <form method="post" action="${href('/signout')}"><button type="submit" class="link">Sign out</button></form></div>`
      : ''
  }
</header>
<main id="main" tabindex="-1">
${o.crumbs?.length ? markup`<nav aria-label="Breadcrumb" class="crumbs"><ol>${o.crumbs.map(([label, url], i) => (i === o.crumbs!.length - 1 ? markup`<li><a href="${url}" aria-current="page">${label}</a></li>` : markup`<li><a href="${url}">${label}</a></li>`))}</ol></nav>` : ''}
<h1>${o.title}</h1>
${body}
</main>
<footer class="foot"><p>Read-only: this console only looks. Make changes with the API, the CLI or infrastructure as code.</p></footer>
</body>
</html>`;
}

/** One section of a page: its anchor id, heading and body. */
export type Part = [id: string, title: string, body: HtmlValue];

/** A detail page's Summary section: the resource's fields, or why they could not be read. */
export function summary<T>(r: Result<T>, what: string, fields: (v: T) => Array<[string, HtmlValue]>): Part {
  return ['summary', 'Summary', show(r, what, (v) => facts(fields(v)))];
}

export interface DetailPageOptions extends PageOptions {
  /** Fields shown above every section (pages whose fields need no call of their own). */
  fields?: Array<[string, HtmlValue]>;
  sections: Part[];
}

/** One resource's page: the frame and breadcrumbs, its fields if given, then its sections in order. */
export function detailPage(o: DetailPageOptions): Html {
  const parts = [...(o.fields ? [facts(o.fields)] : []), ...o.sections.map((p) => section(...p))];
  return page(
    o,
    parts.map((p, i) => (i ? markup`\n    ${p}` : p)),
  );
}

function shortArn(arn: string): string {
  // arn:aws:iam::123456789012:user/alice -> user/alice
  return arn.split(':').slice(5).join(':') || arn;
}
