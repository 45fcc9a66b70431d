/**
 * One third-party service served by the stand-in workspace: a headless page the workspace starts in a hidden frame
 * when it loads and keeps for the whole session (AWS agent workspace developer guide, "Building third-party
 * services"). Its lifecycle is the one @amazon-connect/app's AmazonConnectService reads
 * (app/lib-esm/lifecycle/service-lifecycle-manager.js): only `create` (with instanceId, config and region; the
 * deprecated appInstanceId and appConfig too), answered by `appLifecycleHandlerCompleted`; any other stage is
 * rejected by the SDK, so the workspace never sends one, and a service has no destroy to wait for.
 * - initialization: the service must complete `create` within its initialization timeout (30 s by default, the
 *   guide's figure); an uncaught error in its initialization is a service failure that keeps the agent out of the
 *   workspace. The SDK turns an error thrown by onCreate, or a missing onCreate, into `sendFatalError`
 *   (app/lib-esm/lifecycle/lifecycle-manager.js), which a service sends as `serviceError {message, data}`
 *   (app/lib-esm/service/amazon-connect-service.js, proxy/app-proxy.js sendServiceError).
 * - `sendError` is only a log at level error: the workspace shows it and the service keeps running.
 */
import type { AppUpstreamMessage } from '@amazon-connect/workspace-types';
import { FrameConnection, type FrameOptions } from './frame-connection.ts';
import type { RequestHandler } from './frame-requests.ts';

/** Where a service is in its life. */
export type ServiceState = 'starting' | 'running' | 'failed';

/** How a service's start ended. */
export interface ServiceOutcome {
  state: 'running' | 'failed';
  /** Why it failed: the timeout, or the message of its fatal error. */
  reason?: string;
}

export class ServiceConnection extends FrameConnection {
  /** Resolves once the service is running or has failed (never rejects). */
  readonly started: Promise<ServiceOutcome>;
  #state: ServiceState = 'starting';
  #reason: string | undefined;
  #settle!: (outcome: ServiceOutcome) => void;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #listeners = new Set<() => void>();

  constructor(
    iframe: HTMLIFrameElement,
    answer: RequestHandler,
    options: FrameOptions & { initializationTimeout: number },
  ) {
    super(iframe, answer, options);
    this.started = new Promise<ServiceOutcome>((resolve) => (this.#settle = resolve));
    this.#timer = setTimeout(
      () => this.#fail('timeout', `did not complete its initialization within ${options.initializationTimeout} ms`),
      options.initializationTimeout,
    );
  }

  get state(): ServiceState {
    return this.#state;
  }

  /** Why the service failed, if it did. */
  get reason(): string | undefined {
    return this.#reason;
  }

  /** Calls `listener` when the state changes; returns the unsubscribe function. */
  onStateChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  override detach(): void {
    clearTimeout(this.#timer);
    super.detach();
  }

  protected connected(): void {
    this.lifecycle('create');
  }

  protected lifecycleMessage(message: AppUpstreamMessage): void {
    if (message.type === 'appLifecycleHandlerCompleted' && message.stage === 'create') {
      if (this.#state !== 'starting') return;
      clearTimeout(this.#timer);
      this.#state = 'running';
      this.#settle({ state: 'running' });
      this.#changed();
    } else if (message.type === 'serviceError') {
      this.#fail('fatal', message.message ?? 'fatal error');
    }
  }

  #fail(kind: 'timeout' | 'fatal', reason: string): void {
    this.report(kind, reason);
    if (this.#state === 'failed') return;
    clearTimeout(this.#timer);
    this.#state = 'failed';
    this.#reason = reason;
    this.#settle({ state: 'failed', reason });
    this.#changed();
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
