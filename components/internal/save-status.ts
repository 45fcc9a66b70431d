/**
 * Where one contact's save stands, as a pure reducer: the controller dispatches what happened (an edit, a revert,
 * a save blocked, started, progressing, failed, landed, or accepted by a queued relay and later settled) and keeps
 * the state per contact. No words here: the
 * state says why (`note`), and the element turns it into a sentence in the agent's language.
 */
import type { AttributesError } from '../../src/errors.ts';
import type { AcceptedWrite } from '../../src/outbox/types.ts';
import type { WriteProgress } from '../../src/writer.ts';

/** Where the current contact's save stands. */
export type SaveStatus = 'idle' | 'queued' | 'saving' | 'waiting' | 'accepted' | 'saved' | 'failed' | 'blocked';

/** What a queued relay reported for an accepted save that failed after it was accepted. */
export type AcceptedOutcome = NonNullable<AcceptedWrite['outcome']>;

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
  /** While `accepted`: the WriteId the relay reports the outcome under. */
  readonly writeId?: string | undefined;
  /** On `failed` after an accept: what the relay reported (or `unconfirmed`). */
  readonly outcome?: AcceptedOutcome | undefined;
}

export type SaveAction =
  | { readonly type: 'edited' }
  | { readonly type: 'reverted' }
  | { readonly type: 'blocked'; readonly note: SaveNote }
  | { readonly type: 'started' }
  | { readonly type: 'progress'; readonly progress: WriteProgress }
  | { readonly type: 'failed'; readonly error: AttributesError }
  | { readonly type: 'saved' }
  /** A queued relay accepted the save (202): landed or failed follows, under `writeId`. */
  | { readonly type: 'accepted'; readonly writeId: string }
  /** The accepted save `writeId` landed. */
  | { readonly type: 'confirmed'; readonly writeId: string }
  /** The accepted save `writeId` failed after it was accepted. */
  | {
      readonly type: 'refused-later';
      readonly writeId: string;
      readonly error: AttributesError;
      readonly outcome: AcceptedOutcome;
    };

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
    case 'accepted':
      return { status: 'accepted', note: undefined, error: undefined, retryAt: undefined, writeId: action.writeId };
    case 'confirmed':
      return awaiting(state, action.writeId) ? saveReducer(state, { type: 'saved' }) : state;
    case 'refused-later': {
      if (!awaiting(state, action.writeId)) return state;
      const { error, outcome } = action;
      return { status: 'failed', note: undefined, error, retryAt: undefined, outcome };
    }
  }
}

/** True while the status line says the accepted save `writeId` awaits its outcome (a newer save replaces it). */
function awaiting(state: SaveState, writeId: string): boolean {
  return state.status === 'accepted' && state.writeId === writeId;
}
