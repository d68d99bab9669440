/**
 * `stratus events`: the audit trail in a terminal, read straight from the data directory (works
 * beside a running server: SQLite WAL lets readers in). Filters map onto the indexed columns;
 * --follow polls for newer events.
 */
import type { StratusConfig } from '../config.ts';
import { ConfigError, type FlagKind } from '../config.ts';
import { openAdminStores } from '../store/open.ts';
import { openAuditRepository } from './open.ts';
import type { AuditQuery, AuditRecord } from './types.ts';

export const EVENTS_FLAGS: Readonly<Record<string, FlagKind>> = {
  follow: 'boolean',
  json: 'boolean',
  errors: 'boolean',
  denied: 'boolean',
  user: 'value',
  'event-name': 'value',
  source: 'value',
  account: 'value',
  region: 'value',
  'access-key': 'value',
  resource: 'value',
  since: 'value',
  limit: 'value',
};

export const EVENTS_USAGE = `Usage: stratus events [filters] [--follow] [--json] [options]

Shows the audit trail (oldest first), e.g. stratus events --since 15m --user bob --follow
  --user NAME          root, an IAM user name or a role session name
  --event-name NAME    e.g. PutObject, CreateUser
  --source SERVICE     s3, iam, sts, ec2, cloudtrail (or s3.amazonaws.com ...)
  --account ID         12-digit account id
  --region R           the region called (IAM is recorded in us-east-1)
  --access-key ID      the access key that signed the calls
  --resource NAME      a resource name (bucket, user, instance id, ARN ...)
  --since WHEN         15m, 2h, 3d or an ISO time
  --errors | --denied  failed calls only | calls refused by authorization only
  --limit N            how many past events to show first (default 50)
  --follow             keep printing new events until interrupted
  --json               one CloudTrail event (JSON) per line
`;

export interface EventsIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export function parseSince(value: string, now: Date): Date {
  const m = /^(\d+)([smhd])$/.exec(value);
  if (m) return new Date(now.getTime() - Number(m[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2] as 's']);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ConfigError(`Invalid --since: ${value} (use 15m, 2h, 3d or an ISO time)`);
  return new Date(t);
}

/** The AuditQuery the flags describe (without limit/order). */
export function eventsQuery(flags: ReadonlyMap<string, string | true>, now: Date): Omit<AuditQuery, 'limit'> {
  const v = (name: string) => {
    const x = flags.get(name);
    return typeof x === 'string' ? x : undefined;
  };
  const source = v('source');
  return {
    ...(v('user') ? { username: v('user') } : {}),
    ...(v('event-name') ? { eventName: v('event-name') } : {}),
    ...(source ? { eventSource: source.includes('.') ? source : `${source}.amazonaws.com` } : {}),
    ...(v('account') ? { accountId: v('account') } : {}),
    ...(v('region') ? { region: v('region') } : {}),
    ...(v('access-key') ? { accessKeyId: v('access-key') } : {}),
    ...(v('resource') ? { resourceName: v('resource') } : {}),
    ...(v('since') ? { start: parseSince(v('since')!, now) } : {}),
    ...(flags.has('denied') ? { errors: 'denied' as const } : flags.has('errors') ? { errors: true } : {}),
  };
}

function who(r: AuditRecord): string {
  const id = r.event.userIdentity;
  if (r.username) return r.username;
  if (id.type === 'AWSAccount') return 'anonymous';
  return id.accessKeyId ? `? (${id.accessKeyId})` : '?';
}

export function formatLine(r: AuditRecord): string {
  const e = r.event;
  const result = e.errorCode ? e.errorCode : 'OK';
  return [
    e.eventTime,
    (r.accountId || '-').padEnd(12),
    e.awsRegion.padEnd(14),
    e.eventSource.replace('.amazonaws.com', '').padEnd(10),
    e.eventName.padEnd(28),
    who(r).padEnd(20),
    result.padEnd(16),
    e.sourceIPAddress,
  ].join(' ');
}

export async function runEvents(
  flags: ReadonlyMap<string, string | true>,
  config: StratusConfig,
  io: EventsIo,
  options: { signal?: AbortSignal; pollMs?: number; now?: () => Date } = {},
): Promise<number> {
  if (flags.has('help')) {
    io.stdout(EVENTS_USAGE);
    return 0;
  }
  const now = options.now ?? (() => new Date());
  const limitText = flags.get('limit');
  const limit = typeof limitText === 'string' ? Number(limitText) : 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw new ConfigError(`Invalid --limit: ${String(limitText)}`);
  const filter = eventsQuery(flags, now());
  const json = flags.has('json');
  const print = (r: AuditRecord) => io.stdout((json ? JSON.stringify(r.event) : formatLine(r)) + '\n');
  const stores = await openAdminStores(config);
  try {
    const repo = openAuditRepository(stores.backend);
    const latest = await repo.query({ ...filter, limit });
    const first = latest.records.reverse();
    let last = first.reduce((m, r) => Math.max(m, r.seq ?? 0), 0);
    for (const r of first) print(r);
    if (!flags.has('follow')) return 0;
    if (!last) last = (await repo.lastSeq()) ?? 0;
    const pollMs = options.pollMs ?? 500;
    while (!options.signal?.aborted) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        options.signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
      let cursor: string | undefined;
      do {
        const page = await repo.query({
          ...filter,
          afterSeq: last,
          order: 'seq',
          limit: 500,
          ...(cursor ? { cursor } : {}),
        });
        for (const r of page.records) {
          print(r);
          last = Math.max(last, r.seq ?? 0);
        }
        cursor = page.cursor;
      } while (cursor);
    }
    return 0;
  } finally {
    await stores.close();
  }
}
