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

/** Streams fields its type definitions leave out. */
interface StreamsInternals {
  /** Optional: a page may load a partial or older Streams global, or read it before Streams set it up. */
  core?: { initialized?: boolean; getEventBus?(): connect.EventBus | null | undefined };
  agent: { initialized?: boolean };
}

/** The name Streams gives its CCP iframe (it refuses a second initCCP while one exists). */
export const CCP_IFRAME_NAME = 'Amazon Connect CCP';

/**
 * True when the page holds a CCP frame made by initCCP: in the document (Streams looks its frame up the same way:
 * core._getCCPIframe), or in the shadow root that holds `container` (a component rendering into its shadow root), which
 * a document-wide lookup does not see.
 */
function hasCcpFrame(container: HTMLElement): boolean {
  const named = (root: ParentNode): boolean =>
    Array.from(root.querySelectorAll('iframe')).some((frame) => frame.name === CCP_IFRAME_NAME);
  if (named(document)) return true;
  const root = container.getRootNode();
  // A connected container whose root is not the document is in a shadow root (a DocumentFragment) on the page.
  return container.isConnected && root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && named(root as DocumentFragment);
}

/** Streams contact events and what the source reports for each (the contactEventGraph's targets). */
const STATE_EVENTS: readonly [string, SourceEventType][] = [
  ['contact::incoming', 'connecting'],
  ['contact::pending', 'connecting'],
  ['contact::connecting', 'connecting'],
  ['contact::connected', 'connected'],
  ['contact::missed', 'missed'],
  ['contact::acw', 'acw'],
  ['contact::ended', 'ended'],
  ['contact::accepted', 'accepted'],
];

/** Streams bus events after which the agent must sign in again (connect.EventType in release/connect-streams.js). */
const SIGNED_OUT_EVENTS = [
  'ack_timeout',
  'auth_fail',
  'terminated',
  'authorize_retries_exhausted',
  'cti_authorize_retries_exhausted',
] as const;

/** What Streams would have fired for a contact first seen in `state` (init -> state in its contactEventGraph). */
function eventsFromInit(state: string): SourceEventType[] {
  switch (state) {
    case 'incoming':
    case 'pending':
    case 'connecting':
      return ['connecting'];
    case 'connected':
      return ['connected'];
    case 'ended':
      return ['acw']; // init -> ended fires ACW but not ENDED (ENDED needs an active previous state)
    default:
      return [];
  }
}

function contactIdOf(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const candidate = data as { getContactId?: unknown; contactId?: unknown };
  if (typeof candidate.getContactId === 'function') {
    const id: unknown = (candidate.getContactId as () => unknown).call(data);
    if (typeof id === 'string') return id;
  }
  return typeof candidate.contactId === 'string' ? candidate.contactId : undefined;
}

/** A string Streams gave, or '' when it gave none (its typings promise more than its snapshots always hold). */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Reads one contact through Streams' public Contact API (a Contact or a ContactSnapshot). */
function readStreamsContact(contact: connect.Contact): SourceContact | undefined {
  try {
    const agentConnection = contact.getAgentConnection() as connect.BaseConnection | undefined | null;
    const connectionType = agentConnection ? text(agentConnection.getType()) : '';
    const monitorStatus =
      agentConnection && 'getMonitorStatus' in agentConnection
        ? text((agentConnection as { getMonitorStatus(): unknown }).getMonitorStatus())
        : '';
    const queue = contact.getQueue() as connect.Queue | null | undefined;
    return {
      contactId: contact.getContactId(),
      initialContactId: contact.getInitialContactId(),
      type: text(contact.getType()),
      state: text((contact.getState() as { type?: unknown } | undefined)?.type),
      queue: queue ? { name: queue.name, arn: queue.queueARN || undefined } : undefined,
      attributes: contact.getAttributes(),
      monitoring: connectionType === 'monitoring' || monitorStatus === 'SILENT_MONITOR' || monitorStatus === 'BARGE',
    };
  } catch {
    return undefined; // the contact left the snapshot
  }
}

/** HTML elements that cannot hold the CCP's iframe: void elements (no children), and some whose children show nothing. */
const NOT_CONTAINER = /^(area|br|col|embed|hr|img|input|source|track|wbr|iframe|template|script|style)$/;

/**
 * The container Streams' initCCP appends its iframe to (`containerDiv.appendChild`, connect-streams.js
 * `_createCCPIframe`), checked: an element of the HTML namespace that shows its children. Checked by its node type
 * and namespace rather than `instanceof HTMLElement`, which fails for an element of another frame.
 */
function checkContainer(container: unknown): HTMLElement {
  const node = container as Partial<Element> | null | undefined;
  const element = typeof container === 'object' && node?.nodeType === 1;
  if (element && node.namespaceURI === 'http://www.w3.org/1999/xhtml' && !NOT_CONTAINER.test(node.localName ?? ''))
    return container as HTMLElement; // checked above, across frames too
  const what = element
    ? `<${node.localName ?? ''}>`
    : container === null
      ? 'null: no element found?'
      : typeof container;
  throw new TypeError(
    container === undefined
      ? 'createStreamsTracker: `container` is required with `initCCP`.'
      : `createStreamsTracker: \`container\` must be an element that can hold the CCP iframe, like a <div> (got ${what}).`,
  );
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
