/** AWS-managed policies: DynamoDB, SQS, SNS, Kinesis and RDS. Default versions as IAM serves them. */
import type { ManagedPolicyData } from './types.ts';

export const data: ManagedPolicyData[] = [
  {
    name: 'AmazonDynamoDBFullAccess',
    id: 'ANPAINUGF2JSOSUY76KYA',
    version: 'v15',
    created: '2015-02-06T18:40:11Z',
    updated: '2021-01-29T17:38:30Z',
    description: 'Provides full access to Amazon DynamoDB via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'dynamodb:*', 'dax:*', 'application-autoscaling:DeleteScalingPolicy',
            'application-autoscaling:DeregisterScalableTarget',
            'application-autoscaling:DescribeScalableTargets',
            'application-autoscaling:DescribeScalingActivities',
            'application-autoscaling:DescribeScalingPolicies', 'application-autoscaling:PutScalingPolicy',
            'application-autoscaling:RegisterScalableTarget', 'cloudwatch:DeleteAlarms',
            'cloudwatch:DescribeAlarmHistory', 'cloudwatch:DescribeAlarms',
            'cloudwatch:DescribeAlarmsForMetric', 'cloudwatch:GetMetricStatistics',
            'cloudwatch:ListMetrics', 'cloudwatch:PutMetricAlarm', 'cloudwatch:GetMetricData',
            'datapipeline:ActivatePipeline', 'datapipeline:CreatePipeline', 'datapipeline:DeletePipeline',
            'datapipeline:DescribeObjects', 'datapipeline:DescribePipelines',
            'datapipeline:GetPipelineDefinition', 'datapipeline:ListPipelines',
            'datapipeline:PutPipelineDefinition', 'datapipeline:QueryObjects', 'ec2:DescribeVpcs',
            'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'iam:GetRole', 'iam:ListRoles',
            'kms:DescribeKey', 'kms:ListAliases', 'sns:CreateTopic', 'sns:DeleteTopic',
            'sns:ListSubscriptions', 'sns:ListSubscriptionsByTopic', 'sns:ListTopics', 'sns:Subscribe',
            'sns:Unsubscribe', 'sns:SetTopicAttributes', 'lambda:CreateFunction', 'lambda:ListFunctions',
            'lambda:ListEventSourceMappings', 'lambda:CreateEventSourceMapping',
            'lambda:DeleteEventSourceMapping', 'lambda:GetFunctionConfiguration', 'lambda:DeleteFunction',
            'resource-groups:ListGroups', 'resource-groups:ListGroupResources', 'resource-groups:GetGroup',
            'resource-groups:GetGroupQuery', 'resource-groups:DeleteGroup', 'resource-groups:CreateGroup',
            'tag:GetResources', 'kinesis:ListStreams', 'kinesis:DescribeStream',
            'kinesis:DescribeStreamSummary',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: 'cloudwatch:GetInsightRuleReport',
          Resource: 'arn:aws:cloudwatch:*:*:insight-rule/DynamoDBContributorInsights*',
        },
        {
          Effect: 'Allow',
          Action: ['iam:PassRole'],
          Resource: '*',
          Condition: {
            StringLike: {
              'iam:PassedToService': [
                'application-autoscaling.amazonaws.com', 'application-autoscaling.amazonaws.com.cn',
                'dax.amazonaws.com',
              ],
            },
          },
        },
        {
          Effect: 'Allow',
          Action: ['iam:CreateServiceLinkedRole'],
          Resource: '*',
          Condition: {
            StringEquals: {
              'iam:AWSServiceName': [
                'replication.dynamodb.amazonaws.com', 'dax.amazonaws.com',
                'dynamodb.application-autoscaling.amazonaws.com',
                'contributorinsights.dynamodb.amazonaws.com', 'kinesisreplication.dynamodb.amazonaws.com',
              ],
            },
          },
        },
      ],
    },
  },
  {
    name: 'AmazonDynamoDBReadOnlyAccess',
    id: 'ANPAIY2XFNA232XJ6J7X2',
    version: 'v15',
    created: '2015-02-06T18:40:12Z',
    updated: '2024-11-18T17:38:15Z',
    description: 'Provides read only access to Amazon DynamoDB via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'GeneralReadOnlyAccess',
          Effect: 'Allow',
          Action: [
            'application-autoscaling:DescribeScalableTargets',
            'application-autoscaling:DescribeScalingActivities',
            'application-autoscaling:DescribeScalingPolicies', 'cloudwatch:DescribeAlarmHistory',
            'cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmsForMetric',
            'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics', 'cloudwatch:GetMetricData',
            'datapipeline:DescribeObjects', 'datapipeline:DescribePipelines',
            'datapipeline:GetPipelineDefinition', 'datapipeline:ListPipelines',
            'datapipeline:QueryObjects', 'dynamodb:BatchGetItem', 'dynamodb:Describe*', 'dynamodb:List*',
            'dynamodb:GetAbacStatus', 'dynamodb:GetItem', 'dynamodb:GetResourcePolicy', 'dynamodb:Query',
            'dynamodb:Scan', 'dynamodb:PartiQLSelect', 'dax:Describe*', 'dax:List*', 'dax:GetItem',
            'dax:BatchGetItem', 'dax:Query', 'dax:Scan', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets',
            'ec2:DescribeSecurityGroups', 'iam:GetRole', 'iam:ListRoles', 'kms:DescribeKey',
            'kms:ListAliases', 'sns:ListSubscriptionsByTopic', 'sns:ListTopics', 'lambda:ListFunctions',
            'lambda:ListEventSourceMappings', 'lambda:GetFunctionConfiguration',
            'resource-groups:ListGroups', 'resource-groups:ListGroupResources', 'resource-groups:GetGroup',
            'resource-groups:GetGroupQuery', 'tag:GetResources', 'kinesis:ListStreams',
            'kinesis:DescribeStream', 'kinesis:DescribeStreamSummary',
          ],
          Resource: '*',
        },
        {
          Sid: 'CCIAccess',
          Effect: 'Allow',
          Action: 'cloudwatch:GetInsightRuleReport',
          Resource: 'arn:aws:cloudwatch:*:*:insight-rule/DynamoDBContributorInsights*',
        },
      ],
    },
  },
  {
    name: 'AmazonSQSFullAccess',
    id: 'ANPAI65L554VRJ33ECQS6',
    version: 'v1',
    created: '2015-02-06T18:41:07Z',
    updated: '2015-02-06T18:41:07Z',
    description: 'Provides full access to Amazon SQS via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['sqs:*'], Resource: '*' },
      ],
    },
  },
  {
    name: 'AmazonSQSReadOnlyAccess',
    id: 'ANPAIUGSSQY362XGCM6KW',
    version: 'v4',
    created: '2015-02-06T18:41:08Z',
    updated: '2024-05-24T18:16:44Z',
    description: 'Provides read only access to Amazon SQS via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AmazonSQSReadOnlyAccess',
          Effect: 'Allow',
          Action: [
            'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListDeadLetterSourceQueues',
            'sqs:ListQueues', 'sqs:ListMessageMoveTasks', 'sqs:ListQueueTags',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AmazonSNSFullAccess',
    id: 'ANPAJWEKLCXXUNT2SOLSG',
    version: 'v2',
    created: '2015-02-06T18:41:05Z',
    updated: '2024-09-24T22:32:05Z',
    description: 'Provides full access to Amazon SNS via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'SNSFullAccess', Effect: 'Allow', Action: 'sns:*', Resource: '*' },
        {
          Sid: 'SMSAccessViaSNS',
          Effect: 'Allow',
          Action: [
            'sms-voice:DescribeVerifiedDestinationNumbers', 'sms-voice:CreateVerifiedDestinationNumber',
            'sms-voice:SendDestinationNumberVerificationCode', 'sms-voice:SendTextMessage',
            'sms-voice:DeleteVerifiedDestinationNumber', 'sms-voice:VerifyDestinationNumber',
            'sms-voice:DescribeAccountAttributes', 'sms-voice:DescribeSpendLimits',
            'sms-voice:DescribePhoneNumbers', 'sms-voice:SetTextMessageSpendLimitOverride',
            'sms-voice:DescribeOptedOutNumbers', 'sms-voice:DeleteOptedOutNumber',
          ],
          Resource: '*',
          Condition: { StringEquals: { 'aws:CalledViaLast': 'sns.amazonaws.com' } },
        },
      ],
    },
  },
  {
    name: 'AmazonSNSReadOnlyAccess',
    id: 'ANPAIZGQCQTFOFPMHSB6W',
    version: 'v2',
    created: '2015-02-06T18:41:06Z',
    updated: '2024-09-24T22:13:12Z',
    description: 'Provides read only access to Amazon SNS via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'SNSReadOnlyAccess',
          Effect: 'Allow',
          Action: [
            'sns:GetTopicAttributes', 'sns:List*', 'sns:CheckIfPhoneNumberIsOptedOut',
            'sns:GetEndpointAttributes', 'sns:GetDataProtectionPolicy',
            'sns:GetPlatformApplicationAttributes', 'sns:GetSMSAttributes',
            'sns:GetSMSSandboxAccountStatus', 'sns:GetSubscriptionAttributes',
          ],
          Resource: '*',
        },
        {
          Sid: 'SMSAccessViaSNS',
          Effect: 'Allow',
          Action: [
            'sms-voice:DescribeVerifiedDestinationNumbers', 'sms-voice:DescribeAccountAttributes',
            'sms-voice:DescribeSpendLimits', 'sms-voice:DescribePhoneNumbers',
            'sms-voice:DescribeOptedOutNumbers',
          ],
          Resource: '*',
          Condition: { StringEquals: { 'aws:CalledViaLast': 'sns.amazonaws.com' } },
        },
      ],
    },
  },
  {
    name: 'AmazonKinesisFullAccess',
    id: 'ANPAIVF32HAMOXCUYRAYE',
    version: 'v1',
    created: '2015-02-06T18:40:29Z',
    updated: '2015-02-06T18:40:29Z',
    description: 'Provides full access to all streams via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'kinesis:*', Resource: '*' },
      ],
    },
  },
  {
    name: 'AmazonRDSFullAccess',
    id: 'ANPAI3R4QMOG6Q5A4VWVG',
    version: 'v14',
    created: '2015-02-06T18:40:52Z',
    updated: '2023-08-17T23:00:17Z',
    description: 'Provides full access to Amazon RDS via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'rds:*', 'application-autoscaling:DeleteScalingPolicy',
            'application-autoscaling:DeregisterScalableTarget',
            'application-autoscaling:DescribeScalableTargets',
            'application-autoscaling:DescribeScalingActivities',
            'application-autoscaling:DescribeScalingPolicies', 'application-autoscaling:PutScalingPolicy',
            'application-autoscaling:RegisterScalableTarget', 'cloudwatch:DescribeAlarms',
            'cloudwatch:GetMetricStatistics', 'cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms',
            'cloudwatch:ListMetrics', 'cloudwatch:GetMetricData', 'ec2:DescribeAccountAttributes',
            'ec2:DescribeAvailabilityZones', 'ec2:DescribeCoipPools', 'ec2:DescribeInternetGateways',
            'ec2:DescribeLocalGatewayRouteTablePermissions', 'ec2:DescribeLocalGatewayRouteTables',
            'ec2:DescribeLocalGatewayRouteTableVpcAssociations', 'ec2:DescribeLocalGateways',
            'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcAttribute',
            'ec2:DescribeVpcs', 'ec2:GetCoipPoolUsage', 'sns:ListSubscriptions', 'sns:ListTopics',
            'sns:Publish', 'logs:DescribeLogStreams', 'logs:GetLogEvents',
            'outposts:GetOutpostInstanceTypes', 'devops-guru:GetResourceCollection',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: 'pi:*',
          Resource: ['arn:aws:pi:*:*:metrics/rds/*', 'arn:aws:pi:*:*:perf-reports/rds/*'],
        },
        {
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: '*',
          Condition: {
            StringLike: {
              'iam:AWSServiceName': ['rds.amazonaws.com', 'rds.application-autoscaling.amazonaws.com'],
            },
          },
        },
        {
          Effect: 'Allow',
          Action: ['devops-guru:SearchInsights', 'devops-guru:ListAnomaliesForInsight'],
          Resource: '*',
          Condition: {
            'ForAllValues:StringEquals': { 'devops-guru:ServiceNames': ['RDS'] },
            Null: { 'devops-guru:ServiceNames': 'false' },
          },
        },
      ],
    },
  },
  {
    name: 'AmazonRDSReadOnlyAccess',
    id: 'ANPAJKTTTYV2IIHKLZ346',
    version: 'v7',
    created: '2015-02-06T18:40:53Z',
    updated: '2023-04-14T12:32:09Z',
    description: 'Provides read only access to Amazon RDS via the AWS Management Console.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'rds:Describe*', 'rds:ListTagsForResource', 'ec2:DescribeAccountAttributes',
            'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways', 'ec2:DescribeSecurityGroups',
            'ec2:DescribeSubnets', 'ec2:DescribeVpcAttribute', 'ec2:DescribeVpcs',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: [
            'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics', 'cloudwatch:GetMetricData',
            'logs:DescribeLogStreams', 'logs:GetLogEvents', 'devops-guru:GetResourceCollection',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: ['devops-guru:SearchInsights', 'devops-guru:ListAnomaliesForInsight'],
          Resource: '*',
          Condition: {
            'ForAllValues:StringEquals': { 'devops-guru:ServiceNames': ['RDS'] },
            Null: { 'devops-guru:ServiceNames': 'false' },
          },
        },
      ],
    },
  },
];
