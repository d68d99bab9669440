/** The recorder: nothing but a push on the request path; batches, flush, listeners, failures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuditLog } from '../../src/audit/recorder.ts';
import type { AuditRepository } from '../../src/audit/repository.ts';
import type { AuditRecord } from '../../src/audit/types.ts';
import type { App } from '../../src/app.ts';
import { BOB, ROOT, ctxOf } from './fixtures.ts';

function memoryRepository(fail = false): AuditRepository & { rows: AuditRecord[]; batches: number } {
  const rows: AuditRecord[] = [];
  const repo = {
    rows,
    batches: 0,
    async append(records: AuditRecord[]) {
      if (fail) throw new Error('disk full');
      repo.batches++;
      for (const r of records) {
        r.seq = rows.length + 1;
        rows.push(r);
      }
    },
    async query() {
      return { records: [...rows].reverse() };
    },
    async histogram() {
      return [];
    },
    async lastSeq() {
      return rows.length;
    },
  };
  return repo;
}

test('the recorder only queues; a flush writes the queue in one batch', async () => {
  const repo = memoryRepository();
  const log = new AuditLog(repo);
  for (let i = 0; i < 20; i++)
    log.recorder(ctxOf({ service: 'iam', operation: 'ListUsers', principal: ROOT }));
  assert.equal(repo.rows.length, 0, 'nothing written on the request path');
  await log.flush();
  assert.equal(repo.rows.length, 20);
  assert.equal(repo.batches, 1);
});

test('close writes what is queued, then records nothing more (shutdown before the store closes)', async () => {
  const repo = memoryRepository();
  const log = new AuditLog(repo);
  for (let i = 0; i < 3; i++)
    log.recorder(ctxOf({ service: 'iam', operation: 'ListUsers', principal: ROOT }));
  await log.close();
  assert.equal(repo.rows.length, 3, 'queued events are not lost at shutdown');
  log.recorder(ctxOf({ service: 'iam', operation: 'ListUsers', principal: ROOT }));
  await new Promise((r) => setTimeout(r, 120));
  await log.flush();
  assert.equal(repo.rows.length, 3, 'nothing is written once the store may be gone');
});

test('queued events are written without a reader asking', async () => {
  const repo = memoryRepository();
  const log = new AuditLog(repo);
  const seen = new Promise<readonly AuditRecord[]>((resolve) => log.subscribe(resolve));
  log.recorder(ctxOf({ service: 'iam', operation: 'CreateUser', principal: ROOT, input: { UserName: 'x' } }));
  const batch = await seen;
  assert.equal(batch[0]!.event.eventName, 'CreateUser');
  assert.equal(repo.rows.length, 1);
});

test('a failing store, a broken context or a throwing listener lose only their own events', async () => {
  const failing = new AuditLog(memoryRepository(true));
  failing.recorder(ctxOf({ service: 'iam', operation: 'ListUsers', principal: ROOT }));
  await failing.flush(); // logged, not thrown

  const repo = memoryRepository();
  const log = new AuditLog(repo);
  log.subscribe(() => {
    throw new Error('listener bug');
  });
  const broken = ctxOf({ service: 'iam', operation: 'ListUsers', principal: ROOT });
  Object.defineProperty(broken, 'facts', {
    get: () => {
      throw new Error('boom');
    },
  });
  log.recorder(broken);
  log.recorder(ctxOf({ service: 'iam', operation: 'GetUser', principal: ROOT }));
  await log.flush();
  assert.deepEqual(
    repo.rows.map((r) => r.event.eventName),
    ['GetUser'],
  );
});

test('a request that failed authentication is attributed to the key owner when the key exists', async () => {
  const repo = memoryRepository();
  const log = new AuditLog(repo);
  log.attach({
    credentials: {
      async resolve(id: string) {
        return id === BOB.accessKeyId
          ? { accessKeyId: id, secretAccessKey: 's', status: 'Active' as const, principal: BOB }
          : undefined;
      },
    },
  } as unknown as App);
  const auth = (key: string) => ({
    authorization: `AWS4-HMAC-SHA256 Credential=${key}/20260304/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
  });
  log.recorder(
    ctxOf({ service: 'iam', operation: 'ListUsers', headers: auth(BOB.accessKeyId!), status: 403 }),
  );
  log.recorder(
    ctxOf({ service: 'iam', operation: 'ListUsers', headers: auth('AKIANOBODY0000000000'), status: 403 }),
  );
  await log.flush();
  assert.equal(repo.rows[0]!.event.userIdentity.arn, BOB.arn);
  assert.equal(repo.rows[0]!.accountId, BOB.accountId);
  assert.equal(repo.rows[1]!.event.userIdentity.type, 'Unknown');
  assert.equal(repo.rows[1]!.accessKeyId, 'AKIANOBODY0000000000');
});
