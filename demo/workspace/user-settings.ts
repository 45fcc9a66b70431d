/**
 * The agent's settings the stand-in workspace tells its frames, in the `aws.connect.user` namespace:
 * - the language (AWS's open-source Amazon Connect SDK, package user: src/settings-client.ts, routes.ts,
 *   topic-keys.ts, types.ts): request `getLanguage` -> `{language: Locale | null}`; topic `languageChange` ->
 *   `{language, previous: {language}}`; both need User.Configuration.View (see permissions.ts);
 * - the visual mode (@amazon-connect/theme 1.0.14 lib-esm/types.d.ts VisualModeChanged, apply-connect-theme.js):
 *   topic `visualModeChange` -> `{visualMode: 'light' | 'dark' | 'auto', previous: {visualMode}}`.
 * Neither topic carries a contact, so every frame subscribed to it gets it.
 */
import { HostError, type HostRequest } from './frame-requests.ts';

/** The languages of the agent workspace (user/src/types.ts Locale). */
export const LOCALES = [
  'en_US',
  'de_DE',
  'es_ES',
  'fr_FR',
  'ja_JP',
  'it_IT',
  'ko_KR',
  'pt_BR',
  'zh_CN',
  'zh_TW',
] as const;
export type Locale = (typeof LOCALES)[number];

/** The workspace's visual modes (theme lib-esm/types.d.ts VisualMode). */
export const VISUAL_MODES = ['light', 'dark', 'auto'] as const;
export type VisualMode = (typeof VISUAL_MODES)[number];

/** Publishes one event of the user namespace to every frame. */
export type UserPublish = (key: 'languageChange' | 'visualModeChange', data: object) => void;

export class UserSettings {
  #language: Locale | null;
  #visualMode: VisualMode;
  readonly #publish: UserPublish;

  constructor(language: Locale | null, visualMode: VisualMode, publish: UserPublish) {
    this.#language = language;
    this.#visualMode = visualMode;
    this.#publish = publish;
  }

  get language(): Locale | null {
    return this.#language;
  }

  get visualMode(): VisualMode {
    return this.#visualMode;
  }

  /** The agent picks another language: `languageChange` to every subscribed frame. */
  setLanguage(language: Locale): void {
    if (!(LOCALES as readonly string[]).includes(language))
      throw new TypeError(`stand-in workspace: ${language} is not a workspace language (${LOCALES.join(', ')})`);
    if (language === this.#language) return;
    const previous = this.#language;
    this.#language = language;
    this.#publish('languageChange', { language, previous: { language: previous } });
  }

  /** The agent picks another visual mode: `visualModeChange` to every subscribed frame. */
  setVisualMode(visualMode: VisualMode): void {
    if (!(VISUAL_MODES as readonly string[]).includes(visualMode))
      throw new TypeError(`stand-in workspace: ${visualMode} is not a visual mode (light, dark, auto)`);
    if (visualMode === this.#visualMode) return;
    const previous = this.#visualMode;
    this.#visualMode = visualMode;
    this.#publish('visualModeChange', { visualMode, previous: { visualMode: previous } });
  }

  /** Answers the user namespace's requests. */
  // eslint-disable-next-line @typescript-eslint/require-await -- a request handler returns a promise
  async answer({ command }: HostRequest): Promise<unknown> {
    if (command === 'getLanguage') return { language: this.#language };
    throw new HostError('handlerNotFound', 'No handler for command');
  }
}
