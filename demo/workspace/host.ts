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
 * Contacts use the stand-in CCP's contact model (demo/ccp/scenario.ts) and are registered with the Connect API
 * stand-in, which owns their attributes: getAttributes reads them from there.
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
import type { ContactRecord } from '../connect-api/server.ts';
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
const SUBTYPES: Readonly<Record<StandInChannel, string>> = { voice: 'connect:Telephony', chat: 'connect:Chat', task: 'connect:Task' };
const API_CHANNELS: Readonly<Record<StandInChannel, ContactRecord['channel']>> = { voice: 'VOICE', chat: 'CHAT', task: 'TASK' };
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
  readonly #contacts = new Map<string, StandInContact>();
  readonly #apps = new Set<AppConnection>();
  readonly #listeners = new Set<() => void>();

  constructor(options: WorkspaceHostOptions = {}) {
    this.api = options.api?.replace(/\/+$/, '');
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? DEFAULT_ACCOUNT;
    this.instance = options.instance ?? DEFAULT_INSTANCE_ID;
    this.agent = options.agent ?? 'agent.smith';
    this.latency = options.latency ?? 0;
    this.ready = (async () => {
      const base = Date.now() - 60_000;
      for (const [index, initial] of (options.contacts ?? []).entries()) {
        const contact = this.#make(initial.channel ?? 'voice', initial.state, { startedAt: new Date(base + index * 1000), ...initial });
        contact.monitoring = initial.monitoring ?? false;
        await this.#add(contact, false);
      }
    })();
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
    return [...this.#contacts.values()].map((contact) => ({ ...contact, attributes: { ...contact.attributes } }));
  }

  /** An inbound call rings (connecting). */
  ringCall(options: ContactOptions = {}): Promise<string> {
    return this.#add(this.#make('voice', 'connecting', options));
  }

  /** A chat arrives (connecting); at most three at once. */
  startChat(options: ContactOptions = {}): Promise<string> {
    const chats = [...this.#contacts.values()].filter((c) => c.channel === 'chat').length;
    if (chats >= MAX_CHATS) return Promise.reject(new Error(`stand-in workspace: at most ${MAX_CHATS} chats at once`));
    return this.#add(this.#make('chat', 'connecting', options));
  }

  /** A transferred call rings: its initialContactId is the original contact's (a new random one by default). */
  transferIn(options: ContactOptions = {}): Promise<string> {
    return this.#add(this.#make('voice', 'connecting', { initialContactId: crypto.randomUUID(), ...options }));
  }

  /** A contact the agent only monitors appears, connected (the agent's participant is a monitoring one). */
  monitor(options: ContactOptions = {}): Promise<string> {
    const contact = this.#make('voice', 'connected', options);
    contact.monitoring = true;
    return this.#add(contact);
  }

  /** The agent accepts: connecting -> connected. */
  async accept(contactId: string): Promise<void> {
    const contact = this.#get(contactId);
    if (contact.state !== 'connecting' && contact.state !== 'incoming') throw new Error(`stand-in workspace: ${contactId} is not ringing`);
    await wait(this.latency);
    this.#setState(contact, 'connected');
  }

  /** A ringing contact is not answered: connecting -> missed. */
  async missCall(contactId: string): Promise<void> {
    const contact = this.#get(contactId);
    if (contact.state !== 'connecting' && contact.state !== 'incoming') throw new Error(`stand-in workspace: ${contactId} is not ringing`);
    this.#setState(contact, 'missed');
  }

  /** The customer hangs up or the chat ends: after-contact work starts. */
  async hangUp(contactId: string): Promise<void> {
    this.#setState(this.#get(contactId), 'ended');
  }

  /** The agent closes the contact (after-contact work done, or a missed contact dismissed): cleared. */
  async clear(contactId: string): Promise<void> {
    const contact = this.#get(contactId);
    this.#contacts.delete(contactId);
    this.#publishState(contact, 'cleared');
    this.#changed();
  }

  /** Sets attributes as a contact flow would: in the API stand-in when there is one, else on the contact. */
  async setFlowAttributes(contactId: string, attributes: Record<string, string>): Promise<void> {
    const contact = this.#get(contactId);
    Object.assign(contact.attributes, attributes);
    if (this.api) await this.#register(contact);
    this.#changed();
  }

  // ------------------------------------------------------------------------------------------ answers

  /** The agent's ARN (its user id is the last part). */
  agentArn(): string {
    return `${this.#instanceArn()}/agent/${this.agentId()}`;
  }

  /** The agent's user id. */
  agentId(): string {
    return `agent-${this.agent.replace(/[^A-Za-z0-9-]/g, '-')}`;
  }

  /** @internal Answers one request, or throws a HostError. */
  async answer(command: string, data: Record<string, unknown>, shape: AttributeShape): Promise<unknown> {
    await wait(this.latency);
    switch (command) {
      case 'agent/getARN':
        return { ARN: this.agentArn() };
      case 'agent/getName':
        return { name: this.agent.split(/[._-]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join(' ') };
      case 'agent/getRoutingProfile':
        return this.#routingProfile();
      case 'agent/getState':
        return { type: 'routable', name: 'Available' };
      case 'contact/listContacts':
        return [...this.#contacts.values()].map((c) => this.#coreData(c));
      case 'contact/listParticipants': {
        const contact = this.#find(data);
        return [
          { participantId: `${contact.contactId}-agent`, contactId: contact.contactId, type: { value: contact.monitoring ? 'monitoring' : 'agent' }, isInitial: false, isSelf: true },
          { participantId: `${contact.contactId}-customer`, contactId: contact.contactId, type: { value: 'inbound' }, isInitial: true, isSelf: false },
        ];
      }
      case 'contact/getParticipantState': {
        const participantId = String(data['participantId'] ?? '');
        const contact = [...this.#contacts.values()].find((c) => participantId.startsWith(c.contactId));
        if (!contact) throw new HostError('noResult', 'No Result Found');
        if (participantId.endsWith('-customer')) return { value: contact.state === 'ended' ? 'disconnected' : 'connected' };
        if (contact.monitoring) return { value: 'silent_monitor' };
        return { value: contact.state === 'connected' ? 'connected' : contact.state === 'ended' ? 'disconnected' : contact.state === 'missed' ? 'rejected' : 'connecting' };
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
  eventData(contact: StandInContact): Record<string, unknown> {
    return { contactId: contact.contactId, initialContactId: contact.initialContactId, type: contact.channel, subtype: SUBTYPES[contact.channel] };
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

  #coreData(contact: StandInContact): Record<string, unknown> {
    return { contactId: contact.contactId, type: contact.channel, subtype: SUBTYPES[contact.channel], initialContactId: contact.initialContactId };
  }

  /** The contact's attributes: the API stand-in's copy (which the plugin writes to) when there is one. */
  async #attributes(contact: StandInContact, filter: unknown, shape: AttributeShape): Promise<Record<string, unknown>> {
    const stored = await this.#stored(contact);
    if (stored) contact.attributes = { ...stored };
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(contact.attributes)) {
      if (Array.isArray(filter) && !filter.includes(key)) continue;
      out[key] = shape === 'string' ? value : { name: key, value };
    }
    return out;
  }

  async #stored(contact: StandInContact): Promise<Record<string, string> | undefined> {
    if (!this.api || contact.monitoring) return undefined;
    const url = `${this.api}/_standin/attributes/${encodeURIComponent(this.instance)}/${encodeURIComponent(contact.initialContactId)}`;
    try {
      const response = await fetch(url);
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return ((await response.json()) as { attributes?: Record<string, string> }).attributes ?? {};
    } catch (error) {
      console.error(`stand-in workspace: reading the attributes of ${contact.contactId} from ${url} failed:`, error);
      return undefined;
    }
  }

  #find(data: Record<string, unknown>): StandInContact {
    const contactId = data['contactId'];
    const contact = typeof contactId === 'string' ? this.#contacts.get(contactId) : undefined;
    if (!contact) throw new HostError('noResult', 'No Result Found');
    return contact;
  }

  #get(contactId: string): StandInContact {
    const contact = this.#contacts.get(contactId);
    if (!contact) throw new Error(`stand-in workspace: no contact ${contactId}`);
    return contact;
  }

  #make(channel: StandInChannel, state: StandInState, options: ContactOptions): StandInContact {
    const contactId = options.contactId ?? crypto.randomUUID();
    return {
      contactId,
      initialContactId: options.initialContactId ?? contactId,
      channel,
      state,
      monitoring: false,
      queueName: options.queueName ?? 'BasicQueue',
      attributes: { ...options.attributes },
      startedAt: options.startedAt ?? new Date(),
      registered: undefined,
    };
  }

  /** Registers the contact (the contact exists in Connect before it reaches the agent), then publishes it. */
  async #add(contact: StandInContact, publish = true): Promise<string> {
    await this.#register(contact);
    this.#contacts.set(contact.contactId, contact);
    if (publish) this.#publishState(contact, contact.state);
    this.#changed();
    return contact.contactId;
  }

  async #register(contact: StandInContact): Promise<void> {
    if (!this.api) {
      contact.registered = false;
      return;
    }
    const record: ContactRecord = {
      instanceId: this.instance,
      contactId: contact.contactId,
      initialContactId: contact.initialContactId,
      startedAt: contact.startedAt.toISOString(),
      agentId: this.agentId(),
      attributes: contact.attributes,
      channel: API_CHANNELS[contact.channel],
    };
    try {
      const response = await fetch(`${this.api}/_standin/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([record]),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${await response.text().catch(() => '')}`);
      contact.registered = true;
    } catch (error) {
      contact.registered = false;
      console.error(`stand-in workspace: registering contact ${contact.contactId} with the Connect API stand-in at ${this.api} FAILED:`, error);
    }
  }

  #setState(contact: StandInContact, state: StandInState): void {
    contact.state = state;
    this.#publishState(contact, state);
    this.#changed();
  }

  #publishState(contact: StandInContact, state: StandInState | 'cleared'): void {
    const data = this.eventData(contact);
    for (const key of STATE_TOPICS[state] ?? []) for (const app of this.#apps) app.publish(key, contact.contactId, data);
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
      appInstanceId: this.instanceId,
      instanceId: this.instanceId,
      appConfig: config,
      config,
      scope: this.scope,
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
          const same = entry.topic.namespace === message.topic.namespace && entry.topic.key === message.topic.key && entry.topic.parameter === message.topic.parameter;
          if (same) this.#subscriptions.delete(handlerId);
        }
        break;
      case 'healthCheck': {
        this.#healthChecks += 1;
        const answer: HealthCheckResponseMessage = { type: 'healthCheckResponse', time: Date.now(), counter: this.#healthChecks };
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
      if (permission && !this.#permissions.has(permission)) throw new HostError('permissionDenied', 'App does not have permission for this request');
      const result = (await this.#workspace.answer(request.command, data, this.#shape)) as object;
      response = { ...base, isError: false, data: result };
    } catch (error) {
      const { errorKey, reason } = error instanceof HostError ? error : { errorKey: 'internalError', reason: error instanceof Error ? error.message : String(error) };
      response = { ...base, isError: true, errorKey, reason, details: { command: request.command, requestData: request.data } };
    }
    this.#send(response);
  }

  #send(message: { type: string }): void {
    if (!this.#port) return;
    this.#log.push({ direction: 'down', message: message as ProtocolRecord['message'] });
    this.#port.postMessage(message);
  }
}
