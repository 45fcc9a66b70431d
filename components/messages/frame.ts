/**
 * The words of the element's frame, which paints before the editor loads: the heading, the loading line and the
 * load failure. Kept apart from ./editor.ts so that only these load before the editor paints.
 */
import { msg, str } from '@lit/localize';

export const titleText = (): string => msg('Contact attributes', { id: 'frame.title' });
export const loadingText = (): string => msg('Loading attributes…', { id: 'frame.loading' });
export const loadFailedText = (detail: string): string =>
  msg(str`The attributes editor could not load: ${detail}`, { id: 'frame.load-failed' });
export const tryAgainText = (): string => msg('Try again', { id: 'frame.try-again' });
