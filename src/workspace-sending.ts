/**
 * One sender per origin in the agent workspace: the third-party service when it runs, else the apps (which elect
 * one among them through the outbox's flusher lock, as tabs do). Service and apps of one origin share the outbox's
 * IndexedDB store, Web Locks and BroadcastChannels; on different origins they share nothing, and each sends its own.
 *
 * The service holds the Web Lock `SERVICE_NAME` for its whole life (the browser releases it when the service's frame
 * goes, whatever ends it) and says `running` on the BroadcastChannel of the same name, at start and to every app
 * that asks. An app that hears it (or finds the lock held when it starts) defers: it stops running rules and yields
 * the outbox's sending (Outbox.yieldSending); then it waits for the lock, which the browser grants it only once the
 * service is gone, and takes its part again (the lock is given back at once, for a service that starts again).
 */
/** The name of the service's lock and of the channel it speaks on. */
export const SERVICE_NAME = 'ccp-attributes-workspace-service';

type ServiceMessage = { type: 'running' } | { type: 'ask' };

function lockManager(): LockManager | undefined {
  // Web Locks exist in secure contexts only (HTTPS, localhost): elsewhere the channel alone tells.
  return typeof navigator === 'object' ? navigator.locks : undefined;
}

function channel(): BroadcastChannel | undefined {
  return typeof BroadcastChannel === 'function' ? new BroadcastChannel(SERVICE_NAME) : undefined;
}

/**
 * Announces that the service runs, for as long as this page lives or until the returned function is called. Another
 * service of the origin (in another workspace tab) may hold the lock first: then this one waits, and says `running`
 * when its turn comes.
 */
export function announceService(): () => void {
  const abort = new AbortController();
  const speaker = channel();
  let running = false;
  if (speaker) {
    speaker.onmessage = (event: MessageEvent<ServiceMessage | null>) => {
      if (running && event.data?.type === 'ask') speaker.postMessage({ type: 'running' } satisfies ServiceMessage);
    };
  }
  const stop = (): void => {
    abort.abort();
    speaker?.close();
  };
  const locks = lockManager();
  const say = (): void => {
    running = true;
    speaker?.postMessage({ type: 'running' } satisfies ServiceMessage);
  };
  if (!locks) {
    say();
  } else {
    locks
      .request(SERVICE_NAME, { signal: abort.signal }, () => {
        say();
        return new Promise<void>((release) => abort.signal.addEventListener('abort', () => release()));
      })
      .catch(() => undefined); // aborted by stop()
  }
  return stop;
}

/**
 * Follows whether a service of this origin runs: calls `change(true)` when one is found or starts, `change(false)`
 * when it is gone. Returns what stops following.
 */
export function followService(change: (runs: boolean) => void): () => void {
  const abort = new AbortController();
  const listener = channel();
  const locks = lockManager();
  let runs = false;
  let watching = false;
  const set = (value: boolean): void => {
    if (abort.signal.aborted || value === runs) return;
    runs = value;
    change(value);
  };
  // Granted only when no service holds the lock: the service is gone (or its page ended before saying more).
  const watch = (): void => {
    if (!locks || watching) return;
    watching = true;
    locks
      .request(SERVICE_NAME, { signal: abort.signal }, () => {
        watching = false;
        set(false);
        return Promise.resolve();
      })
      .catch(() => undefined); // aborted by the returned function
  };
  if (listener) {
    listener.onmessage = (event: MessageEvent<ServiceMessage | null>) => {
      if (event.data?.type !== 'running') return;
      set(true);
      watch();
    };
    listener.postMessage({ type: 'ask' } satisfies ServiceMessage);
  }
  // A service that said `running` before this page listened: its lock is held.
  void locks?.query().then(
    (state) => {
      if (state.held?.some((lock) => lock.name === SERVICE_NAME)) {
        set(true);
        watch();
      }
    },
    () => undefined,
  );
  return () => {
    abort.abort();
    listener?.close();
  };
}
