/**
 * The stand-in workspace's contacts and how they move: the stand-in CCP's model (demo/ccp/contacts.ts: ContactBook,
 * registered with the Connect API stand-in as they arrive, hang up and close), the contact the agent has in front,
 * and the lifecycle events each change publishes, with the data `{contactId, initialContactId, type, subtype}`
 * (contact/lib/types.d.ts BaseContactLifecycleEvent, or only `{contactId}` with eventData 'contact-id') and the topic
 * keys of contact/lib-esm/topic-keys.js. Where the events go (the frames) is the workspace's (host.ts).
 */
import { agentIdOf, agentNameOf, ApiRegistration, ContactBook, type HeldContact } from '../ccp/contacts.ts';
import {
  DEFAULT_ACCOUNT,
  DEFAULT_INSTANCE_ID,
  type ContactOptions,
  type InitialContact,
  type StandInContact,
} from '../ccp/scenario.ts';
import { coreData, participants, type ContactAnswerHost } from './contact-answers.ts';
import { NAMESPACE_CONTACT } from './permissions.ts';

/** The contacts' side of the workspace's configuration. */
export interface ScenarioOptions {
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

export abstract class ContactScenario {
  readonly api: string | undefined;
  readonly region: string;
  readonly account: string;
  readonly instance: string;
  readonly agent: string;
  readonly latency: number;
  /** Resolves once the contacts present at start are registered with the API stand-in. */
  readonly ready: Promise<void>;
  readonly #book: ContactBook;
  readonly #listeners = new Set<() => void>();
  readonly #eventData: 'full' | 'contact-id';
  #active: string | undefined;

  constructor(options: ScenarioOptions) {
    this.api = options.api?.replace(/\/+$/, '');
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? DEFAULT_ACCOUNT;
    this.instance = options.instance ?? DEFAULT_INSTANCE_ID;
    this.agent = options.agent ?? 'agent.smith';
    this.latency = options.latency ?? 0;
    this.#eventData = options.eventData ?? 'full';
    const registration = new ApiRegistration({
      api: this.api,
      instance: this.instance,
      agentId: this.agentId(),
      host: 'stand-in workspace',
    });
    this.#book = new ContactBook(registration, { maxChats: MAX_CHATS, host: 'stand-in workspace' });
    this.ready = this.#book.addPresent(options.contacts ?? []).then(() => {
      this.#active = this.#book.list().at(-1)?.contactId;
      this.changed();
    });
  }

  /** Publishes one event to every frame subscribed to it (`contactId`: the contact it is about). */
  protected abstract publish(namespace: string, key: string, data: object, contactId?: string): void;

  /** The contact is gone: its apps close. */
  protected abstract contactGone(contactId: string): Promise<void>;

  /** The agent views a contact: its app, if open, comes to the front. */
  protected abstract contactViewed(contactId: string): void;

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
    this.contactViewed(contactId);
    this.changed();
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
    this.changed();
    await this.#book.registerDisconnect(contact);
  }

  /**
   * The agent closes the contact (after-contact work done, or a missed contact dismissed): cleared. Resolves once
   * its apps closed too, unless `apps: 'background'` (an app's own ContactClient.clear is answered once the contact
   * is gone: that app is one of those closing, and its frame goes).
   */
  async clear(contactId: string, options: { apps?: 'wait' | 'background' } = {}): Promise<void> {
    const contact = this.#book.get(contactId);
    await this.#book.registerClosed(contact);
    const closing = this.#remove(contact);
    if (options.apps !== 'background') await closing;
  }

  /** Sets attributes as a contact flow would: on the contact, and in the API stand-in when it is registered there. */
  async setFlowAttributes(contactId: string, attributes: Record<string, string>): Promise<void> {
    await this.#book.setFlowAttributes(this.#book.get(contactId), attributes);
    this.changed();
  }

  /** The agent's ARN (its user id is the last part). */
  agentArn(): string {
    return `${this.#instanceArn()}/agent/${this.agentId()}`;
  }

  /** The agent's user id. */
  agentId(): string {
    return agentIdOf(this.agent);
  }

  /** What the contact namespace's answers read (contact-answers.ts). */
  protected answerHost(): ContactAnswerHost {
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
      clear: (contactId) => this.clear(contactId, { apps: 'background' }),
    };
  }

  /** Tells the listeners something changed. */
  protected changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  #instanceArn(): string {
    return `arn:aws:connect:${this.region}:${this.account}:instance/${this.instance}`;
  }

  #publishContact(contact: HeldContact, keys: readonly string[]): void {
    const data = this.#eventData === 'contact-id' ? { contactId: contact.contactId } : coreData(contact);
    for (const key of keys) this.publish(NAMESPACE_CONTACT, key, data, contact.contactId);
  }

  /** The customer's participant disconnects (contact/lib/types.d.ts ParticipantDisconnected, ParticipantStateChanged). */
  #publishParticipantGone(contact: HeldContact): void {
    const [, customer] = participants(contact);
    this.publish(
      NAMESPACE_CONTACT,
      'contact/participantStateChanged',
      {
        participantId: customer['participantId'],
        contactId: contact.contactId,
        state: { value: 'disconnected' },
      },
      contact.contactId,
    );
    this.publish(NAMESPACE_CONTACT, 'contact/participantDisconnected', { participant: customer }, contact.contactId);
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
    this.changed();
    return contact.contactId;
  }

  #setState(contact: HeldContact, state: HeldContact['state'], keys: readonly string[]): void {
    this.#book.setState(contact, state);
    this.#publishContact(contact, keys);
    this.changed();
  }

  /** The contact is gone: cleared and destroyed to every frame at once; resolves once its apps closed. */
  #remove(contact: HeldContact): Promise<void> {
    this.#book.remove(contact.contactId);
    if (this.#active === contact.contactId) this.#active = this.#book.list().at(-1)?.contactId;
    this.#publishContact(contact, ['contact/cleared', 'contact/destroy']);
    this.changed();
    return this.contactGone(contact.contactId);
  }
}
