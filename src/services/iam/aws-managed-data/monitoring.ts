/** AWS-managed policies: CloudWatch, CloudWatch Logs, Systems Manager and X-Ray. Default versions as IAM serves them. */
import type { ManagedPolicyData } from './types.ts';

export const monitoring: ManagedPolicyData[] = [
  {
    name: 'CloudWatchAgentServerPolicy',
    id: 'ANPAXX24ENRBLKRJYVODK', // made up: no published id found
    version: 'v3',
    created: '2018-03-07T01:06:44Z',
    updated: '2024-02-06T16:37:37Z',
    description: 'Permissions required to use AmazonCloudWatchAgent on servers',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CWACloudWatchServerPermissions',
          Effect: 'Allow',
          Action: [
            'cloudwatch:PutMetricData', 'ec2:DescribeVolumes', 'ec2:DescribeTags', 'logs:PutLogEvents',
            'logs:PutRetentionPolicy', 'logs:DescribeLogStreams', 'logs:DescribeLogGroups',
            'logs:CreateLogStream', 'logs:CreateLogGroup', 'xray:PutTraceSegments',
            'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets',
            'xray:GetSamplingStatisticSummaries',
          ],
          Resource: '*',
        },
        {
          Sid: 'CWASSMServerPermissions',
          Effect: 'Allow',
          Action: ['ssm:GetParameter'],
          Resource: 'arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*',
        },
      ],
    },
  },
  {
    name: 'CloudWatchLogsFullAccess',
    id: 'ANPAJ3ZGNWK2R5HW5BQFO',
    version: 'v8',
    created: '2015-02-06T18:40:02Z',
    updated: '2026-02-12T18:00:33Z',
    description: 'Provides full access to CloudWatch Logs',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CloudWatchLogsFullAccess',
          Effect: 'Allow',
          Action: [
            'logs:*', 'cloudwatch:GenerateQuery', 'cloudwatch:GenerateQueryResultsSummary',
            'observabilityadmin:GetS3TableIntegration', 'observabilityadmin:ListS3TableIntegrations',
            'observabilityadmin:ListTelemetryPipelines',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'CloudWatchLogsReadOnlyAccess',
    id: 'ANPAJ2YIYDYSNNEHK3VKW',
    version: 'v12',
    created: '2015-02-06T18:40:03Z',
    updated: '2026-02-12T17:59:13Z',
    description: 'Provides read only access to CloudWatch Logs',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CloudWatchLogsReadOnlyAccess',
          Effect: 'Allow',
          Action: [
            'logs:Describe*', 'logs:Get*', 'logs:List*', 'logs:StartQuery', 'logs:StopQuery',
            'logs:TestMetricFilter', 'logs:FilterLogEvents', 'logs:StartLiveTail', 'logs:StopLiveTail',
            'cloudwatch:GenerateQuery', 'cloudwatch:GenerateQueryResultsSummary',
            'observabilityadmin:ListS3TableIntegrations', 'observabilityadmin:GetS3TableIntegration',
            'observabilityadmin:ListTelemetryPipelines',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'CloudWatchReadOnlyAccess',
    id: 'ANPAJN23PDQP7SZQAE3QE',
    version: 'v24',
    created: '2015-02-06T18:40:01Z',
    updated: '2026-02-12T18:01:50Z',
    description: 'Provides read only access to CloudWatch.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CloudWatchReadOnlyAccessPermissions',
          Effect: 'Allow',
          Action: [
            'application-autoscaling:DescribeScalingPolicies', 'application-signals:BatchGet*',
            'application-signals:Get*', 'application-signals:List*', 'autoscaling:Describe*',
            'cloudtrail:ListChannels', 'cloudwatch:BatchGet*', 'cloudwatch:Describe*',
            'cloudwatch:GenerateQuery', 'cloudwatch:Get*', 'cloudwatch:List*', 'logs:Get*', 'logs:List*',
            'logs:StartQuery', 'logs:StopQuery', 'logs:Describe*', 'logs:TestMetricFilter',
            'logs:FilterLogEvents', 'logs:StartLiveTail', 'logs:StopLiveTail', 'oam:ListSinks',
            'observabilityadmin:GetCentralizationRuleForOrganization',
            'observabilityadmin:ListCentralizationRulesForOrganization',
            'observabilityadmin:GetTelemetryEvaluationStatus',
            'observabilityadmin:GetTelemetryEvaluationStatusForOrganization',
            'observabilityadmin:GetTelemetryRule', 'observabilityadmin:GetTelemetryRuleForOrganization',
            'observabilityadmin:ListResourceTelemetry',
            'observabilityadmin:ListResourceTelemetryForOrganization',
            'observabilityadmin:ListTelemetryRules',
            'observabilityadmin:ListTelemetryRulesForOrganization',
            'observabilityadmin:GetTelemetryEnrichmentStatus', 'observabilityadmin:ListTagsForResource',
            'observabilityadmin:GetTelemetryPipeline', 'observabilityadmin:ListTelemetryPipelines',
            'observabilityadmin:TestTelemetryPipeline',
            'observabilityadmin:ValidateTelemetryPipelineConfiguration',
            'observabilityadmin:GetS3TableIntegration', 'observabilityadmin:ListS3TableIntegrations',
            'sns:Get*', 'sns:List*', 'rum:BatchGet*', 'rum:Get*', 'rum:List*', 'synthetics:Describe*',
            'synthetics:Get*', 'synthetics:List*', 'xray:BatchGet*', 'xray:Get*', 'xray:List*',
            'xray:StartTraceRetrieval', 'xray:CancelTraceRetrieval',
          ],
          Resource: '*',
        },
        {
          Sid: 'OAMReadPermissions',
          Effect: 'Allow',
          Action: ['oam:ListAttachedLinks'],
          Resource: 'arn:aws:oam:*:*:sink/*',
        },
        {
          Sid: 'CloudWatchReadOnlyGetRolePermissions',
          Effect: 'Allow',
          Action: 'iam:GetRole',
          Resource: 'arn:aws:iam::*:role/aws-service-role/application-signals.cloudwatch.amazonaws.com/AWSServiceRoleForCloudWatchApplicationSignals',
        },
        {
          Sid: 'CloudWatchCloudTrailPermissions',
          Effect: 'Allow',
          Action: ['cloudtrail:GetChannel'],
          Resource: 'arn:aws:cloudtrail:*:*:channel/aws-service-channel/application-signals/*',
        },
        {
          Sid: 'CloudWatchServiceQuotaPermissions',
          Effect: 'Allow',
          Action: ['servicequotas:GetServiceQuota'],
          Resource: [
            'arn:aws:servicequotas:*:*:s3/*', 'arn:aws:servicequotas:*:*:dynamodb/*',
            'arn:aws:servicequotas:*:*:kinesis/*', 'arn:aws:servicequotas:*:*:sns/*',
            'arn:aws:servicequotas:*:*:bedrock/*', 'arn:aws:servicequotas:*:*:lambda/*',
            'arn:aws:servicequotas:*:*:fargate/*', 'arn:aws:servicequotas:*:*:elasticloadbalancing/*',
            'arn:aws:servicequotas:*:*:ec2/*',
          ],
        },
        {
          Sid: 'CloudWatchResourceExplorerPermissions',
          Effect: 'Allow',
          Action: ['resource-explorer-2:ListIndexes', 'resource-explorer-2:Search'],
          Resource: [
            'arn:aws:resource-explorer-2:*::view/AWSServiceViewForApplicationSignals/service-view',
            'arn:aws:resource-explorer-2:*::view/AWSServiceViewForApplicationSignalsOrgScopeProd/service-view',
          ],
        },
      ],
    },
  },
  {
    name: 'AmazonSSMManagedInstanceCore',
    id: 'ANPAIXSHM2BNB2D3AXXRU',
    version: 'v2',
    created: '2019-03-15T17:22:12Z',
    updated: '2019-05-23T16:54:21Z',
    description: 'The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'ssm:DescribeAssociation', 'ssm:GetDeployablePatchSnapshotForInstance', 'ssm:GetDocument',
            'ssm:DescribeDocument', 'ssm:GetManifest', 'ssm:GetParameter', 'ssm:GetParameters',
            'ssm:ListAssociations', 'ssm:ListInstanceAssociations', 'ssm:PutInventory',
            'ssm:PutComplianceItems', 'ssm:PutConfigurePackageResult', 'ssm:UpdateAssociationStatus',
            'ssm:UpdateInstanceAssociationStatus', 'ssm:UpdateInstanceInformation',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: [
            'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel',
            'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: [
            'ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage',
            'ec2messages:GetEndpoint', 'ec2messages:GetMessages', 'ec2messages:SendReply',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AmazonSSMReadOnlyAccess',
    id: 'ANPAJODSKQGGJTHRYZ5FC',
    version: 'v1',
    created: '2015-05-29T17:44:19Z',
    updated: '2015-05-29T17:44:19Z',
    description: 'Provides read only access to Amazon SSM.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['ssm:Describe*', 'ssm:Get*', 'ssm:List*'], Resource: '*' },
      ],
    },
  },
  {
    name: 'AWSXRayDaemonWriteAccess',
    id: 'ANPATV5ED7F7ORRSJQAUY', // made up: no published id found
    version: 'v2',
    created: '2018-08-28T23:00:33Z',
    updated: '2024-02-13T21:58:30Z',
    description:
      "Allow the AWS X-Ray Daemon to relay raw trace segments data to the service's API and retrieve sampling data (rules, targets, etc.) to be used by the X-Ray SDK.",
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AWSXRayDaemonWriteAccess',
          Effect: 'Allow',
          Action: [
            'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules',
            'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries',
          ],
          Resource: ['*'],
        },
      ],
    },
  },
];
