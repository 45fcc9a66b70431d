/**
 * Where one contact's save stands, as a pure reducer: the controller dispatches what happened (an edit, a revert,
 * a save blocked, started, progressing, failed or landed) and keeps the state per contact. No words here: the
 * state says why (`note`), and the element turns it into a sentence in the agent's language.
 */
import type { AttributesError } from '../../src/errors.ts';
import type { WriteProgress } from '../../src/writer.ts';

/** Where the current contact's save stands. */
export type SaveStatus = 'idle' | 'queued' | 'saving' | 'waiting' | 'saved' | 'failed' | 'blocked';

/** Why a save did not start, or that the edits were reverted: what the status line explains besides the status. */
export type SaveNote =
  | { readonly kind: 'reverted' }
  | { readonly kind: 'problems'; readonly count: number }
  | { readonly kind: 'over-budget'; readonly bytesOver: number }
  | { readonly kind: 'vetoed' };

export interface SaveState {
  readonly status: SaveStatus;
  /** Set while `blocked` (why), and on `idle` right after a revert. */
  readonly note: SaveNote | undefined;
  /** The error of a failed save, or the retryable error a write is waiting out. */
  readonly error: AttributesError | undefined;
  /** When the next attempt is due (ms since the epoch), while waiting. */
  readonly retryAt: number | undefined;
}

export type SaveAction =
  | { readonly type: 'edited' }
  | { readonly type: 'reverted' }
  | { readonly type: 'blocked'; readonly note: SaveNote }
  | { readonly type: 'started' }
  | { readonly type: 'progress'; readonly progress: WriteProgress }
  | { readonly type: 'failed'; readonly error: AttributesError }
  | { readonly type: 'saved' };

export const initialSaveState: SaveState = { status: 'idle', note: undefined, error: undefined, retryAt: undefined };

/** True while a write is in flight: nothing may be edited, reverted or saved again until it settles. */
export function isBusy(status: SaveStatus): boolean {
  return status === 'saving' || status === 'queued' || status === 'waiting';
}

export function saveReducer(state: SaveState, action: SaveAction): SaveState {
  switch (action.type) {
    case 'edited':
      // A new edit makes "saved", "blocked" and "reverted" stale; a save in flight or its failure still stands.
      return state.status === 'saved' || state.status === 'blocked' || state.status === 'idle'
        ? state.status === 'idle' && state.note === undefined
          ? state
          : { ...state, status: 'idle', note: undefined }
        : state;
    case 'reverted':
      return { status: 'idle', note: { kind: 'reverted' }, error: undefined, retryAt: undefined };
    case 'blocked':
      return { ...state, status: 'blocked', note: action.note };
    case 'started':
      return { status: 'saving', note: undefined, error: undefined, retryAt: undefined };
    case 'progress': {
      const { state: progress, retryAt, error } = action.progress;
      return { status: progress === 'sending' ? 'saving' : progress, note: undefined, error, retryAt };
    }
    case 'failed':
      return { status: 'failed', note: undefined, error: action.error, retryAt: undefined };
    case 'saved':
      return { status: 'saved', note: undefined, error: undefined, retryAt: undefined };
  }
}
