/**
 * The Amazon Connect agent workspace adapter behind the ContactSource boundary: this page runs as a third-party
 * app in the workspace's iframe and learns about contacts through the Amazon Connect SDK (`@amazon-connect/app`,
 * `@amazon-connect/contact`), loaded on first use. Like Streams, the SDK writes no attributes: saves still go
 * through the Connect API.
 *
 * What the SDK gives, read from node_modules:
 * - `AmazonConnectApp.init(config)` returns `{provider}` and works once per window
 *   (@amazon-connect/app/lib-esm/amazon-connect-app.js; core/lib-esm/provider/provider-base.js initializeProvider).
 *   The provider goes explicitly to each client, so the clients use this copy of @amazon-connect/core.
 * - The app's scope arrives with the `create` and `start` lifecycle stages: `{type: 'contact', contactId}` or
 *   `{type: 'idle'}` (workspace-types/lib/app-scope.d.ts). A replay through `onStart(h, {invokeIfRunning: true})`
 *   carries only the deprecated `contactScope` (app/lib-esm/lifecycle/app-lifecycle-manager.js keeps no `scope`).
 * - Lifecycle topics `contact/incoming|pending|connecting|connected|missed|acw|cleared|error`
 *   (contact/lib-esm/topic-keys.js) with `{contactId, initialContactId, type, subtype}` (contact/lib/types.d.ts).
 *   There is no contact state getter and no attribute-change event: the state follows from the events (for
 *   contacts present at start, from the agent's own participant), attributes are read again on every event.
 * - A refused request rejects with a ConnectError `{errorKey, reason, details}`, a timeout with a plain
 *   `{errorKey: 'clientTimeout'}` (core/lib-esm/request/request-handler-factory.js, client-timeout-error.js);
 *   a refused subscription and a failed handshake reach `provider.onError` (core/lib-esm/proxy/proxy.js handleError,
 *   app/lib-esm/proxy/app-proxy.js connectionTimeout).
 */
import type { AmazonConnectApp, AppContext } from '@amazon-connect/app';
import type { AgentClient, BaseContactLifecycleEvent, ContactClient } from '@amazon-connect/contact';
import type { AmazonConnectError } from '@amazon-connect/core';
import { AttributesError } from '../errors.ts';
import { normalizeAttributes, sameAttributes } from './attributes.ts';
import type { ContactSource, SourceAgent, SourceContact, SourceEventType, SourceSink } from './source.ts';
import { ContactTracker, type InstanceOverride } from './tracker.ts';

/** The app's scope in the workspace: one contact, or none (idle). */
export type WorkspaceScope = { type: 'contact'; contactId: string } | { type: 'idle' };

/** Workspace permissions the source needs (or uses when granted); see the Amazon Connect admin guide, "Events and requests". */
export type WorkspacePermission = 'Contact.Attributes.View' | 'Contact.Details.View' | 'User.Details.View';

/** How the workspace source connects. */
export interface WorkspaceSourceOptions {
  /** The provider `AmazonConnectApp.init` returned, when the page made one itself. By default the source makes it (once per window). */
  provider?: AmazonConnectApp;
  /** How long to wait for the workspace's handshake (ms), when the source makes the provider. The SDK's default is 5000. */
  connectionTimeout?: number;
  /**
   * Which contacts to report: 'scope' (the default) reports only the app's contact when the workspace runs it in a
   * contact's scope (one app per contact, each following its own) and every contact in the idle scope; 'all' always
   * reports every contact.
   */
  follow?: 'scope' | 'all';
  /**
   * Reads the attributes of the followed contacts again every so many ms, for changes made between lifecycle events
   * (a flow, another app): the workspace has no attribute-change event. 0, the default, reads them at each event only.
   */
  refreshMs?: number;
  /**
   * The agent's login name, when the page knows it (from its own sign-in): the SDK gives the agent's name and ARN
   * but no login name, so without it `agent.username` stays empty (and so does a `{{agent.username}}` tag).
   */
  username?: string;
}

/** The SDK classes the source uses (workspace-sdk.ts). */
type Sdk = typeof import('./workspace-sdk.ts');

/** What a lifecycle topic means for the source: the event to report and the contact's state afterwards. */
interface TopicMeaning {
  subscribe: (client: ContactClient, handler: (event: BaseContactLifecycleEvent) => Promise<void>) => void;
  unsubscribe: (client: ContactClient, handler: (event: BaseContactLifecycleEvent) => Promise<void>) => void;
  event: SourceEventType;
  state: string;
}

/** The lifecycle topics followed, in the order a contact meets them (keys: contact/lib-esm/topic-keys.js). */
const TOPICS: readonly TopicMeaning[] = [
  {
    subscribe: (c, h) => c.onIncoming(h),
    unsubscribe: (c, h) => c.offIncoming(h),
    event: 'connecting',
    state: 'incoming',
  },
  {
    subscribe: (c, h) => c.onPending(h),
    unsubscribe: (c, h) => c.offPending(h),
    event: 'connecting',
    state: 'pending',
  },
  {
    subscribe: (c, h) => c.onConnecting(h),
    unsubscribe: (c, h) => c.offConnecting(h),
    event: 'connecting',
    state: 'connecting',
  },
  {
    subscribe: (c, h) => c.onConnected(h),
    unsubscribe: (c, h) => c.offConnected(h),
    event: 'connected',
    state: 'connected',
  },
  { subscribe: (c, h) => c.onMissed(h), unsubscribe: (c, h) => c.offMissed(h), event: 'missed', state: 'missed' },
  // Streams calls after-contact work the `ended` state; the tracker and the editor know it by that name.
  { subscribe: (c, h) => c.onStartingAcw(h), unsubscribe: (c, h) => c.offStartingAcw(h), event: 'acw', state: 'ended' },
  { subscribe: (c, h) => c.onError(h), unsubscribe: (c, h) => c.offError(h), event: 'refresh', state: 'error' },
  { subscribe: (c, h) => c.onCleared(h), unsubscribe: (c, h) => c.offCleared(h), event: 'destroyed', state: 'cleared' },
];

/** What the agent's own participant state says about the contact (contact/lib/states.d.ts ParticipantStateType). */
const PARTICIPANT_STATES: Readonly<Record<string, string>> = {
  connecting: 'connecting',
  connected: 'connected',
  hold: 'connected',
  silent_monitor: 'connected',
  barge: 'connected',
  disconnected: 'ended',
  rejected: 'rejected',
};

/** What Streams would have fired for a contact first seen in `state` (as the Streams source reports them). */
function eventsFromInit(state: string): SourceEventType[] {
  if (state === 'connecting') return ['connecting'];
  if (state === 'connected') return ['connected'];
  if (state === 'ended') return ['acw'];
  return [];
}

/** A sentence per permission: what is missing and what it costs. */
const PERMISSION_EFFECTS: Readonly<Record<WorkspacePermission, string>> = {
  'Contact.Attributes.View': 'the contact attributes cannot be read, so they cannot be shown or edited',
  'Contact.Details.View':
    'contacts cannot be followed (their channel, queue and lifecycle are hidden), so nothing can be edited',
  'User.Details.View': "the agent's ARN is hidden, so the Amazon Connect instance may be unknown",
};

/** Which permission a refused subscription needed: every contact lifecycle topic needs Contact.Details.View. */
function topicPermission(topicKey: string): WorkspacePermission | undefined {
  return topicKey.startsWith('contact/') ? 'Contact.Details.View' : undefined;
}

/** The fields of a ConnectError, or of the plain object a client timeout rejects with. */
interface RequestFailure {
  errorKey?: unknown;
  reason?: unknown;
}

function failureText(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const { errorKey, reason } = error as RequestFailure;
    const parts = [errorKey, reason].filter((part): part is string => typeof part === 'string' && part !== '');
    if (parts.length > 0) return parts.join(': ');
  }
  return error instanceof Error ? error.message : String(error);
}

/** True when the workspace refused a request for want of a permission (the developer guide's wording, or the key). */
function isPermissionFailure(error: unknown): boolean {
  return /permission|forbidden|access ?denied|unauthori[sz]ed|not ?authori[sz]ed/i.test(failureText(error));
}

function isTimeout(error: unknown): boolean {
  return error !== null && typeof error === 'object' && (error as RequestFailure).errorKey === 'clientTimeout';
}

function toScope(context: AppContext): WorkspaceScope {
  // A replayed start stage carries only the deprecated contactScope (the SDK does not keep `scope`: see
  // @amazon-connect/app's lib-esm/lifecycle/app-lifecycle-manager.js), so both are read.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const scope = context.scope ?? context.contactScope;
  return scope?.type === 'contact' && typeof scope.contactId === 'string' && scope.contactId !== ''
    ? { type: 'contact', contactId: scope.contactId }
    : { type: 'idle' };
}

/** The provider and the app's scope; one per window, as `AmazonConnectApp.init` allows. */
interface AppHandle {
  provider: AmazonConnectApp;
  scope: Promise<WorkspaceScope>;
}

let ownApp: AppHandle | undefined;
const givenApps = new WeakMap<AmazonConnectApp, AppHandle>();

/** The scope of a provider someone else initialised: from its start stage (replayed when it already ran). */
function scopeFromStart(provider: AmazonConnectApp): Promise<WorkspaceScope> {
  return new Promise((resolve) => {
    const handler = (event: { context: AppContext }): Promise<void> => {
      provider.offStart(handler);
      resolve(toScope(event.context));
      return Promise.resolve();
    };
    provider.onStart(handler, { invokeIfRunning: true });
  });
}

function appHandle(sdk: Sdk, options: WorkspaceSourceOptions): AppHandle {
  const given = options.provider;
  if (given) {
    let handle = givenApps.get(given);
    if (!handle) {
      handle = { provider: given, scope: scopeFromStart(given) };
      givenApps.set(given, handle);
    }
    return handle;
  }
  if (ownApp) return ownApp;
  let resolveScope!: (scope: WorkspaceScope) => void;
  const scope = new Promise<WorkspaceScope>((resolve) => (resolveScope = resolve));
  let provider: AmazonConnectApp;
  try {
    provider = sdk.AmazonConnectApp.init({
      onCreate: (event) => {
        resolveScope(toScope(event.context));
        return Promise.resolve();
      },
      ...(options.connectionTimeout === undefined
        ? {}
        : { workspace: { connectionTimeout: options.connectionTimeout } }),
    }).provider;
  } catch {
    // The page called AmazonConnectApp.init itself without passing the provider: use the one it made.
    provider = sdk.AmazonConnectApp.default;
    void scopeFromStart(provider).then(resolveScope);
  }
  provider.onStart((event) => {
    resolveScope(toScope(event.context));
    return Promise.resolve();
  });
  ownApp = { provider, scope };
  return ownApp;
}

/** Reads what the SDK gives about one contact and its agent; see the module comment. */
export class WorkspaceContactSource implements ContactSource {
  readonly #options: WorkspaceSourceOptions;
  #sink: SourceSink | undefined;
  /** Bumped by stop(): work started before it reports nothing. */
  #generation = 0;
  #scope: WorkspaceScope | undefined;
  #ready: Promise<void> = Promise.resolve();
  /** The first read of the contact that arrived last: a new contact waits for it (see #enqueue). */
  #arrivals: Promise<void> = Promise.resolve();
  #agent: SourceAgent | undefined;
  readonly #contacts = new Map<string, SourceContact>();
  /** Per contact, the work in order: each event waits for the one before it. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #missing = new Map<WorkspacePermission, AttributesError>();
  #detach: (() => void)[] = [];

  /** Creates the adapter; nothing happens before `start`. */
  constructor(options: WorkspaceSourceOptions = {}) {
    this.#options = options;
  }

  /** The app's scope, once the workspace said it (after `create`). */
  get scope(): WorkspaceScope | undefined {
    return this.#scope;
  }

  /** The permissions the workspace refused so far, in the order they were found missing. */
  get missingPermissions(): readonly WorkspacePermission[] {
    return [...this.#missing.keys()];
  }

  /**
   * Why the editor should stay read-only in this workspace, or undefined: a sentence naming the missing permission
   * (the same AttributesError the tracker reported as `error`). Missing User.Details.View alone leaves it undefined.
   */
  get readOnlyReason(): string | undefined {
    return (this.#missing.get('Contact.Attributes.View') ?? this.#missing.get('Contact.Details.View'))?.message;
  }

  /** Loads the SDK, connects to the workspace (or joins the page's provider) and reports contacts once the scope is known. */
  start(sink: SourceSink): void {
    if (this.#sink) return;
    this.#sink = sink;
    const generation = ++this.#generation;
    let ready!: () => void;
    this.#ready = new Promise<void>((resolve) => (ready = resolve));
    this.#arrivals = this.#ready;
    this.#attach(generation, ready).catch((error: unknown) => {
      if (generation === this.#generation) this.#sink?.error(this.#toError(error, 'connecting to the agent workspace'));
    });
  }

  /** Unsubscribes every handler `start` added; the provider stays (the SDK allows one per window). */
  stop(): void {
    this.#generation += 1;
    for (const detach of this.#detach) detach();
    this.#detach = [];
    this.#contacts.clear();
    this.#chains.clear();
    this.#sink = undefined;
  }

  /** The contacts reported so far and not cleared. */
  listContacts(): SourceContact[] {
    return [...this.#contacts.values()];
  }

  /** One contact as last read, or undefined once cleared. */
  readContact(contactId: string): SourceContact | undefined {
    return this.#contacts.get(contactId);
  }

  /** The agent, once read. */
  readAgent(): SourceAgent | undefined {
    return this.#agent;
  }

  async #attach(generation: number, ready: () => void): Promise<void> {
    const sdk: Sdk = await import('./workspace-sdk.ts');
    if (generation !== this.#generation) return;
    const { provider, scope } = appHandle(sdk, this.#options);
    const contacts = new sdk.ContactClient({ provider });
    const agent = new sdk.AgentClient({ provider });

    const onError = (error: AmazonConnectError): void => this.#onProviderError(generation, error);
    provider.onError(onError);
    this.#detach.push(() => provider.offError(onError));
    // Subscriptions go out now (the SDK queues them until the workspace acknowledges); events wait for the scope
    // and the agent.
    for (const topic of TOPICS) {
      // `event` comes from the host: checked before use.
      const handler = (event: BaseContactLifecycleEvent | undefined): Promise<void> => {
        if (generation === this.#generation && typeof event?.contactId === 'string') {
          this.#enqueue(generation, event.contactId, () => this.#onEvent(generation, contacts, topic, event));
        }
        return Promise.resolve();
      };
      topic.subscribe(contacts, handler);
      this.#detach.push(() => topic.unsubscribe(contacts, handler));
    }

    this.#scope = await scope;
    if (generation !== this.#generation) return;
    // The workspace told the app its scope: it answers (the agent may still be unreadable without permission).
    this.#sink?.connection('connected');
    // The agent first: the tracker reads the instance from its ARNs, so contacts reported before it would each
    // raise an instance error that the agent's arrival clears a moment later.
    await this.#readAgent(generation, agent);
    if (generation !== this.#generation) return;
    ready();
    const scoped = this.#scope.type === 'contact' ? this.#scope.contactId : undefined;
    if (scoped) this.#sink?.view(scoped);
    await this.#walk(generation, contacts, scoped);
    const refreshMs = this.#options.refreshMs ?? 0;
    if (refreshMs > 0 && generation === this.#generation) {
      const timer = setInterval(() => {
        for (const contactId of this.#contacts.keys())
          this.#enqueue(generation, contactId, () => this.#refresh(generation, contacts, contactId));
      }, refreshMs);
      this.#detach.push(() => clearInterval(timer));
    }
  }

  /** Reads a contact's attributes again; reports a refresh when they changed. */
  async #refresh(generation: number, client: ContactClient, contactId: string): Promise<void> {
    const known = this.#contacts.get(contactId);
    if (!known) return;
    const event = { contactId, initialContactId: known.initialContactId ?? undefined } as BaseContactLifecycleEvent;
    const contact = await this.#read(client, event, undefined, known);
    if (generation !== this.#generation || this.#contacts.get(contactId) !== known) return;
    if (sameAttributes(normalizeAttributes(known.attributes), normalizeAttributes(contact.attributes))) return;
    this.#contacts.set(contactId, contact);
    this.#sink?.contact({ type: 'refresh', contactId, contact });
  }

  /** True when this source reports `contactId` (see the `follow` option). */
  #follows(contactId: string): boolean {
    const scope = this.#scope;
    if (this.#options.follow === 'all' || !scope || scope.type === 'idle') return true;
    return scope.contactId === contactId;
  }

  /**
   * Runs `task` after the contact's earlier work. A contact not seen before also waits for the first read of the
   * contact that arrived before it: reads take varying time, and the tracker takes the order in which contacts are
   * first reported as their arrival order (the newest is the one shown in the idle scope).
   */
  #enqueue(generation: number, contactId: string, task: () => Promise<void>): void {
    const isNew = !this.#chains.has(contactId) && !this.#contacts.has(contactId);
    const previous = isNew ? this.#arrivals : (this.#chains.get(contactId) ?? this.#ready);
    const next = previous
      .then(() => (generation === this.#generation && this.#follows(contactId) ? task() : undefined))
      .catch((error: unknown) => {
        if (generation === this.#generation) this.#sink?.error(this.#toError(error, `reading contact ${contactId}`));
      });
    this.#chains.set(contactId, next);
    if (isNew) this.#arrivals = next;
    void next.then(() => {
      if (this.#chains.get(contactId) === next) this.#chains.delete(contactId);
    });
  }

  async #onEvent(
    generation: number,
    client: ContactClient,
    topic: TopicMeaning,
    event: BaseContactLifecycleEvent,
  ): Promise<void> {
    const { contactId } = event;
    const known = this.#contacts.get(contactId);
    if (topic.event === 'destroyed') {
      if (!known) return;
      this.#contacts.delete(contactId);
      this.#sink?.contact({ type: 'destroyed', contactId, contact: known });
      return;
    }
    const contact = await this.#read(client, event, topic.state, known);
    if (generation !== this.#generation) return;
    this.#contacts.set(contactId, contact);
    this.#sink?.contact({ type: topic.event, contactId, contact });
  }

  /** Reports the contacts present at start (listContacts), with the events Streams would have fired for them. */
  async #walk(generation: number, client: ContactClient, scoped: string | undefined): Promise<void> {
    const listed = await this.#request(
      generation,
      'Contact.Details.View',
      'contact/listContacts',
      () => client.listContacts(),
      [],
    );
    if (generation !== this.#generation) return;
    const present: BaseContactLifecycleEvent[] = listed.map(
      (entry) =>
        ({
          contactId: entry.contactId,
          initialContactId: entry.initialContactId,
          type: entry.type,
          subtype: entry.subtype,
        }) as BaseContactLifecycleEvent,
    );
    // The app's own contact is read even when listing was refused or left it out.
    if (scoped && !present.some((entry) => entry.contactId === scoped)) {
      present.push({ contactId: scoped, initialContactId: undefined } as BaseContactLifecycleEvent);
    }
    for (const entry of present) {
      this.#enqueue(generation, entry.contactId, async () => {
        if (this.#contacts.has(entry.contactId)) return; // an event reported it first
        const contact = await this.#read(client, entry, undefined, undefined);
        if (generation !== this.#generation || this.#contacts.has(entry.contactId)) return;
        this.#contacts.set(entry.contactId, contact);
        for (const type of eventsFromInit(contact.state))
          this.#sink?.contact({ type, contactId: entry.contactId, contact });
        this.#sink?.contact({ type: 'refresh', contactId: entry.contactId, contact });
      });
    }
  }

  /**
   * Reads one contact: attributes every time, the rest when first seen. `state` comes from the event; for a contact
   * present at start (no event) it comes from the agent's own participant, else it is taken as connected.
   */
  async #read(
    client: ContactClient,
    // Partial: a contact present at start has only its id, and a host may leave out what the typings promise.
    event: Pick<BaseContactLifecycleEvent, 'contactId'> & Partial<BaseContactLifecycleEvent>,
    state: string | undefined,
    known: SourceContact | undefined,
  ): Promise<SourceContact> {
    const generation = this.#generation;
    const { contactId } = event;
    const attributes = this.#request(
      generation,
      'Contact.Attributes.View',
      'contact/getAttributes',
      () => client.getAttributes(contactId, '*'),
      known?.attributes ?? {},
    );
    if (known) return { ...known, state: state ?? known.state, attributes: await attributes };
    const details = 'Contact.Details.View';
    const [initialContactId, type, queue, self] = await Promise.all([
      event.initialContactId ??
        this.#request(
          generation,
          details,
          'contact/getInitialContactId',
          () => client.getInitialContactId(contactId),
          undefined,
        ),
      event.type ??
        this.#request(
          generation,
          details,
          'contact/getChannelType',
          async () => (await client.getChannelType(contactId)).type,
          'unknown',
        ),
      this.#request(generation, details, 'contact/getQueue', () => client.getQueue(contactId), undefined),
      this.#selfParticipant(generation, client, contactId),
    ]);
    return {
      contactId,
      initialContactId,
      type,
      state: state ?? self.state ?? 'connected',
      queue: queue ? { name: queue.name, arn: queue.queueARN || undefined } : undefined,
      attributes: await attributes,
      monitoring: self.monitoring,
    };
  }

  /** The agent's own participant: its state as a contact state, and whether the agent only monitors. Optional. */
  async #selfParticipant(
    generation: number,
    client: ContactClient,
    contactId: string,
  ): Promise<{ state: string | undefined; monitoring: boolean }> {
    const participants = await this.#request(
      generation,
      undefined,
      'contact/listParticipants',
      () => client.listParticipants(contactId),
      [],
    );
    const self = participants.find((participant) => participant.isSelf);
    if (!self) return { state: undefined, monitoring: false };
    const state = await this.#request(
      generation,
      undefined,
      'contact/getParticipantState',
      () => client.getParticipantState(self.participantId),
      undefined,
    );
    const value = state ? (state.value === 'other' ? state.actual : state.value) : undefined;
    return {
      state: value === undefined ? undefined : PARTICIPANT_STATES[value],
      monitoring: self.type.value === 'monitoring' || value === 'silent_monitor' || value === 'barge',
    };
  }

  async #readAgent(generation: number, client: AgentClient): Promise<void> {
    const [arn, name, routingProfile] = await Promise.all([
      this.#request(generation, 'User.Details.View', 'agent/getARN', () => client.getARN(), ''),
      this.#request(generation, 'User.Details.View', 'agent/getName', () => client.getName(), ''),
      // Needs User.Configuration.View; its ARN is only a more trusted source of the instance id.
      this.#request(generation, undefined, 'agent/getRoutingProfile', () => client.getRoutingProfile(), undefined),
    ]);
    if (generation !== this.#generation) return;
    this.#agent = {
      username: this.#options.username ?? '',
      name,
      arn,
      routingProfile: routingProfile ? { name: routingProfile.name, arn: routingProfile.routingProfileARN } : undefined,
    };
    this.#sink?.agent(this.#agent);
  }

  /**
   * One SDK request; on failure, `fallback`. A refusal for want of `permission` is reported once per permission as
   * a clear reason; with no permission named (an optional request), a refusal is silent. Other failures are reported.
   */
  async #request<T>(
    generation: number,
    permission: WorkspacePermission | undefined,
    route: string,
    call: () => Promise<T>,
    fallback: T,
  ): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (generation !== this.#generation) return fallback;
      if (isPermissionFailure(error)) {
        if (permission) this.#denied(permission, `the workspace refused ${route} (${failureText(error)})`, error);
      } else if (permission) {
        this.#sink?.error(this.#toError(error, route));
      }
      return fallback;
    }
  }

  #denied(permission: WorkspacePermission, what: string, cause: unknown): void {
    if (this.#missing.has(permission)) return;
    const error = new AttributesError(
      'auth',
      `This app lacks the ${permission} permission in the Amazon Connect agent workspace: ${PERMISSION_EFFECTS[permission]}. ` +
        `An administrator can add it to the app's permissions (Amazon Connect console, Third-party applications). Detail: ${what}.`,
      { cause },
    );
    this.#missing.set(permission, error);
    this.#sink?.error(error);
  }

  #onProviderError(generation: number, error: AmazonConnectError): void {
    if (generation !== this.#generation) return;
    const message = typeof error.message === 'string' ? error.message : '';
    if (/without permission/i.test(message)) {
      // "App attempted to subscribe to topic without permission - Topic {"key": ..., "namespace": ...}"
      const key = /"key"\s*:\s*"([^"]+)"/.exec(message)?.[1] ?? '';
      this.#denied(
        topicPermission(key) ?? 'Contact.Details.View',
        `the workspace refused the subscription to ${key || 'a contact topic'}`,
        error,
      );
      return;
    }
    if (error.key === 'workspaceConnectTimeout') {
      this.#sink?.connection('unreachable');
      this.#sink?.error(
        new AttributesError(
          'network',
          'The Amazon Connect agent workspace did not answer: this page must run as a third-party app inside the agent workspace.',
          { cause: error },
        ),
      );
      return;
    }
    this.#sink?.error(
      new AttributesError(
        error.isFatal ? 'network' : 'server',
        `The agent workspace reported: ${message || error.key}`,
        { cause: error },
      ),
    );
  }

  #toError(error: unknown, what: string): AttributesError {
    if (error instanceof AttributesError) return error;
    return new AttributesError(
      isTimeout(error) ? 'network' : 'server',
      `The agent workspace failed ${what}: ${failureText(error)}`,
      { cause: error },
    );
  }
}

/** Options of `createWorkspaceTracker`. */
export type WorkspaceTrackerOptions = WorkspaceSourceOptions & InstanceOverride;

/**
 * A ContactTracker over the agent workspace: connects this page (a third-party app in the workspace's iframe) with
 * the Amazon Connect SDK and follows the app's contact, or every contact when the app runs in the idle scope.
 */
export function createWorkspaceTracker(options: WorkspaceTrackerOptions = {}): ContactTracker {
  return new ContactTracker(new WorkspaceContactSource(options), options);
}
