/** IAM detail pages: a user (keys with last use, never secrets), a group, a role, a policy. */
import { list, type ConsoleClient } from '../aws/client.ts';
import { markup, href, seg, type Html } from '../html.ts';
import {
  attempt,
  detailPage,
  policyDocument,
  problem,
  show,
  summary,
  table,
  tagTable,
  when,
  type Result,
} from '../layout.ts';
import type { PageContext } from '../context.ts';

type Kind = 'User' | 'Group' | 'Role';

function attachedTable(r: Result<{ items: Record<string, any>[] }>): Html {
  return markup`${show(r, 'list attached policies', (v) =>
    table(
      'Attached policies',
      ['Policy', 'ARN'],
      v.items.map((p) => [
        markup`<a href="${href('/iam/policy', { arn: String(p.PolicyArn) })}">${p.PolicyName}</a>`,
        markup`<code>${p.PolicyArn}</code>`,
      ]),
      'No attached policies.',
    ),
  )}`;
}

/** Inline policies with their documents (List*Policies then Get*Policy for each). */
async function inlinePolicies(c: ConsoleClient, kind: Kind, name: string): Promise<Html> {
  const names = await attempt(
    c.queryAll('iam', `List${kind}Policies`, { [`${kind}Name`]: name }, (r) => list(r.PolicyNames?.member)),
  );
  if (!names.ok) return problem(names.error, 'list inline policies');
  if (names.value.items.length === 0) return markup`<p class="empty">No inline policies.</p>`;
  const docs = await Promise.all(
    names.value.items.map(async (n) => ({
      name: String(n),
      doc: await attempt(
        c.query('iam', `Get${kind}Policy`, { [`${kind}Name`]: name, PolicyName: String(n) }),
      ),
    })),
  );
  return markup`${docs.map(
    (d) =>
      markup`<details class="doc"><summary>${d.name}</summary>${show(d.doc, 'read this inline policy', (v) => policyDocument(v.PolicyDocument, `Policy document ${d.name}`))}</details>`,
  )}`;
}

function tagsTable(r: Result<Record<string, any>>): Html {
  return markup`${show(r, 'list tags', (v) => tagTable('Tags', v.Tags))}`;
}

export async function userPage(ctx: PageContext) {
  const c = ctx.client;
  const name = ctx.params[0]!;
  const [user, groups, attached, inline, keys, tags] = await Promise.all([
    attempt(c.query('iam', 'GetUser', { UserName: name })),
    attempt(c.queryAll('iam', 'ListGroupsForUser', { UserName: name }, (r) => list(r.Groups?.member))),
    attempt(
      c.queryAll('iam', 'ListAttachedUserPolicies', { UserName: name }, (r) =>
        list(r.AttachedPolicies?.member),
      ),
    ),
    inlinePolicies(c, 'User', name),
    attempt(async () => {
      const { items } = await c.queryAll('iam', 'ListAccessKeys', { UserName: name }, (r) =>
        list(r.AccessKeyMetadata?.member),
      );
      return Promise.all(
        items.map(async (k) => ({
          key: k,
          used: await attempt(c.query('iam', 'GetAccessKeyLastUsed', { AccessKeyId: String(k.AccessKeyId) })),
        })),
      );
    }),
    attempt(c.query('iam', 'ListUserTags', { UserName: name })),
  ]);
  const u = user.ok ? (user.value.User ?? {}) : {};
  return detailPage({
    title: name,
    active: 'iam',
    session: ctx.session,
    crumbs: [
      ['IAM', href('/iam')],
      ['Users', href('/iam') + '#users'],
      [name, href(`/iam/users/${seg(name)}`)],
    ],
    sections: [
      summary(user, 'read this user', () => [
        ['ARN', markup`<code>${u.Arn}</code>`],
        ['User ID', markup`<code>${u.UserId}</code>`],
        ['Path', u.Path],
        ['Created', when(u.CreateDate)],
        ['Permissions boundary', u.PermissionsBoundary?.PermissionsBoundaryArn ?? ''],
      ]),
      [
        'keys',
        'Access keys',
        show(keys, 'list access keys', (v) =>
          table(
            'Access keys',
            ['Access key ID', 'Status', 'Created', 'Last used', 'Service', 'Region'],
            v.map(({ key, used }) => {
              const last = used.ok ? (used.value.AccessKeyLastUsed ?? {}) : undefined;
              return [
                markup`<code>${key.AccessKeyId}</code>`,
                markup`<span class="status status-${String(key.Status).toLowerCase()}">${key.Status}</span>`,
                when(key.CreateDate),
                used.ok
                  ? when(last?.LastUsedDate) || 'Never'
                  : markup`<span class="muted">${used.error.code}</span>`,
                last?.ServiceName && last.ServiceName !== 'N/A' ? last.ServiceName : '',
                last?.Region && last.Region !== 'N/A' ? last.Region : '',
              ];
            }),
            'No access keys.',
          ),
        ),
      ],
      [
        'groups',
        'Groups',
        show(groups, 'list the groups of this user', (v) =>
          table(
            'Groups',
            ['Group'],
            v.items.map((g) => [
              markup`<a href="${href(`/iam/groups/${seg(String(g.GroupName))}`)}">${g.GroupName}</a>`,
            ]),
            'Not in any group.',
          ),
        ),
      ],
      ['attached', 'Attached policies', attachedTable(attached)],
      ['inline', 'Inline policies', inline],
      ['tags', 'Tags', tagsTable(tags)],
    ],
  });
}

export async function groupPage(ctx: PageContext) {
  const c = ctx.client;
  const name = ctx.params[0]!;
  const [group, attached, inline] = await Promise.all([
    attempt(c.query('iam', 'GetGroup', { GroupName: name })),
    attempt(
      c.queryAll('iam', 'ListAttachedGroupPolicies', { GroupName: name }, (r) =>
        list(r.AttachedPolicies?.member),
      ),
    ),
    inlinePolicies(c, 'Group', name),
  ]);
  return detailPage({
    title: name,
    active: 'iam',
    session: ctx.session,
    crumbs: [
      ['IAM', href('/iam')],
      ['Groups', href('/iam') + '#groups'],
      [name, href(`/iam/groups/${seg(name)}`)],
    ],
    sections: [
      summary(group, 'read this group', (v) => {
        const g = v.Group ?? {};
        return [
          ['ARN', markup`<code>${g.Arn}</code>`],
          ['Group ID', markup`<code>${g.GroupId}</code>`],
          ['Path', g.Path],
          ['Created', when(g.CreateDate)],
        ];
      }),
      [
        'members',
        'Members',
        show(group, 'read this group', (v) =>
          table(
            'Members',
            ['User'],
            list(v.Users?.member).map((u) => [
              markup`<a href="${href(`/iam/users/${seg(String(u.UserName))}`)}">${u.UserName}</a>`,
            ]),
            'No members.',
          ),
        ),
      ],
      ['attached', 'Attached policies', attachedTable(attached)],
      ['inline', 'Inline policies', inline],
    ],
  });
}

export async function rolePage(ctx: PageContext) {
  const c = ctx.client;
  const name = ctx.params[0]!;
  const [role, attached, inline, tags, profiles] = await Promise.all([
    attempt(c.query('iam', 'GetRole', { RoleName: name })),
    attempt(
      c.queryAll('iam', 'ListAttachedRolePolicies', { RoleName: name }, (r) =>
        list(r.AttachedPolicies?.member),
      ),
    ),
    inlinePolicies(c, 'Role', name),
    attempt(c.query('iam', 'ListRoleTags', { RoleName: name })),
    attempt(
      c.queryAll('iam', 'ListInstanceProfilesForRole', { RoleName: name }, (r) =>
        list(r.InstanceProfiles?.member),
      ),
    ),
  ]);
  const r = role.ok ? (role.value.Role ?? {}) : {};
  return detailPage({
    title: name,
    active: 'iam',
    session: ctx.session,
    crumbs: [
      ['IAM', href('/iam')],
      ['Roles', href('/iam') + '#roles'],
      [name, href(`/iam/roles/${seg(name)}`)],
    ],
    sections: [
      summary(role, 'read this role', () => [
        ['ARN', markup`<code>${r.Arn}</code>`],
        ['Role ID', markup`<code>${r.RoleId}</code>`],
        ['Path', r.Path],
        ['Description', r.Description ?? ''],
        ['Max session duration', `${Number(r.MaxSessionDuration ?? 3600)} s`],
        ['Created', when(r.CreateDate)],
        ['Last used', when(r.RoleLastUsed?.LastUsedDate) || ''],
        ['Permissions boundary', r.PermissionsBoundary?.PermissionsBoundaryArn ?? ''],
      ]),
      [
        'trust',
        'Trust policy',
        show(role, 'read this role', () => policyDocument(r.AssumeRolePolicyDocument, 'Trust policy')),
      ],
      ['attached', 'Attached policies', attachedTable(attached)],
      ['inline', 'Inline policies', inline],
      [
        'profiles',
        'Instance profiles',
        show(profiles, 'list instance profiles', (v) =>
          table(
            'Instance profiles',
            ['Name', 'ARN'],
            v.items.map((p) => [p.InstanceProfileName, markup`<code>${p.Arn}</code>`]),
            'None.',
          ),
        ),
      ],
      ['tags', 'Tags', tagsTable(tags)],
    ],
  });
}

export async function policyPage(ctx: PageContext) {
  const c = ctx.client;
  const arn = ctx.url.searchParams.get('arn') ?? '';
  const policy = await attempt(c.query('iam', 'GetPolicy', { PolicyArn: arn }));
  const p = policy.ok ? (policy.value.Policy ?? {}) : {};
  const wanted = ctx.url.searchParams.get('version') ?? String(p.DefaultVersionId ?? 'v1');
  const [versions, doc, entities] = await Promise.all([
    attempt(c.queryAll('iam', 'ListPolicyVersions', { PolicyArn: arn }, (r) => list(r.Versions?.member))),
    attempt(
      c.query('iam', 'GetPolicyVersion', {
        PolicyArn: arn,
        VersionId: /^v\d+$/.test(wanted) ? wanted : 'v1',
      }),
    ),
    attempt(c.query('iam', 'ListEntitiesForPolicy', { PolicyArn: arn })),
  ]);
  const title = String(p.PolicyName ?? arn.split('/').pop() ?? 'Policy');
  const ent = (v: Record<string, any>) => [
    ...list(v.PolicyUsers?.member).map((u) => [
      markup`<a href="${href(`/iam/users/${seg(String(u.UserName))}`)}">${u.UserName}</a>`,
      'User',
    ]),
    ...list(v.PolicyGroups?.member).map((g) => [
      markup`<a href="${href(`/iam/groups/${seg(String(g.GroupName))}`)}">${g.GroupName}</a>`,
      'Group',
    ]),
    ...list(v.PolicyRoles?.member).map((r) => [
      markup`<a href="${href(`/iam/roles/${seg(String(r.RoleName))}`)}">${r.RoleName}</a>`,
      'Role',
    ]),
  ];
  return detailPage({
    title,
    active: 'iam',
    session: ctx.session,
    crumbs: [
      ['IAM', href('/iam')],
      ['Policies', href('/iam') + '#policies'],
      [title, href('/iam/policy', { arn })],
    ],
    sections: [
      summary(policy, 'read this policy', () => [
        ['ARN', markup`<code>${p.Arn}</code>`],
        ['Description', p.Description ?? ''],
        ['Default version', p.DefaultVersionId],
        ['Attachments', p.AttachmentCount],
        ['Created', when(p.CreateDate)],
        ['Updated', when(p.UpdateDate)],
      ]),
      [
        'document',
        `Policy document (${wanted})`,
        show(doc, 'read this policy version', (v) =>
          policyDocument(v.PolicyVersion?.Document, `Policy document ${wanted}`),
        ),
      ],
      [
        'versions',
        'Versions',
        show(versions, 'list policy versions', (v) =>
          table(
            'Versions',
            ['Version', 'Default', 'Created'],
            v.items.map((x) => [
              markup`<a href="${href('/iam/policy', { arn, version: String(x.VersionId) })}"${x.VersionId === wanted ? markup` aria-current="true"` : ''}>${x.VersionId}</a>`,
              x.IsDefaultVersion === 'true' ? 'Default' : '',
              when(x.CreateDate),
            ]),
          ),
        ),
      ],
      [
        'entities',
        'Attached to',
        show(entities, 'list the entities of this policy', (v) =>
          table('Attached to', ['Name', 'Type'], ent(v), 'Not attached.'),
        ),
      ],
    ],
  });
}
