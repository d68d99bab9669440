/** AWS-managed policies: IAM self-service, security audit, KMS and Secrets Manager. Default versions as IAM serves them. */
import type { ManagedPolicyData } from './types.ts';

export const identity: ManagedPolicyData[] = [
  {
    name: 'IAMReadOnlyAccess',
    id: 'ANPAJKSO7NDY4T57MWDSQ',
    version: 'v4',
    created: '2015-02-06T18:40:39Z',
    updated: '2018-01-25T19:11:27Z',
    description: 'Provides read only access to IAM via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'iam:GenerateCredentialReport', 'iam:GenerateServiceLastAccessedDetails', 'iam:Get*',
            'iam:List*', 'iam:SimulateCustomPolicy', 'iam:SimulatePrincipalPolicy',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'IAMUserChangePassword',
    id: 'ANPAJ4L4MM2A7QIEB56MS',
    version: 'v5',
    created: '2016-11-15T00:25:16Z',
    updated: '2026-02-12T17:58:57Z',
    description: 'Provides the ability for an IAM user to change their own password.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['iam:ChangePassword'],
          Resource: ['arn:aws:iam::*:user/${aws:username}', 'arn:aws:iam::*:user/*/${aws:username}'],
        },
        { Effect: 'Allow', Action: ['iam:GetAccountPasswordPolicy'], Resource: '*' },
      ],
    },
  },
  {
    name: 'IAMSelfManageServiceSpecificCredentials',
    id: 'ANPAI4VT74EMXK2PMQJM2',
    version: 'v1',
    created: '2016-12-22T17:25:18Z',
    updated: '2016-12-22T17:25:18Z',
    description: 'Allows an IAM user to manage their own Service Specific Credentials.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'iam:CreateServiceSpecificCredential', 'iam:ListServiceSpecificCredentials',
            'iam:UpdateServiceSpecificCredential', 'iam:DeleteServiceSpecificCredential',
            'iam:ResetServiceSpecificCredential',
          ],
          Resource: 'arn:aws:iam::*:user/${aws:username}',
        },
      ],
    },
  },
  {
    name: 'IAMUserSSHKeys',
    id: 'ANPAJTSHUA4UXGXU7ANUA',
    version: 'v1',
    created: '2015-07-09T17:08:54Z',
    updated: '2015-07-09T17:08:54Z',
    description: 'Provides the ability for an IAM user to manage their own SSH keys.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'iam:DeleteSSHPublicKey', 'iam:GetSSHPublicKey', 'iam:ListSSHPublicKeys',
            'iam:UpdateSSHPublicKey', 'iam:UploadSSHPublicKey',
          ],
          Resource: 'arn:aws:iam::*:user/${aws:username}',
        },
      ],
    },
  },
  {
    name: 'SecretsManagerReadWrite',
    id: 'ANPAOEZWIFYICP5GI4XDO', // made up: no published id found
    version: 'v5',
    created: '2018-04-04T18:05:29Z',
    updated: '2024-02-22T18:12:06Z',
    description:
      'Provides read/write access to AWS Secrets Manager via the AWS Management Console. Note: this exludes IAM actions, so combine with IAMFullAccess if rotation configuration is required.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'BasePermissions',
          Effect: 'Allow',
          Action: [
            'secretsmanager:*', 'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet',
            'cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks',
            'cloudformation:ExecuteChangeSet', 'docdb-elastic:GetCluster', 'docdb-elastic:ListClusters',
            'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'kms:DescribeKey',
            'kms:ListAliases', 'kms:ListKeys', 'lambda:ListFunctions', 'rds:DescribeDBClusters',
            'rds:DescribeDBInstances', 'redshift:DescribeClusters', 'redshift-serverless:ListWorkgroups',
            'redshift-serverless:GetNamespace', 'tag:GetResources',
          ],
          Resource: '*',
        },
        {
          Sid: 'LambdaPermissions',
          Effect: 'Allow',
          Action: [
            'lambda:AddPermission', 'lambda:CreateFunction', 'lambda:GetFunction', 'lambda:InvokeFunction',
            'lambda:UpdateFunctionConfiguration',
          ],
          Resource: 'arn:aws:lambda:*:*:function:SecretsManager*',
        },
        {
          Sid: 'SARPermissions',
          Effect: 'Allow',
          Action: ['serverlessrepo:CreateCloudFormationChangeSet', 'serverlessrepo:GetApplication'],
          Resource: 'arn:aws:serverlessrepo:*:*:applications/SecretsManager*',
        },
        {
          Sid: 'S3Permissions',
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          Resource: [
            'arn:aws:s3:::awsserverlessrepo-changesets*', 'arn:aws:s3:::secrets-manager-rotation-apps-*/*',
          ],
        },
      ],
    },
  },
  {
    name: 'AWSKeyManagementServicePowerUser',
    id: 'ANPAJNPP7PPPPMJRV2SA4',
    version: 'v2',
    created: '2015-02-06T18:40:40Z',
    updated: '2017-03-07T00:55:11Z',
    description: 'Provides access to AWS Key Management Service (KMS).',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'kms:CreateAlias', 'kms:CreateKey', 'kms:DeleteAlias', 'kms:Describe*', 'kms:GenerateRandom',
            'kms:Get*', 'kms:List*', 'kms:TagResource', 'kms:UntagResource', 'iam:ListGroups',
            'iam:ListRoles', 'iam:ListUsers',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'SecurityAudit',
    id: 'ANPAIX2T3QCXHR2OGGCTO',
    version: 'v86',
    created: '2015-02-06T18:41:01Z',
    updated: '2026-05-01T03:12:13Z',
    description:
      'The security audit template grants access to read security configuration metadata. It is useful for software that audits the configuration of an AWS account.',
    // Shortened to the services Stratus serves (s3, iam, sts, ec2, cloudtrail).
    shortened: true,
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'BaseSecurityAuditStatement',
          Effect: 'Allow',
          Action: [
            'cloudtrail:DescribeTrails', 'cloudtrail:GetEventSelectors', 'cloudtrail:GetInsightSelectors',
            'cloudtrail:GetTrail', 'cloudtrail:GetTrailStatus', 'cloudtrail:ListTags',
            'cloudtrail:ListTrails', 'cloudtrail:LookupEvents', 'ec2:Describe*',
            'ec2:GetAllowedImagesSettings', 'ec2:GetEbsDefaultKmsKeyId', 'ec2:GetEbsEncryptionByDefault',
            'ec2:GetImageBlockPublicAccessState', 'ec2:GetInstanceMetadataDefaults',
            'ec2:GetManagedPrefixListAssociations', 'ec2:GetManagedPrefixListEntries',
            'ec2:GetNetworkInsightsAccessScopeAnalysisFindings',
            'ec2:GetNetworkInsightsAccessScopeContent', 'ec2:GetSerialConsoleAccessStatus',
            'ec2:GetSnapshotBlockPublicAccessState', 'ec2:GetTransitGatewayAttachmentPropagations',
            'ec2:GetTransitGatewayMulticastDomainAssociations',
            'ec2:GetTransitGatewayPrefixListReferences', 'ec2:GetTransitGatewayPrefixListReferences',
            'ec2:GetTransitGatewayRouteTableAssociations', 'ec2:GetTransitGatewayRouteTablePropagations',
            'ec2:SearchTransitGatewayRoutes', 'ec2:SearchTransitGatewayRoutes',
            'iam:GenerateCredentialReport', 'iam:GenerateServiceLastAccessedDetails', 'iam:Get*',
            'iam:List*', 'iam:SimulateCustomPolicy', 'iam:SimulatePrincipalPolicy', 's3:DescribeJob',
            's3:GetAccelerateConfiguration', 's3:GetAccessGrantsInstanceResourcePolicy',
            's3:GetAccessPoint', 's3:GetAccessPointConfigurationForObjectLambda',
            's3:GetAccessPointForObjectLambda', 's3:GetAccessPointPolicy',
            's3:GetAccessPointPolicyForObjectLambda', 's3:GetAccessPointPolicyStatus',
            's3:GetAccessPointPolicyStatusForObjectLambda', 's3:GetAccountPublicAccessBlock',
            's3:GetAnalyticsConfiguration', 's3:GetBucket*', 's3:GetEncryptionConfiguration',
            's3:GetInventoryConfiguration', 's3:GetLifecycleConfiguration', 's3:GetMetricsConfiguration',
            's3:GetMultiRegionAccessPoint', 's3:GetMultiRegionAccessPointPolicy',
            's3:GetMultiRegionAccessPointPolicyStatus', 's3:GetObjectAcl', 's3:GetObjectTagging',
            's3:GetObjectVersionAcl', 's3:GetReplicationConfiguration', 's3:GetStorageLensConfiguration',
            's3:GetStorageLensGroup', 's3:ListAccessGrants', 's3:ListAccessGrantsInstances',
            's3:ListAccessPoints', 's3:ListAccessPointsForObjectLambda', 's3:ListAllMyBuckets',
            's3:ListBucket', 's3:ListCallerAccessGrants', 's3:ListJobs', 's3:ListMultiRegionAccessPoints',
            's3:ListStorageLensConfigurations', 's3:ListStorageLensGroups', 'sts:GetAccessKeyInfo',
          ],
          Resource: '*',
        },
      ],
    },
  },
];
