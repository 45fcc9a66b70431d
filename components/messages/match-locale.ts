/** Which of the editor's languages a language tag asks for. */

/** The languages the editor speaks: the Amazon Connect CCP's. English is the source. */
export const LOCALES = ['en', 'de', 'es', 'fr', 'it', 'ja', 'ko', 'pt-BR', 'zh-CN', 'zh-TW'] as const;

export type Locale = (typeof LOCALES)[number];

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
    return script === 'Hant' || (script !== 'Hans' && (region === 'TW' || region === 'HK' || region === 'MO'))
      ? 'zh-TW'
      : 'zh-CN';
  }
  return LOCALES.find((candidate) => candidate === language);
}
