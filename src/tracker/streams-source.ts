/// <reference types="amazon-connect-streams" preserve="true" />
/**
 * The Streams adapter behind the ContactSource boundary. It reads the page's global `connect` (the page loads
 * amazon-connect-streams itself; this module never bundles it), attaches whether Streams was initialised before
 * or after it, calls `connect.core.initCCP` only when asked to and only when the page holds no CCP frame (a CCP
 * whose frame left the page is dead: it is terminated first), and reports contacts that existed before it
 * subscribed as Streams would have (`connect.contact` does not replay them).
 * Protocol notes: node_modules/amazon-connect-streams/release/connect-streams.js (AgentDataProvider,
 * contactEventGraph, Contact.prototype.accept) and the Streams API documentation
 * (https://github.com/amazon-connect/amazon-connect-streams/blob/master/Documentation.md).
 */
import { AttributesError } from '../errors.ts';
import { clearStreamsContact } from './streams-clear.ts';
import type { ContactSource, SourceAgent, SourceContact, SourceEventType, SourceSink } from './source.ts';
import type { InstanceOverride } from './contact-model.ts';
import {
  checkContainer,
  contactIdOf,
  eventsFromInit,
  hasCcpFrame,
  readStreamsContact,
  SIGNED_OUT_EVENTS,
  STATE_EVENTS,
  type StreamsInternals,
} from './streams-read.ts';
import { ContactTracker } from './tracker.ts';
import type { HostConnection } from './types.ts';

/** The Streams global, as `amazon-connect-streams` declares it. */
export type StreamsGlobal = typeof connect;

/** How the Streams adapter finds or creates the CCP. */
export interface StreamsSourceOptions {
  /** The Streams global; by default `globalThis.connect`, looked up again until it exists (Streams may load later). */
  streams?: StreamsGlobal;
  /**
   * Where to create the CCP iframe, when this tracker has to (`initCCP` given and the page has no CCP): an HTML
   * element that can hold it, such as a `<div>`. Takes what `document.querySelector` returns; null is refused at once.
   */
  container?: Element | null;
  /**
   * Options passed to `connect.core.initCCP` when the page has not initialised Streams itself; without `softphone`
   * they get `{allowFramedSoftphone: true}` (see the constructor), the rest is passed unchanged.
   */
  initCCP?: connect.InitCCPOptions;
  /** How often to look for an initialised Streams while waiting for the page (ms). Default 50. */
  pollMs?: number;
  /** After how long without Streams an `error` is reported (ms; the wait goes on). Default 15000. */
  waitWarningMs?: number;
}

/** The Streams adapter: see the module comment. */
export class StreamsContactSource implements ContactSource {
  readonly #options: StreamsSourceOptions;
  /** Where and how to initialise the CCP when the page has none (both options given). */
  readonly #init: { container: HTMLElement; options: connect.InitCCPOptions } | undefined;
  #sink: SourceSink | undefined;
  #subscriptions: connect.Subscription[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #warned = false;
  #startedAt = 0;
  #streams: StreamsGlobal | undefined;
  /** Contacts already reported (or announced by Streams' own contact::init). */
  readonly #known = new Set<string>();
  #lastAgent = '';

  /**
   * Creates the adapter; nothing happens before `start`. Throws a TypeError at once for `initCCP` without a container
   * that can hold the CCP (not later, inside a polling timer).
   */
  constructor(options: StreamsSourceOptions = {}) {
    this.#options = options;
    this.#init = options.initCCP
      ? {
          container: checkContainer(options.container),
          // The framed softphone unless the page gives a setting: Streams' default (false) sets up no softphone in the
          // CCP's frame (its CONFIGURE handler checks `data.softphone.allowFramedSoftphone`), and the page would have
          // to run one itself with connect-rtc-js and `connect.core.initSoftphoneManager`: without either, a
          // softphone agent's calls have no audio. Streams' own embedding helper, `connect.agentApp.initApp`, passes
          // true (node_modules/amazon-connect-streams/release/connect-streams.js).
          options: { ...options.initCCP, softphone: options.initCCP.softphone ?? { allowFramedSoftphone: true } },
        }
      : undefined;
  }

  /** Attaches now if Streams is initialised (or initialises it when asked to), else waits for it. */
  start(sink: SourceSink): void {
    if (this.#sink) return;
    this.#sink = sink;
    this.#startedAt = Date.now();
    this.#tryAttach();
  }

  /** Unsubscribes from Streams and stops waiting for it. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const subscription of this.#subscriptions) {
      try {
        // Streams types `unsubscribe` as a bare Function; it is a method that takes no argument.
        (subscription as unknown as { unsubscribe(): void }).unsubscribe();
      } catch {
        // Streams' terminate() may already have dropped it.
      }
    }
    this.#subscriptions = [];
    this.#known.clear();
    this.#sink = undefined;
  }

  /** The contacts in Streams' latest snapshot. */
  listContacts(): SourceContact[] {
    const streams = this.#streams;
    if (!streams || !this.#agentReady(streams)) return [];
    return new streams.Agent()
      .getContacts()
      .map((contact) => readStreamsContact(contact))
      .filter((contact): contact is SourceContact => contact !== undefined);
  }

  /** One contact from Streams' latest snapshot. */
  readContact(contactId: string): SourceContact | undefined {
    const streams = this.#streams;
    if (!streams || !this.#agentReady(streams)) return undefined;
    const Contact = streams.Contact as unknown as new (id: string) => connect.Contact;
    return readStreamsContact(new Contact(contactId));
  }

  /** The agent from Streams' latest snapshot. */
  readAgent(): SourceAgent | undefined {
    const streams = this.#streams;
    if (!streams || !this.#agentReady(streams)) return undefined;
    try {
      // Partial: snapshots of a CCP still loading, or a monitoring supervisor's, lack parts the typings promise.
      const configuration: Partial<connect.AgentConfiguration> = new streams.Agent().getConfiguration();
      const routingProfile = configuration.routingProfile as Partial<connect.AgentRoutingProfile> | null | undefined;
      // The CCP language: `locale`, or `LANGUAGE` in snapshots that carry only that (Streams itself copies it over
      // only when the configuration is written back: Agent.prototype.setConfiguration in release/connect-streams.js).
      const preferences = (configuration as { agentPreferences?: { locale?: unknown; LANGUAGE?: unknown } | null })
        .agentPreferences;
      const locale = [preferences?.locale, preferences?.LANGUAGE].find(
        (tag): tag is string => typeof tag === 'string' && tag !== '',
      );
      return {
        ...(locale ? { locale } : {}),
        username: configuration.username ?? '',
        name: configuration.name ?? '',
        arn: (configuration as { agentARN?: string }).agentARN ?? '',
        routingProfile: routingProfile
          ? {
              name: routingProfile.name ?? '',
              arn: (routingProfile as { routingProfileARN?: string }).routingProfileARN ?? '',
            }
          : undefined,
      };
    } catch {
      return undefined;
    }
  }

  /** Clears the contact as the CCP's Clear button does (streams-clear.ts). */
  clear(contactId: string, signal: AbortSignal): Promise<void> {
    const streams = this.#streams;
    if (!streams || !this.#agentReady(streams)) return Promise.reject(new Error('The CCP is not connected.'));
    return clearStreamsContact(streams, contactId, signal);
  }

  #agentReady(streams: StreamsGlobal): boolean {
    return (streams as unknown as StreamsInternals).agent.initialized === true;
  }

  #global(): StreamsGlobal | undefined {
    return this.#options.streams ?? (globalThis as { connect?: StreamsGlobal }).connect;
  }

  #tryAttach(): void {
    this.#timer = undefined;
    const sink = this.#sink;
    if (!sink) return;
    const streams = this.#global();
    const internals = streams as unknown as StreamsInternals | undefined;
    let bus = internals?.core?.getEventBus?.() ?? undefined;
    if (streams && this.#init && !hasCcpFrame(this.#init.container)) {
      // No CCP frame in the page: none was made yet, or the one made left the page with its container (a component
      // that unmounted) and is dead. Streams then still holds that CCP (`core.initialized`, its event bus) and
      // refuses initCCP; connect.core.terminate() resets it, Streams' documented way to start a CCP again.
      if (bus || internals?.core?.initialized) streams.core.terminate();
      streams.core.initCCP(this.#init.container, this.#init.options);
      bus = internals?.core?.getEventBus?.() ?? undefined;
    }
    if (streams && bus) {
      this.#attach(streams, bus);
      return;
    }
    const waitWarningMs = this.#options.waitWarningMs ?? 15_000;
    if (!this.#warned && Date.now() - this.#startedAt >= waitWarningMs) {
      this.#warned = true;
      sink.error(
        new AttributesError(
          'not-found',
          streams
            ? 'Amazon Connect Streams is loaded but no CCP was initialised: call connect.core.initCCP, or pass `initCCP` and `container`.'
            : 'Amazon Connect Streams is not loaded on this page (no global `connect`).',
        ),
      );
    }
    this.#timer = setTimeout(() => this.#tryAttach(), this.#options.pollMs ?? 50);
  }

  #attach(streams: StreamsGlobal, bus: connect.EventBus): void {
    this.#streams = streams;
    const subscribe = (event: string, handler: (data: unknown) => void): void => {
      this.#subscriptions.push(bus.subscribe(event, handler));
    };
    subscribe('contact::init', (data) => {
      const id = contactIdOf(data);
      if (id) this.#known.add(id);
    });
    for (const [event, type] of STATE_EVENTS) {
      subscribe(event, (data) => {
        const id = contactIdOf(data);
        if (!id) return;
        this.#known.add(id); // a state event for a contact we never saw: report it as is, no synthesis
        this.#report(type, id);
      });
    }
    subscribe('contact::refresh', (data) => {
      const id = contactIdOf(data);
      if (!id) return;
      this.#ensureKnown(id);
      this.#report('refresh', id);
    });
    subscribe('contact::destroyed', (data) => {
      const id = contactIdOf(data);
      if (!id) return;
      const snapshot =
        data !== null && typeof data === 'object' && 'getState' in data
          ? readStreamsContact(data as connect.Contact)
          : undefined;
      this.#known.delete(id);
      this.#sink?.contact({ type: 'destroyed', contactId: id, contact: snapshot });
    });
    subscribe('agent::refresh', () => {
      // A snapshot came: the CCP answers for a signed-in agent (again, after a sign-in that followed a logout).
      this.#sink?.connection('connected');
      this.#reportAgent();
    });
    // Whether the CCP answers, from the bus events of connect.EventType (release/connect-streams.js): `init` follows
    // its first acknowledgement; `ack_timeout` is no acknowledgement within ccpLoadTimeout, which Streams answers by
    // opening its login window (setupAuthenticationEventHandlers) as a CCP showing its login page never acknowledges;
    // `auth_fail`, `terminated` (a logout) and the authorize retries running out are a lost sign-in;
    // `iframe_retries_exhausted` is Streams giving up reloading the CCP frame (_refreshIframeOnTimeout).
    const report = (state: HostConnection) => () => this.#sink?.connection(state);
    subscribe('init', report('connected'));
    for (const event of SIGNED_OUT_EVENTS) subscribe(event, report('signed-out'));
    subscribe('iframe_retries_exhausted', report('unreachable'));
    if ((streams as unknown as StreamsInternals).core?.initialized) this.#sink?.connection('connected');
    this.#subscriptions.push(streams.core.onViewContact((event) => this.#sink?.view(event.contactId)));
    // connect.agent fires at once when the agent is already initialised, else on the first snapshot.
    this.#subscriptions.push(
      streams.agent(() => {
        this.#reportAgent();
        // Deferred: when this runs inside Streams' first update, Streams fires contact::init for those
        // contacts right after; walking then would report them twice.
        queueMicrotask(() => this.#walk());
      }),
    );
  }

  #walk(): void {
    if (!this.#sink) return;
    for (const contact of this.listContacts()) this.#ensureKnown(contact.contactId);
  }

  /** Reports a contact Streams never announced to us, with the events Streams would have fired for it. */
  #ensureKnown(contactId: string): void {
    if (this.#known.has(contactId)) return;
    this.#known.add(contactId);
    const contact = this.readContact(contactId);
    if (!contact) return;
    for (const type of eventsFromInit(contact.state)) this.#sink?.contact({ type, contactId, contact });
    this.#sink?.contact({ type: 'refresh', contactId, contact });
  }

  #report(type: SourceEventType, contactId: string): void {
    this.#sink?.contact({ type, contactId, contact: this.readContact(contactId) });
  }

  #reportAgent(): void {
    const agent = this.readAgent();
    if (!agent) return;
    const key = JSON.stringify(agent);
    if (key === this.#lastAgent) return;
    this.#lastAgent = key;
    this.#sink?.agent(agent);
  }
}

/** Options of `createStreamsTracker`. */
export type StreamsTrackerOptions = StreamsSourceOptions & InstanceOverride;

/**
 * A ContactTracker over Streams: attaches to the page's CCP (initialised before or after this call), or
 * initialises one with `initCCP` + `container` when the page has none. Never creates a second CCP.
 */
export function createStreamsTracker(options: StreamsTrackerOptions = {}): ContactTracker {
  return new ContactTracker(new StreamsContactSource(options), options);
}
