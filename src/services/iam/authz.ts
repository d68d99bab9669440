/**
 * What each IAM operation asks of the policy engine (Service Authorization Reference, IAM):
 * action iam:<Operation>, the ARN of the entity the request names (with its path, looked up) or
 * of the policy / provider, and the condition keys iam:PolicyARN, iam:PermissionsBoundary,
 * iam:PassedToService-free ones, aws:RequestTag/*, aws:TagKeys, aws:ResourceTag/* and iam:ResourceTag/*.
 */
import type { AuthzMapper, AuthzRequest, ConditionValue } from '../authz.ts';
import type { HandlerContext } from '../handler.ts';
import { AWS_POLICY_PREFIX } from './aws-managed.ts';
import { changePasswordGrant } from './change-password.ts';
import { tagMap } from './common.ts';
import { providerKey } from './oidc-providers.ts';
import type { EntityKind, Tag } from './repository.ts';
import type { IamState } from './state.ts';

/** Operations on the account as a whole (resource '*'). */
const ACCOUNT_LEVEL = new Set([
  'ListPolicies',
  'GetAccountSummary',
  'ListAccountAliases',
  'CreateAccountAlias',
  'DeleteAccountAlias',
  'ListSAMLProviders',
  'ListOpenIDConnectProviders',
  'GetAccountAuthorizationDetails',
  'GetAccountPasswordPolicy',
  'UpdateAccountPasswordPolicy',
  'DeleteAccountPasswordPolicy',
  'ListVirtualMFADevices',
  'GetServiceLinkedRoleDeletionStatus',
  'GenerateCredentialReport',
  'GetCredentialReport',
  'ListServerCertificates',
]);

/** Listings whose resource is the entity type's path prefix (arn:aws:iam::ACCT:user/). */
const LISTINGS: Record<string, string> = {
  ListUsers: 'user',
  ListGroups: 'group',
  ListRoles: 'role',
  ListInstanceProfiles: 'instance-profile',
};

const NAMED: [param: string, kind: EntityKind, arnType: string][] = [
  ['InstanceProfileName', 'instance-profile', 'instance-profile'],
  ['GroupName', 'group', 'group'],
  ['RoleName', 'role', 'role'],
  ['UserName', 'user', 'user'],
  ['ServerCertificateName', 'server-certificate', 'server-certificate'],
];

const CREATES: Record<string, [param: string, arnType: string]> = {
  CreateUser: ['UserName', 'user'],
  CreateGroup: ['GroupName', 'group'],
  CreateRole: ['RoleName', 'role'],
  CreatePolicy: ['PolicyName', 'policy'],
  CreateInstanceProfile: ['InstanceProfileName', 'instance-profile'],
  CreateVirtualMFADevice: ['VirtualMFADeviceName', 'mfa'],
  UploadServerCertificate: ['ServerCertificateName', 'server-certificate'],
};

function tagContext(tags: Tag[] | undefined, keys: string[] | undefined): Record<string, ConditionValue> {
  const c: Record<string, ConditionValue> = {};
  if (tags?.length) {
    for (const t of tags) c[`aws:RequestTag/${t.Key}`] = t.Value;
    c['aws:TagKeys'] = tags.map((t) => t.Key);
  }
  if (keys?.length) c['aws:TagKeys'] = keys;
  return c;
}

export function iamAuthz(s: IamState): AuthzMapper {
  return async (operation: string, input: any, ctx: HandlerContext): Promise<AuthzRequest[]> => {
    const acct = ctx.accountId;
    const action = `iam:${operation}`;
    const context: Record<string, ConditionValue> = { ...tagContext(input.Tags, input.TagKeys) };
    if (typeof input.PolicyArn === 'string' && /^(Attach|Detach)/.test(operation))
      context['iam:PolicyARN'] = input.PolicyArn;
    if (typeof input.PermissionsBoundary === 'string')
      context['iam:PermissionsBoundary'] = input.PermissionsBoundary;
    // A tagged resource's tags are iam:ResourceTag/<key> as well as aws:ResourceTag/<key>
    // (Service Authorization Reference, IAM: both keys on the role and user resource types).
    const req = (resource: string, resourceTags?: Tag[]): AuthzRequest[] => [
      {
        action,
        resource,
        context: resourceTags?.length
          ? {
              ...context,
              ...Object.fromEntries(resourceTags.map((t) => [`iam:ResourceTag/${t.Key}`, t.Value])),
            }
          : context,
        ...(resourceTags?.length && { resourceTags: tagMap(resourceTags) }),
      },
    ];

    if (ACCOUNT_LEVEL.has(operation)) return req('*');
    if (LISTINGS[operation])
      return req(`arn:aws:iam::${acct}:${LISTINGS[operation]}${input.PathPrefix ?? '/'}`);
    const create = CREATES[operation];
    if (create) return req(`arn:aws:iam::${acct}:${create[1]}${input.Path ?? '/'}${input[create[0]]}`);
    if (operation === 'CreateServiceLinkedRole') {
      context['iam:AWSServiceName'] = input.AWSServiceName;
      return req(`arn:aws:iam::${acct}:role/aws-service-role/${input.AWSServiceName}/*`);
    }
    if (operation === 'CreateSAMLProvider') return req(`arn:aws:iam::${acct}:saml-provider/${input.Name}`);
    if (operation === 'CreateOpenIDConnectProvider')
      return req(`arn:aws:iam::${acct}:oidc-provider/${providerKey(String(input.Url))}`);

    // Renaming or moving needs the permission on the old and the new name (the API reference).
    if (operation === 'UpdateServerCertificate') {
      const c = await s.repo.getEntity(acct, 'server-certificate', String(input.ServerCertificateName));
      const old = c?.arn ?? `arn:aws:iam::${acct}:server-certificate/${input.ServerCertificateName}`;
      const path = input.NewPath ?? c?.path ?? '/';
      const name = input.NewServerCertificateName ?? c?.name ?? input.ServerCertificateName;
      return [...req(old, c?.tags), ...req(`arn:aws:iam::${acct}:server-certificate${path}${name}`)];
    }
    for (const [param, kind, arnType] of NAMED) {
      const name = input[param];
      if (typeof name !== 'string') continue;
      const e = await s.repo.getEntity(acct, kind, name);
      return req(e?.arn ?? `arn:aws:iam::${acct}:${arnType}/${name}`, e?.tags);
    }
    for (const param of ['PolicyArn', 'SAMLProviderArn', 'OpenIDConnectProviderArn', 'SerialNumber']) {
      const arn = input[param];
      if (typeof arn !== 'string') continue;
      if (param === 'PolicyArn' && !arn.startsWith(AWS_POLICY_PREFIX)) {
        const name = arn.slice(arn.lastIndexOf('/') + 1);
        const p = await s.repo.getEntity(acct, 'policy', name);
        return req(arn, p?.arn === arn ? p.tags : undefined);
      }
      return req(arn);
    }
    if (operation === 'GetAccessKeyLastUsed' && typeof input.AccessKeyId === 'string') {
      const k = await s.repo.getAccessKey(input.AccessKeyId);
      const u = k && (await s.repo.getEntityById('user', k.userId));
      return req(u?.record.arn ?? `arn:aws:iam::${acct}:user/*`);
    }
    // Operations on the caller's own user (GetUser, CreateAccessKey, ... without UserName).
    if (ctx.principal.type === 'IAMUser') {
      const grant = operation === 'ChangePassword' && (await changePasswordGrant(s, ctx, ctx.principal.arn));
      return grant ? [{ ...req(ctx.principal.arn)[0]!, resourcePolicy: grant }] : req(ctx.principal.arn);
    }
    return req(`arn:aws:iam::${acct}:root`);
  };
}
