/**
 * The stand-in agent workspace: the host's side of the protocol the REAL Amazon Connect SDK speaks inside
 * third-party apps and services, so `@amazon-connect/app` (AmazonConnectApp, AmazonConnectService) and
 * `@amazon-connect/contact` run unchanged against it. It is made of parts with one job each:
 * - frame-connection.ts: one frame's port (handshake and its origin, health checks, requests, subscriptions, logs);
 *   app-connection.ts and service-connection.ts: the lifecycle of an app and of a service;
 * - services.ts: services started with the workspace in hidden frames; launcher.ts: apps opened only from the
 *   launcher (or AppControllerClient.launchApp), closed with a bounded wait for their destroy;
 * - contact-answers.ts, user-settings.ts, launcher.ts: the answers, one namespace each (see `handle`);
 * - permissions.ts: what each request and topic needs; catalog.ts: what is registered (sandbox, origins).
 * This file holds the contacts (the stand-in CCP's model, demo/ccp/contacts.ts: ContactBook, registered with the
 * Connect API stand-in as they arrive, hang up and close) and publishes their lifecycle to every frame, with the data
 * `{contactId, initialContactId, type, subtype}` (contact/lib/types.d.ts BaseContactLifecycleEvent) and topic keys
 * of contact/lib-esm/topic-keys.js.
 */
import { agentIdOf, agentNameOf, ApiRegistration, ContactBook, type HeldContact } from '../ccp/contacts.ts';
import {
  DEFAULT_ACCOUNT,
  DEFAULT_INSTANCE_ID,
  type ContactOptions,
  type InitialContact,
  type StandInContact,
} from '../ccp/scenario.ts';
import type { AppConnection } from './app-connection.ts';
import type { AppDefinition, ServiceDefinition } from './catalog.ts';
import { answerContact, coreData, participants } from './contact-answers.ts';
import { HostError, type FrameConnection, type HostRequest, type RequestHandler } from './frame-connection.ts';
import { DESTROY_TIMEOUT, Launcher, type LaunchOptions } from './launcher.ts';
import { NAMESPACE_CONTACT, NAMESPACE_USER, NAMESPACE_WORKSPACE } from './permissions.ts';
import type { ServiceConnection } from './service-connection.ts';
import { Services, type WorkspaceStatus } from './services.ts';
import { UserSettings, type Locale, type VisualMode } from './user-settings.ts';

export { ALL_PERMISSIONS } from './permissions.ts';
export { DEFAULT_SANDBOX, SERVICE_INITIALIZATION_TIMEOUT } from './catalog.ts';
export type { AppDefinition, AttributeShape, ServiceDefinition } from './catalog.ts';
export type { AppConnection as HostedApp, DestroyOutcome } from './app-connection.ts';
export type { ServiceConnection as HostedService, ServiceOutcome, ServiceState } from './service-connection.ts';
export type { FrameProblem, ProtocolRecord } from './frame-connection.ts';
export type { LaunchOptions } from './launcher.ts';
export type { WorkspaceStatus } from './services.ts';
export { LOCALES, VISUAL_MODES, type Locale, type VisualMode } from './user-settings.ts';

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
  /** Apps in the launcher. */
  apps?: AppDefinition[];
  /** Services started with the workspace (`start()`). */
  services?: ServiceDefinition[];
  /** Where the frames go. Default `document.body`. */
  container?: HTMLElement;
  /** ms the workspace waits for an app's destroy to complete. Default 5000. */
  destroyTimeout?: number;
  /** The agent's language (getLanguage). Default en_US. */
  language?: Locale | null;
  /** Default light. */
  visualMode?: VisualMode;
  /** 'contact-id': lifecycle events carry only `{contactId}`. Default 'full' (BaseContactLifecycleEvent). */
  eventData?: 'full' | 'contact-id';
}

/** How a contact ends when the customer hangs up. */
export interface HangUpOptions {
  /** false: no after-contact work, the contact is destroyed at once. Default true. */
  acw?: boolean;
}

const MAX_CHATS = 3;
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The stand-in workspace: the agent, the contacts, the services and the apps. */
export class StandInWorkspace {
  readonly api: string | undefined;
  readonly region: string;
  readonly account: string;
  readonly instance: string;
  readonly agent: string;
  readonly latency: number;
  readonly container: HTMLElement;
  readonly destroyTimeout: number;
  /** Resolves once the contacts present at start are registered with the API stand-in. */
  readonly ready: Promise<void>;
  /** The agent's language and visual mode (`settings.setLanguage('de_DE')`, `settings.setVisualMode('dark')`). */
  readonly settings: UserSettings;
  readonly #book: ContactBook;
  readonly #services: Services;
  readonly #launcher: Launcher;
  readonly #handlers = new Map<string, RequestHandler>();
  readonly #listeners = new Set<() => void>();
  readonly #eventData: 'full' | 'contact-id';
  #active: string | undefined;

  constructor(options: WorkspaceHostOptions = {}) {
    this.api = options.api?.replace(/\/+$/, '');
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? DEFAULT_ACCOUNT;
    this.instance = options.instance ?? DEFAULT_INSTANCE_ID;
    this.agent = options.agent ?? 'agent.smith';
    this.latency = options.latency ?? 0;
    this.container = options.container ?? document.body;
    this.destroyTimeout = options.destroyTimeout ?? DESTROY_TIMEOUT;
    this.#eventData = options.eventData ?? 'full';
    const registration = new ApiRegistration({
      api: this.api,
      instance: this.instance,
      agentId: this.agentId(),
      host: 'stand-in workspace',
    });
    this.#book = new ContactBook(registration, { maxChats: MAX_CHATS, host: 'stand-in workspace' });
    this.settings = new UserSettings(
      options.language === undefined ? 'en_US' : options.language,
      options.visualMode ?? 'light',
      (key, data) => this.#publish(NAMESPACE_USER, key, data),
    );
    const answer: RequestHandler = (request) => this.#answer(request);
    const changed = (): void => this.#changed();
    this.#services = new Services({
      region: this.region,
      account: this.account,
      container: this.container,
      answer,
      changed,
    });
    this.#launcher = new Launcher({
      region: this.region,
      account: this.account,
      container: this.container,
      answer,
      destroyTimeout: this.destroyTimeout,
      activeContact: () => this.#active,
      checkUsable: (by) => this.#checkUsable(by),
      changed,
    });
    this.handle(NAMESPACE_CONTACT, (request) => answerContact(this.#answerHost(), request));
    this.handle(NAMESPACE_USER, (request) => this.settings.answer(request));
    this.handle(NAMESPACE_WORKSPACE, (request) => this.#launcher.answer(request));
    for (const app of options.apps ?? []) this.#launcher.register(app);
    for (const service of options.services ?? []) this.#services.register(service);
    this.ready = this.#book.addPresent(options.contacts ?? []).then(() => {
      this.#active = this.#book.list().at(-1)?.contactId;
      this.#changed();
    });
  }

  // ------------------------------------------------------------------------------------------ services

  /** Starts the registered services (hidden frames, `create` only); resolves with the workspace's status. */
  async start(): Promise<WorkspaceStatus> {
    await this.ready;
    return this.#services.start();
  }

  /** Where the workspace is: not started, loading its services, ready, or failed (the agent is kept out). */
  get status(): WorkspaceStatus {
    return this.#services.status;
  }

  /** Why the workspace failed to start, when it did. */
  get failure(): string | undefined {
    return this.#services.failure;
  }

  /** Registers a service; once the workspace started it starts at once (and is returned). */
  registerService(definition: ServiceDefinition): ServiceConnection | undefined {
    return this.#services.register(definition);
  }

  /** The services' connections. */
  services(): ServiceConnection[] {
    return this.#services.list();
  }

  /** A service's connection by name. */
  service(name: string): ServiceConnection | undefined {
    return this.#services.get(name);
  }

  /** Reloads a service in a new frame. */
  restartService(name: string): Promise<{ state: 'running' | 'failed'; reason?: string }> {
    return this.#services.restart(name);
  }

  // ------------------------------------------------------------------------------------------ apps

  /** Adds an app to the launcher. */
  registerApp(definition: AppDefinition): void {
    this.#launcher.register(definition);
  }

  /** The launcher's apps. */
  catalog(): AppDefinition[] {
    return this.#launcher.catalog();
  }

  /**
   * The agent opens an app from the launcher: for the active contact (or idle without one), unless `options.scope`
   * says otherwise; shown and started once created.
   */
  launch(name: string, options: LaunchOptions = {}): AppConnection {
    return this.#launcher.launch(name, options);
  }

  /** The open apps, in the order they were opened. */
  apps(): AppConnection[] {
    return this.#launcher.list();
  }

  /** The app in front, if any. */
  get frontApp(): AppConnection | undefined {
    return this.#launcher.front;
  }

  /** The agent brings an open app to the front. */
  focus(app: AppConnection): void {
    this.#launcher.focus(app.instanceId);
  }

  /** The agent closes an app: destroy, a bounded wait for its completion, then the frame goes. */
  close(app: AppConnection): Promise<'completed' | 'timeout' | 'not-created'> {
    return this.#launcher.close(app.instanceId);
  }

  /** Closes every app and removes every service frame. */
  async dispose(): Promise<void> {
    await this.#launcher.dispose();
    this.#services.dispose();
  }

  /** Serves one more namespace (or replaces one): its requests go to `handler`. */
  handle(namespace: string, handler: RequestHandler): void {
    this.#handlers.set(namespace, handler);
  }

  // ------------------------------------------------------------------------------------------ scenario

  /** Calls `listener` after every change (contacts, services, apps); returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The contacts now (copies). */
  contacts(): StandInContact[] {
    return this.#book.copies();
  }

  /** The contact the agent has in front (the newest to arrive unless the agent picked another). */
  get activeContact(): string | undefined {
    return this.#active;
  }

  /** The agent views another contact: apps opened from the launcher from now on are for it. */
  view(contactId: string): void {
    this.#book.get(contactId);
    this.#active = contactId;
    const app = this.#launcher.list().find((a) => a.scope.type === 'contact' && a.scope.contactId === contactId);
    if (app) this.#launcher.focus(app.instanceId);
    this.#changed();
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
    const contact = this.#ringing(contactId);
    await wait(this.latency);
    this.#setState(contact, 'connected', ['contact/connected']);
  }

  /** A ringing contact is not answered: connecting -> missed, then `contact/error` (as Streams' onError). */
  // eslint-disable-next-line @typescript-eslint/require-await -- async: a contact not ringing rejects, like accept()
  async missCall(contactId: string): Promise<void> {
    this.#setState(this.#ringing(contactId), 'missed', ['contact/missed', 'contact/error']);
  }

  /**
   * The customer hangs up or the chat ends: the customer's participant disconnects, then after-contact work starts
   * (`contact/acw`), or with `{acw: false}` the contact is destroyed at once (no after-contact work).
   */
  async hangUp(contactId: string, options: HangUpOptions = {}): Promise<void> {
    const contact = this.#book.get(contactId);
    this.#book.setState(contact, 'ended');
    this.#publishParticipantGone(contact);
    if (options.acw === false) {
      await this.#book.registerDisconnect(contact);
      await this.#remove(contact);
      return;
    }
    this.#publishContact(contact, ['contact/acw']);
    this.#changed();
    await this.#book.registerDisconnect(contact);
  }

  /** The agent closes the contact (after-contact work done, or a missed contact dismissed): cleared. */
  async clear(contactId: string): Promise<void> {
    const contact = this.#book.get(contactId);
    await this.#book.registerClosed(contact);
    await this.#remove(contact);
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

  #instanceArn(): string {
    return `arn:aws:connect:${this.region}:${this.account}:instance/${this.instance}`;
  }

  #answerHost(): Parameters<typeof answerContact>[0] {
    return {
      region: this.region,
      latency: this.latency,
      maxChats: MAX_CHATS,
      agentArn: () => this.agentArn(),
      agentName: () => agentNameOf(this.agent),
      instanceArn: () => this.#instanceArn(),
      contacts: () => this.#book.list(),
      find: (contactId) => this.#book.find(contactId),
      stored: (contact) => this.#book.registration.stored(contact),
      accept: (contactId) => this.accept(contactId),
      clear: (contactId) => this.clear(contactId),
    };
  }

  async #answer(request: HostRequest): Promise<unknown> {
    const handler = this.#handlers.get(request.namespace);
    if (!handler) throw new HostError('handlerNotFound', 'No handler for command');
    return handler(request);
  }

  /** The agent uses the workspace once its services all started; a failed start keeps everyone out. */
  #checkUsable(by: 'agent' | 'frame'): void {
    if (this.status === 'failed') throw new Error(`stand-in workspace: the agent is kept out: ${this.failure ?? ''}`);
    if (by === 'agent' && this.status !== 'ready')
      throw new Error(`stand-in workspace: still loading its services (status ${this.status}); call start() first`);
  }

  #frames(): FrameConnection[] {
    return [...this.#services.list(), ...this.#launcher.list()];
  }

  #publish(namespace: string, key: string, data: object, contactId?: string): void {
    for (const frame of this.#frames()) frame.publish(namespace, key, data, contactId);
  }

  #publishContact(contact: HeldContact, keys: readonly string[]): void {
    const data = this.#eventData === 'contact-id' ? { contactId: contact.contactId } : coreData(contact);
    for (const key of keys) this.#publish(NAMESPACE_CONTACT, key, data, contact.contactId);
  }

  /** The customer's participant disconnects (contact/lib/types.d.ts ParticipantDisconnected, ParticipantStateChanged). */
  #publishParticipantGone(contact: HeldContact): void {
    const [, customer] = participants(contact);
    this.#publish(
      NAMESPACE_CONTACT,
      'contact/participantStateChanged',
      {
        participantId: customer['participantId'],
        contactId: contact.contactId,
        state: { value: 'disconnected' },
      },
      contact.contactId,
    );
    this.#publish(NAMESPACE_CONTACT, 'contact/participantDisconnected', { participant: customer }, contact.contactId);
  }

  #ringing(contactId: string): HeldContact {
    const contact = this.#book.get(contactId);
    if (!ContactBook.isRinging(contact)) throw new Error(`stand-in workspace: ${contactId} is not ringing`);
    return contact;
  }

  /** Registers the contact (it exists in Connect before it reaches the agent), then publishes it. */
  async #add(contact: HeldContact): Promise<string> {
    await this.#book.add(contact);
    this.#active = contact.contactId;
    this.#publishContact(contact, [contact.state === 'connected' ? 'contact/connected' : 'contact/connecting']);
    this.#changed();
    return contact.contactId;
  }

  #setState(contact: HeldContact, state: HeldContact['state'], keys: readonly string[]): void {
    this.#book.setState(contact, state);
    this.#publishContact(contact, keys);
    this.#changed();
  }

  /** The contact is gone: cleared and destroyed to every frame, its apps closed. */
  async #remove(contact: HeldContact): Promise<void> {
    this.#book.remove(contact.contactId);
    if (this.#active === contact.contactId) this.#active = this.#book.list().at(-1)?.contactId;
    this.#publishContact(contact, ['contact/cleared', 'contact/destroy']);
    this.#changed();
    await this.#launcher.closeContact(contact.contactId);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
