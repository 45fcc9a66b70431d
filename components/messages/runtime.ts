/**
 * @lit/localize's runtime, configured: loaded only when a language other than English is asked for (English is the
 * source, which `msg` returns unconfigured), so an English editor never downloads it. One lazily imported module per
 * language (./locales/).
 */
import { configureLocalization, type LocaleModule } from '@lit/localize';
import { matchLocale, type Locale } from './match-locale.ts';

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
  // @lit/localize keeps one configuration per page: a page that configured it for its own elements keeps it.
  console.warn(
    `<ccp-attributes>: @lit/localize was configured by the page already; the editor stays in English (${String(error)}).`,
  );
}

/**
 * Makes the first of `tags` that is one of the editor's languages active (English when none is) once its messages
 * loaded; when they cannot load, says so on the console and rejects, after going back to the language shown (so that
 * a later request loads it again instead of reusing the failed attempt).
 */
export async function useFirstOf(tags: readonly (string | undefined)[]): Promise<void> {
  if (!runtime) return;
  let locale: Locale = 'en';
  for (const tag of tags) {
    const match = matchLocale(tag);
    if (match) {
      locale = match;
      break;
    }
  }
  const shown = runtime.getLocale();
  try {
    await runtime.setLocale(locale);
  } catch (error) {
    console.error(`<ccp-attributes>: the ${locale} texts could not load: ${String(error)}`);
    await runtime.setLocale(shown).catch(() => undefined);
    throw error;
  }
}
