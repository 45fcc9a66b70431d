/**
 * The words of ccp-attributes in the agent's language: @lit/localize in runtime mode, English in the code (which
 * `msg` returns as long as nothing else is configured), one lazily imported module per other language (./locales/).
 * This module loads with the element, before the editor paints, and holds only what must: the language shown and
 * the request for another. Choosing among the editor's languages and @lit/localize's runtime (./runtime.ts) are
 * imported when a tag that is not English is given, so an English editor never downloads them.
 *
 * @lit/localize keeps one active language per page (and per copy of the library), so every editor of a page shows
 * the language the last one asked for.
 */
import { LOCALE_STATUS_EVENT, type LocaleStatusEventDetail } from '@lit/localize';
import type { Locale } from './match-locale.ts';

let active: Locale = 'en';
/** The tags of the latest request, joined: a request for the same tags again does nothing. */
let requested = '';
let runtime: Promise<typeof import('./runtime.ts')> | undefined;

// Registered before any element listens: the language is known when they render again on the same event. (No
// window in Node, where the draft model and the checks that word their problems run in tests.)
// eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the DOM types say it always exists; Node has none
globalThis.addEventListener?.(LOCALE_STATUS_EVENT, (event) => {
  const detail: LocaleStatusEventDetail = event.detail;
  if (detail.status === 'ready') active = detail.readyLocale as Locale;
});

/** The language shown now (English until a requested one has loaded). */
export function activeLocale(): Locale {
  return active;
}

/**
 * Asks for the first of `tags` that is one of the editor's languages (English when none is): a CCP tag (`de_DE`),
 * a BCP 47 tag (`pt-BR`) or a language (`fr`). The language's module loads (once), then every element listening for
 * @lit/localize's status event renders again. When it cannot load, the language shown stays (./runtime.ts says why
 * on the console) and the next request tries again.
 */
export function requestLocale(...tags: (string | undefined)[]): void {
  const key = tags.join(' ');
  if (key === requested) return;
  requested = key;
  // English, or nothing: nothing to load while English is shown.
  if (!runtime && tags.every((tag) => !tag || /^en(?:[-_]|$)/i.test(tag))) return;
  (runtime ??= import('./runtime.ts')).then(
    (loaded) => loaded.useFirstOf(tags).catch(() => (requested = '')),
    () => {
      runtime = undefined;
      requested = '';
    },
  );
}
