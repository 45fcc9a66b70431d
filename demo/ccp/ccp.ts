/**
 * The stand-in CCP: a page that plays Amazon Connect's CCP for the REAL amazon-connect-streams library running
 * in the parent page (which loads this page as `ccpUrl` in its iframe). Streams talks to its CCP only through
 * postMessage and checks the message source, not the origin, so this page answers exactly what the CCP's shared
 * worker would (connect-streams.js: ClientEngine, updateAgent): `acknowledge` on load with a port id, then
 * `agent::update` with the full `{snapshot, configuration}` on every change and every `interval` ms, and the
 * answers of protocol.ts. This module composes the parts: the contacts (contacts.ts, shared with the stand-in
 * workspace, registered with the Connect API stand-in), the pure snapshot builder (snapshot.ts), the protocol
 * (protocol.ts) and the scenario API (scenario.ts), exposed as `window.standInCcp`.
 */
import { agentIdOf, ApiRegistration, ContactBook, type HeldContact } from './contacts.ts';
import { CcpProtocol, type CcpCore } from './protocol.ts';
import {
  parseConfig,
  type AgentConfigPatch,
  type ContactPreset,
  type InitialContact,
  type StandInCcp,
  type StandInConfig,
  SIGNED_OUT_KEY,
} from './scenario.ts';
import { agentData, agentState, configuration, MAX_CHATS, type AgentIdentity, type ChosenState } from './snapshot.ts';
import { renderCcp } from './view.ts';

/** Presets for the `contacts=` URL option. */
const PRESETS: Record<ContactPreset, InitialContact> = {
  'connected-voice': { channel: 'voice', state: 'connected', attributes: { greeting: 'played' } },
  'acw-voice': { channel: 'voice', state: 'ended', attributes: { greeting: 'played' } },
  'connected-chat': { channel: 'chat', state: 'connected' },
  'acw-chat': { channel: 'chat', state: 'ended' },
  'transferred-voice': { channel: 'voice', state: 'connected', initialContactId: crypto.randomUUID() },
  'monitored-voice': { channel: 'voice', state: 'connected', monitoring: true },
};

function toInitial(entry: ContactPreset | InitialContact): InitialContact {
  if (typeof entry === 'string') {
    // The URL may name any preset: an unknown one is an error, not undefined.
    const preset = Object.hasOwn(PRESETS, entry) ? PRESETS[entry] : undefined;
    if (!preset)
      throw new Error(`stand-in CCP: unknown contact preset "${entry}" (known: ${Object.keys(PRESETS).join(', ')})`);
    return { ...preset };
  }
  return entry;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One stand-in CCP: its configuration, the agent's chosen state, the contacts, and the protocol that reports them. */
class StandInCcpPage implements CcpCore {
  readonly config: StandInConfig;
  readonly identity: AgentIdentity;
  readonly book: ContactBook;
  readonly portId = crypto.randomUUID();
  readonly protocol: CcpProtocol;
  readonly api: StandInCcp;
  readonly ready: Promise<void>;
  #chosen: ChosenState = { name: 'Available', type: 'routable', id: 'available' };
  /** The agent state last reported, and since when (ms). */
  #state = { name: '', since: Date.now() };
  #lastSnapshot: unknown;
  /** What the API stand-in returned last time per contact, to apply only its changes. */
  readonly #seen = new WeakMap<HeldContact, Record<string, string>>();

  constructor(config: StandInConfig, upstream: Window) {
    this.config = config;
    this.identity = {
      config,
      switches: {
        noRoutingProfileArn: config.noRoutingProfileArn,
        noAgentArn: config.noAgentArn,
        noQueueArn: config.noQueueArn,
        garbledArns: false,
        locale: config.locale,
        languageOnly: false,
      },
    };
    const registration = new ApiRegistration({
      api: config.api,
      instance: config.instance,
      agentId: agentIdOf(config.agent),
      host: 'stand-in CCP',
      reportMissingApi: true,
    });
    this.book = new ContactBook(registration, { maxChats: MAX_CHATS, host: 'stand-in CCP' });
    this.protocol = new CcpProtocol(this, upstream);
    this.api = this.#scenario(() => this.ready);
    this.ready = this.#start().catch((error: unknown) => {
      console.error('stand-in CCP: failed to start', error);
    });
  }

  get latency(): number {
    return this.config.latency;
  }

  agentData(): ReturnType<typeof agentData> {
    const now = Date.now();
    const contacts = this.book.list();
    const state = agentState(this.identity, contacts, this.#chosen);
    if (state.name !== this.#state.name) this.#state = { name: state.name, since: now };
    return agentData({ ...this.identity, contacts, chosen: this.#chosen, state, stateSince: this.#state.since, now });
  }

  configuration(): Record<string, unknown> {
    return configuration(this.identity);
  }

  /** True while the agent is signed out (the page plays the login page). */
  get signedOut(): boolean {
    return this.protocol.silent;
  }

  postSnapshot(): void {
    if (this.signedOut) return;
    this.#lastSnapshot = this.agentData();
    this.protocol.send('agent::update', this.#lastSnapshot);
    renderCcp(
      `${this.config.agent} · ${this.#state.name || this.#chosen.name} · instance ${this.config.instance} (${this.config.region})`,
      this.book.list(),
      this.api,
    );
  }

  connectNow(contactId: string): void {
    const contact = this.book.find(contactId);
    if (!contact || !ContactBook.isRinging(contact)) return;
    this.book.setState(contact, 'connected');
    this.postSnapshot();
  }

  chooseState(state: ChosenState): void {
    this.#chosen = state;
  }

  /** Applies what changed in the API stand-in since the last look (a later write there wins). */
  async #reflect(): Promise<void> {
    if (!this.config.reflect) return;
    await Promise.all(
      this.book.list().map(async (contact) => {
        const stored = await this.book.registration.stored(contact);
        if (stored) applyStored(contact, stored, this.#seen);
      }),
    );
  }

  async #add(contact: HeldContact): Promise<string> {
    const id = await this.book.add(contact);
    this.postSnapshot();
    return id;
  }

  async #start(): Promise<void> {
    if (!this.config.api)
      console.error(
        'stand-in CCP: no Connect API stand-in configured (add ?api=<url> to the ccpUrl); contacts will not be registered and attributes will not be reflected.',
      );
    await this.book.addPresent(this.config.contacts.map(toInitial), this.config.monitoring);
    // What signOut()/signIn() decided last in this tab wins over the URL: Streams reloads the frame with the same URL.
    const kept = sessionStorage.getItem(SIGNED_OUT_KEY);
    this.protocol.silent = kept === null ? !this.config.signedIn : kept === 'true';
    // As the shared worker does for a new port: acknowledge with the port id, then the agent (ClientEngine onconnect).
    if (!this.signedOut) this.#acknowledge();
    setInterval(() => {
      void this.#reflect().then(() => this.postSnapshot());
    }, this.config.interval);
  }

  #acknowledge(): void {
    this.protocol.send('acknowledge', { id: this.portId });
    this.postSnapshot();
  }

  #signOut(): void {
    if (this.signedOut) return;
    sessionStorage.setItem(SIGNED_OUT_KEY, 'true');
    this.protocol.send('terminated');
    this.protocol.silent = true;
  }

  #signIn(): void {
    sessionStorage.setItem(SIGNED_OUT_KEY, 'false');
    if (!this.signedOut) return;
    this.protocol.silent = false;
    this.#acknowledge();
  }

  /** The scenario API; `ready` is read when asked (the page starts after the API exists). */
  #scenario(ready: () => Promise<void>): StandInCcp {
    const { book, config, identity } = this;
    const signedOut = (): boolean => this.signedOut;
    const make: ContactBook['make'] = (channel, state, options, extra) =>
      book.make(channel, state, options, { monitoring: config.monitoring, ...extra });
    const api: StandInCcp = {
      get config() {
        return { ...config, ...identity.switches };
      },
      get ready() {
        return ready();
      },
      ringCall: (options = {}) => this.#add(make('voice', 'connecting', options)),
      // A promise that rejects (rather than a throw) for a contact that is not ringing.
      missCall: (contactId) =>
        new Promise<void>((resolve) => {
          const contact = book.get(contactId);
          if (!ContactBook.isRinging(contact)) throw new Error(`stand-in CCP: ${contactId} is not ringing`);
          book.setState(contact, 'missed');
          this.postSnapshot();
          resolve();
        }),
      startChat: (options = {}) => this.#add(make('chat', 'connecting', options)),
      transferIn: (options = {}) =>
        this.#add(
          make(
            'voice',
            'connecting',
            { initialContactId: crypto.randomUUID(), ...options },
            { initiationMethod: 'transfer' },
          ),
        ),
      monitor: (options = {}) =>
        this.#add(make('voice', 'connected', options, { monitoring: true, initiationMethod: 'monitor' })),
      accept: async (contactId) => {
        book.get(contactId);
        this.protocol.send('contact::accepted', { contactId });
        this.protocol.send(`contact::accepted::${contactId}`, { contactId });
        await wait(config.latency);
        this.connectNow(contactId);
      },
      connect: (contactId) => api.accept(contactId),
      hangUp: async (contactId) => {
        const contact = book.get(contactId);
        book.setState(contact, 'ended');
        this.postSnapshot();
        await book.registerDisconnect(contact);
      },
      clear: async (contactId) => {
        const contact = book.get(contactId);
        book.remove(contactId);
        this.postSnapshot();
        await book.registerClosed(contact);
      },
      view: (contactId) => this.protocol.send('contact::view', { contactId }),
      setMonitoring: (on) => {
        config.monitoring = on;
      },
      setReflection: (on) => {
        config.reflect = on;
      },
      setAgentConfig: (patch: AgentConfigPatch) => {
        Object.assign(identity.switches, patch);
        this.postSnapshot();
      },
      setFlowAttributes: (contactId, attributes) => {
        // The attributes change at once (the registration follows): the snapshot shows them.
        void book.setFlowAttributes(book.get(contactId), attributes);
        this.postSnapshot();
      },
      refreshAttributes: async () => {
        await this.#reflect();
        this.postSnapshot();
      },
      contacts: () => book.copies(),
      snapshot: () => this.#lastSnapshot,
      postSnapshot: () => this.postSnapshot(),
      apiRequests: () => [...this.protocol.requests],
      upstreamEvents: () => [...this.protocol.upstreamEvents],
      configurations: () => [...this.protocol.configurations],
      signOut: () => this.#signOut(),
      signIn: () => this.#signIn(),
      get signedOut() {
        return signedOut();
      },
    };
    return api;
  }
}

/** Applies the stored attributes that changed since `seen` last recorded them (a later write in the API stand-in wins). */
function applyStored(
  contact: HeldContact,
  stored: Record<string, string>,
  seen: WeakMap<HeldContact, Record<string, string>>,
): void {
  const last = seen.get(contact) ?? {};
  for (const [key, value] of Object.entries(stored)) {
    if (last[key] === value) continue;
    last[key] = value;
    contact.attributes[key] = value;
  }
  seen.set(contact, last);
}

const page = new StandInCcpPage(parseConfig(location.search), window.parent);
window.addEventListener('message', (event: MessageEvent<unknown>) => page.protocol.onMessage(event));
(window as Window & { standInCcp?: StandInCcp }).standInCcp = page.api;
