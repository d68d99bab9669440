/** IAM: users, groups, roles and customer managed policies of the account. */
import { list } from '../aws/client.ts';
import { markup, href, seg } from '../html.ts';
import { attempt, page, section, show, table, when } from '../layout.ts';
import type { PageContext } from '../context.ts';

export async function iamPage(ctx: PageContext) {
  const c = ctx.client;
  const scope = ctx.url.searchParams.get('scope') === 'All' ? 'All' : 'Local';
  const [users, groups, roles, policies] = await Promise.all([
    attempt(c.queryAll('iam', 'ListUsers', {}, (r) => list(r.Users?.member))),
    attempt(c.queryAll('iam', 'ListGroups', {}, (r) => list(r.Groups?.member))),
    attempt(c.queryAll('iam', 'ListRoles', {}, (r) => list(r.Roles?.member))),
    attempt(c.queryAll('iam', 'ListPolicies', { Scope: scope }, (r) => list(r.Policies?.member))),
  ]);
  const more = (t: boolean) => (t ? markup`<p class="hint">Showing the first 1000.</p>` : '');
  return page(
    { title: 'IAM', active: 'iam', session: ctx.session, crumbs: [['IAM', href('/iam')]] },
    markup`<nav class="toc" aria-label="On this page"><ul><li><a href="#users">Users</a></li><li><a href="#groups">Groups</a></li><li><a href="#roles">Roles</a></li><li><a href="#policies">Policies</a></li></ul></nav>
    ${section(
      'users',
      'Users',
      show(
        users,
        'list users',
        (v) =>
          markup`${table(
            'Users',
            ['User name', 'Path', 'User ID', 'Created', 'Password last used'],
            v.items.map((u) => [
              markup`<a href="${href(`/iam/users/${seg(String(u.UserName))}`)}">${u.UserName}</a>`,
              u.Path,
              markup`<code>${u.UserId}</code>`,
              when(u.CreateDate),
              when(u.PasswordLastUsed) || 'Never',
            ]),
            'No users.',
          )}${more(v.truncated)}`,
      ),
    )}
    ${section(
      'groups',
      'Groups',
      show(groups, 'list groups', (v) =>
        table(
          'Groups',
          ['Group name', 'Path', 'Group ID', 'Created'],
          v.items.map((g) => [
            markup`<a href="${href(`/iam/groups/${seg(String(g.GroupName))}`)}">${g.GroupName}</a>`,
            g.Path,
            markup`<code>${g.GroupId}</code>`,
            when(g.CreateDate),
          ]),
          'No groups.',
        ),
      ),
    )}
    ${section(
      'roles',
      'Roles',
      show(roles, 'list roles', (v) =>
        table(
          'Roles',
          ['Role name', 'Path', 'Description', 'Max session', 'Created'],
          v.items.map((r) => [
            markup`<a href="${href(`/iam/roles/${seg(String(r.RoleName))}`)}">${r.RoleName}</a>`,
            r.Path,
            r.Description ?? '',
            `${Number(r.MaxSessionDuration ?? 3600) / 3600} h`,
            when(r.CreateDate),
          ]),
          'No roles.',
        ),
      ),
    )}
    ${section(
      'policies',
      scope === 'All' ? 'Policies (all)' : 'Customer managed policies',
      show(policies, 'list policies', (v) =>
        table(
          'Policies',
          ['Policy name', 'Path', 'Attachments', 'Default version', 'Updated'],
          v.items.map((p) => [
            markup`<a href="${href('/iam/policy', { arn: String(p.Arn) })}">${p.PolicyName}</a>`,
            p.Path,
            p.AttachmentCount,
            p.DefaultVersionId,
            when(p.UpdateDate),
          ]),
          'No policies.',
        ),
      ),
      markup`<a class="aside" href="${href('/iam', { scope: scope === 'All' ? undefined : 'All' })}#policies">${scope === 'All' ? 'Customer managed only' : 'Include AWS managed'}</a>`,
    )}`,
  );
}
