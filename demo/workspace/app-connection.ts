/**
 * One third-party app served by the stand-in workspace: the host's side of the Amazon Connect SDK's protocol over its
 * MessagePort (the handshake, health checks, lifecycle stages, requests with their permissions, subscriptions).
 */
import type {
  AcknowledgeMessage,
  ErrorMessage,
  HealthCheckResponseMessage,
  PublishMessage,
  RequestMessage,
  ResponseMessage,
  SubscriptionTopic,
  UpstreamMessage,
} from '@amazon-connect/core';
import type { AppUpstreamMessage, LifecycleMessage, LifecycleStage } from '@amazon-connect/workspace-types';

/** The app's scope (workspace-types/lib/app-scope.d.ts). */
export type HostScope = { type: 'contact'; contactId: string } | { type: 'idle' };

/** Every permission the stand-in knows (Amazon Connect admin guide, "Events and requests"). */
export const ALL_PERMISSIONS = [
  'User.Details.View',
  'User.Configuration.View',
  'User.Status.View',
  'Contact.Details.View',
  'Contact.CustomerDetails.View',
  'Contact.Attributes.View',
  'User.Status.Edit',
  'Contact.Details.Edit',
] as const;

/** How the workspace shapes getAttributes values: the SDK's types say strings, the public docs show `{name, value}`. */
export type AttributeShape = 'string' | 'name-value';

/** How one app is run. */
export interface AppOptions {
  /** Default idle. */
  scope?: HostScope;
  /** Default ALL_PERMISSIONS. */
  permissions?: readonly string[];
  /** ms between the app's health checks; 0 turns them off. Default 1000. */
  healthCheckInterval?: number;
  /** Default 'name-value'. */
  attributeShape?: AttributeShape;
  /** Send start right after create completes. Default true. */
  autoStart?: boolean;
}

/** One message seen on an app's port, for protocol checks. */
export interface ProtocolRecord {
  direction: 'up' | 'down';
  message: { type: string } & Record<string, unknown>;
}

/** The app side as the host sees it. */
export interface HostedApp {
  readonly iframe: HTMLIFrameElement;
  readonly instanceId: string;
  readonly scope: HostScope;
  /** Resolves once the app answered `create` with appLifecycleHandlerCompleted. */
  readonly created: Promise<void>;
  /** Every message on the port, both ways, in order. */
  protocol(): readonly ProtocolRecord[];
  /** The topics the app subscribed to (refused ones excluded). */
  subscriptions(): readonly SubscriptionTopic[];
  /** Health check responses sent so far. */
  healthChecks(): number;
  /** Sends a lifecycle stage. */
  lifecycle(stage: LifecycleStage): void;
  /** Stops serving this app (the iframe stays). */
  detach(): void;
}

/** What an app needs of the workspace serving it. */
export interface AppHost {
  readonly region: string;
  readonly account: string;
  /** Answers one request, or throws a HostError; `from` says which app asked, on which namespace. */
  answer(
    command: string,
    data: Record<string, unknown>,
    shape: AttributeShape,
    from?: { namespace: string; app: AppConnection },
  ): Promise<unknown>;
  /** Stops tracking a detached app. */
  forget(app: AppConnection): void;
}

const NAMESPACE_CONTACT = 'aws.connect.contact';

/** The permission each route needs; routes not listed need none. */
const ROUTE_PERMISSIONS: Readonly<Record<string, string>> = {
  'contact/getAttributes': 'Contact.Attributes.View',
  'contact/getInitialContactId': 'Contact.Details.View',
  'contact/getType': 'Contact.Details.View',
  'contact/getChannelType': 'Contact.Details.View',
  'contact/getStateDuration': 'Contact.Details.View',
  'contact/getQueue': 'Contact.Details.View',
  'contact/getQueueTimestamp': 'Contact.Details.View',
  'contact/getContact': 'Contact.Details.View',
  'contact/listContacts': 'Contact.Details.View',
  'contact/listParticipants': 'Contact.Details.View',
  'contact/getParticipantState': 'Contact.Details.View',
  'contact/accept': 'Contact.Details.Edit',
  'contact/clear': 'Contact.Details.Edit',
  'agent/getARN': 'User.Details.View',
  'agent/getName': 'User.Details.View',
  'agent/getRoutingProfile': 'User.Configuration.View',
  'agent/getState': 'User.Status.View',
};

export class HostError extends Error {
  constructor(
    readonly errorKey: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export class AppConnection implements HostedApp {
  readonly iframe: HTMLIFrameElement;
  readonly instanceId = crypto.randomUUID();
  readonly scope: HostScope;
  readonly created: Promise<void>;
  readonly #workspace: AppHost;
  readonly #permissions: ReadonlySet<string>;
  readonly #healthCheckInterval: number;
  readonly #shape: AttributeShape;
  readonly #autoStart: boolean;
  readonly #log: ProtocolRecord[] = [];
  readonly #subscriptions = new Map<string, { topic: SubscriptionTopic; handlerId: string }>();
  #port: MessagePort | undefined;
  #healthChecks = 0;
  #startedAt = new Date();
  #resolveCreated!: () => void;
  readonly #onMessage = (event: MessageEvent): void => this.#onWindowMessage(event);

  constructor(workspace: AppHost, iframe: HTMLIFrameElement, options: AppOptions) {
    this.#workspace = workspace;
    this.iframe = iframe;
    this.scope = options.scope ?? { type: 'idle' };
    this.#permissions = new Set(options.permissions ?? ALL_PERMISSIONS);
    this.#healthCheckInterval = options.healthCheckInterval ?? 1000;
    this.#shape = options.attributeShape ?? 'name-value';
    this.#autoStart = options.autoStart ?? true;
    this.created = new Promise<void>((resolve) => (this.#resolveCreated = resolve));
    window.addEventListener('message', this.#onMessage);
  }

  protocol(): readonly ProtocolRecord[] {
    return [...this.#log];
  }

  subscriptions(): readonly SubscriptionTopic[] {
    return [...this.#subscriptions.values()].map((entry) => entry.topic);
  }

  healthChecks(): number {
    return this.#healthChecks;
  }

  lifecycle(stage: LifecycleStage): void {
    const config = {
      arn: `arn:aws:app-integrations:${this.#workspace.region}:${this.#workspace.account}:application/ccp-attributes`,
      namespace: 'ccp-attributes',
      id: 'ccp-attributes',
      name: 'ccp-attributes',
      description: 'Contact attributes editor',
      accessUrl: this.iframe.src,
      _type: 'iframe' as const,
      permissions: [...this.#permissions],
    };
    const message: LifecycleMessage = {
      type: 'appLifecycle',
      stage,
      // The deprecated fields are sent because the real host sends them, and @amazon-connect/app still reads them
      // (appInstanceId and appConfig in lib-esm/lifecycle/service-lifecycle-manager.js, contactScope in
      // lib-esm/lifecycle/app-lifecycle-manager.js).
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the real host sends it; the stand-in does too
      appInstanceId: this.instanceId,
      instanceId: this.instanceId,
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the real host sends it; the stand-in does too
      appConfig: config,
      config,
      scope: this.scope,
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the real host sends it; the stand-in does too
      ...(this.scope.type === 'contact' ? { contactScope: this.scope } : {}),
      parameters: {},
      launchedBy: { type: 'internal', name: 'stand-in workspace' },
      region: this.#workspace.region,
    };
    this.#send(message);
  }

  detach(): void {
    window.removeEventListener('message', this.#onMessage);
    this.#port?.close();
    this.#port = undefined;
    this.#workspace.forget(this);
  }

  /** Publishes a lifecycle event to every matching subscription. */
  publish(key: string, contactId: string, data: Record<string, unknown>): void {
    for (const { topic, handlerId } of this.#subscriptions.values()) {
      if (topic.namespace !== NAMESPACE_CONTACT || topic.key !== key) continue;
      if (topic.parameter && topic.parameter !== contactId) continue;
      const message: PublishMessage = { type: 'publish', topic, data, handlerId };
      this.#send(message);
    }
  }

  /** Publishes `data` to the app's subscriptions of one topic of any namespace (an interceptor's invocations). */
  publishTopic(namespace: string, key: string, parameter: string, data: Record<string, unknown>): void {
    for (const { topic, handlerId } of this.#subscriptions.values()) {
      if (topic.namespace !== namespace || topic.key !== key || topic.parameter !== parameter) continue;
      const message: PublishMessage = { type: 'publish', topic, data, handlerId };
      this.#send(message);
    }
  }

  #onWindowMessage(event: MessageEvent): void {
    if (event.source !== this.iframe.contentWindow) return;
    const data = event.data as { type?: unknown } | null;
    if (data?.type !== 'connect-app-host-init') return;
    const port = event.ports[0];
    if (!port) return;
    // A reload of the app: a new connection replaces the old one.
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
      healthCheckInterval: this.#healthCheckInterval,
    };
    this.#send(ack);
    this.lifecycle('create');
  }

  #onPortMessage(message: AppUpstreamMessage | UpstreamMessage): void {
    this.#log.push({ direction: 'up', message: message as unknown as ProtocolRecord['message'] });
    switch (message.type) {
      case 'request':
        void this.#answer(message);
        break;
      case 'subscribe': {
        const permission = message.topic.namespace === NAMESPACE_CONTACT ? 'Contact.Details.View' : undefined;
        if (permission && !this.#permissions.has(permission)) {
          const refusal: ErrorMessage = {
            type: 'error',
            message: `App attempted to subscribe to topic without permission - Topic ${JSON.stringify({ key: message.topic.key, namespace: message.topic.namespace })}`,
            key: 'subscriptionPermissionDenied',
            isFatal: false,
            status: { initialized: true, startTime: this.#startedAt },
            details: { topic: message.topic },
          };
          this.#send(refusal);
          break;
        }
        this.#subscriptions.set(message.handlerId, { topic: message.topic, handlerId: message.handlerId });
        break;
      }
      case 'unsubscribe':
        for (const [handlerId, entry] of this.#subscriptions) {
          const same =
            entry.topic.namespace === message.topic.namespace &&
            entry.topic.key === message.topic.key &&
            entry.topic.parameter === message.topic.parameter;
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
        this.#send(answer);
        break;
      }
      case 'appLifecycleHandlerCompleted':
        if (message.stage === 'create') {
          this.#resolveCreated();
          if (this.#autoStart) this.lifecycle('start');
        }
        break;
      default:
        // log, metric, closeApp, serviceError, appPublish: kept in the protocol record only.
        break;
    }
  }

  async #answer(request: RequestMessage): Promise<void> {
    const data = (request.data ?? {}) as Record<string, unknown>;
    const base = { type: 'response' as const, namespace: request.namespace, requestId: request.requestId };
    let response: ResponseMessage;
    try {
      const permission = ROUTE_PERMISSIONS[request.command];
      if (permission && !this.#permissions.has(permission))
        throw new HostError('permissionDenied', 'App does not have permission for this request');
      const from = { namespace: request.namespace, app: this };
      const result = (await this.#workspace.answer(request.command, data, this.#shape, from)) as object;
      response = { ...base, isError: false, data: result };
    } catch (error) {
      const { errorKey, reason } =
        error instanceof HostError
          ? error
          : { errorKey: 'internalError', reason: error instanceof Error ? error.message : String(error) };
      response = {
        ...base,
        isError: true,
        errorKey,
        reason,
        details: { command: request.command, requestData: request.data },
      };
    }
    this.#send(response);
  }

  #send(message: { type: string }): void {
    if (!this.#port) return;
    this.#log.push({ direction: 'down', message });
    this.#port.postMessage(message);
  }
}
