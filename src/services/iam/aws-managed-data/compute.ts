/** AWS-managed policies: Lambda, ECS, EKS, ECR and Glue (execution and service roles). Default versions as IAM serves them. */
import type { ManagedPolicyData } from './types.ts';

export const compute: ManagedPolicyData[] = [
  {
    name: 'AWSLambdaBasicExecutionRole',
    path: '/service-role/',
    id: 'ANPAJNCQGXC42545SKXIK',
    version: 'v1',
    created: '2015-04-09T15:03:43Z',
    updated: '2015-04-09T15:03:43Z',
    description: 'Provides write permissions to CloudWatch Logs.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSLambdaVPCAccessExecutionRole',
    path: '/service-role/',
    id: 'ANPAJVTME3YLVNL72YR2K',
    version: 'v3',
    created: '2016-02-11T23:15:26Z',
    updated: '2024-01-05T22:38:26Z',
    description:
      'Provides minimum permissions for a Lambda function to execute while accessing a resource within a VPC - create, describe, delete network interfaces and write permissions to CloudWatch Logs. ',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AWSLambdaVPCAccessExecutionPermissions',
          Effect: 'Allow',
          Action: [
            'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents',
            'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSLambdaExecute',
    id: 'ANPAJE5FX7FQZSU5XAKGO',
    version: 'v1',
    created: '2015-02-06T18:40:46Z',
    updated: '2015-02-06T18:40:46Z',
    description: 'Provides Put, Get access to S3 and full access to CloudWatch Logs.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['logs:*'], Resource: 'arn:aws:logs:*:*:*' },
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::*' },
      ],
    },
  },
  {
    name: 'AWSLambda_FullAccess',
    id: 'ANPAZKAPJZG4OXQPYWZ5D',
    version: 'v7',
    created: '2020-11-17T21:14:08Z',
    updated: '2026-02-12T18:00:51Z',
    description:
      'Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'cloudformation:DescribeStacks', 'cloudformation:ListStackResources', 'cloudwatch:ListMetrics',
            'cloudwatch:GetMetricData', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets',
            'ec2:DescribeVpcs', 'kms:DescribeKey', 'kms:ListAliases', 'iam:GetPolicy',
            'iam:GetPolicyVersion', 'iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies',
            'iam:ListRolePolicies', 'iam:ListRoles', 'lambda:*', 'logs:DescribeLogGroups',
            'states:DescribeStateMachine', 'states:ListStateMachines', 'tag:GetResources',
            'xray:GetTraceSummaries', 'xray:BatchGetTraces',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: '*',
          Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
        },
        {
          Effect: 'Allow',
          Action: [
            'logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartLiveTail',
            'logs:StopLiveTail',
          ],
          Resource: 'arn:aws:logs:*:*:log-group:/aws/lambda/*',
        },
        {
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: 'arn:aws:iam::*:role/aws-service-role/lambda.amazonaws.com/AWSServiceRoleForLambda',
          Condition: { StringEquals: { 'iam:AWSServiceName': 'lambda.amazonaws.com' } },
        },
      ],
    },
  },
  {
    name: 'AWSLambda_ReadOnlyAccess',
    id: 'ANPA5COFCATSUG6H6C5E5', // made up: no published id found
    version: 'v5',
    created: '2020-11-17T21:10:32Z',
    updated: '2026-02-12T18:02:55Z',
    description:
      'Grants read-only access to AWS Lambda service, AWS Lambda console features, and other related AWS services.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'cloudformation:DescribeStacks', 'cloudformation:ListStacks',
            'cloudformation:ListStackResources', 'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics',
            'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'kms:ListAliases',
            'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:GetRole', 'iam:GetRolePolicy',
            'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:ListRoles',
            'logs:DescribeLogGroups', 'lambda:Get*', 'lambda:List*', 'states:DescribeStateMachine',
            'states:ListStateMachines', 'tag:GetResources', 'xray:GetTraceSummaries',
            'xray:BatchGetTraces',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: [
            'logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery',
            'logs:StopQuery', 'logs:DescribeQueries', 'logs:GetLogGroupFields', 'logs:GetLogRecord',
            'logs:GetQueryResults', 'logs:StartLiveTail', 'logs:StopLiveTail',
          ],
          Resource: 'arn:aws:logs:*:*:log-group:/aws/lambda/*',
        },
      ],
    },
  },
  {
    name: 'AmazonECSTaskExecutionRolePolicy',
    path: '/service-role/',
    id: 'ANPAJG4T4G4PV56DE72PY',
    version: 'v1',
    created: '2017-11-16T18:48:22Z',
    updated: '2017-11-16T18:48:22Z',
    description: 'Provides access to other AWS service resources that are required to run Amazon ECS tasks',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer',
            'ecr:BatchGetImage', 'logs:CreateLogStream', 'logs:PutLogEvents',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AmazonEC2ContainerServiceforEC2Role',
    path: '/service-role/',
    id: 'ANPAJLYJCVHC7TQHCSQDS',
    version: 'v10',
    created: '2015-03-19T18:45:18Z',
    updated: '2026-02-12T17:59:52Z',
    description: 'Default policy for the Amazon EC2 Role for Amazon EC2 Container Service.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'ec2:DescribeTags', 'ecs:CreateCluster', 'ecs:DeregisterContainerInstance',
            'ecs:DiscoverPollEndpoint', 'ecs:Poll', 'ecs:RegisterContainerInstance',
            'ecs:StartTelemetrySession', 'ecs:UpdateContainerInstancesState', 'ecs:Submit*',
            'ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer',
            'ecr:BatchGetImage', 'logs:CreateLogStream', 'logs:PutLogEvents',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: 'ecs:TagResource',
          Resource: '*',
          Condition: { StringEquals: { 'ecs:CreateAction': ['CreateCluster', 'RegisterContainerInstance'] } },
        },
        {
          Effect: 'Allow',
          Action: ['ecs:ListTagsForResource'],
          Resource: ['arn:aws:ecs:*:*:task/*/*', 'arn:aws:ecs:*:*:container-instance/*/*'],
        },
      ],
    },
  },
  {
    name: 'AmazonEKSClusterPolicy',
    id: 'ANPA3DSVXQXJBZCFZPPQ3', // made up: no published id found
    version: 'v10',
    created: '2018-05-27T21:06:14Z',
    updated: '2026-02-12T17:58:15Z',
    description:
      'This policy provides Kubernetes the permissions it requires to manage resources on your behalf. Kubernetes requires Ec2:CreateTags permissions to place identifying information on EC2 resources including but not limited to Instances, Security Groups, and Elastic Network Interfaces. ',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AmazonEKSClusterPolicy',
          Effect: 'Allow',
          Action: [
            'autoscaling:DescribeAutoScalingGroups', 'autoscaling:UpdateAutoScalingGroup',
            'ec2:AttachVolume', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:CreateRoute',
            'ec2:CreateSecurityGroup', 'ec2:CreateTags', 'ec2:CreateVolume', 'ec2:DeleteRoute',
            'ec2:DeleteSecurityGroup', 'ec2:DeleteVolume', 'ec2:DescribeInstances',
            'ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets',
            'ec2:DescribeVolumes', 'ec2:DescribeVolumesModifications', 'ec2:DescribeVpcs',
            'ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeAvailabilityZones',
            'ec2:DetachVolume', 'ec2:ModifyInstanceAttribute', 'ec2:ModifyVolume',
            'ec2:RevokeSecurityGroupIngress', 'ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses',
            'ec2:DescribeInternetGateways', 'ec2:DescribeInstanceTopology', 'elasticloadbalancing:AddTags',
            'elasticloadbalancing:ApplySecurityGroupsToLoadBalancer',
            'elasticloadbalancing:AttachLoadBalancerToSubnets',
            'elasticloadbalancing:ConfigureHealthCheck', 'elasticloadbalancing:CreateListener',
            'elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateLoadBalancerListeners',
            'elasticloadbalancing:CreateLoadBalancerPolicy', 'elasticloadbalancing:CreateTargetGroup',
            'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:DeleteLoadBalancer',
            'elasticloadbalancing:DeleteLoadBalancerListeners', 'elasticloadbalancing:DeleteTargetGroup',
            'elasticloadbalancing:DeregisterInstancesFromLoadBalancer',
            'elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:DescribeListeners',
            'elasticloadbalancing:DescribeLoadBalancerAttributes',
            'elasticloadbalancing:DescribeLoadBalancerPolicies',
            'elasticloadbalancing:DescribeLoadBalancers',
            'elasticloadbalancing:DescribeTargetGroupAttributes',
            'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth',
            'elasticloadbalancing:DetachLoadBalancerFromSubnets', 'elasticloadbalancing:ModifyListener',
            'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:ModifyTargetGroup',
            'elasticloadbalancing:ModifyTargetGroupAttributes',
            'elasticloadbalancing:RegisterInstancesWithLoadBalancer',
            'elasticloadbalancing:RegisterTargets',
            'elasticloadbalancing:SetLoadBalancerPoliciesForBackendServer',
            'elasticloadbalancing:SetLoadBalancerPoliciesOfListener', 'kms:DescribeKey',
          ],
          Resource: '*',
        },
        {
          Sid: 'AmazonEKSClusterPolicySLRCreate',
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: '*',
          Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } },
        },
        {
          Sid: 'AmazonEKSClusterPolicyENIDelete',
          Effect: 'Allow',
          Action: 'ec2:DeleteNetworkInterface',
          Resource: '*',
          Condition: { StringEquals: { 'ec2:ResourceTag/eks:eni:owner': 'amazon-vpc-cni' } },
        },
      ],
    },
  },
  {
    name: 'AmazonEKSWorkerNodePolicy',
    id: 'ANPABBO5TE3H6X2DYPFWB', // made up: no published id found
    version: 'v3',
    created: '2018-05-27T21:09:01Z',
    updated: '2023-11-27T00:06:13Z',
    description: 'This policy allows Amazon EKS worker nodes to connect to Amazon EKS Clusters.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'WorkerNodePermissions',
          Effect: 'Allow',
          Action: [
            'ec2:DescribeInstances', 'ec2:DescribeInstanceTypes', 'ec2:DescribeRouteTables',
            'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVolumes',
            'ec2:DescribeVolumesModifications', 'ec2:DescribeVpcs', 'eks:DescribeCluster',
            'eks-auth:AssumeRoleForPodIdentity',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AmazonEKS_CNI_Policy',
    id: 'ANPASOO2NUSWJAM4KGWLL', // made up: no published id found
    version: 'v6',
    created: '2018-05-27T21:07:42Z',
    updated: '2026-03-04T19:12:14Z',
    description:
      'This policy provides the Amazon VPC CNI Plugin (amazon-vpc-cni-k8s) the permissions it requires to modify the IP address configuration on your EKS worker nodes. This permission set allows the CNI to list, describe, and modify Elastic Network Interfaces on your behalf. More information on the AWS VPC CNI Plugin is available here: https://github.com/aws/amazon-vpc-cni-k8s',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AmazonEKSCNIPolicy',
          Effect: 'Allow',
          Action: [
            'ec2:AssignPrivateIpAddresses', 'ec2:AttachNetworkInterface', 'ec2:CreateNetworkInterface',
            'ec2:DeleteNetworkInterface', 'ec2:DescribeInstances', 'ec2:DescribeTags',
            'ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstanceTypes', 'ec2:DescribeSubnets',
            'ec2:DescribeSecurityGroups', 'ec2:DetachNetworkInterface',
            'ec2:ModifyNetworkInterfaceAttribute', 'ec2:UnassignPrivateIpAddresses',
          ],
          Resource: '*',
        },
        {
          Sid: 'AmazonEKSCNIPolicyENITag',
          Effect: 'Allow',
          Action: ['ec2:CreateTags'],
          Resource: ['arn:aws:ec2:*:*:network-interface/*'],
        },
      ],
    },
  },
  {
    name: 'AmazonEC2ContainerRegistryReadOnly',
    id: 'ANPAIFYZPA37OOHVIH7KQ',
    version: 'v3',
    created: '2015-12-21T17:04:15Z',
    updated: '2019-12-10T20:56:32Z',
    description: 'Provides read-only access to Amazon EC2 Container Registry repositories.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer',
            'ecr:GetRepositoryPolicy', 'ecr:DescribeRepositories', 'ecr:ListImages', 'ecr:DescribeImages',
            'ecr:BatchGetImage', 'ecr:GetLifecyclePolicy', 'ecr:GetLifecyclePolicyPreview',
            'ecr:ListTagsForResource', 'ecr:DescribeImageScanFindings',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AmazonEC2ContainerRegistryFullAccess',
    id: 'ANPAIESRL7KD7IIVF6V4W',
    version: 'v3',
    created: '2015-12-21T17:06:48Z',
    updated: '2020-12-05T00:04:19Z',
    description: 'Provides administrative access to Amazon ECR resources',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['ecr:*', 'cloudtrail:LookupEvents'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['iam:CreateServiceLinkedRole'],
          Resource: '*',
          Condition: { StringEquals: { 'iam:AWSServiceName': ['replication.ecr.amazonaws.com'] } },
        },
      ],
    },
  },
  {
    name: 'AmazonEC2ContainerRegistryPowerUser',
    id: 'ANPAJDNE5PIHROIBGGDDW',
    version: 'v3',
    created: '2015-12-21T17:05:33Z',
    updated: '2019-12-10T20:48:08Z',
    description:
      'Provides full access to Amazon EC2 Container Registry repositories, but does not allow repository deletion or policy changes.',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer',
            'ecr:GetRepositoryPolicy', 'ecr:DescribeRepositories', 'ecr:ListImages', 'ecr:DescribeImages',
            'ecr:BatchGetImage', 'ecr:GetLifecyclePolicy', 'ecr:GetLifecyclePolicyPreview',
            'ecr:ListTagsForResource', 'ecr:DescribeImageScanFindings', 'ecr:InitiateLayerUpload',
            'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSGlueServiceRole',
    path: '/service-role/',
    id: 'ANPAZQQXZ4B7E4KZL7YUP', // made up: no published id found
    version: 'v5',
    created: '2017-08-14T13:37:21Z',
    updated: '2023-09-11T16:39:47Z',
    description:
      'Policy for AWS Glue service role which allows access to related services including EC2, S3, and Cloudwatch Logs',
    // prettier-ignore
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'glue:*', 's3:GetBucketLocation', 's3:ListBucket', 's3:ListAllMyBuckets', 's3:GetBucketAcl',
            'ec2:DescribeVpcEndpoints', 'ec2:DescribeRouteTables', 'ec2:CreateNetworkInterface',
            'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups',
            'ec2:DescribeSubnets', 'ec2:DescribeVpcAttribute', 'iam:ListRolePolicies', 'iam:GetRole',
            'iam:GetRolePolicy', 'cloudwatch:PutMetricData',
          ],
          Resource: ['*'],
        },
        { Effect: 'Allow', Action: ['s3:CreateBucket'], Resource: ['arn:aws:s3:::aws-glue-*'] },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: ['arn:aws:s3:::aws-glue-*/*', 'arn:aws:s3:::*/*aws-glue-*/*'],
        },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          Resource: ['arn:aws:s3:::crawler-public*', 'arn:aws:s3:::aws-glue-*'],
        },
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: ['arn:aws:logs:*:*:*:/aws-glue/*'],
        },
        {
          Effect: 'Allow',
          Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
          Resource: [
            'arn:aws:ec2:*:*:network-interface/*', 'arn:aws:ec2:*:*:security-group/*',
            'arn:aws:ec2:*:*:instance/*',
          ],
          Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['aws-glue-service-resource'] } },
        },
      ],
    },
  },
];
