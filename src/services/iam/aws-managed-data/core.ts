/**
 * The AWS-managed policies Stratus has long served (administrator, power user, read-only, IAM, S3
 * and EC2). ReadOnlyAccess is shortened to the services Stratus serves (its real document lists
 * several hundred services); what it says for those services is faithful.
 */
import type { ManagedPolicyData } from './types.ts';

export const core: ManagedPolicyData[] = [
  {
    name: 'AdministratorAccess',
    id: 'ANPAIWMBCKSKIEE64ZLYK',
    version: 'v1',
    created: '2015-02-06T18:39:46Z',
    updated: '2015-02-06T18:39:46Z',
    description: 'Provides full access to AWS services and resources.',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
  {
    name: 'PowerUserAccess',
    id: 'ANPAJYRXTHIB4FOVS3ZXS',
    version: 'v5',
    created: '2015-02-06T18:39:47Z',
    updated: '2023-07-06T22:04:19Z',
    description:
      'Provides full access to AWS services and resources, but does not allow management of Users and groups.',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: [
            'iam:CreateServiceLinkedRole',
            'iam:DeleteServiceLinkedRole',
            'iam:ListRoles',
            'organizations:DescribeOrganization',
            'account:ListRegions',
            'account:GetAccountInformation',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'ReadOnlyAccess',
    id: 'ANPAILL3HVNFSB6DCOWYQ',
    version: 'v118',
    created: '2015-02-06T18:39:48Z',
    updated: '2025-01-15T19:41:52Z',
    description: 'Provides read-only access to AWS services and resources.',
    shortened: true,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadOnlyActions',
          Effect: 'Allow',
          Action: [
            'cloudtrail:Describe*',
            'cloudtrail:Get*',
            'cloudtrail:List*',
            'cloudtrail:LookupEvents',
            'ec2:Describe*',
            'ec2:Get*',
            'ec2:List*',
            'ec2:SearchLocalGatewayRoutes',
            'ec2:SearchTransitGatewayRoutes',
            'iam:Generate*',
            'iam:Get*',
            'iam:List*',
            'iam:Simulate*',
            's3:Describe*',
            's3:Get*',
            's3:List*',
            'sts:GetAccessKeyInfo',
            'sts:GetCallerIdentity',
            'sts:GetSessionToken',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'IAMFullAccess',
    id: 'ANPAI7XKCFMBPM3QQRRVQ',
    version: 'v2',
    created: '2015-02-06T18:40:38Z',
    updated: '2019-06-21T19:40:00Z',
    description: 'Provides full access to IAM via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'iam:*',
            'organizations:DescribeAccount',
            'organizations:DescribeOrganization',
            'organizations:DescribeOrganizationalUnit',
            'organizations:DescribePolicy',
            'organizations:ListChildren',
            'organizations:ListParents',
            'organizations:ListPoliciesForTarget',
            'organizations:ListRoots',
            'organizations:ListPolicies',
            'organizations:ListTargetsForPolicy',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AmazonS3FullAccess',
    id: 'ANPAIFIR6V6BVTRAHWINE',
    version: 'v2',
    created: '2015-02-06T18:40:58Z',
    updated: '2021-09-27T20:16:37Z',
    description: 'Provides full access to all buckets via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' }],
    },
  },
  {
    name: 'AmazonS3ReadOnlyAccess',
    id: 'ANPAIZTJ4DXE7G6AGAE6M',
    version: 'v3',
    created: '2015-02-06T18:40:59Z',
    updated: '2023-08-10T21:31:39Z',
    description: 'Provides read only access to all buckets via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AmazonEC2FullAccess',
    id: 'ANPAI3VAJF5ZCRZ7MCQE6',
    version: 'v5',
    created: '2015-02-06T18:40:15Z',
    updated: '2018-11-27T02:16:56Z',
    description: 'Provides full access to Amazon EC2 via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Action: 'ec2:*', Effect: 'Allow', Resource: '*' },
        { Effect: 'Allow', Action: 'elasticloadbalancing:*', Resource: '*' },
        { Effect: 'Allow', Action: 'cloudwatch:*', Resource: '*' },
        { Effect: 'Allow', Action: 'autoscaling:*', Resource: '*' },
        {
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: '*',
          Condition: {
            StringEquals: {
              'iam:AWSServiceName': [
                'autoscaling.amazonaws.com',
                'ec2scheduled.amazonaws.com',
                'elasticloadbalancing.amazonaws.com',
                'spot.amazonaws.com',
                'spotfleet.amazonaws.com',
                'transitgateway.amazonaws.com',
              ],
            },
          },
        },
      ],
    },
  },
  {
    name: 'AmazonEC2ReadOnlyAccess',
    id: 'ANPAIGDT4SV4GSETWTBZK',
    version: 'v1',
    created: '2015-02-06T18:40:17Z',
    updated: '2015-02-06T18:40:17Z',
    description: 'Provides read only access to Amazon EC2 via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
        { Effect: 'Allow', Action: 'elasticloadbalancing:Describe*', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['cloudwatch:ListMetrics', 'cloudwatch:GetMetricStatistics', 'cloudwatch:Describe*'],
          Resource: '*',
        },
        { Effect: 'Allow', Action: 'autoscaling:Describe*', Resource: '*' },
      ],
    },
  },
];
