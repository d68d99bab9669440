/** AWS-managed policies: CloudTrail, CloudFormation and CodeCommit. Default versions as IAM serves them. */
import type { ManagedPolicyData } from './types.ts';

export const devops: ManagedPolicyData[] = [
  {
    name: 'AWSCloudTrail_FullAccess',
    id: 'ANPA2MOYN76CZ5QZ3BIBV', // made up: no published id found
    version: 'v3',
    created: '2020-10-08T23:41:15Z',
    updated: '2021-02-22T19:01:00Z',
    description: 'Provides full access to AWS CloudTrail.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'sns:AddPermission', 'sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:GetTopicAttributes',
          ],
          Resource: ['arn:aws:sns:*:*:aws-cloudtrail-logs*'],
        },
        { Effect: 'Allow', Action: ['sns:ListTopics'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['s3:CreateBucket', 's3:PutBucketPolicy', 's3:PutBucketPublicAccessBlock'],
          Resource: ['arn:aws:s3:::aws-cloudtrail-logs*'],
        },
        {
          Effect: 'Allow',
          Action: ['s3:ListAllMyBuckets', 's3:GetBucketLocation', 's3:GetBucketPolicy'],
          Resource: '*',
        },
        { Effect: 'Allow', Action: 'cloudtrail:*', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup'],
          Resource: ['arn:aws:logs:*:*:log-group:aws-cloudtrail-logs*'],
        },
        {
          Effect: 'Allow',
          Action: ['iam:ListRoles', 'iam:GetRolePolicy', 'iam:GetUser'],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: ['iam:PassRole'],
          Resource: '*',
          Condition: { StringEquals: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } },
        },
        {
          Effect: 'Allow',
          Action: ['kms:CreateKey', 'kms:CreateAlias', 'kms:ListKeys', 'kms:ListAliases'],
          Resource: '*',
        },
        { Effect: 'Allow', Action: ['lambda:ListFunctions'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['dynamodb:ListGlobalTables', 'dynamodb:ListTables'],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSCloudTrail_ReadOnlyAccess',
    id: 'ANPARECSTPUVNRKEGUSRO', // made up: no published id found
    version: 'v1',
    created: '2022-06-14T17:19:05Z',
    updated: '2022-06-14T17:19:05Z',
    description: 'Provides read only access to AWS CloudTrail.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'cloudtrail:Get*', 'cloudtrail:Describe*', 'cloudtrail:List*', 'cloudtrail:LookupEvents',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSCloudFormationFullAccess',
    id: 'ANPA6OJ42DW6SXOPKBQIM', // made up: no published id found
    version: 'v1',
    created: '2019-07-26T21:50:35Z',
    updated: '2019-07-26T21:50:35Z',
    description: 'Provides full access to AWS CloudFormation.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['cloudformation:*'], Resource: '*' },
      ],
    },
  },
  {
    name: 'AWSCloudFormationReadOnlyAccess',
    id: 'ANPAJWVBEE4I2POWLODLW',
    version: 'v7',
    created: '2015-02-06T18:39:49Z',
    updated: '2026-02-12T18:02:00Z',
    description: 'Provides access to AWS CloudFormation via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'cloudformation:Describe*', 'cloudformation:BatchDescribe*',
            'cloudformation:EstimateTemplateCost', 'cloudformation:Get*', 'cloudformation:List*',
            'cloudformation:ValidateTemplate', 'cloudformation:Detect*',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSCodeCommitFullAccess',
    id: 'ANPAI4VCZ3XPIZLQ5NZV2',
    version: 'v13',
    created: '2015-07-09T17:02:19Z',
    updated: '2026-02-12T18:00:23Z',
    description: 'Provides full access to AWS CodeCommit via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['codecommit:*'], Resource: '*' },
        {
          Sid: 'CloudWatchEventsCodeCommitRulesAccess',
          Effect: 'Allow',
          Action: [
            'events:DeleteRule', 'events:DescribeRule', 'events:DisableRule', 'events:EnableRule',
            'events:PutRule', 'events:PutTargets', 'events:RemoveTargets', 'events:ListTargetsByRule',
          ],
          Resource: 'arn:aws:events:*:*:rule/codecommit*',
        },
        {
          Sid: 'SNSTopicAndSubscriptionAccess',
          Effect: 'Allow',
          Action: [
            'sns:CreateTopic', 'sns:DeleteTopic', 'sns:Subscribe', 'sns:Unsubscribe',
            'sns:SetTopicAttributes',
          ],
          Resource: 'arn:aws:sns:*:*:codecommit*',
        },
        {
          Sid: 'SNSTopicAndSubscriptionReadAccess',
          Effect: 'Allow',
          Action: ['sns:ListTopics', 'sns:ListSubscriptionsByTopic', 'sns:GetTopicAttributes'],
          Resource: '*',
        },
        {
          Sid: 'LambdaReadOnlyListAccess',
          Effect: 'Allow',
          Action: ['lambda:ListFunctions'],
          Resource: '*',
        },
        { Sid: 'IAMReadOnlyListAccess', Effect: 'Allow', Action: ['iam:ListUsers'], Resource: '*' },
        {
          Sid: 'IAMReadOnlyConsoleAccess',
          Effect: 'Allow',
          Action: ['iam:ListAccessKeys', 'iam:ListSSHPublicKeys', 'iam:ListServiceSpecificCredentials'],
          Resource: 'arn:aws:iam::*:user/${aws:username}',
        },
        {
          Sid: 'IAMUserSSHKeys',
          Effect: 'Allow',
          Action: [
            'iam:DeleteSSHPublicKey', 'iam:GetSSHPublicKey', 'iam:ListSSHPublicKeys',
            'iam:UpdateSSHPublicKey', 'iam:UploadSSHPublicKey',
          ],
          Resource: 'arn:aws:iam::*:user/${aws:username}',
        },
        {
          Sid: 'IAMSelfManageServiceSpecificCredentials',
          Effect: 'Allow',
          Action: [
            'iam:CreateServiceSpecificCredential', 'iam:UpdateServiceSpecificCredential',
            'iam:DeleteServiceSpecificCredential', 'iam:ResetServiceSpecificCredential',
          ],
          Resource: 'arn:aws:iam::*:user/${aws:username}',
        },
        {
          Sid: 'CodeStarNotificationsReadWriteAccess',
          Effect: 'Allow',
          Action: [
            'codestar-notifications:CreateNotificationRule',
            'codestar-notifications:DescribeNotificationRule',
            'codestar-notifications:UpdateNotificationRule',
            'codestar-notifications:DeleteNotificationRule', 'codestar-notifications:Subscribe',
            'codestar-notifications:Unsubscribe',
          ],
          Resource: '*',
          Condition: {
            ArnLike: { 'codestar-notifications:NotificationsForResource': 'arn:aws:codecommit:*:*:*' },
          },
        },
        {
          Sid: 'CodeStarNotificationsListAccess',
          Effect: 'Allow',
          Action: [
            'codestar-notifications:ListNotificationRules', 'codestar-notifications:ListTargets',
            'codestar-notifications:ListTagsforResource', 'codestar-notifications:ListEventTypes',
          ],
          Resource: '*',
        },
        {
          Sid: 'CodeStarNotificationsSNSTopicCreateAccess',
          Effect: 'Allow',
          Action: ['sns:CreateTopic', 'sns:SetTopicAttributes'],
          Resource: 'arn:aws:sns:*:*:codestar-notifications*',
        },
        {
          Sid: 'AmazonCodeGuruReviewerFullAccess',
          Effect: 'Allow',
          Action: [
            'codeguru-reviewer:AssociateRepository', 'codeguru-reviewer:DescribeRepositoryAssociation',
            'codeguru-reviewer:ListRepositoryAssociations', 'codeguru-reviewer:DisassociateRepository',
            'codeguru-reviewer:DescribeCodeReview', 'codeguru-reviewer:ListCodeReviews',
          ],
          Resource: '*',
        },
        {
          Sid: 'AmazonCodeGuruReviewerSLRCreation',
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: 'arn:aws:iam::*:role/aws-service-role/codeguru-reviewer.amazonaws.com/AWSServiceRoleForAmazonCodeGuruReviewer',
          Condition: { StringLike: { 'iam:AWSServiceName': 'codeguru-reviewer.amazonaws.com' } },
        },
        {
          Sid: 'CloudWatchEventsManagedRules',
          Effect: 'Allow',
          Action: ['events:PutRule', 'events:PutTargets', 'events:DeleteRule', 'events:RemoveTargets'],
          Resource: '*',
          Condition: { StringEquals: { 'events:ManagedBy': 'codeguru-reviewer.amazonaws.com' } },
        },
        {
          Sid: 'CodeStarNotificationsChatbotAccess',
          Effect: 'Allow',
          Action: [
            'chatbot:DescribeSlackChannelConfigurations',
            'chatbot:ListMicrosoftTeamsChannelConfigurations',
          ],
          Resource: '*',
        },
        {
          Sid: 'CodeStarConnectionsReadOnlyAccess',
          Effect: 'Allow',
          Action: ['codestar-connections:ListConnections', 'codestar-connections:GetConnection'],
          Resource: 'arn:aws:codestar-connections:*:*:connection/*',
        },
      ],
    },
  },
  {
    name: 'AWSCodeCommitPowerUser',
    id: 'ANPAI4UIINUVGB5SEC57G',
    version: 'v18',
    created: '2015-07-09T17:06:49Z',
    updated: '2026-02-12T17:57:24Z',
    description:
      'Provides full access to AWS CodeCommit repositories, but does not allow repository deletion.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'codecommit:AssociateApprovalRuleTemplateWithRepository',
            'codecommit:BatchAssociateApprovalRuleTemplateWithRepositories',
            'codecommit:BatchDisassociateApprovalRuleTemplateFromRepositories', 'codecommit:BatchGet*',
            'codecommit:BatchDescribe*', 'codecommit:Create*', 'codecommit:DeleteBranch',
            'codecommit:DeleteFile', 'codecommit:Describe*',
            'codecommit:DisassociateApprovalRuleTemplateFromRepository',
            'codecommit:EvaluatePullRequestApprovalRules', 'codecommit:Get*', 'codecommit:List*',
            'codecommit:Merge*', 'codecommit:OverridePullRequestApprovalRules', 'codecommit:Put*',
            'codecommit:Post*', 'codecommit:TagResource', 'codecommit:Test*', 'codecommit:UntagResource',
            'codecommit:Update*', 'codecommit:GitPull', 'codecommit:GitPush',
          ],
          Resource: '*',
        },
        {
          Sid: 'CloudWatchEventsCodeCommitRulesAccess',
          Effect: 'Allow',
          Action: [
            'events:DeleteRule', 'events:DescribeRule', 'events:DisableRule', 'events:EnableRule',
            'events:PutRule', 'events:PutTargets', 'events:RemoveTargets', 'events:ListTargetsByRule',
          ],
          Resource: 'arn:aws:events:*:*:rule/codecommit*',
        },
        {
          Sid: 'SNSTopicAndSubscriptionAccess',
          Effect: 'Allow',
          Action: ['sns:Subscribe', 'sns:Unsubscribe'],
          Resource: 'arn:aws:sns:*:*:codecommit*',
        },
        {
          Sid: 'SNSTopicAndSubscriptionReadAccess',
          Effect: 'Allow',
          Action: ['sns:ListTopics', 'sns:ListSubscriptionsByTopic', 'sns:GetTopicAttributes'],
          Resource: '*',
        },
        {
          Sid: 'LambdaReadOnlyListAccess',
          Effect: 'Allow',
          Action: ['lambda:ListFunctions'],
          Resource: '*',
        },
        { Sid: 'IAMReadOnlyListAccess', Effect: 'Allow', Action: ['iam:ListUsers'], Resource: '*' },
        {
          Sid: 'IAMReadOnlyConsoleAccess',
          Effect: 'Allow',
          Action: ['iam:ListAccessKeys', 'iam:ListSSHPublicKeys', 'iam:ListServiceSpecificCredentials'],
          Resource: 'arn:aws:iam::*:user/${aws:username}',
        },
        {
          Sid: 'IAMUserSSHKeys',
          Effect: 'Allow',
          Action: [
            'iam:DeleteSSHPublicKey', 'iam:GetSSHPublicKey', 'iam:ListSSHPublicKeys',
            'iam:UpdateSSHPublicKey', 'iam:UploadSSHPublicKey',
          ],
          Resource: 'arn:aws:iam::*:user/${aws:username}',
        },
        {
          Sid: 'IAMSelfManageServiceSpecificCredentials',
          Effect: 'Allow',
          Action: [
            'iam:CreateServiceSpecificCredential', 'iam:UpdateServiceSpecificCredential',
            'iam:DeleteServiceSpecificCredential', 'iam:ResetServiceSpecificCredential',
          ],
          Resource: 'arn:aws:iam::*:user/${aws:username}',
        },
        {
          Sid: 'CodeStarNotificationsReadWriteAccess',
          Effect: 'Allow',
          Action: [
            'codestar-notifications:CreateNotificationRule',
            'codestar-notifications:DescribeNotificationRule',
            'codestar-notifications:UpdateNotificationRule', 'codestar-notifications:Subscribe',
            'codestar-notifications:Unsubscribe',
          ],
          Resource: '*',
          Condition: {
            ArnLike: { 'codestar-notifications:NotificationsForResource': 'arn:aws:codecommit:*:*:*' },
          },
        },
        {
          Sid: 'CodeStarNotificationsListAccess',
          Effect: 'Allow',
          Action: [
            'codestar-notifications:ListNotificationRules', 'codestar-notifications:ListTargets',
            'codestar-notifications:ListTagsforResource', 'codestar-notifications:ListEventTypes',
          ],
          Resource: '*',
        },
        {
          Sid: 'AmazonCodeGuruReviewerFullAccess',
          Effect: 'Allow',
          Action: [
            'codeguru-reviewer:AssociateRepository', 'codeguru-reviewer:DescribeRepositoryAssociation',
            'codeguru-reviewer:ListRepositoryAssociations', 'codeguru-reviewer:DisassociateRepository',
            'codeguru-reviewer:DescribeCodeReview', 'codeguru-reviewer:ListCodeReviews',
          ],
          Resource: '*',
        },
        {
          Sid: 'AmazonCodeGuruReviewerSLRCreation',
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: 'arn:aws:iam::*:role/aws-service-role/codeguru-reviewer.amazonaws.com/AWSServiceRoleForAmazonCodeGuruReviewer',
          Condition: { StringLike: { 'iam:AWSServiceName': 'codeguru-reviewer.amazonaws.com' } },
        },
        {
          Sid: 'CloudWatchEventsManagedRules',
          Effect: 'Allow',
          Action: ['events:PutRule', 'events:PutTargets', 'events:DeleteRule', 'events:RemoveTargets'],
          Resource: '*',
          Condition: { StringEquals: { 'events:ManagedBy': 'codeguru-reviewer.amazonaws.com' } },
        },
        {
          Sid: 'CodeStarNotificationsChatbotAccess',
          Effect: 'Allow',
          Action: [
            'chatbot:DescribeSlackChannelConfigurations',
            'chatbot:ListMicrosoftTeamsChannelConfigurations',
          ],
          Resource: '*',
        },
        {
          Sid: 'CodeStarConnectionsReadOnlyAccess',
          Effect: 'Allow',
          Action: ['codestar-connections:ListConnections', 'codestar-connections:GetConnection'],
          Resource: 'arn:aws:codestar-connections:*:*:connection/*',
        },
      ],
    },
  },
];
