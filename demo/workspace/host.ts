/**
 * The stand-in agent workspace: the host's side of the protocol the REAL Amazon Connect SDK speaks inside a
 * third-party app's iframe, so `@amazon-connect/app` and `@amazon-connect/contact` run unchanged against it.
 * Each shape below was read from node_modules:
 * - handshake: the app posts `{type: 'connect-app-host-init', sdkVersion, providerId}` to its parent with a
 *   MessagePort; everything else travels over that port (app/lib-esm/proxy/app-proxy.js initProxy,
 *   workspace-types/lib/app-host-init-message.d.ts). The host answers `acknowledge` with a connectionId, a status
 *   and the health check interval; the app queues its messages until then (core/lib-esm/proxy/proxy.js,
 *   core/lib/messaging/messages.d.ts AcknowledgeMessage).
 * - health checks: `healthCheck` answered by `healthCheckResponse {time, counter}`; intervals under 1000 ms are
 *   refused by the app, 0 turns them off (core/lib-esm/proxy/health-check/health-check-manager.js).
 * - lifecycle: `appLifecycle` with stage create|start|stop|destroy, instanceId, config, scope
 *   (workspace-types/lib/app-message.d.ts LifecycleMessage); the app answers create and destroy with
 *   `appLifecycleHandlerCompleted` (app/lib-esm/lifecycle/lifecycle-manager.js), and start comes after create.
 * - requests: `{type: 'request', namespace, command, requestId, data}` answered by `{type: 'response', namespace,
 *   requestId, isError, data}` or `{..., isError: true, errorKey, reason, details: {command, requestData}}`
 *   (core/lib/request/request-handlers.d.ts); the clients unwrap `{ARN}`, `{name}`, `{initialContactId}`, ...
 *   (contact/lib-esm/contact-client.js, agent-client.js). Unknown commands get core's `handlerNotFound`, unknown
 *   contacts its `noResult` (core/lib/request/handler-not-found-error.d.ts, no-result-error.d.ts).
 * - events: `subscribe {topic: {namespace, key, parameter?}, handlerId}`, `unsubscribe {topic}`; the host sends
 *   `publish {topic, data, handlerId}` (core/lib-esm/proxy/proxy.js handlePublish) with the lifecycle data
 *   `{contactId, initialContactId, type, subtype}` (contact/lib/types.d.ts BaseContactLifecycleEvent).
 * - permissions: the SDK does not say how the workspace refuses; the Amazon Connect Agent Workspace developer guide
 *   ("Troubleshoot application setup") gives the texts used here: a request answers an error whose reason is
 *   "App does not have permission for this request", a subscription gets an `error` message "App attempted to
 *   subscribe to topic without permission - Topic {...}". The error keys are this stand-in's own.
 * Contacts are the stand-in CCP's contact model (demo/ccp/contacts.ts: ContactBook), registered with the Connect
 * API stand-in as they arrive, hang up and close; it owns their attributes, and getAttributes reads them from there.
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
import { agentIdOf, agentNameOf, ApiRegistration, ContactBook, type HeldContact } from '../ccp/contacts.ts';
import {
  DEFAULT_ACCOUNT,
  DEFAULT_INSTANCE_ID,
  type ContactOptions,
  type InitialContact,
  type StandInChannel,
  type StandInContact,
  type StandInState,
} from '../ccp/scenario.ts';

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

/** The stand-in workspace's configuration; every field is optional. */
export interface WorkspaceHostOptions {
  /** URL of the Connect API stand-in: contacts are registered there and their attributes read from there. */
  api?: string | undefined;
  region?: string;
  account?: string;
  instance?: string;
  /** The agent's login name. Default `agent.smith`. */
  agent?: string;
  /** Contacts present before any app starts. */
  contacts?: InitialContact[];
  /** ms before each answer (backend latency). Default 0. */
  latency?: number;
}

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

/** Channel types and subtypes (contact/lib/types.d.ts ContactChannelType). */
const SUBTYPES: Readonly<Record<StandInChannel, string>> = {
  voice: 'connect:Telephony',
  chat: 'connect:Chat',
  task: 'connect:Task',
};
const MAX_CHATS = 3;
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

/** The contact lifecycle topic each state change publishes (contact/lib-esm/topic-keys.js). */
const STATE_TOPICS: Partial<Record<StandInState | 'cleared', string[]>> = {
  incoming: ['contact/incoming'],
  connecting: ['contact/connecting'],
  connected: ['contact/connected'],
  missed: ['contact/missed'],
  ended: ['contact/acw'],
  cleared: ['contact/cleared', 'contact/destroy'],
};

class HostError extends Error {
  constructor(
    readonly errorKey: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The stand-in workspace: the agent, the contacts and the apps attached to it. */
export class StandInWorkspace {
  readonly api: string | undefined;
  readonly region: string;
  readonly account: string;
  readonly instance: string;
  readonly agent: string;
  readonly latency: number;
  /** Resolves once the contacts present at start are registered with the API stand-in. */
  readonly ready: Promise<void>;
  readonly #book: ContactBook;
  readonly #apps = new Set<AppConnection>();
  readonly #listeners = new Set<() => void>();

  constructor(options: WorkspaceHostOptions = {}) {
    this.api = options.api?.replace(/\/+$/, '');
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? DEFAULT_ACCOUNT;
    this.instance = options.instance ?? DEFAULT_INSTANCE_ID;
    this.agent = options.agent ?? 'agent.smith';
    this.latency = options.latency ?? 0;
    const registration = new ApiRegistration({
      api: this.api,
      instance: this.instance,
      agentId: this.agentId(),
      host: 'stand-in workspace',
    });
    const book = new ContactBook(registration, { maxChats: MAX_CHATS, host: 'stand-in workspace' });
    this.#book = book;
    this.ready = book.addPresent(options.contacts ?? []).then(() => this.#changed());
  }

  // ------------------------------------------------------------------------------------------ apps

  /**
   * Serves the app in `iframe`: answers its handshake (now or after any reload), then sends create (and start).
   * Call it before the iframe loads its page, or at least before the app's connection timeout.
   */
  attach(iframe: HTMLIFrameElement, options: AppOptions = {}): HostedApp {
    const app = new AppConnection(this, iframe, options);
    this.#apps.add(app);
    return app;
  }

  /** @internal */
  forget(app: AppConnection): void {
    this.#apps.delete(app);
  }

  // ------------------------------------------------------------------------------------------ scenario

  /** Calls `listener` after every change of the contacts; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The contacts now (copies). */
  contacts(): StandInContact[] {
    return this.#book.copies();
  }

  /** An inbound call rings (connecting). */
  ringCall(options: ContactOptions = {}): Promise<string> {
    return this.#add(this.#book.make('voice', 'connecting', options));
  }

  /** A chat arrives (connecting); at most three at once. */
  startChat(options: ContactOptions = {}): Promise<string> {
    return this.#add(this.#book.make('chat', 'connecting', options));
  }

  /** A transferred call rings: its initialContactId is the original contact's (a new random one by default). */
  transferIn(options: ContactOptions = {}): Promise<string> {
    return this.#add(this.#book.make('voice', 'connecting', { initialContactId: crypto.randomUUID(), ...options }));
  }

  /** A contact the agent only monitors appears, connected (the agent's participant is a monitoring one). */
  monitor(options: ContactOptions = {}): Promise<string> {
    return this.#add(this.#book.make('voice', 'connected', options, { monitoring: true, initiationMethod: 'monitor' }));
  }

  /** The agent accepts: connecting -> connected. */
  async accept(contactId: string): Promise<void> {
    const contact = this.#book.get(contactId);
    if (!ContactBook.isRinging(contact)) throw new Error(`stand-in workspace: ${contactId} is not ringing`);
    await wait(this.latency);
    this.#setState(contact, 'connected');
  }

  /** A ringing contact is not answered: connecting -> missed. */
  // eslint-disable-next-line @typescript-eslint/require-await -- async: a contact not ringing rejects, like accept()
  async missCall(contactId: string): Promise<void> {
    const contact = this.#book.get(contactId);
    if (!ContactBook.isRinging(contact)) throw new Error(`stand-in workspace: ${contactId} is not ringing`);
    this.#setState(contact, 'missed');
  }

  /** The customer hangs up or the chat ends: after-contact work starts. */
  async hangUp(contactId: string): Promise<void> {
    const contact = this.#book.get(contactId);
    this.#setState(contact, 'ended');
    await this.#book.registerDisconnect(contact);
  }

  /** The agent closes the contact (after-contact work done, or a missed contact dismissed): cleared. */
  async clear(contactId: string): Promise<void> {
    const contact = this.#book.get(contactId);
    this.#book.remove(contactId);
    this.#publishState(contact, 'cleared');
    this.#changed();
    await this.#book.registerClosed(contact);
  }

  /** Sets attributes as a contact flow would: on the contact, and in the API stand-in when it is registered there. */
  async setFlowAttributes(contactId: string, attributes: Record<string, string>): Promise<void> {
    await this.#book.setFlowAttributes(this.#book.get(contactId), attributes);
    this.#changed();
  }

  // ------------------------------------------------------------------------------------------ answers

  /** The agent's ARN (its user id is the last part). */
  agentArn(): string {
    return `${this.#instanceArn()}/agent/${this.agentId()}`;
  }

  /** The agent's user id. */
  agentId(): string {
    return agentIdOf(this.agent);
  }

  /** @internal Answers one request, or throws a HostError. */
  async answer(command: string, data: Record<string, unknown>, shape: AttributeShape): Promise<unknown> {
    await wait(this.latency);
    switch (command) {
      case 'agent/getARN':
        return { ARN: this.agentArn() };
      case 'agent/getName':
        return { name: agentNameOf(this.agent) };
      case 'agent/getRoutingProfile':
        return this.#routingProfile();
      case 'agent/getState':
        return { type: 'routable', name: 'Available' };
      case 'contact/listContacts':
        return this.#book.list().map((c) => this.#coreData(c));
      case 'contact/listParticipants': {
        const contact = this.#find(data);
        return [
          {
            participantId: `${contact.contactId}-agent`,
            contactId: contact.contactId,
            type: { value: contact.monitoring ? 'monitoring' : 'agent' },
            isInitial: false,
            isSelf: true,
          },
          {
            participantId: `${contact.contactId}-customer`,
            contactId: contact.contactId,
            type: { value: 'inbound' },
            isInitial: true,
            isSelf: false,
          },
        ];
      }
      case 'contact/getParticipantState': {
        const given = data['participantId'];
        const participantId = typeof given === 'string' ? given : '';
        const contact = this.#book.list().find((c) => participantId.startsWith(c.contactId));
        if (!contact) throw new HostError('noResult', 'No Result Found');
        if (participantId.endsWith('-customer'))
          return { value: contact.state === 'ended' ? 'disconnected' : 'connected' };
        if (contact.monitoring) return { value: 'silent_monitor' };
        return {
          value:
            contact.state === 'connected'
              ? 'connected'
              : contact.state === 'ended'
                ? 'disconnected'
                : contact.state === 'missed'
                  ? 'rejected'
                  : 'connecting',
        };
      }
      case 'contact/accept':
        await this.accept(this.#find(data).contactId);
        return {};
      case 'contact/clear':
        await this.clear(this.#find(data).contactId);
        return {};
      default:
        break;
    }
    const contact = this.#find(data);
    switch (command) {
      case 'contact/getAttributes':
        return this.#attributes(contact, data['attributes'], shape);
      case 'contact/getInitialContactId':
        return { initialContactId: contact.initialContactId };
      case 'contact/getType':
        return { type: contact.channel };
      case 'contact/getChannelType':
        return { type: contact.channel, subtype: SUBTYPES[contact.channel] };
      case 'contact/getQueue':
        return this.#queue(contact.queueName);
      case 'contact/getQueueTimestamp':
        return { queueTimestamp: contact.startedAt };
      case 'contact/getStateDuration':
        return { stateDuration: Date.now() - contact.startedAt.getTime() };
      case 'contact/getContact':
        return { ...this.#coreData(contact), queue: this.#queue(contact.queueName) };
      case 'contact/getContactRegion':
        return { region: this.region };
      case 'contact/getInstanceDetails':
        return { origin: location.origin, region: this.region };
      default:
        throw new HostError('handlerNotFound', 'No handler for command');
    }
  }

  /** @internal The lifecycle data of a contact (BaseContactLifecycleEvent). */
  eventData(contact: HeldContact): Record<string, unknown> {
    return {
      contactId: contact.contactId,
      initialContactId: contact.initialContactId,
      type: contact.channel,
      subtype: SUBTYPES[contact.channel],
    };
  }

  #instanceArn(): string {
    return `arn:aws:connect:${this.region}:${this.account}:instance/${this.instance}`;
  }

  #queue(name: string): { name: string; queueARN: string; queueId: string } {
    const queueArn = `${this.#instanceArn()}/queue/q-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    return { name, queueARN: queueArn, queueId: queueArn };
  }

  #routingProfile(): Record<string, unknown> {
    const arn = `${this.#instanceArn()}/routing-profile/rp-basic`;
    const basic = this.#queue('BasicQueue');
    return {
      name: 'Basic Routing Profile',
      routingProfileARN: arn,
      routingProfileId: arn,
      defaultOutboundQueue: basic,
      queues: [basic, this.#queue('CallbackQueue')],
      channelConcurrencyMap: { VOICE: 1, CHAT: MAX_CHATS, TASK: 10 },
    };
  }

  #coreData(contact: HeldContact): Record<string, unknown> {
    return {
      contactId: contact.contactId,
      type: contact.channel,
      subtype: SUBTYPES[contact.channel],
      initialContactId: contact.initialContactId,
    };
  }

  /** The contact's attributes: the API stand-in's copy (which the plugin writes to) when there is one. */
  async #attributes(contact: HeldContact, filter: unknown, shape: AttributeShape): Promise<Record<string, unknown>> {
    const stored = await this.#book.registration.stored(contact);
    if (stored) contact.attributes = { ...stored };
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(contact.attributes)) {
      if (Array.isArray(filter) && !filter.includes(key)) continue;
      out[key] = shape === 'string' ? value : { name: key, value };
    }
    return out;
  }

  #find(data: Record<string, unknown>): HeldContact {
    const contactId = data['contactId'];
    const contact = typeof contactId === 'string' ? this.#book.find(contactId) : undefined;
    if (!contact) throw new HostError('noResult', 'No Result Found');
    return contact;
  }

  /** Registers the contact (the contact exists in Connect before it reaches the agent), then publishes it. */
  async #add(contact: HeldContact): Promise<string> {
    await this.#book.add(contact);
    this.#publishState(contact, contact.state);
    this.#changed();
    return contact.contactId;
  }

  #setState(contact: HeldContact, state: StandInState): void {
    this.#book.setState(contact, state);
    this.#publishState(contact, state);
    this.#changed();
  }

  #publishState(contact: HeldContact, state: StandInState | 'cleared'): void {
    const data = this.eventData(contact);
    for (const key of STATE_TOPICS[state] ?? [])
      for (const app of this.#apps) app.publish(key, contact.contactId, data);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** One app's connection: the port, its subscriptions and its lifecycle. */
class AppConnection implements HostedApp {
  readonly iframe: HTMLIFrameElement;
  readonly instanceId = crypto.randomUUID();
  readonly scope: HostScope;
  readonly created: Promise<void>;
  readonly #workspace: StandInWorkspace;
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

  constructor(workspace: StandInWorkspace, iframe: HTMLIFrameElement, options: AppOptions) {
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
      const result = (await this.#workspace.answer(request.command, data, this.#shape)) as object;
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
