/**
 * The contact tracker: turns what a ContactSource reports into the model every other part reads
 * (types.ts): contacts with their resolved InitialContactId, instance and region, attributes merged with
 * this plugin's own writes, the viewed contact, and typed lifecycle events.
 */
import type { AttributesError } from '../errors.ts';
import type { Attributes } from '../validate.ts';
import { mergeReported, normalizeAttributes } from './attributes.ts';
import {
  baseModel,
  freezeContact,
  locateContact,
  sameModel,
  toAgentInfo,
  type InstanceOverride,
} from './contact-model.ts';
import type { ClearCheck, ContactSource, SourceAgent, SourceContact, SourceContactEvent } from './source.ts';
import type {
  AgentInfo,
  ContactEvent,
  ContactEventType,
  ContactModel,
  ContactTrackerLike,
  ContactTrackerState,
  HostConnection,
  TrackerEventMap,
  TrackerEventType,
} from './types.ts';

type Listener<K extends TrackerEventType> = (event: TrackerEventMap[K]) => void;

/** Tracks the agent's contacts from one ContactSource; see ContactTrackerLike. */
export class ContactTracker implements ContactTrackerLike {
  readonly #source: ContactSource;
  readonly #listeners = new Map<TrackerEventType, Set<Listener<TrackerEventType>>>();
  readonly #contacts = new Map<string, ContactModel>();
  /** Attributes as the source last reported them, per contactId. */
  readonly #reported = new Map<string, Attributes>();
  /** This plugin's writes still in force, per initialContactId. */
  readonly #local = new Map<string, Attributes>();
  /** Contacts whose `connecting` was already reported (incoming, pending and connecting all map to it). */
  readonly #connectingSeen = new Set<string>();
  /** Contacts whose instance error was already reported. */
  readonly #errorSeen = new Set<string>();
  #agent: AgentInfo | undefined;
  #connection: HostConnection = 'connecting';
  /** The contact the agent last chose to view (onViewContact). */
  #chosenId: string | undefined;
  /** The viewed contact last reported by a `viewed` event. */
  #viewedId: string | undefined;
  #disposed = false;
  readonly #configured: InstanceOverride;

  /** Starts tracking `source` at once. */
  constructor(source: ContactSource, options: InstanceOverride = {}) {
    this.#source = source;
    this.#configured = options;
    source.start({
      agent: (agent) => this.#onAgent(agent),
      contact: (event) => this.#onContact(event),
      view: (contactId) => this.#onView(contactId),
      error: (error) => this.#onError(error),
      connection: (state) => this.#onConnection(state),
    });
  }

  /** Whether the host answers: connecting, connected, signed out or unreachable (see HostConnection). */
  get connection(): HostConnection {
    return this.#connection;
  }

  /** The logged-in agent, once the source knows it. */
  get agent(): AgentInfo | undefined {
    return this.#agent;
  }

  /** Current contacts by contactId, in arrival order (a copy). */
  get contacts(): ReadonlyMap<string, ContactModel> {
    return new Map(this.#contacts);
  }

  /** The contact a widget should show: the one the agent views, else the newest one. */
  get viewed(): ContactModel | undefined {
    const chosen = this.#chosenId === undefined ? undefined : this.#contacts.get(this.#chosenId);
    if (chosen) return chosen;
    let newest: ContactModel | undefined;
    for (const contact of this.#contacts.values()) newest = contact;
    return newest;
  }

  /** Subscribes; returns the unsubscribe function. */
  on<K extends TrackerEventType>(type: K, listener: (event: TrackerEventMap[K]) => void): () => void {
    if (this.#disposed) return () => {};
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    const entry = listener as Listener<TrackerEventType>;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Merges attributes this plugin wrote into the models of the contacts with this initialContactId. */
  recordWrite(initialContactId: string, attributes: Readonly<Attributes>): void {
    if (this.#disposed) return;
    const matching = [...this.#contacts.values()].filter((c) => c.initialContactId === initialContactId);
    if (matching.length === 0) return;
    this.#local.set(initialContactId, { ...this.#local.get(initialContactId), ...attributes });
    this.#showLocal(matching, initialContactId);
  }

  /**
   * Takes back values `recordWrite` merged that were not stored after all (a relay in queued mode accepted them,
   * then could not store them): each key still holding the value given shows what the host reported again; a key
   * written since with another value keeps it.
   */
  forgetWrite(initialContactId: string, attributes: Readonly<Attributes>): void {
    const local = this.#local.get(initialContactId);
    if (this.#disposed || !local) return;
    const kept = Object.entries(local).filter(
      ([key, value]) => !Object.hasOwn(attributes, key) || attributes[key] !== value,
    );
    if (kept.length === Object.keys(local).length) return;
    if (kept.length > 0) this.#local.set(initialContactId, Object.fromEntries(kept));
    else this.#local.delete(initialContactId);
    this.#showLocal(
      [...this.#contacts.values()].filter((c) => c.initialContactId === initialContactId),
      initialContactId,
    );
  }

  /** Shows the contacts `matching` with what the host reported and, over it, what this plugin wrote. */
  #showLocal(matching: readonly ContactModel[], initialContactId: string): void {
    let changed = false;
    for (const contact of matching) {
      const reported = this.#reported.get(contact.contactId) ?? {};
      const local = this.#local.get(initialContactId) ?? {};
      const next = freezeContact({ ...contact, attributes: { ...reported, ...local } });
      if (!sameModel(next, contact)) {
        this.#contacts.set(contact.contactId, next);
        changed = true;
      }
    }
    if (changed) this.#emitChange();
  }

  /**
   * Asks the host to clear the contact (Streams: `contact.clear()`; the workspace: `ContactClient.clear`); resolves
   * once the host accepted. Rejects with a TypeError when the host cannot clear contacts for the page.
   */
  clearContact(contactId: string, signal: AbortSignal): Promise<void> {
    if (!this.#source.clear) return Promise.reject(new TypeError('This host of contacts cannot clear contacts.'));
    return this.#source.clear(contactId, signal);
  }

  /** Holds the host's own Clear action while `ready` says no, where the host allows it; returns the function that stops. */
  interceptClear(ready: ClearCheck): () => void {
    return this.#source.interceptClear?.(ready) ?? (() => {});
  }

  /** Stops the source and drops all listeners and state. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#source.stop();
    this.#listeners.clear();
    this.#contacts.clear();
    this.#reported.clear();
    this.#local.clear();
  }

  #onAgent(agent: SourceAgent): void {
    if (this.#disposed) return;
    const info = toAgentInfo(agent);
    const before = this.#agent;
    if (
      before &&
      before.username === info.username &&
      before.name === info.name &&
      before.arn === info.arn &&
      before.routingProfile?.arn === info.routingProfile?.arn &&
      before.routingProfile?.name === info.routingProfile?.name &&
      before.locale === info.locale
    ) {
      return;
    }
    this.#agent = info;
    this.#answered();
    // The instance comes from the agent's ARNs first: re-derive it for every contact.
    for (const [contactId, contact] of this.#contacts) {
      const data = this.#source.readContact(contactId);
      const next = data ? this.#build(data, contact) : locateContact(contact, this.#agent, this.#configured, undefined);
      this.#contacts.set(contactId, next);
      this.#reportInstanceError(next);
    }
    this.#emitChange();
  }

  #onContact(event: SourceContactEvent): void {
    if (this.#disposed) return;
    const { contactId } = event;
    const existing = this.#contacts.get(contactId);
    if (event.type === 'destroyed') {
      if (!existing) return;
      const data = event.contact;
      const last = freezeContact({ ...(data ? this.#build(data, existing) : existing), ended: true });
      this.#contacts.delete(contactId);
      this.#reported.delete(contactId);
      this.#connectingSeen.delete(contactId);
      this.#errorSeen.delete(contactId);
      if (this.#chosenId === contactId) this.#chosenId = undefined;
      if (![...this.#contacts.values()].some((c) => c.initialContactId === last.initialContactId)) {
        this.#local.delete(last.initialContactId);
      }
      this.#emitLifecycle('destroyed', last);
      this.#updateViewed();
      this.#emitChange();
      return;
    }
    const data = event.contact ?? this.#source.readContact(contactId);
    if (!data) return;
    this.#answered();
    let next = this.#build(data, existing);
    if (event.type === 'acw' || event.type === 'ended' || event.type === 'missed')
      next = freezeContact({ ...next, ended: true });
    this.#contacts.set(contactId, next);
    const changed = !existing || !sameModel(existing, next);
    let fired = false;
    if (event.type !== 'refresh') {
      const duplicate = event.type === 'connecting' && this.#connectingSeen.has(contactId);
      if (event.type === 'connecting') this.#connectingSeen.add(contactId);
      if (!duplicate) {
        this.#emitLifecycle(event.type, next);
        fired = true;
      }
    }
    this.#reportInstanceError(next);
    if (!existing) this.#updateViewed();
    if (changed || fired) this.#emitChange();
  }

  #onView(contactId: string): void {
    if (this.#disposed) return;
    this.#chosenId = contactId;
    if (this.#updateViewed()) this.#emitChange();
  }

  #onConnection(state: HostConnection): void {
    if (this.#disposed || state === this.#connection) return;
    this.#connection = state;
    this.#emitChange();
  }

  /** The host reported the agent or a contact: it answers (a source that reports no connection state relies on this). */
  #answered(): void {
    if (this.#connection === 'connecting') this.#connection = 'connected';
  }

  #onError(error: AttributesError): void {
    if (this.#disposed) return;
    this.#emit('error', error);
  }

  /** Emits `viewed` when the viewed contact changed; returns whether it did. */
  #updateViewed(): boolean {
    const viewed = this.viewed;
    if (viewed?.contactId === this.#viewedId) return false;
    this.#viewedId = viewed?.contactId;
    if (viewed) this.#emitLifecycle('viewed', viewed);
    return true;
  }

  #build(data: SourceContact, previous: ContactModel | undefined): ContactModel {
    const initialContactId = data.initialContactId || data.contactId;
    const reported = normalizeAttributes(data.attributes);
    const { merged, local } = mergeReported(
      this.#reported.get(data.contactId),
      reported,
      this.#local.get(initialContactId) ?? {},
    );
    this.#reported.set(data.contactId, reported);
    if (Object.keys(local).length > 0) this.#local.set(initialContactId, local);
    else this.#local.delete(initialContactId);
    return locateContact(baseModel(data, merged, previous), this.#agent, this.#configured, previous);
  }

  #reportInstanceError(contact: ContactModel): void {
    if (!contact.instanceError) {
      this.#errorSeen.delete(contact.contactId);
      return;
    }
    if (this.#errorSeen.has(contact.contactId)) return;
    this.#errorSeen.add(contact.contactId);
    this.#emit('error', contact.instanceError);
  }

  #emitLifecycle(type: ContactEventType, contact: ContactModel): void {
    const event: ContactEvent = Object.freeze({ type, contact, agent: this.#agent, at: new Date() });
    this.#emit(type, event);
  }

  #emitChange(): void {
    const state: ContactTrackerState = Object.freeze({
      agent: this.#agent,
      connection: this.#connection,
      contacts: this.contacts,
      viewed: this.viewed,
    });
    this.#emit('change', state);
  }

  #emit<K extends TrackerEventType>(type: K, payload: TrackerEventMap[K]): void {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        console.error(`ccp-attributes: a "${type}" listener threw`, error);
      }
    }
  }
}
