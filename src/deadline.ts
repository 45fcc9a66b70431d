/**
 * Every wait ends: a promise raced with an abort signal, and the signal of a call with a time limit. A promise
 * cannot be cancelled, so one that ignores its signal (a credential provider, a token function, a sender) is left
 * behind when the signal aborts; its late result or error is ignored.
 */

/** The default time limit of one request, getting its credentials or token included (ms). */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** Settles like `promise`, or rejects with the signal's reason as soon as `signal` aborts (if it aborts first). */
export function orAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined); // left behind: its rejection is not unhandled
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => undefined);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The signal of one call: aborted by the caller's `signal`, or with a TimeoutError once `ms` have passed. */
export function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Checks a time limit given by a JavaScript caller: a finite number of milliseconds above 0. */
export function checkTimeout(owner: string, name: string, ms: unknown): void {
  if (ms !== undefined && !(typeof ms === 'number' && Number.isFinite(ms) && ms > 0))
    throw new TypeError(`${owner}: the \`${name}\` option must be a number of milliseconds above 0.`);
}
