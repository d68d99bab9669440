/**
 * The audit trail's records: CloudTrail's event format (the JSON a trail's log file holds and
 * LookupEvents returns as CloudTrailEvent), plus the indexed columns kept beside it.
 */

export interface SessionIssuer {
  type?: 'Role' | 'IAMUser' | 'Root';
  principalId?: string;
  arn?: string;
  accountId?: string;
  userName?: string;
}

export interface SessionContext {
  sessionIssuer: SessionIssuer;
  webIdFederationData: Record<string, never>;
  attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
  sourceIdentity?: string;
}

export interface UserIdentity {
  type:
    | 'Root'
    | 'IAMUser'
    | 'AssumedRole'
    | 'FederatedUser'
    | 'AWSAccount'
    | 'AWSService'
    | 'SAMLUser'
    | 'WebIdentityUser'
    | 'Unknown';
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  identityProvider?: string;
  sessionContext?: SessionContext;
}

export interface EventResource {
  accountId?: string;
  type: string;
  /** One of ARN and ARNPrefix (object listings name the prefix they list). */
  ARN?: string;
  ARNPrefix?: string;
}

export interface CloudTrailEvent {
  eventVersion: string;
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: EventResource[];
  eventType: 'AwsApiCall' | 'AwsServiceEvent' | 'AwsConsoleSignIn';
  managementEvent: boolean;
  recipientAccountId: string;
  /** Cross-account calls are recorded in both accounts; the two copies share this id. */
  sharedEventID?: string;
  eventCategory: 'Management' | 'Data';
}

/** LookupEvents' Resources entry (the resource table's rows). */
export interface LookupResource {
  type: string;
  name: string;
}

/** One event with the columns the store indexes. */
export interface AuditRecord {
  /** Insertion order; stable cursor for tails and trail delivery. Set by the store. */
  seq?: number;
  event: CloudTrailEvent;
  /** Milliseconds since the epoch (eventTime keeps whole seconds, as CloudTrail's does). */
  time: number;
  /** The account whose trail shows the event ('' when the caller was never identified). */
  accountId: string;
  /** LookupEvents' Username: root, the user name, the role session name... */
  username?: string;
  accessKeyId?: string;
  resources: LookupResource[];
  /** The call was refused by authorization (AccessDenied and the like). */
  denied: boolean;
}

/**
 * A query over the trail; every field narrows. Newest first; `order: 'asc'` oldest first;
 * `order: 'seq'` in storage order (tails and deliveries, with afterSeq). Pages are index ranges
 * when the account is given, and `management` too with a region/name/user/key/source filter.
 */
export interface AuditQuery {
  accountId?: string;
  region?: string;
  eventId?: string;
  eventName?: string;
  eventSource?: string;
  username?: string;
  accessKeyId?: string;
  readOnly?: boolean;
  resourceType?: string;
  resourceName?: string;
  /** true: management events only (LookupEvents); false: data events only. */
  management?: boolean;
  /** true: failed calls only (any errorCode); 'denied': refused by authorization only. */
  errors?: boolean | 'denied';
  /** Inclusive bounds. */
  start?: Date;
  end?: Date;
  /** Only events stored after this sequence number (tails, trail delivery). */
  afterSeq?: number;
  /** Only events stored up to this sequence number (a stable snapshot while paging). */
  throughSeq?: number;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
  order?: 'desc' | 'asc' | 'seq';
}

export interface AuditPage {
  records: AuditRecord[];
  /** Present when more records match. */
  cursor?: string;
}

/** Calls and failures per time bucket (for charts). */
export interface AuditHistogramBucket {
  /** Bucket start, ms since the epoch. */
  start: number;
  calls: number;
  errors: number;
  denied: number;
}
