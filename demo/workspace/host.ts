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
import {
  ALL_PERMISSIONS,
  AppConnection,
  HostError,
  type AppOptions,
  type AttributeShape,
  type HostedApp,
} from './app-connection.ts';
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
import { EXTENSIBILITY_NAMESPACE, Interceptors } from './interceptors.ts';

export { ALL_PERMISSIONS };
export type { AppOptions, AttributeShape, HostedApp, HostScope, ProtocolRecord } from './app-connection.ts';

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

/** Channel types and subtypes (contact/lib/types.d.ts ContactChannelType). */
const SUBTYPES: Readonly<Record<StandInChannel, string>> = {
  voice: 'connect:Telephony',
  chat: 'connect:Chat',
  task: 'connect:Task',
};
const MAX_CHATS = 3;
/** The contact lifecycle topic each state change publishes (contact/lib-esm/topic-keys.js). */
const STATE_TOPICS: Partial<Record<StandInState | 'cleared', string[]>> = {
  incoming: ['contact/incoming'],
  connecting: ['contact/connecting'],
  connected: ['contact/connected'],
  missed: ['contact/missed'],
  ended: ['contact/acw'],
  cleared: ['contact/cleared', 'contact/destroy'],
};

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
  /** Interceptors the apps registered; the workspace's own Clear asks them (clearFromWorkspace). */
  readonly interceptors = new Interceptors();
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
    this.interceptors.forget(app);
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

  /**
   * The agent presses the workspace's own Clear: the clear-contact interceptors are asked first (interceptors.ts),
   * and the contact is cleared only when none holds it. Resolves whether it was cleared.
   */
  async clearFromWorkspace(contactId: string): Promise<boolean> {
    if (!(await this.interceptors.run('clearContact', contactId))) return false;
    await this.clear(contactId);
    return true;
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
  async answer(
    command: string,
    data: Record<string, unknown>,
    shape: AttributeShape,
    from?: { namespace: string; app: AppConnection },
  ): Promise<unknown> {
    await wait(this.latency);
    if (from?.namespace === EXTENSIBILITY_NAMESPACE) return this.interceptors.answer(from.app, command, data);
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
