/**
 * The stand-in workspace's app launcher: apps run only when opened, by the agent from the launcher or by a frame
 * with AppControllerClient.launchApp. What the launcher does, after AWS's agent workspace developer guide ("How
 * applications are loaded in the agent workspace", "Application scoping", App Controller API):
 * - an app opens in a new frame for the contact active at that time, or in the idle scope when there is none; a
 *   launch-time scope wins over that; a CROSS_CONTACTS app opens in the idle scope;
 * - the frame opened is shown (started) and the others hidden (stopped), unless opened in the background;
 * - a launchKey matching an app still open returns that app instead of opening another;
 * - a contact-scoped app is destroyed when its contact is cleared; closing sends destroy and waits for the app's
 *   completion (bounded, about 5 s) before the frame is removed.
 * The requests of AppControllerClient (@amazon-connect/app-controller 1.0.11 lib-esm/routes.js: app/getCatalog,
 * app/getConfig, app-launcher/launch, app-instance/get-app-info, app-manager/get-apps, app-instance/focus,
 * app-instance/close; namespace aws.connect.workspace) are answered here with the shapes of its lib/*.d.ts.
 */
import type { AppParameters, AppScope, LaunchSource } from '@amazon-connect/workspace-types';
import { AppConnection, type DestroyOutcome } from './app-connection.ts';
import { approvedOriginsOf, arnOf, configOf, frameFor, type AppDefinition } from './catalog.ts';
import { HostError, type HostRequest, type RequestHandler } from './frame-requests.ts';
import { ALL_PERMISSIONS } from './permissions.ts';

/** How an app is opened (app-controller lib/launch/app-launch-options.d.ts). */
export interface LaunchOptions {
  scope?: AppScope;
  parameters?: AppParameters;
  launchKey?: string;
  openInBackground?: boolean;
}

/** The workspace destroys an app within about 5 s. */
export const DESTROY_TIMEOUT = 5000;

/** What the launcher needs of the workspace. */
export interface LauncherHost {
  readonly region: string;
  readonly account: string;
  readonly container: HTMLElement;
  readonly answer: RequestHandler;
  readonly destroyTimeout: number;
  /** The contact the agent has in front, if any. */
  activeContact(): string | undefined;
  /** Throws when the workspace cannot open apps: for the agent until it is ready, for a frame once it failed. */
  checkUsable(by: 'agent' | 'frame'): void;
  changed(): void;
}

interface OpenApp {
  app: AppConnection;
  definition: AppDefinition;
  launchKey: string | undefined;
  parameters: AppParameters | undefined;
  startTime: Date;
  order: number;
  launchedBy: LaunchSource;
}

export class Launcher {
  readonly #host: LauncherHost;
  readonly #catalog = new Map<string, AppDefinition>();
  readonly #open = new Map<string, OpenApp>();
  readonly #closing = new Map<string, Promise<DestroyOutcome>>();
  #front: string | undefined;
  #order = 0;

  constructor(host: LauncherHost) {
    this.#host = host;
  }

  register(definition: AppDefinition): void {
    if (this.#catalog.has(definition.name))
      throw new Error(`stand-in workspace: an app named ${definition.name} is already registered`);
    this.#catalog.set(definition.name, definition);
    this.#host.changed();
  }

  catalog(): AppDefinition[] {
    return [...this.#catalog.values()];
  }

  /** The open apps, in the order they were opened. */
  list(): AppConnection[] {
    return [...this.#open.values()].map((open) => open.app);
  }

  /** The app in front, if any. */
  get front(): AppConnection | undefined {
    return this.#front === undefined ? undefined : this.#open.get(this.#front)?.app;
  }

  /** Opens an app (the agent's launcher when `launchedBy` is not given). */
  launch(nameOrArn: string, options: LaunchOptions = {}, launchedBy?: LaunchSource): AppConnection {
    this.#host.checkUsable(launchedBy ? 'frame' : 'agent');
    const definition = this.#definition(nameOrArn);
    if (options.launchKey !== undefined) {
      const same = [...this.#open.values()].find((open) => open.launchKey === options.launchKey);
      if (same) return same.app;
    }
    const scope = options.scope ?? this.#defaultScope(definition);
    const iframe = frameFor(
      definition,
      scope.type === 'contact' ? `${definition.name} for contact ${scope.contactId}` : definition.name,
    );
    iframe.hidden = true;
    const config = configOf(definition, 'app', this.#host);
    const instanceId = crypto.randomUUID();
    const source: LaunchSource = launchedBy ?? { type: 'internal', name: 'app launcher' };
    const app = new AppConnection(scope, iframe, this.#host.answer, {
      name: definition.name,
      permissions: definition.permissions ?? ALL_PERMISSIONS,
      approvedOrigins: approvedOriginsOf(definition),
      healthCheckInterval: definition.healthCheckInterval ?? 1000,
      attributeShape: definition.attributeShape ?? 'name-value',
      initializationTimeout: definition.initializationTimeout,
      lifecycle: {
        // The deprecated fields are sent because @amazon-connect/app still reads them (appInstanceId and
        // appConfig in lib-esm/lifecycle/service-lifecycle-manager.js, contactScope in app-lifecycle-manager.js).
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- the SDK reads it
        appInstanceId: instanceId,
        instanceId,
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- the SDK reads it
        appConfig: config,
        config,
        scope,
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- the SDK reads it
        ...(scope.type === 'contact' ? { contactScope: scope } : {}),
        parameters: options.parameters ?? {},
        launchedBy: source,
        region: this.#host.region,
      },
    });
    this.#open.set(instanceId, {
      app,
      definition,
      launchKey: options.launchKey,
      parameters: options.parameters,
      startTime: new Date(),
      order: ++this.#order,
      launchedBy: source,
    });
    app.onCloseRequest(() => void this.close(instanceId));
    app.onProblem(() => this.#host.changed());
    void app.created.then(() => {
      if (this.#front === instanceId) app.lifecycle('start');
    });
    iframe.src = config.accessUrl;
    this.#host.container.append(iframe);
    if (!options.openInBackground || this.#front === undefined) this.focus(instanceId);
    this.#host.changed();
    return app;
  }

  /** Shows one app: the one in front is hidden and stopped, this one shown and started (once created). */
  focus(instanceId: string): void {
    const next = this.#open.get(instanceId);
    if (!next) throw new HostError('noResult', 'No Result Found');
    if (this.#front === instanceId) return;
    const previous = this.#front === undefined ? undefined : this.#open.get(this.#front);
    if (previous) {
      previous.app.iframe.hidden = true;
      if (previous.app.isCreated) previous.app.lifecycle('stop');
    }
    this.#front = instanceId;
    next.app.iframe.hidden = false;
    if (next.app.isCreated) next.app.lifecycle('start');
    this.#host.changed();
  }

  /** Closes an app: destroy, wait for its completion (bounded), then remove the frame. */
  close(instanceId: string): Promise<DestroyOutcome> {
    const pending = this.#closing.get(instanceId);
    if (pending) return pending;
    const open = this.#open.get(instanceId);
    if (!open) return Promise.reject(new HostError('noResult', 'No Result Found'));
    const closing = open.app.destroy(this.#host.destroyTimeout).then((outcome) => {
      open.app.detach();
      open.app.iframe.remove();
      this.#open.delete(instanceId);
      this.#closing.delete(instanceId);
      if (this.#front === instanceId) {
        this.#front = undefined;
        const last = this.list().at(-1);
        if (last) this.focus(last.instanceId);
      }
      this.#host.changed();
      return outcome;
    });
    this.#closing.set(instanceId, closing);
    return closing;
  }

  /** Closes the apps opened for a contact (the contact was cleared). */
  async closeContact(contactId: string): Promise<void> {
    const scoped = this.list().filter((app) => app.scope.type === 'contact' && app.scope.contactId === contactId);
    await Promise.all(scoped.map((app) => this.close(app.instanceId)));
  }

  /** Closes every app. */
  async dispose(): Promise<void> {
    await Promise.all(this.list().map((app) => this.close(app.instanceId)));
  }

  /** Answers AppControllerClient's requests (namespace aws.connect.workspace). */
  async answer({ command, data, from }: HostRequest): Promise<unknown> {
    const where = this.#host;
    switch (command) {
      case 'app/getCatalog':
        return { applications: this.catalog().map((definition) => configOf(definition, 'app', where)) };
      case 'app/getConfig':
        return configOf(this.#definition(String(data['key'])), 'app', where);
      case 'app-launcher/launch': {
        const options = (data['options'] ?? {}) as LaunchOptions;
        const app = this.launch(String(data['arnOrName']), options, {
          type: 'external',
          name: from.name,
          connectionId: from.instanceId,
        });
        return this.#info(app.instanceId);
      }
      case 'app-instance/get-app-info':
        return this.#info(String(data['instanceId']));
      case 'app-manager/get-apps':
        return { apps: this.list().map((app) => this.#info(app.instanceId)) };
      case 'app-instance/focus': {
        const instanceId = String(data['instanceId']);
        this.focus(instanceId);
        return { instanceId, result: 'completed' };
      }
      case 'app-instance/close':
        await this.close(String(data['instanceId']));
        return {};
      default:
        throw new HostError('handlerNotFound', 'No handler for command');
    }
  }

  /** AppInfo (app-controller lib/app-info.d.ts). */
  #info(instanceId: string): Record<string, unknown> {
    const open = this.#open.get(instanceId);
    if (!open) throw new HostError('noResult', 'No Result Found');
    const { arn, namespace, id, name, description } = configOf(open.definition, 'app', this.#host);
    return {
      instanceId,
      config: { arn, namespace, id, name, description },
      startTime: open.startTime,
      state: this.#state(open.app),
      appCreateOrder: open.order,
      appManagerId: 'stand-in workspace',
      parameters: open.parameters,
      ...(open.launchKey === undefined ? {} : { launchKey: open.launchKey }),
      launchedBy: open.launchedBy,
      scope: open.app.scope,
    };
  }

  /** AppState (app-controller lib/app-info.d.ts): an app past its initialization timeout is in error. */
  #state(app: AppConnection): 'starting' | 'active' | 'closing' | 'error' {
    if (this.#closing.has(app.instanceId)) return 'closing';
    if (app.isCreated) return 'active';
    return app.problems().some((problem) => problem.kind === 'timeout') ? 'error' : 'starting';
  }

  #definition(nameOrArn: string): AppDefinition {
    const found = [...this.#catalog.values()].find(
      (definition) => definition.name === nameOrArn || arnOf(definition.name, this.#host) === nameOrArn,
    );
    if (!found) throw new HostError('noResult', 'No Result Found');
    return found;
  }

  #defaultScope(definition: AppDefinition): AppScope {
    const contactId = this.#host.activeContact();
    if (definition.contactHandling === 'CROSS_CONTACTS' || contactId === undefined) return { type: 'idle' };
    return { type: 'contact', contactId };
  }
}
