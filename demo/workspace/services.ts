/**
 * The stand-in workspace's third-party services: registered with the workspace, started in hidden frames when it
 * starts (or at once when registered later), kept for the whole session. The workspace is ready once every service
 * completed its `create`; a service that fails its initialization (timeout, fatal error) keeps the agent out of
 * the workspace (AWS agent workspace developer guide, "Building third-party services", best practices). A fatal
 * error after the start stops that service (its frame is removed); the workspace goes on without it.
 */
import {
  approvedOriginsOf,
  configOf,
  frameFor,
  SERVICE_INITIALIZATION_TIMEOUT,
  type ServiceDefinition,
} from './catalog.ts';
import type { RequestHandler } from './frame-requests.ts';
import { ALL_PERMISSIONS } from './permissions.ts';
import { ServiceConnection, type ServiceOutcome } from './service-connection.ts';

/** Where the workspace is: loading its services, ready, or failed (the agent is kept out). */
export type WorkspaceStatus = 'not-started' | 'loading' | 'ready' | 'failed';

/** What the services need of the workspace. */
export interface ServiceHost {
  readonly region: string;
  readonly account: string;
  readonly container: HTMLElement;
  readonly answer: RequestHandler;
  changed(): void;
}

export class Services {
  readonly #host: ServiceHost;
  readonly #definitions = new Map<string, ServiceDefinition>();
  readonly #running = new Map<string, ServiceConnection>();
  #status: WorkspaceStatus = 'not-started';
  #failure: string | undefined;

  constructor(host: ServiceHost) {
    this.#host = host;
  }

  get status(): WorkspaceStatus {
    return this.#status;
  }

  /** Why the workspace failed to start, when it did. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** Registers a service; once the workspace started, it starts at once. */
  register(definition: ServiceDefinition): ServiceConnection | undefined {
    if (this.#definitions.has(definition.name))
      throw new Error(`stand-in workspace: a service named ${definition.name} is already registered`);
    this.#definitions.set(definition.name, definition);
    return this.#status === 'not-started' ? undefined : this.#launch(definition);
  }

  /** Starts every registered service; resolves with the workspace's status once each is running or one failed. */
  async start(): Promise<WorkspaceStatus> {
    if (this.#status !== 'not-started') throw new Error('stand-in workspace: already started');
    this.#status = 'loading';
    this.#host.changed();
    const services = [...this.#definitions.values()].map((definition) => this.#launch(definition));
    const outcomes = await Promise.all(services.map((service) => service.started));
    const failed = services.find((_, index) => outcomes[index]?.state === 'failed');
    if (failed) {
      this.#status = 'failed';
      this.#failure = `the service ${failed.name} ${failed.reason ?? 'failed'}`;
    } else {
      this.#status = 'ready';
    }
    this.#host.changed();
    return this.#status;
  }

  /** The running services' connections (failed ones included until removed). */
  list(): ServiceConnection[] {
    return [...this.#running.values()];
  }

  get(name: string): ServiceConnection | undefined {
    return this.#running.get(name);
  }

  /** Reloads a service in a new frame (as a reload of the workspace would): create again, same definition. */
  restart(name: string): Promise<ServiceOutcome> {
    const definition = this.#definitions.get(name);
    if (!definition) throw new Error(`stand-in workspace: no service named ${name}`);
    this.#remove(name);
    return this.#launch(definition).started;
  }

  /** Removes every service frame. */
  dispose(): void {
    for (const name of [...this.#running.keys()]) this.#remove(name);
  }

  #launch(definition: ServiceDefinition): ServiceConnection {
    const iframe = frameFor(definition, `Third-party service ${definition.name}`);
    iframe.hidden = true;
    const config = configOf(definition, 'service', this.#host);
    const instanceId = crypto.randomUUID();
    const service = new ServiceConnection(iframe, this.#host.answer, {
      name: definition.name,
      permissions: definition.permissions ?? ALL_PERMISSIONS,
      approvedOrigins: approvedOriginsOf(definition),
      healthCheckInterval: definition.healthCheckInterval ?? 1000,
      attributeShape: definition.attributeShape ?? 'name-value',
      initializationTimeout: definition.initializationTimeout ?? SERVICE_INITIALIZATION_TIMEOUT,
      lifecycle: {
        // The deprecated fields are sent because AmazonConnectService still reads them
        // (app/lib-esm/lifecycle/service-lifecycle-manager.js).
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- the SDK reads it
        appInstanceId: instanceId,
        instanceId,
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- the SDK reads it
        appConfig: config,
        config,
        region: this.#host.region,
      },
    });
    this.#running.set(definition.name, service);
    service.onStateChange(() => {
      // A fatal error once running stops the service: its frame goes (it stays listed, failed), the workspace stays.
      if (service.state === 'failed' && this.#status === 'ready') {
        service.detach();
        service.iframe.remove();
      }
      this.#host.changed();
    });
    service.onProblem(() => this.#host.changed());
    iframe.src = config.accessUrl;
    this.#host.container.append(iframe);
    return service;
  }

  #remove(name: string): void {
    const service = this.#running.get(name);
    if (!service) return;
    this.#running.delete(name);
    service.detach();
    service.iframe.remove();
  }
}
