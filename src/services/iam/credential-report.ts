/**
 * The credential report (GenerateCredentialReport / GetCredentialReport): one CSV line per user
 * (and the root user) with password, MFA and access-key facts, in AWS's columns. Generated
 * reports are kept in memory for four hours, as AWS keeps them.
 */
import { AwsError } from '../../errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import type { IamState } from './state.ts';
import type { UserWithLogin } from './passwords.ts';

const COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
];
const KEEP_MS = 4 * 3600_000;
const iso = (s: string) => s.replace(/\.\d{3}Z$/, '+00:00');

export function credentialReportHandlers(s: IamState): ServiceHandlers {
  const reports = new Map<string, { generated: Date; csv: string }>();

  async function build(accountId: string): Promise<string> {
    await s.flushKeyUses();
    const lines = [COLUMNS.join(',')];
    lines.push(
      [
        '<root_account>',
        `arn:aws:iam::${accountId}:root`,
        'N/A',
        'not_supported',
        'N/A',
        'not_supported',
        'not_supported',
        'false',
        'false',
        'N/A',
        'N/A',
        'N/A',
        'N/A',
        'false',
        'N/A',
        'N/A',
        'N/A',
        'N/A',
        'false',
        'N/A',
        'false',
        'N/A',
      ].join(','),
    );
    const devices = await s.repo.listEntities(accountId, 'mfa-device');
    const signing = (await s.repo.listEntities(accountId, 'signing-certificate')).sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
    for (const u of await s.repo.listEntities(accountId, 'user')) {
      const login = (u as UserWithLogin).loginProfile;
      const keys = await s.repo.listAccessKeys(accountId, u.id);
      const certs = signing.filter((c) => c.userId === u.id);
      const cert = (i: number) => {
        const c = certs[i];
        return c ? [String(c.status === 'Active'), iso(c.createdAt)] : ['false', 'N/A'];
      };
      const key = (i: number) => {
        const k = keys[i];
        if (!k) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
        return [
          String(k.status === 'Active'),
          iso(k.createdAt),
          k.lastUsed ? iso(k.lastUsed.date) : 'N/A',
          k.lastUsed?.region ?? 'N/A',
          k.lastUsed?.service ?? 'N/A',
        ];
      };
      lines.push(
        [
          u.name,
          u.arn,
          iso(u.createdAt),
          String(!!login),
          login ? 'no_information' : 'N/A',
          login ? iso(login.passwordChangedAt ?? login.createdAt) : 'N/A',
          'N/A',
          String(devices.some((d) => d.userId === u.id)),
          ...key(0),
          ...key(1),
          ...cert(0),
          ...cert(1),
        ].join(','),
      );
    }
    return lines.join('\n');
  }

  return {
    async GenerateCredentialReport(_input: unknown, ctx) {
      const have = reports.get(ctx.accountId);
      if (have && ctx.now.getTime() - have.generated.getTime() < KEEP_MS) return { State: 'COMPLETE' };
      reports.set(ctx.accountId, { generated: ctx.now, csv: await build(ctx.accountId) });
      return { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' };
    },

    async GetCredentialReport(_input: unknown, ctx) {
      const r = reports.get(ctx.accountId);
      if (!r)
        throw new AwsError(
          'ReportNotPresent',
          'Credential report not present. Generate it with GenerateCredentialReport.',
          410,
        );
      if (ctx.now.getTime() - r.generated.getTime() >= KEEP_MS) {
        throw new AwsError('ReportExpired', 'The report has expired. Reports are valid for 4 hours.', 410);
      }
      return { Content: Buffer.from(r.csv, 'utf8'), ReportFormat: 'text/csv', GeneratedTime: r.generated };
    },
  };
}
