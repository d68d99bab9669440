/**
 * Who is calling. Built by authentication from the credential that signed the request; read by
 * the policy engine (aws:* condition keys), the audit trail (userIdentity) and handlers.
 */
export type PrincipalType =
  | 'Root'
  | 'IAMUser'
  | 'AssumedRole'
  | 'FederatedUser'
  | 'Anonymous'
  | 'AWSService'
  | 'SAMLUser'
  | 'WebIdentityUser';

export interface Principal {
  type: PrincipalType;
  /** 12-digit account id the principal belongs to ('' for anonymous). */
  accountId: string;
  /** ARN as GetCallerIdentity shows it (arn:aws:iam::123:root, ...:user/x, arn:aws:sts::123:assumed-role/r/s). */
  arn: string;
  /** aws:userid: the account id for root, AIDA... for users, AROA...:session for role sessions. */
  userId: string;
  /** IAM user name (aws:username), for IAM users only. */
  userName?: string;
  /** The access key that signed the request. */
  accessKeyId?: string;
  /** For assumed roles: the role's ARN, id, name and the session name. */
  role?: { arn: string; roleId: string; name: string; path: string };
  sessionName?: string;
  /** Principal tags (aws:PrincipalTag/...): user or role tags plus session tags. */
  tags?: Record<string, string>;
  /** Session policies carried by temporary credentials (only narrow what identity policies allow). */
  sessionPolicies?: unknown[];
  /** When the temporary credentials were issued (aws:TokenIssueTime). */
  tokenIssueTime?: Date;
  /** Whether MFA was used to obtain the credentials (aws:MultiFactorAuthPresent). */
  mfaPresent?: boolean;
  sourceIdentity?: string;
  /** Temporary credentials (ASIA...) rather than long-term ones. */
  temporary?: boolean;
  /** For GetSessionToken/GetFederationToken credentials: the user they were issued to. */
  federatedName?: string;
}

export const ANONYMOUS: Principal = {
  type: 'Anonymous',
  accountId: '',
  arn: '*',
  userId: 'anonymous',
};

/** A credential as the credential store knows it; the secret never leaves auth/. */
export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present for temporary credentials: the request must carry exactly this token. */
  sessionToken?: string;
  expiration?: Date;
  status: 'Active' | 'Inactive';
  principal: Principal;
}

/**
 * Looks up an access key id. Returns undefined for unknown keys. Implemented by the IAM/STS
 * credential store; the default account's root key is always known.
 */
export interface CredentialResolver {
  resolve(accessKeyId: string, sessionToken?: string): Promise<Credential | undefined>;
  /** Records a use of a key (GetAccessKeyLastUsed); must not slow the request. */
  recordUse?(accessKeyId: string, service: string, region: string, when: Date): void;
}
