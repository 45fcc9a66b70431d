/**
 * The words of ccp-attributes in the agent's language: @lit/localize in runtime mode, English in the code, one
 * lazily imported module per other language (./locales/), so a page downloads only the language it shows. This
 * module loads with the element (before the editor paints): it holds the setup and the choice of language only.
 *
 * @lit/localize keeps one active language per page (and per copy of the library), so every editor of a page shows
 * the language the last one asked for. When the page configured @lit/localize itself before, the editor keeps
 * English (the page's translations do not know its messages) and says so on the console.
 */
import { configureLocalization, type LocaleModule, type StrResult } from '@lit/localize';

/** The languages the editor speaks: the Amazon Connect CCP's. English is the source. */
export const LOCALES = ['en', 'de', 'es', 'fr', 'it', 'ja', 'ko', 'pt-BR', 'zh-CN', 'zh-TW'] as const;

export type Locale = (typeof LOCALES)[number];

/** The id of every message (./frame.ts, ./editor.ts): each language module translates all of them. */
export type MessageId =
  | 'frame.title'
  | 'frame.loading'
  | 'frame.load-failed'
  | 'frame.try-again'
  | 'channel.voice'
  | 'channel.chat'
  | 'channel.task'
  | 'channel.email'
  | 'channel.callback'
  | 'channel.unknown'
  | 'state.acw'
  | 'state.incoming'
  | 'state.pending'
  | 'state.connecting'
  | 'state.connected'
  | 'state.paused'
  | 'state.missed'
  | 'state.rejected'
  | 'state.error'
  | 'state.ended'
  | 'state.unknown'
  | 'read-only.monitoring'
  | 'read-only.read-only'
  | 'read-only.no-instance'
  | 'read-only.no-writer'
  | 'notice.no-contact'
  | 'notice.schema-ignored'
  | 'notice.setup-error'
  | 'notice.required-for-acw'
  | 'list.label'
  | 'list.empty'
  | 'new.key-label'
  | 'new.value-label'
  | 'new.value-of'
  | 'new.remove'
  | 'new.remove-label'
  | 'new.add'
  | 'new.clearing-help'
  | 'new.key-exists'
  | 'new.key-repeated'
  | 'field.required'
  | 'field.read-only'
  | 'field.edited'
  | 'field.show'
  | 'field.show-label'
  | 'field.clear'
  | 'field.clear-label'
  | 'field.required-missing'
  | 'field.cleared'
  | 'field.conflict'
  | 'field.conflict-value'
  | 'field.not-listed'
  | 'field.not-number'
  | 'field.not-date'
  | 'field.not-boolean'
  | 'meter.label'
  | 'meter.text'
  | 'meter.over'
  | 'meter.warn'
  | 'footer.retry'
  | 'footer.revert'
  | 'footer.save'
  | 'footer.saving'
  | 'footer.waiting'
  | 'footer.hint'
  | 'footer.no-changes'
  | 'footer.changes-one'
  | 'footer.changes-other'
  | 'status.reverted'
  | 'status.problems-one'
  | 'status.problems-other'
  | 'status.over-budget'
  | 'status.vetoed'
  | 'status.saving'
  | 'status.queued'
  | 'status.waiting'
  | 'status.waiting-until'
  | 'status.saved'
  | 'status.failed'
  | 'problem.key-empty'
  | 'problem.key-too-long'
  | 'problem.key-charset'
  | 'problem.value-too-long'
  | 'problem.over-budget'
  | 'problem.instance'
  | 'problem.contact-id'
  | 'error.validation'
  | 'error.auth'
  | 'error.not-found'
  | 'error.throttled'
  | 'error.server'
  | 'error.network'
  | 'error.more-one'
  | 'error.more-other'
  | 'error.validation-detail';

/** A language module's messages: plain text, or a `str` template whose `${n}` stands for the n-th value of the English one. */
export type Translations = Readonly<Record<MessageId, string | StrResult>>;

const loaders: Record<Exclude<Locale, 'en'>, () => Promise<LocaleModule>> = {
  de: () => import('./locales/de.ts'),
  es: () => import('./locales/es.ts'),
  fr: () => import('./locales/fr.ts'),
  it: () => import('./locales/it.ts'),
  ja: () => import('./locales/ja.ts'),
  ko: () => import('./locales/ko.ts'),
  'pt-BR': () => import('./locales/pt-BR.ts'),
  'zh-CN': () => import('./locales/zh-CN.ts'),
  'zh-TW': () => import('./locales/zh-TW.ts'),
};

let runtime: ReturnType<typeof configureLocalization> | undefined;
try {
  runtime = configureLocalization({
    sourceLocale: 'en',
    targetLocales: Object.keys(loaders),
    loadLocale: (locale) => loaders[locale as Exclude<Locale, 'en'>](),
  });
} catch (error) {
  console.warn(`<ccp-attributes>: @lit/localize was configured by the page already; the editor stays in English (${String(error)}).`);
}

/**
 * The editor's language for a language tag: a CCP tag (`de_DE`, `zh_TW`), a BCP 47 tag (`pt-BR`, `zh-Hant`) or a bare
 * language (`fr`). Portuguese is Brazil's, Chinese is Traditional for Taiwan, Hong Kong and Macao (or `Hant`), else
 * Simplified. Undefined when the tag is not one of the editor's languages.
 */
export function matchLocale(tag: string | undefined | null): Locale | undefined {
  if (!tag) return undefined;
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(tag.trim().replace(/_/g, '-'));
  } catch {
    return undefined;
  }
  const { language, script, region } = locale;
  if (language === 'pt') return 'pt-BR';
  if (language === 'zh') {
    return script === 'Hant' || (script !== 'Hans' && (region === 'TW' || region === 'HK' || region === 'MO')) ? 'zh-TW' : 'zh-CN';
  }
  return LOCALES.find((candidate) => candidate === language);
}

/** The language shown now (English until a requested one has loaded). */
export function activeLocale(): Locale {
  return (runtime?.getLocale() as Locale | undefined) ?? 'en';
}

let requested: Locale = 'en';

/**
 * Asks for `locale`: its module loads (once) and every element listening for @lit/localize's status event renders
 * again. A module that fails to load leaves the current language and is tried again on the next request.
 */
export function requestLocale(locale: Locale): Promise<void> {
  if (!runtime || locale === requested) return Promise.resolve();
  requested = locale;
  const settled = runtime.setLocale(locale);
  return settled.catch((error: unknown) => {
    console.error(`<ccp-attributes>: the ${locale} texts could not load: ${String(error)}`);
    if (requested !== locale || !runtime) return;
    // Back to the language shown, so that @lit/localize forgets the failed request and a later one loads again.
    requested = activeLocale();
    void runtime.setLocale(requested).catch(() => undefined);
  });
}
