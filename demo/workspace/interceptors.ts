/**
 * The stand-in workspace's interceptors: apps register them, and the workspace's own actions (its Clear button) ask
 * them before acting. The wire shapes are those of the interceptor client in AWS's open-source Amazon Connect SDK
 * (github.com/amazon-connect/AmazonConnectSDK, package `@amazon-connect/ccp-ui` at commit d656c8b,
 * `ccp-ui/src/ui-extensibility/`; src/tracker/workspace-clear.ts says more, and why this namespace): requests
 * `ui-extensibility.registerInterceptor` `{interceptorKey, parameter?, options: {timeout?}}` -> `{interceptorId}`,
 * `ui-extensibility.unregisterInterceptor` `{interceptorKey, parameter?, interceptorId}`,
 * `ui-extensibility.sendInterceptorResult` `{success, continue | error, invocationId}`; the workspace publishes
 * `interceptorInvoked` (parameter: the interceptor id) with `{interceptorId, invocationId, context}`. The clear
 * interceptor's context is `{contactId}` (AWS's agent workspace guide, ContactInterceptorContext).
 *
 * What the guide does not say, and this stand-in chooses: every interceptor of the key (and of the contact, for one
 * registered with a contact id) is asked at once; the action runs only when each answered `continue: true`; an
 * interceptor that failed (`success: false`) or did not answer within its timeout (default 5 s) does not hold it.
 * `ContactClient.clear` from an app does not run them (they guard the agent's own action).
 */
import { HostError, type HostRequest, type RequestingFrame } from './frame-requests.ts';

/** The namespace interceptor requests come in on (src/tracker/workspace-clear.ts says why this one). */
export const EXTENSIBILITY_NAMESPACE = 'aws.connect.extensibility';
const DEFAULT_TIMEOUT_MS = 5000;

interface Registered {
  frame: RequestingFrame;
  interceptorKey: string;
  parameter: string | undefined;
  timeoutMs: number;
}

export class Interceptors {
  readonly #registered = new Map<string, Registered>();
  /** What each invocation waits for: the frame's answer, true when the action may go on. */
  readonly #waiting = new Map<string, (go: boolean) => void>();
  /** Every run's outcome, in order (for tests and the panel). */
  readonly log: { interceptorKey: string; contactId: string; continue: boolean }[] = [];

  /** Answers one request of the extensibility namespace, or throws a HostError. */
  answer({ command, data, from }: HostRequest): Promise<Record<string, unknown>> {
    const text = (name: string): string | undefined => {
      const value = data[name];
      return typeof value === 'string' ? value : undefined;
    };
    switch (command) {
      case 'ui-extensibility.registerInterceptor': {
        const interceptorKey = text('interceptorKey');
        if (!interceptorKey) throw new HostError('invalidRequest', 'interceptorKey is required');
        const timeout = (data['options'] as { timeout?: unknown } | undefined)?.timeout;
        const interceptorId = crypto.randomUUID();
        this.#registered.set(interceptorId, {
          frame: from,
          interceptorKey,
          parameter: text('parameter'),
          timeoutMs: typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS,
        });
        return Promise.resolve({ interceptorId });
      }
      case 'ui-extensibility.unregisterInterceptor': {
        const interceptorId = text('interceptorId');
        if (interceptorId && this.#registered.get(interceptorId)?.frame === from)
          this.#registered.delete(interceptorId);
        return Promise.resolve({});
      }
      case 'ui-extensibility.sendInterceptorResult': {
        const invocationId = text('invocationId');
        const answer = invocationId === undefined ? undefined : this.#waiting.get(invocationId);
        if (!answer) throw new HostError('noResult', 'No Result Found');
        answer(data['success'] !== true || data['continue'] === true);
        return Promise.resolve({});
      }
      default:
        throw new HostError('handlerNotFound', 'No handler for command');
    }
  }

  /** How many interceptors of `interceptorKey` are registered by the frames still open. */
  count(interceptorKey: string, open: readonly RequestingFrame[]): number {
    return [...this.#registered.values()].filter(
      (entry) => entry.interceptorKey === interceptorKey && open.includes(entry.frame),
    ).length;
  }

  /**
   * Asks every interceptor of the key (and contact) that a frame still open registered; resolves true when the
   * action may run. Interceptors of frames that are gone are forgotten.
   */
  async run(interceptorKey: string, contactId: string, open: readonly RequestingFrame[]): Promise<boolean> {
    for (const [id, entry] of this.#registered) if (!open.includes(entry.frame)) this.#registered.delete(id);
    const asked = [...this.#registered].filter(
      ([, entry]) =>
        entry.interceptorKey === interceptorKey && (entry.parameter === undefined || entry.parameter === contactId),
    );
    const answers = await Promise.all(asked.map(([id, entry]) => this.#invoke(id, entry, contactId)));
    const go = answers.every(Boolean);
    this.log.push({ interceptorKey, contactId, continue: go });
    return go;
  }

  #invoke(interceptorId: string, entry: Registered, contactId: string): Promise<boolean> {
    const invocationId = crypto.randomUUID();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(true), entry.timeoutMs);
      const done = (go: boolean): void => {
        clearTimeout(timer);
        this.#waiting.delete(invocationId);
        resolve(go);
      };
      this.#waiting.set(invocationId, done);
      const data = { interceptorId, invocationId, context: { contactId } };
      entry.frame.publish(EXTENSIBILITY_NAMESPACE, 'interceptorInvoked', data, interceptorId);
    });
  }
}
