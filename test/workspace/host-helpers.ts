// Helpers for the stand-in workspace host's own browser tests: a bare app (fixtures/plain-app.html, the REAL
// AmazonConnectApp and ContactClient) opened from the host's launcher.
import type { AmazonConnectApp } from '@amazon-connect/app';
import type { AppScope } from '@amazon-connect/workspace-types';
import type { AppDefinition, HostedApp, StandInWorkspace } from '../../demo/workspace/host.ts';
import type { FrameRecords } from './fixtures/frame-records.ts';
import { uniqueName, until } from './helpers.ts';

/** What the bare app exposes as `window.plainApp` (objects of the iframe's realm). */
export interface PlainApp extends FrameRecords {
  provider: AmazonConnectApp;
  /** `create <scope>`, start, stop, destroy, destroy done: in the order the SDK ran them. */
  stages: string[];
}

/** An opened bare app: the host's view of it and the app's own objects. */
export interface OpenedApp {
  hosted: HostedApp;
  app: PlainApp;
}

/** The bare app's page with `query`. */
export const plainAppUrl = (query = ''): string => `/test/workspace/fixtures/plain-app.html${query ? `?${query}` : ''}`;

/** The app as the frame's window has it, once its page loaded (undefined before). */
export function plainAppIn(iframe: HTMLIFrameElement): PlainApp | undefined {
  const view: (Window & { plainApp?: PlainApp }) | null = iframe.contentWindow;
  return view?.plainApp;
}

/**
 * Registers the bare app under a new name (with `definition`) and opens it from the launcher (in `scope`, else
 * for the active contact); waits until its page loaded and, unless `created` is false, until it completed create.
 */
export async function openPlainApp(
  host: StandInWorkspace,
  options: { query?: string; scope?: AppScope; definition?: Partial<AppDefinition>; created?: boolean } = {},
): Promise<OpenedApp> {
  const name = uniqueName('plain-app');
  host.registerApp({ name, url: plainAppUrl(options.query), ...options.definition });
  const hosted = host.launch(name, options.scope ? { scope: options.scope } : {});
  const app = await until(() => plainAppIn(hosted.iframe), 'the app page');
  if (options.created !== false) await until(() => hosted.isCreated, 'the app to complete create');
  return { hosted, app };
}
