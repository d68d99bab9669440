/**
 * The only operations the console may call. The console is a read-only window: a mutating call
 * is refused here, before anything is signed, whatever a page asks for.
 */
export const READ_ONLY: Readonly<Record<string, ReadonlySet<string>>> = {
  sts: new Set(['GetCallerIdentity']),
  iam: new Set([
    'GetAccountSummary',
    'ListAccountAliases',
    'ListUsers',
    'GetUser',
    'ListUserTags',
    'ListGroupsForUser',
    'ListUserPolicies',
    'GetUserPolicy',
    'ListAttachedUserPolicies',
    'ListAccessKeys',
    'GetAccessKeyLastUsed',
    'ListGroups',
    'GetGroup',
    'ListGroupPolicies',
    'GetGroupPolicy',
    'ListAttachedGroupPolicies',
    'ListRoles',
    'GetRole',
    'ListRoleTags',
    'ListRolePolicies',
    'GetRolePolicy',
    'ListAttachedRolePolicies',
    'ListInstanceProfilesForRole',
    'ListPolicies',
    'GetPolicy',
    'ListPolicyVersions',
    'GetPolicyVersion',
    'ListEntitiesForPolicy',
  ]),
  ec2: new Set([
    'DescribeRegions',
    'DescribeInstances',
    'GetConsoleOutput',
    'DescribeImages',
    'DescribeKeyPairs',
    'DescribeSecurityGroups',
    'DescribeSecurityGroupRules',
    'DescribeVpcs',
    'DescribeSubnets',
    'DescribeAddresses',
  ]),
  s3: new Set([
    'ListBuckets',
    'GetBucketLocation',
    'GetBucketTagging',
    'GetBucketVersioning',
    'ListObjectsV2',
    'ListObjectVersions',
    'HeadObject',
    'GetObjectTagging',
  ]),
  cloudtrail: new Set(['LookupEvents', 'DescribeTrails']),
};

export function assertReadOnly(service: string, operation: string): void {
  if (!READ_ONLY[service]?.has(operation))
    throw new Error(`console: ${service}:${operation} is not a read-only operation it may call`);
}
