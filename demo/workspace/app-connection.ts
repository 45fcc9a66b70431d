/**
 * One third-party app served by the stand-in workspace: its lifecycle and its contact scope, over the protocol of
 * frame-connection.ts.
 * - lifecycle: `appLifecycle` with stage create|start|stop|destroy, instanceId, config, scope
 *   (workspace-types/lib/app-message.d.ts LifecycleMessage); the app answers create and destroy with
 *   `appLifecycleHandlerCompleted` (app/lib-esm/lifecycle/lifecycle-manager.js, app-lifecycle-manager.js); start
 *   and stop come after create, as the app is shown and hidden.
 * - destroy: the workspace sends destroy and waits "for a period of time" (about 5 s) for the app's cleanup
 *   (its onDestroy, then the completion) before it removes the frame (AWS agent workspace developer guide, "How
 *   applications are loaded in the agent workspace" and "The destroy event").
 * - scope: a contact-scoped app's subscriptions that name no contact get only its own contact's events (see
 *   FrameConnection's publish).
 * - initialization: with an initialization timeout (the registration's; none by default), an app that has not
 *   completed create by then is reported (a problem of kind timeout) and never started; a late completion is ignored.
 * - `closeApp {isFatalError, message}`: the app asks to be closed (sendCloseAppRequest, or sendFatalError with
 *   isFatalError true; app/lib-esm/amazon-connect-app.js): the workspace closes it.
 */
import type { AppScope, AppUpstreamMessage } from '@amazon-connect/workspace-types';
import { FrameConnection, type FrameOptions } from './frame-connection.ts';
import type { RequestHandler } from './frame-requests.ts';

/** How a destroy ended: the app completed it, the bound passed first, or the app had not been created. */
export type DestroyOutcome = 'completed' | 'timeout' | 'not-created';

export class AppConnection extends FrameConnection {
  readonly scope: AppScope;
  /** Resolves once the app answered `create` with appLifecycleHandlerCompleted. */
  readonly created: Promise<void>;
  #isCreated = false;
  #timedOut = false;
  #resolveCreated!: () => void;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  #resolveDestroyed: (() => void) | undefined;
  readonly #closeRequests = new Set<(fatal: boolean) => void>();

  constructor(
    scope: AppScope,
    iframe: HTMLIFrameElement,
    answer: RequestHandler,
    options: FrameOptions & { initializationTimeout?: number | undefined },
  ) {
    super(iframe, answer, { ...options, scope });
    this.scope = scope;
    this.created = new Promise<void>((resolve) => (this.#resolveCreated = resolve));
    const bound = options.initializationTimeout;
    if (bound !== undefined) {
      this.#timer = setTimeout(() => {
        this.#timedOut = true;
        this.report('timeout', `did not complete its initialization within ${bound} ms`);
      }, bound);
    }
  }

  override detach(): void {
    clearTimeout(this.#timer);
    super.detach();
  }

  /** True once `create` completed. */
  get isCreated(): boolean {
    return this.#isCreated;
  }

  /** Calls `listener` when the app asks to be closed; returns the unsubscribe function. */
  onCloseRequest(listener: (fatal: boolean) => void): () => void {
    this.#closeRequests.add(listener);
    return () => this.#closeRequests.delete(listener);
  }

  /** Sends destroy and waits for the app's completion, at most `timeoutMs`. */
  destroy(timeoutMs: number): Promise<DestroyOutcome> {
    if (!this.#isCreated) return Promise.resolve('not-created');
    return new Promise<DestroyOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.#resolveDestroyed = undefined;
        resolve('timeout');
      }, timeoutMs);
      this.#resolveDestroyed = () => {
        clearTimeout(timer);
        this.#resolveDestroyed = undefined;
        resolve('completed');
      };
      this.lifecycle('destroy');
    });
  }

  protected connected(): void {
    this.lifecycle('create');
  }

  protected lifecycleMessage(message: AppUpstreamMessage): void {
    if (message.type === 'appLifecycleHandlerCompleted') {
      if (message.stage === 'create' && !this.#isCreated && !this.#timedOut) {
        clearTimeout(this.#timer);
        this.#isCreated = true;
        this.#resolveCreated();
      } else if (message.stage === 'destroy') {
        this.#resolveDestroyed?.();
      }
    } else if (message.type === 'closeApp') {
      if (message.isFatalError) this.report('fatal', message.message ?? 'fatal error');
      for (const listener of [...this.#closeRequests]) listener(message.isFatalError);
    }
  }
}
