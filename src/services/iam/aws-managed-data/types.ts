/** One AWS-managed policy as IAM publishes it (GetPolicy metadata plus the default version's document). */
export interface ManagedPolicyData {
  name: string;
  /** IAM path: '/' when absent, '/service-role/' or '/job-function/' for those families. */
  path?: string;
  id: string;
  /** The default version id. */
  version: string;
  created: string;
  updated: string;
  description: string;
  /** The document keeps only the statements and actions of the services Stratus serves. */
  shortened?: true;
  document: object;
}
