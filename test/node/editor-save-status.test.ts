// Where a contact's save stands (components/internal/save-status.ts): the pure reducer the editor's controller
// dispatches to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  initialSaveState,
  isBusy,
  saveReducer,
  type SaveAction,
  type SaveState,
} from '../../components/internal/save-status.ts';
import { AttributesError } from '../../src/errors.ts';

const run = (...actions: SaveAction[]): SaveState => actions.reduce(saveReducer, initialSaveState);
const throttled = new AttributesError('throttled', 'Slow down.');
const denied = new AttributesError('auth', 'Not allowed.');

describe('saveReducer', () => {
  it('goes from saving through progress to saved, clearing the wait', () => {
    const waiting = run(
      { type: 'started' },
      { type: 'progress', progress: { state: 'waiting', error: throttled, retryAt: 1_000 } },
    );
    assert.deepEqual(waiting, { status: 'waiting', note: undefined, error: throttled, retryAt: 1_000 });
    assert.equal(isBusy(waiting.status), true);
    const sending = saveReducer(waiting, { type: 'progress', progress: { state: 'sending' } });
    assert.deepEqual(sending, { status: 'saving', note: undefined, error: undefined, retryAt: undefined });
    assert.deepEqual(saveReducer(sending, { type: 'saved' }), {
      status: 'saved',
      note: undefined,
      error: undefined,
      retryAt: undefined,
    });
  });

  it('keeps a failure (and its error) through edits; a new save clears it', () => {
    const failed = run({ type: 'started' }, { type: 'failed', error: denied });
    assert.deepEqual(saveReducer(failed, { type: 'edited' }), failed);
    assert.equal(isBusy(failed.status), false);
    assert.deepEqual(saveReducer(failed, { type: 'started' }), {
      status: 'saving',
      note: undefined,
      error: undefined,
      retryAt: undefined,
    });
  });

  it('an edit makes saved, blocked and reverted stale, but not a save in flight', () => {
    for (const state of [
      run({ type: 'saved' }),
      run({ type: 'blocked', note: { kind: 'vetoed' } }),
      run({ type: 'reverted' }),
    ]) {
      assert.deepEqual(saveReducer(state, { type: 'edited' }), { ...state, status: 'idle', note: undefined });
    }
    const queued = run({ type: 'started' }, { type: 'progress', progress: { state: 'queued' } });
    assert.equal(saveReducer(queued, { type: 'edited' }), queued);
    assert.equal(
      saveReducer(initialSaveState, { type: 'edited' }),
      initialSaveState,
      'nothing to change: the same state',
    );
  });

  it('says why a save was blocked, and that edits were reverted', () => {
    assert.deepEqual(run({ type: 'blocked', note: { kind: 'problems', count: 2 } }).note, {
      kind: 'problems',
      count: 2,
    });
    assert.deepEqual(run({ type: 'blocked', note: { kind: 'over-budget', bytesOver: 7 } }).status, 'blocked');
    assert.deepEqual(run({ type: 'started' }, { type: 'failed', error: denied }, { type: 'reverted' }), {
      status: 'idle',
      note: { kind: 'reverted' },
      error: undefined,
      retryAt: undefined,
    });
  });
});
