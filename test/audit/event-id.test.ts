import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newEventId } from '../../src/audit/event-id.ts';

test('event ids are version-7 UUIDs: unique, ordered by their millisecond', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => newEventId(1_700_000_000_000 + Math.floor(i / 10)));
  for (const id of ids)
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ids[0]!.slice(0, 13), '018bcfe5-6800');
  for (let i = 10; i < ids.length; i += 10) assert.ok(ids[i]! > ids[i - 1]!, `${ids[i]} after ${ids[i - 1]}`);
});
