/** Overview: who is signed in, the regions, and how many of each resource they may see. */
import { list, type ConsoleClient } from '../aws/client.ts';
import { markup, href, type HtmlValue } from '../html.ts';
import { attempt, facts, page, problem, section, type Result } from '../layout.ts';
import type { PageContext } from '../context.ts';

interface Count {
  label: string;
  link: string;
  result: Result<number | string>;
  what: string;
}

function card(c: Count): HtmlValue {
  return markup`<li class="card"><a href="${c.link}"><span class="card-label">${c.label}</span>
    ${c.result.ok ? markup`<span class="card-value">${c.result.value}</span>` : markup`<span class="card-value muted" aria-hidden="true">—</span>`}</a>
    ${c.result.ok ? '' : problem(c.result.error, c.what, true)}</li>`;
}

async function counts(client: ConsoleClient, region: string): Promise<Count[]> {
  const ec2 = (action: string, pick: string, params: Record<string, string> = {}) =>
    attempt(
      async () =>
        (await client.queryAll('ec2', action, params, (r) => list(r[pick]?.item), 10_000, region)).items
          .length,
    );
  const instances = attempt(async () => {
    const { items } = await client.queryAll(
      'ec2',
      'DescribeInstances',
      {},
      (r) => list(r.reservationSet?.item),
      10_000,
      region,
    );
    return items.reduce((n, res) => n + list(res.instancesSet?.item).length, 0);
  });
  const summary = attempt(async () => {
    const r = await client.query('iam', 'GetAccountSummary');
    const m = new Map(list(r.SummaryMap?.entry).map((e) => [String(e.key), Number(e.value)]));
    return m;
  });
  const buckets = attempt(
    async () => list((await client.s3('ListBuckets', {})).xml.ListAllMyBucketsResult?.Buckets?.Bucket).length,
  );
  const trails = attempt(
    async () =>
      ((await client.json('cloudtrail', 'DescribeTrails', {}, region)).trailList ?? []).length as number,
  );
  const s = await summary;
  const iam = (key: string): Result<number> => (s.ok ? { ok: true, value: s.value.get(key) ?? 0 } : s);
  return [
    { label: 'S3 buckets', link: href('/s3'), result: await buckets, what: 'list buckets' },
    {
      label: 'IAM users',
      link: href('/iam') + '#users',
      result: iam('Users'),
      what: 'read the account summary',
    },
    {
      label: 'IAM groups',
      link: href('/iam') + '#groups',
      result: iam('Groups'),
      what: 'read the account summary',
    },
    {
      label: 'IAM roles',
      link: href('/iam') + '#roles',
      result: iam('Roles'),
      what: 'read the account summary',
    },
    {
      label: 'Customer managed policies',
      link: href('/iam') + '#policies',
      result: iam('Policies'),
      what: 'read the account summary',
    },
    {
      label: `EC2 instances (${region})`,
      link: href('/ec2', { region }),
      result: await instances,
      what: 'describe instances',
    },
    {
      label: `Key pairs (${region})`,
      link: href('/ec2', { region }) + '#keys',
      result: await ec2('DescribeKeyPairs', 'keySet'),
      what: 'describe key pairs',
    },
    {
      label: `Security groups (${region})`,
      link: href('/ec2', { region }) + '#groups',
      result: await ec2('DescribeSecurityGroups', 'securityGroupInfo'),
      what: 'describe security groups',
    },
    {
      label: `VPCs (${region})`,
      link: href('/ec2', { region }) + '#vpcs',
      result: await ec2('DescribeVpcs', 'vpcSet'),
      what: 'describe VPCs',
    },
    {
      label: `Trails (${region})`,
      link: href('/audit', { region }),
      result: await trails,
      what: 'describe trails',
    },
  ];
}

export async function overviewPage(ctx: PageContext) {
  const { client, session } = ctx;
  const region = session.region;
  const [regions, cards] = await Promise.all([
    attempt(async () =>
      list((await client.query('ec2', 'DescribeRegions', {}, region)).regionInfo?.item)
        .map((r) => String(r.regionName))
        .sort(),
    ),
    counts(client, region),
  ]);
  const id = session.identity;
  return page(
    { title: 'Overview', active: 'overview', session },
    markup`${section(
      'identity',
      'Signed in as',
      facts([
        ['Account', markup`<code>${id.account}</code>`],
        ['ARN', markup`<code>${id.arn}</code>`],
        ['User ID', markup`<code>${id.userId}</code>`],
        [
          'Access key',
          markup`<code>${session.keys.accessKeyId}</code>${session.keys.sessionToken ? ' (temporary credentials)' : ''}`,
        ],
        ['Region', region],
      ]),
    )}
    ${section('resources', 'Resources', markup`<ul class="cards">${cards.map(card)}</ul>`)}
    ${section(
      'regions',
      'Regions',
      regions.ok
        ? markup`<ul class="chips">${regions.value.map((r) => markup`<li><a href="${href('/ec2', { region: r })}"${r === region ? markup` aria-current="true"` : ''}>${r}</a></li>`)}</ul>`
        : problem(regions.error, 'describe regions'),
    )}`,
  );
}
