import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeHandlers } from '../../src/services/handler.ts';

test('mergeHandlers joins groups and refuses an operation in two of them', () => {
  const a = async () => 'a';
  const b = async () => 'b';
  assert.deepEqual(Object.keys(mergeHandlers({ A: a }, { B: b })), ['A', 'B']);
  assert.throws(() => mergeHandlers({ A: a }, { A: b }), /Operation A has two handlers/);
});
