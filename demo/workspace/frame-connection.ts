/**
 * One frame (a third-party app or service) served by the stand-in workspace: the host's side of the Amazon Connect
 * SDK's protocol over the frame's MessagePort, shared by apps and services. Each shape was read from node_modules:
 * - handshake: the frame posts `{type: 'connect-app-host-init', sdkVersion, providerId}` to its parent with a
 *   MessagePort; everything else travels over that port (app/lib-esm/proxy/app-proxy.js initProxy,
 *   workspace-types/lib/app-host-init-message.d.ts). The host answers `acknowledge` with a connectionId, a status
 *   and the health check interval; the frame queues its messages until then (core/lib-esm/proxy/proxy.js,
 *   core/lib/messaging/messages.d.ts AcknowledgeMessage). The workspace knows the URL it loaded: a handshake from
 *   an origin it did not approve is ignored (the frame's SDK then times out).
 * - health checks: `healthCheck` answered by `healthCheckResponse {time, counter}`; intervals under 1000 ms are
 *   refused by the SDK, 0 turns them off (core/lib-esm/proxy/health-check/health-check-manager.js).
 * - requests: `{type: 'request', namespace, command, requestId, data}`, answered as frame-requests.ts says.
 * - events: `subscribe {topic: {namespace, key, parameter?}, handlerId}`, `unsubscribe {topic}`; the host sends
 *   `publish {topic, data, handlerId}` (core/lib-esm/proxy/proxy.js handlePublish); a subscription
 *   without its permission is refused (frame-requests.ts).
 * - logs: the SDK's logger sends `log {level, message, data, ...}` (core/lib-esm/logging/connect-logger.js); an
 *   app's or service's `sendError` is a log at level error (5, core/lib-esm/logging/log-level.js).
 * Lifecycle stages differ between apps and services: see app-connection.ts and service-connection.ts.
 */
import {
  LogLevel,
  type AcknowledgeMessage,
  type HealthCheckResponseMessage,
  type LogMessage,
  type PublishMessage,
  type SubscriptionTopic,
  type UpstreamMessage,
} from '@amazon-connect/core';
import type { AppScope, AppUpstreamMessage, LifecycleMessage, LifecycleStage } from '@amazon-connect/workspace-types';
import type { AttributeShape } from './catalog.ts';
import { refusal, respond, type RequestHandler } from './frame-requests.ts';
import { NAMESPACE_CONTACT } from './permissions.ts';

/** One message seen on a frame's port, for protocol checks. */
export interface ProtocolRecord {
  direction: 'up' | 'down';
  message: { type: string } & Record<string, unknown>;
}

/** A problem a frame reported: its SDK's `sendError` (a log at level error), a fatal error, a refused handshake. */
export interface FrameProblem {
  kind: 'error' | 'fatal' | 'refused-origin' | 'timeout';
  message: string;
  at: Date;
}

/** How one frame is served. */
export interface FrameOptions {
  /** The app's or service's name in the catalog. */
  name: string;
  permissions: readonly string[];
  approvedOrigins: ReadonlySet<string>;
  healthCheckInterval: number;
  attributeShape: AttributeShape;
  /** An app's scope (a service has none). */
  scope?: AppScope;
  /** Everything the lifecycle message carries but the stage (workspace-types LifecycleMessage). */
  lifecycle: Omit<LifecycleMessage, 'type' | 'stage'>;
}

function isErrorLog(message: { type: string }): message is LogMessage {
  return message.type === 'log' && (message as LogMessage).level >= LogLevel.error;
}

export abstract class FrameConnection {
  readonly iframe: HTMLIFrameElement;
  readonly name: string;
  readonly instanceId: string;
  readonly attributeShape: AttributeShape;
  readonly #answer: RequestHandler;
  readonly #options: FrameOptions;
  readonly #permissions: ReadonlySet<string>;
  readonly #log: ProtocolRecord[] = [];
  readonly #problems: FrameProblem[] = [];
  readonly #subscriptions = new Map<string, SubscriptionTopic>();
  readonly #problemListeners = new Set<(problem: FrameProblem) => void>();
  #port: MessagePort | undefined;
  #healthChecks = 0;
  #startedAt = new Date();
  readonly #onMessage = (event: MessageEvent): void => this.#onWindowMessage(event);

  constructor(iframe: HTMLIFrameElement, answer: RequestHandler, options: FrameOptions) {
    this.iframe = iframe;
    this.name = options.name;
    this.instanceId = options.lifecycle.instanceId;
    this.attributeShape = options.attributeShape;
    this.#answer = answer;
    this.#options = options;
    this.#permissions = new Set(options.permissions);
    window.addEventListener('message', this.#onMessage);
  }

  /** Every message on the port, both ways, in order. */
  protocol(): readonly ProtocolRecord[] {
    return [...this.#log];
  }

  /** The topics the frame subscribed to (refused ones excluded). */
  subscriptions(): readonly SubscriptionTopic[] {
    return [...this.#subscriptions.values()];
  }

  /** Health check responses sent so far. */
  healthChecks(): number {
    return this.#healthChecks;
  }

  /** What the frame reported as going wrong, in order. */
  problems(): readonly FrameProblem[] {
    return [...this.#problems];
  }

  /** Calls `listener` for each new problem; returns the unsubscribe function. */
  onProblem(listener: (problem: FrameProblem) => void): () => void {
    this.#problemListeners.add(listener);
    return () => this.#problemListeners.delete(listener);
  }

  /** True when the frame holds `permission`. */
  has(permission: string): boolean {
    return this.#permissions.has(permission);
  }

  /** Sends a lifecycle stage. */
  lifecycle(stage: LifecycleStage): void {
    const message: LifecycleMessage = { type: 'appLifecycle', stage, ...this.#options.lifecycle };
    this.send(message);
  }

  /** Stops serving this frame (the iframe stays). */
  detach(): void {
    window.removeEventListener('message', this.#onMessage);
    this.#port?.close();
    this.#port = undefined;
  }

  /**
   * Publishes to every matching subscription: same namespace and key, and the subscription's parameter (a contact
   * id), when it has one, equal to `parameter`; and within a contact-scoped app's scope.
   */
  publish(namespace: string, key: string, data: object, parameter?: string): void {
    for (const [handlerId, topic] of this.#subscriptions) {
      if (topic.namespace !== namespace || topic.key !== key) continue;
      if (topic.parameter !== undefined && topic.parameter !== parameter) continue;
      if (!this.#accepts(topic, parameter)) continue;
      const message: PublishMessage = { type: 'publish', topic, data, handlerId };
      this.send(message);
    }
  }

  /** @internal Sends one message down the port (dropped before the handshake, as the port does not exist yet). */
  send(message: { type: string }): void {
    if (!this.#port) return;
    this.#log.push({ direction: 'down', message });
    this.#port.postMessage(message);
  }

  /** @internal Records a problem and tells the listeners. */
  report(kind: FrameProblem['kind'], message: string): void {
    const problem: FrameProblem = { kind, message, at: new Date() };
    this.#problems.push(problem);
    for (const listener of [...this.#problemListeners]) listener(problem);
  }

  /**
   * Whether an event of `contactId` reaches a subscription: a contact-scoped app's subscriptions in the contact
   * namespace get only its own contact's events, even without a contact parameter ("the current contact that the
   * app was opened on", AWS agent workspace developer guide, "Integrate application with contact data").
   */
  #accepts(topic: SubscriptionTopic, contactId: string | undefined): boolean {
    const scope = this.#options.scope;
    if (scope?.type !== 'contact' || topic.namespace !== NAMESPACE_CONTACT || contactId === undefined) return true;
    return contactId === scope.contactId;
  }

  /** The handshake was answered: send the first stage. */
  protected abstract connected(): void;

  /** Lifecycle completions, closeApp, serviceError. */
  protected abstract lifecycleMessage(message: AppUpstreamMessage): void;

  #onWindowMessage(event: MessageEvent): void {
    if (event.source !== this.iframe.contentWindow) return;
    const data = event.data as { type?: unknown } | null;
    if (data?.type !== 'connect-app-host-init') return;
    const port = event.ports[0];
    if (!port) return;
    if (!this.#options.approvedOrigins.has(event.origin)) {
      this.report('refused-origin', `handshake from ${event.origin}, which is not an approved origin of this frame`);
      return;
    }
    // A reload: a new connection replaces the old one.
    this.#port?.close();
    this.#subscriptions.clear();
    this.#port = port;
    this.#startedAt = new Date();
    this.#log.push({ direction: 'up', message: data as ProtocolRecord['message'] });
    port.onmessage = (message: MessageEvent) => this.#onPortMessage(message.data as AppUpstreamMessage);
    const ack: AcknowledgeMessage = {
      type: 'acknowledge',
      connectionId: crypto.randomUUID(),
      status: { initialized: true, startTime: this.#startedAt },
      healthCheckInterval: this.#options.healthCheckInterval,
    };
    this.send(ack);
    this.connected();
  }

  #onPortMessage(message: AppUpstreamMessage | UpstreamMessage): void {
    this.#log.push({ direction: 'up', message: message as unknown as ProtocolRecord['message'] });
    switch (message.type) {
      case 'request':
        void respond(message, this, this.#permissions, this.#answer).then((response) => this.send(response));
        break;
      case 'subscribe': {
        const refused = refusal(message.topic, this.#permissions, this.#startedAt);
        if (refused) this.send(refused);
        else this.#subscriptions.set(message.handlerId, message.topic);
        break;
      }
      case 'unsubscribe':
        for (const [handlerId, topic] of this.#subscriptions) {
          const same =
            topic.namespace === message.topic.namespace &&
            topic.key === message.topic.key &&
            topic.parameter === message.topic.parameter;
          if (same) this.#subscriptions.delete(handlerId);
        }
        break;
      case 'healthCheck': {
        this.#healthChecks += 1;
        const answer: HealthCheckResponseMessage = {
          type: 'healthCheckResponse',
          time: Date.now(),
          counter: this.#healthChecks,
        };
        this.send(answer);
        break;
      }
      case 'log':
        if (isErrorLog(message)) this.report('error', message.message);
        break;
      case 'appLifecycleHandlerCompleted':
      case 'closeApp':
      case 'serviceError':
        this.lifecycleMessage(message);
        break;
      default:
        // metric, appPublish, child channels: kept in the protocol record only.
        break;
    }
  }
}
