/**
 * The IAM policy engine: pure functions, no I/O. Services and the pipeline call `evaluate`
 * before each handler; IAM and S3 call the validators when policies are written.
 */
export type {
  ContextValue,
  Decision,
  EvalDecision,
  MatchedStatement,
  NormalizedContext,
  PolicyDocument,
  PolicySourceType,
  PolicyStatementJson,
  PrincipalJson,
  RequestContextValues,
} from './types.ts';
export {
  evaluate,
  normalizeContext,
  type DecisionReason,
  type EvaluationRequest,
  type EvaluationResult,
  type PolicyInput,
  type PolicyRef,
  type ResourcePolicyInput,
} from './evaluate.ts';
export { compilePolicy, isCompiledPolicy, type CompiledPolicy } from './compile.ts';
export { buildGlobalContext, principalArn, type RequestFacts } from './context.ts';
export { accessDeniedMessage, type AccessDeniedMessageOptions } from './messages.ts';
export { simulate, statementPosition, type SimulationInput, type SimulationResult } from './simulate.ts';
export {
  checkIdentityPolicy,
  validateIdentityPolicy,
  IAM_MESSAGES,
  type IdentityPolicyOptions,
} from './validate-iam.ts';
export {
  checkBucketPolicy,
  checkTrustPolicy,
  validateBucketPolicy,
  validateTrustPolicy,
  S3_MESSAGES,
  TRUST_MESSAGES,
  type BucketPolicyOptions,
  type PrincipalCheckOptions,
} from './validate-resource.ts';
export {
  policySize,
  policySizeError,
  POLICY_LIMITS,
  type PolicyValidation,
  type SizedPolicyKind,
} from './validate-common.ts';
export { OPERATORS, parseOperator, type OperatorName } from './conditions.ts';
