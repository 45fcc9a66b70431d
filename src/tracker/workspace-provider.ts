/**
 * The provider the workspace source talks through, and the app's scope. `AmazonConnectApp.init(config)` returns
 * `{provider}` and works once per window (@amazon-connect/app/lib-esm/amazon-connect-app.js;
 * core/lib-esm/provider/provider-base.js initializeProvider); the provider goes explicitly to each client, so the
 * clients use this copy of @amazon-connect/core. The scope arrives with the `create` and `start` lifecycle stages:
 * `{type: 'contact', contactId}` or `{type: 'idle'}` (workspace-types/lib/app-scope.d.ts). A replay through
 * `onStart(h, {invokeIfRunning: true})` carries only the deprecated `contactScope`
 * (app/lib-esm/lifecycle/app-lifecycle-manager.js keeps no `scope`).
 */
import type { AmazonConnectApp, AmazonConnectService, AppContext } from '@amazon-connect/app';
import type { WorkspaceSourceOptions } from './workspace-options.ts';

/** The app's scope in the workspace: one contact, or none (idle). */
export type WorkspaceScope = { type: 'contact'; contactId: string } | { type: 'idle' };

/** The SDK classes the source uses (workspace-sdk.ts). */
export type Sdk = typeof import('./workspace-sdk.ts');

function toScope(context: AppContext): WorkspaceScope {
  // A replayed start stage carries only the deprecated contactScope (see the module comment), so both are read.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const scope = context.scope ?? context.contactScope;
  return scope?.type === 'contact' && typeof scope.contactId === 'string' && scope.contactId !== ''
    ? { type: 'contact', contactId: scope.contactId }
    : { type: 'idle' };
}

/** A provider the source talks through: an app's, or a third-party service's. */
export type WorkspaceProvider = AmazonConnectApp | AmazonConnectService;

/** The provider and the app's scope (a service's is idle: it sees every contact of the agent). */
export interface AppHandle {
  provider: WorkspaceProvider;
  scope: Promise<WorkspaceScope>;
}

let ownApp: AppHandle | undefined;
const givenApps = new WeakMap<WorkspaceProvider, AppHandle>();
const IDLE: WorkspaceScope = { type: 'idle' };

function isApp(provider: WorkspaceProvider): provider is AmazonConnectApp {
  return typeof (provider as Partial<AmazonConnectApp>).onStart === 'function';
}

/** The scope of a provider someone else initialised: from its start stage (replayed when it already ran). */
function scopeFromStart(provider: AmazonConnectApp): Promise<WorkspaceScope> {
  return new Promise((resolve) => {
    const handler = (event: { context: AppContext }): Promise<void> => {
      provider.offStart(handler);
      resolve(toScope(event.context));
      return Promise.resolve();
    };
    provider.onStart(handler, { invokeIfRunning: true });
  });
}

/**
 * Registers a service provider with the moment the workspace created it (its `create` stage, the only one a service
 * gets: app/lib-esm/lifecycle/service-lifecycle-manager.js): a source over it reports the workspace as connected then.
 */
export function registerService(provider: AmazonConnectService, created: Promise<void>): void {
  givenApps.set(provider, { provider, scope: created.then(() => IDLE) });
}

/**
 * What the app does when the workspace destroys it (the `destroy` stage; the workspace waits for its completion for
 * a while, about 5 s): each hook is given `DESTROY_BOUND_MS`, so the stage completes within it.
 */
const destroyHooks = new Set<() => Promise<void>>();

/** How long the app's destroy hooks together may take (ms): under the workspace's wait, with a margin. */
export const DESTROY_BOUND_MS = 4000;

/** Adds a hook to the destroy stage of the provider the source made; returns what removes it. */
export function onAppDestroy(hook: () => Promise<void>): () => void {
  destroyHooks.add(hook);
  return () => destroyHooks.delete(hook);
}

async function runDestroyHooks(): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, DESTROY_BOUND_MS)));
  const hooks = Promise.allSettled([...destroyHooks].map((hook) => hook()));
  await Promise.race([hooks, bound]);
  clearTimeout(timer);
}

/** The page's provider (given, or an app's made once per window) and the scope it will learn. */
export function appHandle(sdk: Sdk, options: WorkspaceSourceOptions): AppHandle {
  const given = options.provider;
  if (given) {
    let handle = givenApps.get(given);
    if (!handle) {
      handle = { provider: given, scope: isApp(given) ? scopeFromStart(given) : Promise.resolve(IDLE) };
      givenApps.set(given, handle);
    }
    return handle;
  }
  if (ownApp) return ownApp;
  let resolveScope!: (scope: WorkspaceScope) => void;
  const scope = new Promise<WorkspaceScope>((resolve) => (resolveScope = resolve));
  let provider: AmazonConnectApp;
  try {
    provider = sdk.AmazonConnectApp.init({
      onCreate: (event) => {
        resolveScope(toScope(event.context));
        return Promise.resolve();
      },
      onDestroy: runDestroyHooks,
      ...(options.connectionTimeout === undefined
        ? {}
        : { workspace: { connectionTimeout: options.connectionTimeout } }),
    }).provider;
  } catch {
    // The page called AmazonConnectApp.init itself without passing the provider: use the one it made.
    provider = sdk.AmazonConnectApp.default;
    void scopeFromStart(provider).then(resolveScope);
  }
  provider.onStart((event) => {
    resolveScope(toScope(event.context));
    return Promise.resolve();
  });
  ownApp = { provider, scope };
  return ownApp;
}
