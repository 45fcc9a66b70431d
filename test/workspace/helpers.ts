// Helpers for the workspace source's browser tests: an app iframe (fixtures/app.html, the REAL Amazon Connect SDK)
// served by the stand-in workspace host (demo/workspace/host.ts) in the test page, with the Connect API stand-in.
import {
  StandInWorkspace,
  type AppOptions,
  type HostedApp,
  type WorkspaceHostOptions,
} from '../../demo/workspace/host.ts';
import type { AttributesError } from '../../src/errors.ts';
import type { ContactTracker } from '../../src/tracker/tracker.ts';
import type { ContactEventType } from '../../src/tracker/types.ts';
import type { WorkspaceContactSource } from '../../src/tracker/workspace-source.ts';
import type { WorkspaceAttributesPlugin } from '../../src/workspace.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import { standInConfig } from '../helpers/stand-in.ts';
import { settle, until } from '../tracker/helpers.ts';

/** Every lifecycle event type, to record them all. */
export const LIFECYCLE: readonly ContactEventType[] = [
  'connecting',
  'accepted',
  'connected',
  'missed',
  'acw',
  'ended',
  'destroyed',
  'viewed',
];

/** One lifecycle event as the app recorded it. */
export interface AppRecord {
  type: ContactEventType;
  contactId: string;
  state: string;
}

/** What the test app exposes as `window.workspaceApp` (objects of the iframe's realm). */
export interface WorkspaceApp {
  tracker: ContactTracker;
  source: WorkspaceContactSource;
  events: AppRecord[];
  errors: AttributesError[];
}

/** A running app: its iframe, the host's view of it and the app's own objects. */
export interface RunningApp {
  iframe: HTMLIFrameElement;
  hosted: HostedApp;
  app: WorkspaceApp;
  /** The lifecycle events of one contact, in order. */
  of(contactId: string): ContactEventType[];
  close(): void;
}

export { settle, until };

/** A stand-in workspace registered with the Connect API stand-in of the test run. */
export async function workspace(options: WorkspaceHostOptions = {}): Promise<StandInWorkspace> {
  const host = new StandInWorkspace({ api: (await standInConfig()).url, ...options });
  await host.ready;
  return host;
}

/** Loads the test app in an iframe served by `host` (or by nobody, with `host` undefined); with a host, waits until it follows. */
export async function runApp(
  host: StandInWorkspace | undefined,
  options: AppOptions = {},
  query = '',
): Promise<RunningApp> {
  const iframe = document.createElement('iframe');
  const hosted = host?.attach(iframe, options);
  iframe.src = `/test/workspace/fixtures/app.html${query ? `?${query}` : ''}`;
  document.body.append(iframe);
  const app = await until(() => {
    // The fixture sets `workspaceApp` on its window once it loaded (fixtures/app.ts).
    const view: (Window & { workspaceApp?: WorkspaceApp }) | null = iframe.contentWindow;
    return view?.workspaceApp;
  }, 'the app to load');
  // The source reads the agent after its subscriptions went out: from then on no contact event is missed.
  if (host) await until(() => app.tracker.agent, 'the agent');
  return {
    iframe,
    hosted: hosted as HostedApp,
    app,
    of: (contactId) => app.events.filter((e) => e.contactId === contactId).map((e) => e.type),
    close: () => {
      app.tracker.dispose();
      hosted?.detach();
      iframe.remove();
    },
  };
}

/** The app page's plugin and editor (components/workspace-app.ts; objects of the iframe's realm). */
export interface AppPage {
  plugin: WorkspaceAttributesPlugin;
  tracker: ContactTracker;
  source: WorkspaceContactSource;
  editor: CcpAttributes;
}

/** Waits until the app page in `iframe` assembled its plugin (its `window.ccpAttributes.ready`). */
export async function appPageIn(iframe: HTMLIFrameElement, timeoutMs = 10_000): Promise<AppPage> {
  const api = await until(() => iframe.contentWindow?.ccpAttributes, 'the app page', timeoutMs);
  const plugin = (await api.ready) as WorkspaceAttributesPlugin;
  const editor = iframe.contentDocument?.querySelector('ccp-attributes');
  if (!editor) throw new Error('the app page has no <ccp-attributes>');
  return { plugin, tracker: plugin.tracker, source: plugin.source, editor };
}
