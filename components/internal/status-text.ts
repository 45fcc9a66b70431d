/** The sentence of the editor's status line for where a save stands (save-status.ts), in the editor's language. */
import * as t from '../messages/editor.ts';
import type { SaveState } from './save-status.ts';

/** The status line's sentence, or undefined when there is nothing to say. */
export function statusText(save: SaveState): string | undefined {
  const { status, note, error, retryAt, outcome } = save;
  switch (status) {
    case 'idle':
      return note?.kind === 'reverted' ? t.revertedText() : undefined;
    case 'blocked':
      switch (note?.kind) {
        case 'problems':
          return t.problemsText(note.count);
        case 'over-budget':
          return t.overLimitText(note.bytesOver);
        case 'vetoed':
          return t.vetoedText();
        default:
          return undefined;
      }
    case 'queued':
      return t.queuedText();
    case 'saving':
      return t.savingText();
    case 'waiting':
      return t.waitingText(retryAt);
    case 'failed':
      return error ? t.notSavedText(error, outcome) : undefined;
    case 'accepted':
      return t.acceptedText();
    case 'saved':
      return t.savedText();
  }
}
