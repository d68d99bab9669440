/** Shapes shared by the policy engine's parser, evaluator and validators. */

/** A policy document as JSON (what callers store and pass around). */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatementJson | PolicyStatementJson[];
}

export type StringOrList = string | string[];

export type PrincipalJson =
  '*' | Partial<Record<'AWS' | 'Service' | 'Federated' | 'CanonicalUser', StringOrList>>;

export interface PolicyStatementJson {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: PrincipalJson;
  NotPrincipal?: PrincipalJson;
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Condition?: Record<string, Record<string, StringOrList | number | boolean | (string | number | boolean)[]>>;
}

/** One condition-key value as the request context holds it. */
export type ContextValue = string | string[] | number | boolean | undefined;

/** Condition keys of one request (names are matched case-insensitively). */
export type RequestContextValues = Record<string, ContextValue>;

/** The request context after normalisation: lower-cased key → values (absent keys missing). */
export type NormalizedContext = Map<string, string[]>;

/** Where a policy came from; reported in matched statements and deny messages. */
export type PolicySourceType = 'identity-based' | 'resource-based' | 'permissions boundary' | 'session';

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** IAM's SimulatePolicy EvalDecision spelling. */
export type EvalDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface MatchedStatement {
  /** The policy's id as the caller named it (policy name or ARN); IAM's SourcePolicyId. */
  sourcePolicyId: string;
  sourcePolicyType: PolicySourceType;
  effect: 'Allow' | 'Deny';
  sid?: string;
  /** Index of the statement in the document's Statement list. */
  index: number;
}
