/** What a page handler gets: the session, a client signed with its keys, the request URL. */
import type { ConsoleClient } from './aws/client.ts';
import type { Html } from './html.ts';
import type { Session } from './sessions.ts';

export interface PageContext {
  session: Session;
  client: ConsoleClient;
  url: URL;
  /** Decoded path segments after the page's own prefix. */
  params: string[];
  /** Default region of the server. */
  defaultRegion: string;
}

export type PageHandler = (ctx: PageContext) => Promise<Html>;

/** Regions shown when DescribeRegions is not allowed: AWS's commercial regions. */
export const FALLBACK_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
];

export const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The region a page shows: ?region= when well-formed, else the session's. */
export function pageRegion(ctx: PageContext): string {
  const r = ctx.url.searchParams.get('region') ?? '';
  return REGION_RE.test(r) ? r : ctx.session.region;
}
