/**
 * The agent's settings the workspace tells, in the `aws.connect.user` namespace, reached through the provider's
 * proxy as `@amazon-connect/theme` does (theme 1.0.14, lib-esm/apply-connect-theme.js; `@amazon-connect/user` is
 * not on the npm registry). From AWS's open-source Amazon Connect SDK, package `user` (src/routes.ts,
 * src/topic-keys.ts, src/types.ts): the request `getLanguage` answers `{language: Locale | null}` (`en_US`, `de_DE`,
 * ...), the topic `languageChange` carries `{language, previous: {language}}`; both need the
 * `User.Configuration.View` permission. The topic `visualModeChange` carries `{visualMode: 'light' | 'dark' | 'auto'}`.
 * Every one is optional: a refusal or a host that does not know them leaves the page's own settings.
 */
import type { AmazonConnectProvider } from '@amazon-connect/core';

/** The workspace's visual mode; `auto` follows the system's colour scheme. */
export type VisualMode = 'light' | 'dark' | 'auto';

const NAMESPACE = 'aws.connect.user';
const LANGUAGE_TOPIC = { namespace: NAMESPACE, key: 'languageChange' };
const VISUAL_MODE_TOPIC = { namespace: NAMESPACE, key: 'visualModeChange' };

function languageOf(data: unknown): string | undefined {
  const language = (data as { language?: unknown } | null | undefined)?.language;
  return typeof language === 'string' && language !== '' ? language : undefined;
}

function visualModeOf(data: unknown): VisualMode | undefined {
  const mode = (data as { visualMode?: unknown } | null | undefined)?.visualMode;
  return mode === 'light' || mode === 'dark' || mode === 'auto' ? mode : undefined;
}

/** What the follower reports. */
export interface UserSettingsListener {
  language(language: string): void;
  visualMode(mode: VisualMode): void;
}

/**
 * Asks the agent's language once and follows its changes and the visual mode's; returns what undoes the
 * subscriptions. Failures are silent: these settings are optional.
 */
export function followUserSettings(provider: AmazonConnectProvider, listener: UserSettingsListener): () => void {
  const proxy = provider.getProxy();
  let stopped = false;
  const onLanguage = (data: unknown): Promise<void> => {
    const language = languageOf(data);
    if (!stopped && language) listener.language(language);
    return Promise.resolve();
  };
  const onVisualMode = (data: unknown): Promise<void> => {
    const mode = visualModeOf(data);
    if (!stopped && mode) listener.visualMode(mode);
    return Promise.resolve();
  };
  proxy.subscribe(LANGUAGE_TOPIC, onLanguage);
  proxy.subscribe(VISUAL_MODE_TOPIC, onVisualMode);
  // The SDK's own client timeout ends the request (core/lib-esm/request/request-handler-factory.js).
  proxy.request(NAMESPACE, 'getLanguage').then(onLanguage, () => undefined);
  return () => {
    stopped = true;
    proxy.unsubscribe(LANGUAGE_TOPIC, onLanguage);
    proxy.unsubscribe(VISUAL_MODE_TOPIC, onVisualMode);
  };
}

/** What the workspace last told of the agent's settings, for a source to keep and hand on. */
export class UserSettings {
  #language: string | undefined;
  #visualMode: VisualMode | undefined;
  readonly #listeners = new Set<(mode: VisualMode) => void>();

  /** The agent's language, once told (`en_US`, `de_DE`, ...). */
  get language(): string | undefined {
    return this.#language;
  }

  /** The visual mode, once told. */
  get visualMode(): VisualMode | undefined {
    return this.#visualMode;
  }

  /** Calls `listener` with each visual mode told from now on; returns the unsubscribe function. */
  onVisualModeChange(listener: (mode: VisualMode) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Follows `provider`'s settings (see followUserSettings), calling `language` at each language told. */
  follow(provider: AmazonConnectProvider, language: (language: string) => void): () => void {
    return followUserSettings(provider, {
      language: (told) => {
        this.#language = told;
        language(told);
      },
      visualMode: (mode) => {
        this.#visualMode = mode;
        for (const listener of this.#listeners) listener(mode);
      },
    });
  }
}
