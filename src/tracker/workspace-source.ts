/**
 * The Amazon Connect agent workspace adapter behind the ContactSource boundary: this page runs as a third-party
 * app in the workspace's iframe and learns about contacts through the Amazon Connect SDK (`@amazon-connect/app`,
 * `@amazon-connect/contact`), loaded on first use. Like Streams, the SDK writes no attributes: saves still go
 * through the Connect API.
 *
 * The parts, by job: the provider and the app's scope (workspace-provider.ts), what each lifecycle topic means
 * (workspace-topics.ts), reading a contact and the agent (workspace-reader.ts), how the workspace says no
 * (workspace-failures.ts) and what it refused so far (workspace-refusals.ts), the order of the work per contact
 * (workspace-order.ts), clearing (workspace-clear.ts), the agent's language and the visual mode (workspace-user.ts).
 * Lifecycle topics carry `{contactId, initialContactId, type, subtype}` (@amazon-connect/contact/lib/types.d.ts);
 * this file runs the work per contact and reports to the tracker.
 */
import type { AgentClient, BaseContactLifecycleEvent, ContactClient } from '@amazon-connect/contact';
import type { AmazonConnectError } from '@amazon-connect/core';
import { orAbort } from '../deadline.ts';
import { normalizeAttributes, sameAttributes } from './attributes.ts';
import type { ClearCheck, ContactSource, SourceAgent, SourceContact, SourceSink } from './source.ts';
import type { InstanceOverride } from './contact-model.ts';
import { ContactTracker } from './tracker.ts';
import { requestError, type WorkspacePermission } from './workspace-failures.ts';
import { ContactWorkOrder } from './workspace-order.ts';
import { appHandle, type Sdk, type WorkspaceProvider, type WorkspaceScope } from './workspace-provider.ts';
import { listPresent, readAgent, readContact, type ContactHint, type Requester } from './workspace-reader.ts';
import { WorkspaceRefusals } from './workspace-refusals.ts';
import type { WorkspaceSourceOptions } from './workspace-options.ts';
import { eventsFromInit, TOPICS, type TopicMeaning } from './workspace-topics.ts';
import { clearInWorkspace, interceptWhenConnected } from './workspace-clear.ts';
import { UserSettings, type VisualMode } from './workspace-user.ts';

export type { WorkspacePermission } from './workspace-failures.ts';
export type { WorkspaceScope } from './workspace-provider.ts';
export type { VisualMode } from './workspace-user.ts';
export type { WorkspaceSourceOptions } from './workspace-options.ts';

/** Reads what the SDK gives about one contact and its agent; see the module comment. */
export class WorkspaceContactSource implements ContactSource {
  readonly #options: WorkspaceSourceOptions;
  #sink: SourceSink | undefined;
  /** Bumped by stop(): work started before it reports nothing. */
  #generation = 0;
  #scope: WorkspaceScope | undefined;
  #ready: Promise<void> = Promise.resolve();
  #agent: SourceAgent | undefined;
  readonly #contacts = new Map<string, SourceContact>();
  /** The contacts `ended` was reported for (see #end). */
  readonly #ended = new Set<string>();
  /** Per contact, the work in order (workspace-order.ts). */
  readonly #order = new ContactWorkOrder();
  readonly #refusals = new WorkspaceRefusals(() => this.#sink);
  #detach: (() => void)[] = [];
  /** The provider and the contact client, once connected. */
  #host: { provider: WorkspaceProvider; contacts: ContactClient } | undefined;
  /** The agent's language and the visual mode, as the workspace last told them. */
  readonly #user = new UserSettings();

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
    return this.#refusals.missingPermissions;
  }

  /**
   * Why the editor should stay read-only in this workspace, or undefined: a sentence naming the missing permission
   * (the same AttributesError the tracker reported as `error`). Missing User.Details.View alone leaves it undefined.
   */
  get readOnlyReason(): string | undefined {
    return this.#refusals.readOnlyReason;
  }

  /** Loads the SDK, connects to the workspace (or joins the page's provider) and reports contacts once the scope is known. */
  start(sink: SourceSink): void {
    if (this.#sink) return;
    this.#sink = sink;
    const generation = ++this.#generation;
    let ready!: () => void;
    this.#ready = new Promise<void>((resolve) => (ready = resolve));
    this.#order.restart(this.#ready);
    this.#attach(generation, ready).catch((error: unknown) => {
      if (generation === this.#generation) this.#sink?.error(requestError(error, 'connecting to the agent workspace'));
    });
  }

  /** Unsubscribes every handler `start` added; the provider stays (the SDK allows one per window). */
  stop(): void {
    this.#generation += 1;
    for (const detach of this.#detach) detach();
    this.#detach = [];
    this.#contacts.clear();
    this.#ended.clear();
    this.#order.clear();
    this.#sink = undefined;
  }

  /** The workspace's visual mode, once it told one (`aws.connect.user` `visualModeChange`). */
  get visualMode(): VisualMode | undefined {
    return this.#user.visualMode;
  }

  /** Calls `listener` with each visual mode the workspace tells from now on; returns the unsubscribe function. */
  onVisualModeChange(listener: (mode: VisualMode) => void): () => void {
    return this.#user.onVisualModeChange(listener);
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

  /** Clears the contact through `ContactClient.clear` (needs Contact.Details.Edit; workspace-clear.ts). */
  async clear(contactId: string, signal: AbortSignal): Promise<void> {
    await orAbort(this.#ready, signal);
    if (!this.#host) throw new Error('The agent workspace is not connected.');
    await clearInWorkspace(this.#host.contacts, contactId, signal);
  }

  /** Holds the workspace's own Clear while `ready` says no (the clear-contact interceptor, workspace-clear.ts). */
  interceptClear(ready: ClearCheck): () => void {
    const scope = (): string | undefined => (this.#scope?.type === 'contact' ? this.#scope.contactId : undefined);
    const connected = this.#ready.then(() => this.#host && { provider: this.#host.provider, contactId: scope() });
    return interceptWhenConnected(connected, ready, (error) =>
      this.#sink?.error(requestError(error, 'holding its Clear button for the plugin')),
    );
  }

  async #attach(generation: number, ready: () => void): Promise<void> {
    const sdk: Sdk = await import('./workspace-sdk.ts');
    if (generation !== this.#generation) return;
    const { provider, scope } = appHandle(sdk, this.#options);
    const contacts = new sdk.ContactClient({ provider });
    const agent = new sdk.AgentClient({ provider });
    this.#host = { provider, contacts };

    const onError = (error: AmazonConnectError): void => {
      if (generation === this.#generation) this.#refusals.providerError(error);
    };
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
    this.#detach.push(
      this.#user.follow(provider, (language) => {
        if (this.#agent && this.#agent.locale !== language) {
          this.#agent = { ...this.#agent, locale: language };
          this.#sink?.agent(this.#agent);
        }
      }),
    );
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
    const contact = await this.#read(generation, client, event, undefined, known);
    if (generation !== this.#generation || this.#contacts.get(contactId) !== known) return;
    if (sameAttributes(normalizeAttributes(known.attributes), normalizeAttributes(contact.attributes))) return;
    this.#contacts.set(contactId, contact);
    this.#sink?.contact({ type: 'refresh', contactId, contact });
  }

  /** True when this source reports `contactId` (see the `follow` option). */
  #follows(contactId: string): boolean {
    const scope = this.#scope;
    if (!scope || scope.type === 'idle') return true;
    return scope.contactId === contactId;
  }

  /** Runs `task` in the contact's order (workspace-order.ts) while this generation runs and follows the contact. */
  #enqueue(generation: number, contactId: string, task: () => Promise<void>): void {
    const isNew = !this.#order.has(contactId) && !this.#contacts.has(contactId);
    this.#order.enqueue(
      contactId,
      isNew,
      () => (generation === this.#generation && this.#follows(contactId) ? task() : undefined),
      (error: unknown) => {
        if (generation === this.#generation) this.#sink?.error(requestError(error, `reading contact ${contactId}`));
      },
    );
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
      this.#end(known);
      this.#ended.delete(contactId);
      this.#sink?.contact({ type: 'destroyed', contactId, contact: known });
      return;
    }
    // contact/error follows contact/missed for a contact the agent missed (as Streams' onError): it stays missed.
    const state = topic.state === 'error' && known?.state === 'missed' ? 'missed' : topic.state;
    const contact = await this.#read(generation, client, event, state, known);
    if (generation !== this.#generation) return;
    this.#contacts.set(contactId, contact);
    this.#sink?.contact({ type: topic.event, contactId, contact });
    if (topic.event === 'acw') this.#end(contact);
  }

  /**
   * Reports `ended` once per contact, as Streams does: with after-contact work (Streams fires ACW and ENDED in one
   * update), else just before the contact goes (a contact cleared without after-contact work, a missed one; Streams
   * 2.28.1 and later fire a synthetic ENDED before DESTROYED then). The workspace has no ended topic of its own.
   */
  #end(contact: SourceContact): void {
    if (this.#ended.has(contact.contactId)) return;
    this.#ended.add(contact.contactId);
    this.#sink?.contact({ type: 'ended', contactId: contact.contactId, contact });
  }

  /** Reports the contacts present at start (listContacts), with the events Streams would have fired for them. */
  async #walk(generation: number, client: ContactClient, scoped: string | undefined): Promise<void> {
    const present = await listPresent(this.#requester(generation), client, scoped);
    if (generation !== this.#generation) return;
    for (const entry of present) {
      this.#enqueue(generation, entry.contactId, async () => {
        if (this.#contacts.has(entry.contactId)) return; // an event reported it first
        const contact = await this.#read(generation, client, entry, undefined, undefined);
        if (generation !== this.#generation || this.#contacts.has(entry.contactId)) return;
        this.#contacts.set(entry.contactId, contact);
        for (const type of eventsFromInit(contact.state))
          this.#sink?.contact({ type, contactId: entry.contactId, contact });
        this.#sink?.contact({ type: 'refresh', contactId: entry.contactId, contact });
      });
    }
  }

  async #readAgent(generation: number, client: AgentClient): Promise<void> {
    const agent = await readAgent(this.#requester(generation), client, this.#options.username ?? '');
    if (generation !== this.#generation) return;
    this.#agent = this.#user.language ? { ...agent, locale: this.#user.language } : agent;
    this.#sink?.agent(this.#agent);
  }

  #read(
    generation: number,
    client: ContactClient,
    event: ContactHint,
    state: string | undefined,
    known: SourceContact | undefined,
  ): Promise<SourceContact> {
    return readContact(this.#requester(generation), client, event, state, known);
  }

  /** SDK requests of one generation (workspace-refusals.ts). */
  #requester(generation: number): Requester {
    return this.#refusals.requester(() => generation === this.#generation);
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
