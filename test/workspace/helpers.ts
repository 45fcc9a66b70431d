// Helpers for the workspace browser tests: the stand-in workspace host (demo/workspace/host.ts) in the test page,
// registered with the Connect API stand-in, opening apps from its launcher and starting services, each running the
// REAL Amazon Connect SDK in its frame (fixtures/app.html, fixtures/service.html, or the app page itself).
import type { AmazonConnectService } from '@amazon-connect/app';
import type { AppControllerClient } from '@amazon-connect/app-controller';
import type { AppScope } from '@amazon-connect/workspace-types';
import {
  StandInWorkspace,
  type AppDefinition,
  type HostedApp,
  type HostedService,
  type ServiceDefinition,
  type WorkspaceHostOptions,
} from '../../demo/workspace/host.ts';
import type { AttributesError } from '../../src/errors.ts';
import type { ContactTracker } from '../../src/tracker/tracker.ts';
import type { ContactEventType } from '../../src/tracker/types.ts';
import type { WorkspaceContactSource } from '../../src/tracker/workspace-source.ts';
import type { WorkspaceAttributesPlugin } from '../../src/workspace.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import { standInConfig } from '../helpers/stand-in.ts';
import type { FrameRecords } from './fixtures/frame-records.ts';
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

/** What the test service exposes as `window.workspaceService` (objects of the iframe's realm). */
export interface WorkspaceService extends FrameRecords {
  provider: AmazonConnectService;
  creates: unknown[];
  appController: AppControllerClient;
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

/** How a test opens the test app: its registration and the launch's scope. */
export interface TestAppOptions extends Omit<AppDefinition, 'name' | 'url'> {
  scope?: AppScope;
}

export { settle, until };

let names = 0;
/** A name no other registration of the test run has. */
export const uniqueName = (prefix: string): string => `${prefix}-${++names}`;

/** A started stand-in workspace registered with the Connect API stand-in of the test run. */
export async function workspace(options: WorkspaceHostOptions = {}): Promise<StandInWorkspace> {
  const host = new StandInWorkspace({ api: (await standInConfig()).url, ...options });
  await host.start();
  return host;
}

/**
 * Opens the test app from `host`'s launcher (registered under a new name with `options`), or loads it in a plain
 * iframe outside any workspace when `host` is undefined; with a host, waits until it follows.
 */
export async function runApp(
  host: StandInWorkspace | undefined,
  options: TestAppOptions = {},
  query = '',
): Promise<RunningApp> {
  const url = `/test/workspace/fixtures/app.html${query ? `?${query}` : ''}`;
  let iframe: HTMLIFrameElement;
  let hosted: HostedApp | undefined;
  if (host) {
    const { scope, ...definition } = options;
    const name = uniqueName('test-app');
    host.registerApp({ name, url, ...definition });
    hosted = host.launch(name, scope ? { scope } : {});
    iframe = hosted.iframe;
  } else {
    iframe = document.createElement('iframe');
    iframe.src = url;
    document.body.append(iframe);
  }
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
      // The agent closes the app (destroy, then the frame goes); outside a workspace the frame just goes.
      if (host && hosted) void host.close(hosted);
      else iframe.remove();
    },
  };
}

/** The test service's frame as the workspace runs it, and the service's own objects once it loaded. */
export interface RunningService {
  hosted: HostedService;
  service: WorkspaceService;
}

/** The test service (fixtures/service.html with `query`) as a service definition under a new name. */
export function testService(query = '', options: Omit<ServiceDefinition, 'name' | 'url'> = {}): ServiceDefinition {
  return {
    name: uniqueName('test-service'),
    url: `/test/workspace/fixtures/service.html${query ? `?${query}` : ''}`,
    ...options,
  };
}

/** The service's objects, once its page loaded. */
export async function serviceIn(hosted: HostedService): Promise<RunningService> {
  const service = await until(() => {
    const view: (Window & { workspaceService?: WorkspaceService }) | null = hosted.iframe.contentWindow;
    return view?.workspaceService;
  }, 'the service to load');
  return { hosted, service };
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
