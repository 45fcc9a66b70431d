// What stands between a contact and a clean wrap-up (src/wrap-up/readiness.ts): derived from the stored attributes,
// the editors' unsaved edits and the outbox's status, pure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttributesError } from '../../src/errors.ts';
import { blockingItems, readinessOf, type ReadinessInput } from '../../src/wrap-up/readiness.ts';

const base: ReadinessInput = {
  contactId: 'c1',
  required: ['disposition', 'reason'],
  stored: { reason: 'billing' },
  unsaved: new Map(),
  pending: undefined,
  failed: [],
};

describe('readinessOf', () => {
  it('lists each required key without a value, in the order given, once', () => {
    const readiness = readinessOf({ ...base, required: ['disposition', 'reason', 'outcome', 'disposition'] });
    assert.deepEqual(readiness.items, [
      { kind: 'missing', key: 'disposition' },
      { kind: 'missing', key: 'outcome' },
    ]);
    assert.equal(readiness.ready, false);
  });

  it('an empty stored value is missing; a value stored is not', () => {
    assert.deepEqual(readinessOf({ ...base, stored: { disposition: '', reason: 'x' } }).items, [
      { kind: 'missing', key: 'disposition' },
    ]);
    assert.equal(readinessOf({ ...base, stored: { disposition: 'sale', reason: 'x' } }).ready, true);
  });

  it('an unsaved edit fills a missing key (and is listed as unsaved); an unsaved emptying empties it', () => {
    const filled = readinessOf({ ...base, unsaved: new Map([['disposition', 'sale']]) });
    assert.deepEqual(filled.items, [{ kind: 'unsaved', key: 'disposition' }]);
    const emptied = readinessOf({
      ...base,
      stored: { disposition: 'sale', reason: 'x' },
      unsaved: new Map([['reason', '']]),
    });
    assert.deepEqual(emptied.items, [
      { kind: 'missing', key: 'reason' },
      { kind: 'unsaved', key: 'reason' },
    ]);
    assert.deepEqual(blockingItems(emptied), [{ kind: 'missing', key: 'reason' }]);
  });

  it('lists writes queued, on the wire or waiting, and each kept failure; idle writes are not listed', () => {
    const error = new AttributesError('throttled', 'Slow down.');
    const stored = { disposition: 'sale', reason: 'x' };
    for (const state of ['queued', 'sending', 'waiting'] as const) {
      assert.deepEqual(readinessOf({ ...base, stored, pending: { state, keys: 2, error: undefined } }).items, [
        { kind: 'pending', state, keys: 2 },
      ]);
    }
    assert.deepEqual(readinessOf({ ...base, stored, pending: { state: 'waiting', keys: 1, error } }).items, [
      { kind: 'pending', state: 'waiting', keys: 1, error },
    ]);
    assert.equal(readinessOf({ ...base, stored, pending: { state: 'idle', keys: 0, error: undefined } }).ready, true);
    const refused = new AttributesError('validation', 'Bad key.');
    const failed = readinessOf({ ...base, stored, failed: [{ id: 'f1', keys: ['note'], error: refused }] });
    assert.deepEqual(failed.items, [{ kind: 'failed', id: 'f1', keys: ['note'], error: refused }]);
    assert.equal(blockingItems(failed).length, 1);
  });
});
