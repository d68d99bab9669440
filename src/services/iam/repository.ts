/**
 * IAM state behind an async, backend-neutral interface: entities (users, groups, roles, managed
 * policies, instance profiles, SAML and OIDC providers, MFA devices, server certificates, SSH
 * public keys, signing certificates) as records keyed by account, kind and
 * case-insensitive name; relations between them by unique id; inline policies; access keys;
 * account aliases; STS temporary credentials. The SQLite implementation is sqlite-repository.ts.
 */

export interface Tag {
  Key: string;
  Value: string;
}

export interface EntityBase {
  name: string;
  /** AIDA..., AGPA..., AROA..., ANPA..., AIPA...; the ARN for providers. */
  id: string;
  path: string;
  arn: string;
  createdAt: string;
  tags: Tag[];
}

export interface UserRecord extends EntityBase {
  boundary?: string;
}
export type GroupRecord = EntityBase;
export interface RoleRecord extends EntityBase {
  trust: string;
  description?: string;
  maxSessionDuration: number;
  boundary?: string;
  lastUsed?: { date: string; region: string };
}
export interface PolicyVersionRecord {
  id: string;
  document: string;
  createdAt: string;
}
export interface PolicyRecord extends EntityBase {
  description?: string;
  defaultVersion: string;
  versions: PolicyVersionRecord[];
  nextVersion: number;
  updatedAt: string;
}
export interface InstanceProfileRecord extends EntityBase {
  /** Role ids (at most one). */
  roles: string[];
}
export interface SamlProviderRecord extends EntityBase {
  metadata: string;
  validUntil: string;
  /** PEM certificates of the metadata's signing keys. */
  certificates: string[];
  entityId: string;
  /** SAMLProviderUUID (providers made before it was kept answer one derived from the ARN). */
  uuid?: string;
  /** 'Allowed' unless set to 'Required' on Create/UpdateSAMLProvider. */
  assertionEncryptionMode?: 'Allowed' | 'Required';
}
export interface OidcProviderRecord extends EntityBase {
  /** Issuer URL as given (https://host/path). */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  /** Stratus-specific: the provider's JSON Web Key Set, registered out of band. */
  jwks?: string;
}

export interface MfaDeviceRecord extends EntityBase {
  /** Base32 TOTP seed. */
  seed: string;
  /** The user the device is enabled for. */
  userId?: string;
  enabledAt?: string;
  /** The last time step whose code was accepted (codes work once). */
  usedStep?: number;
}

export interface ServerCertificateRecord extends EntityBase {
  /** ASCA... in `id`. The PEM texts as uploaded; the private key is never returned. */
  body: string;
  chain?: string;
  privateKey: string;
  /** The certificate's notAfter (ISO). */
  expiration: string;
}

/** SSH public keys and signing certificates: `name` and `id` are the key's / certificate's id. */
export interface UserCredentialRecord extends EntityBase {
  userId: string;
  status: 'Active' | 'Inactive';
  /** The text as uploaded. */
  body: string;
  /** SSH keys: MD5 of the key's SSH wire form; signing certificates: SHA-256 of the DER. */
  fingerprint: string;
}

/** Service-specific credentials (CodeCommit / Keyspaces passwords), named by their ids. */
export interface ServiceCredentialRecord extends EntityBase {
  userId: string;
  status: 'Active' | 'Inactive';
  /** codecommit.amazonaws.com or cassandra.amazonaws.com. */
  serviceName: string;
  /** SHA-256 (hex) of the current password: AWS shows it only on Create and Reset. */
  passwordHash: string;
  /** <user>-at-<account> as the user was named at creation: renaming the user keeps it. */
  serviceUserName?: string;
}

export interface EntityRecords {
  user: UserRecord;
  group: GroupRecord;
  role: RoleRecord;
  policy: PolicyRecord;
  'instance-profile': InstanceProfileRecord;
  'saml-provider': SamlProviderRecord;
  'oidc-provider': OidcProviderRecord;
  'mfa-device': MfaDeviceRecord;
  'server-certificate': ServerCertificateRecord;
  'ssh-public-key': UserCredentialRecord;
  'signing-certificate': UserCredentialRecord;
  'service-specific-credential': ServiceCredentialRecord;
}
export type EntityKind = keyof EntityRecords;

/** Relations: user→group ('member'), user/group/role→policy ARN ('attach'), profile→role ('profile-role'). */
export type LinkKind = 'member' | 'attach' | 'profile-role';

export interface InlinePolicy {
  name: string;
  document: string;
}

export interface AccessKeyRecord {
  accessKeyId: string;
  accountId: string;
  userId: string;
  secretAccessKey: string;
  status: 'Active' | 'Inactive';
  createdAt: string;
  lastUsed?: { date: string; service: string; region: string };
}

export interface KeyUse {
  accessKeyId: string;
  date: string;
  service: string;
  region: string;
}

/** Temporary credentials issued by STS; `data` holds the session as sts/ describes it. */
export interface SessionRecord {
  accessKeyId: string;
  accountId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: string;
  data: string;
}

/** Thrown when adding would exceed a quota (the service maps it to LimitExceeded). */
export class QuotaError extends Error {
  constructor(readonly quota: number) {
    super(`quota ${quota} reached`);
  }
}

export interface IamRepository {
  getEntity<K extends EntityKind>(
    accountId: string,
    kind: K,
    name: string,
  ): Promise<EntityRecords[K] | undefined>;
  getEntityById<K extends EntityKind>(
    kind: K,
    id: string,
  ): Promise<{ accountId: string; record: EntityRecords[K] } | undefined>;
  /** ConflictError when the (case-insensitive) name is taken. */
  createEntity<K extends EntityKind>(accountId: string, kind: K, record: EntityRecords[K]): Promise<void>;
  /** Rewrites a record, found by its id (renames allowed; ConflictError on a taken name). */
  saveEntity<K extends EntityKind>(accountId: string, kind: K, record: EntityRecords[K]): Promise<void>;
  /** Removes the record with its inline policies and every relation from or to its id / ARN. */
  deleteEntity(accountId: string, kind: EntityKind, record: EntityBase): Promise<void>;
  /** Sorted by name, case-insensitively. */
  listEntities<K extends EntityKind>(accountId: string, kind: K): Promise<EntityRecords[K][]>;

  /** false when the link exists; QuotaError when `from` already has `quota` links of this kind. */
  addLink(accountId: string, kind: LinkKind, from: string, to: string, quota?: number): Promise<boolean>;
  removeLink(accountId: string, kind: LinkKind, from: string, to: string): Promise<boolean>;
  linksFrom(accountId: string, kind: LinkKind, from: string): Promise<string[]>;
  linksTo(accountId: string, kind: LinkKind, to: string): Promise<string[]>;

  putInline(accountId: string, ownerId: string, policy: InlinePolicy): Promise<void>;
  getInline(accountId: string, ownerId: string, name: string): Promise<InlinePolicy | undefined>;
  deleteInline(accountId: string, ownerId: string, name: string): Promise<boolean>;
  /** Sorted by name. */
  listInline(accountId: string, ownerId: string): Promise<InlinePolicy[]>;

  /** QuotaError when the user already has `quota` keys. */
  createAccessKey(key: AccessKeyRecord, quota: number): Promise<void>;
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  listAccessKeys(accountId: string, userId: string): Promise<AccessKeyRecord[]>;
  setAccessKeyStatus(accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void>;
  deleteAccessKey(accessKeyId: string): Promise<void>;
  recordKeyUses(uses: KeyUse[]): Promise<void>;

  getAlias(accountId: string): Promise<string | undefined>;
  /** ConflictError when another account has the alias. */
  setAlias(accountId: string, alias: string): Promise<void>;
  deleteAlias(accountId: string): Promise<void>;

  /** Account-wide settings as JSON text by name ('password-policy'). */
  getSetting(accountId: string, name: string): Promise<string | undefined>;
  putSetting(accountId: string, name: string, data: string): Promise<void>;
  /** false when there was none. */
  deleteSetting(accountId: string, name: string): Promise<boolean>;

  putSession(session: SessionRecord): Promise<void>;
  getSession(accessKeyId: string): Promise<SessionRecord | undefined>;
  deleteExpiredSessions(before: string): Promise<number>;
}
