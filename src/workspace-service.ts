/**
 * The plugin as an Amazon Connect agent workspace third-party service: a headless page the workspace starts when it
 * loads and keeps for the whole session (`AmazonConnectService` from `@amazon-connect/app`, lib-esm/service/). It
 * follows every contact of the agent (a service sees the idle scope), runs the tagging rules and owns the sending of
 * the agent's outbox, so contacts get their tags whether or not the agent opens an app.
 *
 * A service must never take the workspace down: an error during its initialization keeps the agent out of the
 * workspace (AWS's agent workspace developer guide, "Building third-party services"). So `onCreate` only records the
 * moment and returns at once (the guide gives it 30 s); every external call has a deadline (the outbox's request
 * deadline, the SDK's own request timeout); every problem is reported with the SDK's non-fatal `sendError`
 * (amazon-connect-service.js: a log entry), never `sendFatalError`, which closes the service. A service gets only
 * the `create` stage (lifecycle/service-lifecycle-manager.js rejects the others): there is no destroy hook, and
 * nothing waits for one: the outbox stores every write before it sends it, and the next sender finds it there.
 */
import type { AmazonConnectService } from '@amazon-connect/app';
import { createCcpAttributes, type CcpAttributesPlugin, type CcpAttributesPluginOptions } from './plugin.ts';
import { registerService } from './tracker/workspace-provider.ts';
import { WorkspaceContactSource } from './tracker/workspace-source.ts';
import { announceService } from './workspace-sending.ts';

/** The service's options: the plugin's (credentials or relay, rules, outbox), and how it connects and signs in. */
export type WorkspaceServiceOptions = Omit<CcpAttributesPluginOptions, 'tracker' | 'source'> & {
  /** The provider, when the page called `AmazonConnectService.init` itself. By default the service makes it. */
  provider?: AmazonConnectService | undefined;
  /** How long to wait for the workspace's handshake (ms), when the service makes the provider (SDK default 5000). */
  connectionTimeout?: number | undefined;
  /** Reads the attributes of the followed contacts again every so many ms (see WorkspaceSourceOptions). */
  refreshMs?: number | undefined;
  /** The agent's login name, which the SDK does not give (see WorkspaceSourceOptions). */
  username?: string | undefined;
  /**
   * Whether the agent's sign-in is there (a token for Cognito or the relay). Until it answers true, the service
   * queues its writes and sends nothing, and says so; it asks again every `signInCheckMs` and at each storage event.
   * Each answer has `signInCheckMs` to come. By default the service is signed in.
   */
  signedIn?: (() => boolean | Promise<boolean>) | undefined;
  /** How often to ask `signedIn` again (ms, default 5000). */
  signInCheckMs?: number | undefined;
  /** Told each problem, as a sentence; by default the provider's non-fatal `sendError` and the console. */
  onProblem?: ((message: string) => void) | undefined;
};

/** The running service. */
export interface WorkspaceService extends CcpAttributesPlugin {
  readonly source: WorkspaceContactSource;
  readonly provider: AmazonConnectService;
  /** False while the service waits for the agent's sign-in (see `signedIn`): writes queue, nothing is sent. */
  readonly signedIn: boolean;
}

/** The message the service gives while it waits for the agent's sign-in. */
export const WAITING_FOR_SIGN_IN =
  'ccp-attributes service: waiting for the agent to sign in; tags and saves are queued and sent once signed in.';

/** `answer` within `ms`, else false. */
async function within(answer: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([Promise.resolve().then(answer), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the service: connects to the workspace as a service, follows every contact, tags and sends. */
export async function createWorkspaceService(options: WorkspaceServiceOptions = {}): Promise<WorkspaceService> {
  const {
    provider: given,
    connectionTimeout,
    refreshMs,
    username,
    signedIn,
    signInCheckMs,
    onProblem,
    ...rest
  } = options;
  let provider: AmazonConnectService;
  if (given) {
    provider = given;
  } else {
    const sdk = await import('./tracker/workspace-sdk.ts');
    let created!: () => void;
    const create = new Promise<void>((resolve) => (created = resolve));
    provider = sdk.AmazonConnectService.init({
      // Nothing waits here: the workspace gets its answer at once (see the module comment).
      onCreate: () => {
        created();
        return Promise.resolve();
      },
      ...(connectionTimeout === undefined ? {} : { workspace: { connectionTimeout } }),
    }).provider;
    registerService(provider, create);
  }
  const report =
    onProblem ??
    ((message: string) => {
      console.error(message);
      provider.sendError(message);
    });
  const source = new WorkspaceContactSource({
    provider,
    ...(refreshMs === undefined ? {} : { refreshMs }),
    ...(username === undefined ? {} : { username }),
  });
  const plugin = await createCcpAttributes({
    ...rest,
    source,
    onTagError:
      rest.onTagError ??
      (({ error, rule, event }) =>
        report(
          `ccp-attributes service: rule "${rule.id}" on ${event.type} of contact ${event.contact.contactId}: ${
            error instanceof Error ? error.message : String(error)
          }`,
        )),
  });
  const undo: (() => void)[] = [plugin.tracker.on('error', (error) => report(error.message))];
  const { outbox } = plugin;
  let isSignedIn = true;
  if (outbox) {
    undo.push(
      outbox.on('failed', ({ entry, error }) =>
        report(`ccp-attributes service: a write to contact ${entry.contact.contactId} failed: ${error.message}`),
      ),
    );
    // Only a service that can send takes the sending from the apps of its origin.
    undo.push(announceService());
    if (signedIn)
      undo.push(waitForSignIn(outbox, signedIn, signInCheckMs ?? 5000, report, (value) => (isSignedIn = value)));
  }
  const dispose = plugin.dispose.bind(plugin);
  plugin.dispose = () => {
    for (const off of undo) off();
    dispose();
  };
  Object.defineProperty(plugin, 'signedIn', { get: () => isSignedIn, enumerable: true });
  return Object.assign(plugin as CcpAttributesPlugin & { readonly signedIn: boolean }, { source, provider });
}

/**
 * Holds the outbox's sending until `signedIn` answers true (asked at once, every `everyMs` and at each storage
 * event, each answer within `everyMs`); says once that it waits. Returns what stops asking.
 */
function waitForSignIn(
  outbox: NonNullable<CcpAttributesPlugin['outbox']>,
  signedIn: () => boolean | Promise<boolean>,
  everyMs: number,
  report: (message: string) => void,
  set: (value: boolean) => void,
): () => void {
  let stopped = false;
  let asking = false;
  let told = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ask = async (): Promise<void> => {
    if (stopped || asking) return;
    asking = true;
    const yes = await within(signedIn, everyMs);
    asking = false;
    // `stop` may have run during the wait.
    if (stopped as boolean) return;
    if (yes) {
      set(true);
      removeEventListener('storage', onStorage);
      outbox.resumeSending();
      return;
    }
    if (!told) {
      told = true;
      set(false);
      report(WAITING_FOR_SIGN_IN);
      void outbox.yieldSending();
    }
    clearTimeout(timer);
    timer = setTimeout(() => void ask(), everyMs);
  };
  const onStorage = (): void => void ask();
  addEventListener('storage', onStorage);
  void ask();
  return () => {
    stopped = true;
    clearTimeout(timer);
    removeEventListener('storage', onStorage);
  };
}
