/**
 * The stand-in agent workspace: the host's side of the protocol the REAL Amazon Connect SDK speaks inside
 * third-party apps and services, so `@amazon-connect/app` (AmazonConnectApp, AmazonConnectService) and
 * `@amazon-connect/contact` run unchanged against it. It is made of parts with one job each:
 * - frame-connection.ts: one frame's port (handshake and its origin, health checks, requests, subscriptions, logs);
 *   app-connection.ts and service-connection.ts: the lifecycle of an app and of a service;
 * - services.ts: services started with the workspace in hidden frames; launcher.ts: apps opened only from the
 *   launcher (or AppControllerClient.launchApp), closed with a bounded wait for their destroy;
 * - contact-answers.ts, user-settings.ts, launcher.ts: the answers, one namespace each (see `handle`);
 * - permissions.ts: what each request and topic needs; catalog.ts: what is registered (sandbox, origins);
 * - contact-scenario.ts: the contacts and how they move (the scenario the demo's controls and the tests drive).
 * This file is the workspace itself: its configuration, its frames, and which namespace answers what.
 */
import type { AppConnection, DestroyOutcome } from './app-connection.ts';
import type { AppDefinition, ServiceDefinition } from './catalog.ts';
import { answerContact } from './contact-answers.ts';
import { ContactScenario, type ScenarioOptions } from './contact-scenario.ts';
import type { FrameConnection } from './frame-connection.ts';
import { HostError, type HostRequest, type RequestHandler } from './frame-requests.ts';
import { EXTENSIBILITY_NAMESPACE, Interceptors } from './interceptors.ts';
import { DESTROY_TIMEOUT, Launcher, type LaunchOptions } from './launcher.ts';
import { NAMESPACE_CONTACT, NAMESPACE_USER, NAMESPACE_WORKSPACE } from './permissions.ts';
import type { ServiceConnection, ServiceOutcome } from './service-connection.ts';
import { Services, type WorkspaceStatus } from './services.ts';
import { UserSettings, type Locale, type VisualMode } from './user-settings.ts';

export { ALL_PERMISSIONS } from './permissions.ts';
export { DEFAULT_SANDBOX, SERVICE_INITIALIZATION_TIMEOUT } from './catalog.ts';
export type { AppDefinition, AttributeShape, ServiceDefinition } from './catalog.ts';
export type { AppConnection as HostedApp, DestroyOutcome } from './app-connection.ts';
export type { ServiceConnection as HostedService, ServiceOutcome, ServiceState } from './service-connection.ts';
export type { FrameProblem, ProtocolRecord } from './frame-connection.ts';
export type { HangUpOptions } from './contact-scenario.ts';
export type { LaunchOptions } from './launcher.ts';
export type { WorkspaceStatus } from './services.ts';
export { LOCALES, VISUAL_MODES, type Locale, type VisualMode } from './user-settings.ts';

/** The stand-in workspace's configuration; every field is optional. */
export interface WorkspaceHostOptions extends ScenarioOptions {
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
}

/** The stand-in workspace: the agent, the contacts, the services and the apps. */
export class StandInWorkspace extends ContactScenario {
  readonly container: HTMLElement;
  readonly destroyTimeout: number;
  /** The agent's language and visual mode (`settings.setLanguage('de_DE')`, `settings.setVisualMode('dark')`). */
  readonly settings: UserSettings;
  readonly #services: Services;
  readonly #launcher: Launcher;
  readonly #handlers = new Map<string, RequestHandler>();
  /** The interceptors the frames registered; the workspace's own Clear asks them (`clearFromWorkspace`). */
  readonly interceptors = new Interceptors();

  constructor(options: WorkspaceHostOptions = {}) {
    super(options);
    this.container = options.container ?? document.body;
    this.destroyTimeout = options.destroyTimeout ?? DESTROY_TIMEOUT;
    this.settings = new UserSettings(
      options.language === undefined ? 'en_US' : options.language,
      options.visualMode ?? 'light',
      (key, data) => this.publish(NAMESPACE_USER, key, data),
    );
    const answer: RequestHandler = (request) => this.#answer(request);
    const changed = (): void => this.changed();
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
      activeContact: () => this.activeContact,
      checkUsable: (by) => this.#checkUsable(by),
      changed,
    });
    this.handle(NAMESPACE_CONTACT, (request) => answerContact(this.answerHost(), request));
    this.handle(NAMESPACE_USER, (request) => this.settings.answer(request));
    this.handle(NAMESPACE_WORKSPACE, (request) => this.#launcher.answer(request));
    this.handle(EXTENSIBILITY_NAMESPACE, (request) => this.interceptors.answer(request));
    for (const app of options.apps ?? []) this.#launcher.register(app);
    for (const service of options.services ?? []) this.#services.register(service);
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
  restartService(name: string): Promise<ServiceOutcome> {
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
  close(app: AppConnection): Promise<DestroyOutcome> {
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

  /**
   * The agent presses the workspace's own Clear: the clear-contact interceptors are asked first (interceptors.ts),
   * and the contact is cleared only when none holds it. Resolves whether it was cleared.
   */
  async clearFromWorkspace(contactId: string): Promise<boolean> {
    if (!(await this.interceptors.run('clearContact', contactId, this.#frames()))) return false;
    await this.clear(contactId);
    return true;
  }

  // ------------------------------------------------------------------------------------------ answers

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

  protected publish(namespace: string, key: string, data: object, contactId?: string): void {
    for (const frame of this.#frames()) frame.publish(namespace, key, data, contactId);
  }

  protected contactGone(contactId: string): Promise<void> {
    return this.#launcher.closeContact(contactId);
  }

  protected contactViewed(contactId: string): void {
    const app = this.#launcher.list().find((a) => a.scope.type === 'contact' && a.scope.contactId === contactId);
    if (app) this.#launcher.focus(app.instanceId);
  }
}
