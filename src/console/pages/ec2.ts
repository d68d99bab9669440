/** EC2 per region: instances, images, key pairs, security groups with rules, VPCs, subnets. */
import { list, tagPairs, type ConsoleClient, type Xml } from '../aws/client.ts';
import { markup, href, seg, type Html } from '../html.ts';
import {
  attempt,
  detailPage,
  facts,
  page,
  problem,
  section,
  show,
  summary,
  table,
  tagTable,
  when,
} from '../layout.ts';
import { FALLBACK_REGIONS, pageRegion, type PageContext } from '../context.ts';

export async function regionList(c: ConsoleClient, region: string): Promise<string[]> {
  const r = await attempt(c.query('ec2', 'DescribeRegions', {}, region));
  const names = r.ok ? list(r.value.regionInfo?.item).map((x) => String(x.regionName)) : FALLBACK_REGIONS;
  return [...new Set([...names, region])].sort();
}

export function regionPicker(
  action: string,
  regions: string[],
  current: string,
  hidden: Record<string, string> = {},
): Html {
  return markup`<form class="filter" method="get" action="${action}">
    ${Object.entries(hidden).map(([k, v]) => markup`<input type="hidden" name="${k}" value="${v}">`)}
    <label for="region">Region</label>
    <select id="region" name="region">${regions.map((r) => markup`<option value="${r}"${r === current ? markup` selected` : ''}>${r}</option>`)}</select>
    <button type="submit">Show</button></form>`;
}

export function nameTag(x: Xml): string {
  return tagPairs(x.tagSet).find(([k]) => k === 'Name')?.[1] ?? '';
}

export function stateBadge(state: string): Html {
  return markup`<span class="status status-${state.replace(/[^a-z-]/g, '')}">${state}</span>`;
}

/** One security group rule (ipPermissions item) as text lines: protocol, ports, sources. */
export function ruleRows(perms: Xml[]): Array<Array<string | Html>> {
  return perms.map((p) => {
    const proto = String(p.ipProtocol ?? '');
    const ports =
      proto === '-1'
        ? 'All'
        : p.fromPort === p.toPort
          ? String(p.fromPort ?? '')
          : `${p.fromPort}–${p.toPort}`;
    const sources = [
      ...list(p.ipRanges?.item).map((r) => String(r.cidrIp)),
      ...list(p.ipv6Ranges?.item).map((r) => String(r.cidrIpv6)),
      ...list(p.groups?.item).map((g) => String(g.groupId)),
      ...list(p.prefixListIds?.item).map((g) => String(g.prefixListId)),
    ];
    return [
      proto === '-1' ? 'All' : proto.toUpperCase(),
      ports,
      markup`${sources.map((s, i) => markup`${i ? markup`<br>` : ''}<code>${s}</code>`)}`,
    ];
  });
}

export async function ec2Page(ctx: PageContext) {
  const c = ctx.client;
  const region = pageRegion(ctx);
  const all = (action: string, pick: (r: Xml) => Xml[], params: Record<string, string> = {}) =>
    attempt(c.queryAll('ec2', action, params, pick, 1000, region));
  const [regions, reservations, images, keys, groups, vpcs, subnets, addresses] = await Promise.all([
    regionList(c, region),
    all('DescribeInstances', (r) => list(r.reservationSet?.item)),
    all('DescribeImages', (r) => list(r.imagesSet?.item), { 'Owner.1': 'self' }),
    all('DescribeKeyPairs', (r) => list(r.keySet?.item)),
    all('DescribeSecurityGroups', (r) => list(r.securityGroupInfo?.item)),
    all('DescribeVpcs', (r) => list(r.vpcSet?.item)),
    all('DescribeSubnets', (r) => list(r.subnetSet?.item)),
    all('DescribeAddresses', (r) => list(r.addressesSet?.item)),
  ]);
  const inst = (id: string) => href(`/ec2/instances/${seg(id)}`, { region });
  return page(
    {
      title: `EC2 · ${region}`,
      active: 'ec2',
      session: ctx.session,
      crumbs: [['EC2', href('/ec2', { region })]],
    },
    markup`${regionPicker(href('/ec2'), regions, region)}
    <nav class="toc" aria-label="On this page"><ul><li><a href="#instances">Instances</a></li><li><a href="#images">Images</a></li><li><a href="#keys">Key pairs</a></li><li><a href="#groups">Security groups</a></li><li><a href="#vpcs">VPCs</a></li><li><a href="#subnets">Subnets</a></li><li><a href="#addresses">Elastic IPs</a></li></ul></nav>
    ${section(
      'instances',
      'Instances',
      show(reservations, 'describe instances', (v) =>
        table(
          'Instances',
          ['Instance', 'Name', 'State', 'Type', 'Private IP', 'Public IP', 'Key', 'Image', 'Launched'],
          v.items.flatMap((r) =>
            list(r.instancesSet?.item).map((i) => [
              markup`<a href="${inst(String(i.instanceId))}"><code>${i.instanceId}</code></a>`,
              nameTag(i),
              stateBadge(String(i.instanceState?.name ?? '')),
              i.instanceType,
              i.privateIpAddress ?? '',
              i.ipAddress ?? '',
              i.keyName ?? '',
              markup`<code>${i.imageId}</code>`,
              when(i.launchTime),
            ]),
          ),
          'No instances in this region.',
        ),
      ),
    )}
    ${section(
      'images',
      'Images owned by this account',
      show(images, 'describe images', (v) =>
        table(
          'Images',
          ['Image', 'Name', 'State', 'Architecture', 'Created'],
          v.items.map((i) => [
            markup`<code>${i.imageId}</code>`,
            i.name ?? '',
            stateBadge(String(i.imageState ?? '')),
            i.architecture ?? '',
            when(i.creationDate),
          ]),
          'No images of your own.',
        ),
      ),
    )}
    ${section(
      'keys',
      'Key pairs',
      show(keys, 'describe key pairs', (v) =>
        table(
          'Key pairs',
          ['Name', 'ID', 'Type', 'Fingerprint', 'Created'],
          v.items.map((k) => [
            k.keyName,
            markup`<code>${k.keyPairId}</code>`,
            k.keyType ?? '',
            markup`<code class="wrap">${k.keyFingerprint}</code>`,
            when(k.createTime),
          ]),
          'No key pairs.',
        ),
      ),
    )}
    ${section(
      'groups',
      'Security groups',
      show(groups, 'describe security groups', (v) =>
        v.items.length === 0
          ? markup`<p class="empty">No security groups.</p>`
          : markup`${v.items.map(
              (
                g,
              ) => markup`<details class="group"${v.items.length <= 3 ? markup` open` : ''}><summary><code>${g.groupId}</code> ${g.groupName} <span class="muted">${g.vpcId ?? ''}</span></summary>
                ${facts([
                  ['Description', g.groupDescription],
                  ['VPC', g.vpcId ?? ''],
                  ['Owner', g.ownerId],
                ])}
                <h3>Inbound rules</h3>${table(`Inbound rules of ${g.groupId}`, ['Protocol', 'Ports', 'Source'], ruleRows(list(g.ipPermissions?.item)), 'No inbound rules.')}
                <h3>Outbound rules</h3>${table(`Outbound rules of ${g.groupId}`, ['Protocol', 'Ports', 'Destination'], ruleRows(list(g.ipPermissionsEgress?.item)), 'No outbound rules.')}
              </details>`,
            )}`,
      ),
    )}
    ${section(
      'vpcs',
      'VPCs',
      show(vpcs, 'describe VPCs', (v) =>
        table(
          'VPCs',
          ['VPC', 'Name', 'CIDR', 'State', 'Default'],
          v.items.map((x) => [
            markup`<code>${x.vpcId}</code>`,
            nameTag(x),
            x.cidrBlock,
            x.state,
            x.isDefault === 'true' ? 'Yes' : 'No',
          ]),
          'No VPCs.',
        ),
      ),
    )}
    ${section(
      'subnets',
      'Subnets',
      show(subnets, 'describe subnets', (v) =>
        table(
          'Subnets',
          ['Subnet', 'Name', 'VPC', 'CIDR', 'Zone', 'Free IPs', 'Default for zone'],
          v.items.map((s) => [
            markup`<code>${s.subnetId}</code>`,
            nameTag(s),
            markup`<code>${s.vpcId}</code>`,
            s.cidrBlock,
            s.availabilityZone,
            s.availableIpAddressCount,
            s.defaultForAz === 'true' ? 'Yes' : 'No',
          ]),
          'No subnets.',
        ),
      ),
    )}
    ${section(
      'addresses',
      'Elastic IP addresses',
      show(addresses, 'describe addresses', (v) =>
        table(
          'Elastic IP addresses',
          ['Public IP', 'Allocation', 'Instance', 'Private IP'],
          v.items.map((a) => [
            a.publicIp,
            markup`<code>${a.allocationId ?? ''}</code>`,
            a.instanceId
              ? markup`<a href="${inst(String(a.instanceId))}"><code>${a.instanceId}</code></a>`
              : '',
            a.privateIpAddress ?? '',
          ]),
          'No Elastic IP addresses.',
        ),
      ),
    )}`,
  );
}

export async function instancePage(ctx: PageContext) {
  const c = ctx.client;
  const region = pageRegion(ctx);
  const id = ctx.params[0]!;
  const [described, output] = await Promise.all([
    attempt(c.query('ec2', 'DescribeInstances', { 'InstanceId.1': id }, region)),
    attempt(c.query('ec2', 'GetConsoleOutput', { InstanceId: id, Latest: 'true' }, region)),
  ]);
  const i: Xml = described.ok
    ? (list(list(described.value.reservationSet?.item)[0]?.instancesSet?.item)[0] ?? {})
    : {};
  const text =
    output.ok && typeof output.value.output === 'string'
      ? Buffer.from(output.value.output, 'base64').toString('utf8')
      : '';
  return detailPage({
    title: nameTag(i) ? `${nameTag(i)} (${id})` : id,
    active: 'ec2',
    session: ctx.session,
    crumbs: [
      ['EC2', href('/ec2', { region })],
      ['Instances', href('/ec2', { region }) + '#instances'],
      [id, href(`/ec2/instances/${seg(id)}`, { region })],
    ],
    sections: [
      summary(described, 'describe this instance', () => [
        ['State', stateBadge(String(i.instanceState?.name ?? ''))],
        ['Type', i.instanceType],
        ['Image', markup`<code>${i.imageId}</code>`],
        ['Key pair', i.keyName ?? ''],
        ['Private IP', i.privateIpAddress ?? ''],
        ['Private DNS', i.privateDnsName ?? ''],
        ['Public IP', i.ipAddress ?? ''],
        ['Public DNS', i.dnsName ?? ''],
        ['VPC', i.vpcId ?? ''],
        ['Subnet', i.subnetId ?? ''],
        ['Zone', i.placement?.availabilityZone ?? ''],
        [
          'Security groups',
          list(i.groupSet?.item)
            .map((g) => `${g.groupId} (${g.groupName})`)
            .join(', '),
        ],
        ['IAM instance profile', i.iamInstanceProfile?.arn ?? ''],
        ['Launched', when(i.launchTime)],
      ]),
      ['tags', 'Tags', described.ok ? tagTable('Tags', i.tagSet) : ''],
      [
        'console',
        'Console output',
        output.ok
          ? text
            ? markup`<p class="hint">As of ${when(output.value.timestamp)}.</p><pre class="console" tabindex="0" aria-label="Console output"><code>${text}</code></pre>`
            : markup`<p class="empty">No console output yet.</p>`
          : problem(output.error, 'read the console output'),
      ],
    ],
  });
}
