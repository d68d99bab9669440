/**
 * The audit trail, one per data directory's backend. start.ts installs its recorder
 * (`installAuditRecorder(app, backend)`); CloudTrail, the console and the CLI read it through
 * `auditLogFor(backend)`. STRATUS_AUDIT=off leaves the recorder out (benchmarks).
 */
import type { App } from '../app.ts';
import type { StoreBackend } from '../store/backend.ts';
import { openAuditRepository } from './open.ts';
import { AuditLog } from './recorder.ts';

const logs = new WeakMap<StoreBackend, AuditLog>();

export function auditLogFor(backend: StoreBackend): AuditLog {
  let log = logs.get(backend);
  if (!log) {
    log = new AuditLog(openAuditRepository(backend));
    logs.set(backend, log);
  }
  return log;
}

export function installAuditRecorder(
  app: App,
  backend: StoreBackend,
  env: NodeJS.ProcessEnv = process.env,
): AuditLog {
  const log = auditLogFor(backend);
  log.attach(app);
  if (env.STRATUS_AUDIT !== 'off') app.recorders.push(log.recorder);
  return log;
}

export { AuditLog, type AuditListener } from './recorder.ts';
export type { AuditRepository } from './repository.ts';
export { InvalidCursorError } from './repository.ts';
export type * from './types.ts';
export { buildRecord, buildRecords } from './build-event.ts';
