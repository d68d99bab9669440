/**
 * How a service tells the authorizer what a request asks for, in IAM's terms (the Service
 * Authorization Reference): one or more (action, resource ARN, condition keys) per operation.
 * Each service exports one AuthzMapper; the authorize step evaluates every request it returns
 * (all must be allowed), before the handler runs.
 */
import type { HandlerContext } from './handler.ts';

export type ConditionValue = string | string[] | number | boolean | undefined;

export interface AuthzRequest {
  /** e.g. 's3:GetObject' */
  action: string;
  /** e.g. 'arn:aws:s3:::bucket/key'; '*' for actions without resource types. */
  resource: string;
  /** Service-specific condition keys (s3:prefix, ec2:InstanceType, iam:PassedToService, aws:RequestTag/x, ...). */
  context?: Record<string, ConditionValue>;
  /** The account owning the resource; defaults to the caller's (cross-account needs both sides). */
  resourceAccountId?: string;
  /** The resource's own policy (S3 bucket policy, role trust policy), as a JSON document string. */
  resourcePolicy?: string;
  /** The resource policy must allow even within its account (role trust policies): identity policies alone never suffice. */
  resourcePolicyRequired?: boolean;
  /** Resource tags (aws:ResourceTag/...). */
  resourceTags?: Record<string, string>;
  /** The caller account's S3 canonical user id, matched by a resource policy's {"CanonicalUser": ...}. */
  canonicalUserId?: string;
}

export type AuthzMapper = (operation: string, input: any, ctx: HandlerContext) => Promise<AuthzRequest[]>;
