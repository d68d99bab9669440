/**
 * The AWS-managed policies users attach most, under arn:aws:iam::aws:policy/PATH/NAME, with their
 * published default versions. The data lives in aws-managed-data/ (one module per family of
 * services); a few very long documents are shortened there to the services Stratus serves.
 */
import type { PolicyRecord } from './repository.ts';
import { compute } from './aws-managed-data/compute.ts';
import { core } from './aws-managed-data/core.ts';
import { data } from './aws-managed-data/data.ts';
import { devops } from './aws-managed-data/devops.ts';
import { identity } from './aws-managed-data/identity.ts';
import { jobFunction } from './aws-managed-data/job-function.ts';
import { jobFunctionAdmin } from './aws-managed-data/job-function-admin.ts';
import { monitoring } from './aws-managed-data/monitoring.ts';
import { network } from './aws-managed-data/network.ts';
import type { ManagedPolicyData } from './aws-managed-data/types.ts';

export const AWS_POLICY_PREFIX = 'arn:aws:iam::aws:policy/';

const ALL: ManagedPolicyData[] = [
  ...core,
  ...identity,
  ...compute,
  ...data,
  ...network,
  ...monitoring,
  ...devops,
  ...jobFunction,
  ...jobFunctionAdmin,
];

/** arn:aws:iam::aws:policy/ + the path without its leading slash + the name, as IAM forms it. */
export const awsManagedArn = (path: string, name: string): string =>
  `${AWS_POLICY_PREFIX}${path.slice(1)}${name}`;

function record(m: ManagedPolicyData): PolicyRecord {
  const path = m.path ?? '/';
  return {
    name: m.name,
    id: m.id,
    path,
    arn: awsManagedArn(path, m.name),
    createdAt: new Date(m.created).toISOString(),
    updatedAt: new Date(m.updated).toISOString(),
    tags: [],
    description: m.description,
    defaultVersion: m.version,
    versions: [
      {
        id: m.version,
        document: JSON.stringify(m.document, null, 4),
        createdAt: new Date(m.updated).toISOString(),
      },
    ],
    nextVersion: 0,
  };
}

const RECORDS = new Map<string, PolicyRecord>(
  ALL.map((m) => [awsManagedArn(m.path ?? '/', m.name), record(m)]),
);

export const awsManagedPolicy = (arn: string): PolicyRecord | undefined => RECORDS.get(arn);
export const awsManagedPolicies = (): PolicyRecord[] =>
  [...RECORDS.values()].sort((a, b) => a.name.localeCompare(b.name));
