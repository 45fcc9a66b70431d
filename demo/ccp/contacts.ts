/**
 * The contact model both stand-in hosts hold (the stand-in CCP, demo/ccp/ccp.ts, and the stand-in workspace,
 * demo/workspace/host.ts): the agent's contacts, their states and their registration with the Connect API stand-in,
 * which owns their attributes. Each host turns this state into its own protocol (Streams snapshots, SDK events).
 */
import type { ContactChannel, ContactRecord } from '../connect-api/types.ts';
import type { ContactOptions, InitialContact, StandInChannel, StandInContact, StandInState } from './scenario.ts';

/** One contact as a host holds it: the scenario's view plus what the hosts' protocols need. */
export interface HeldContact extends StandInContact {
  /** When the state last changed (ms); strictly increasing per contact, as Streams sorts contacts on it. */
  stateAt: number;
  /** Streams' initiationMethod: 'inbound', 'transfer', 'monitor'. */
  initiationMethod: string;
  /** The agent's and the customer's connection (participant) ids. */
  agentConnectionId: string;
  customerConnectionId: string;
}

/** The channel DescribeContact reports for each stand-in channel. */
const API_CHANNELS: Readonly<Record<StandInChannel, ContactChannel>> = { voice: 'VOICE', chat: 'CHAT', task: 'TASK' };

/** Where and as whom contacts are registered. */
export interface RegistrationOptions {
  /** URL of the Connect API stand-in; without it contacts stay unregistered (`registered: false`). */
  api: string | undefined;
  instance: string;
  /** The agent's Amazon Connect user id (DescribeContact's AgentInfo.Id). */
  agentId: string;
  /** Names the host in console lines ('stand-in CCP'). */
  host: string;
  /** Says so in the console when there is no API stand-in (the CCP does; the workspace runs without one in tests). */
  reportMissingApi?: boolean;
}

/** The contacts' side in the Connect API stand-in: registering them as Connect knows them, reading their attributes. */
export class ApiRegistration {
  readonly #options: RegistrationOptions;

  constructor(options: RegistrationOptions) {
    this.#options = { ...options, api: options.api?.replace(/\/+$/, '') };
  }

  get api(): string | undefined {
    return this.#options.api;
  }

  /**
   * Registers the contact with its agent, channel and chain, plus `extra` (the flow's attributes on arrival, the
   * disconnect on hang-up, the end of after-contact work on close). Sets `contact.registered`; never throws.
   */
  async register(
    contact: HeldContact,
    extra: Partial<ContactRecord> = { attributes: contact.attributes },
  ): Promise<void> {
    const { api, instance, agentId, host } = this.#options;
    if (!api) {
      contact.registered = false;
      if (this.#options.reportMissingApi) {
        console.error(
          `${host}: no Connect API stand-in configured; contact ${contact.contactId} is NOT registered, so UpdateContactAttributes for it will fail.`,
        );
      }
      return;
    }
    const transferred = contact.initialContactId !== contact.contactId;
    const record: ContactRecord = {
      instanceId: instance,
      contactId: contact.contactId,
      initialContactId: contact.initialContactId,
      ...(transferred ? { previousContactId: contact.initialContactId } : {}),
      startedAt: contact.startedAt.toISOString(),
      agentId,
      channel: API_CHANNELS[contact.channel],
      // The queue id of the snapshot's queue ARN (snapshot.ts), so SearchContacts and DescribeQueue name it.
      ...(contact.monitoring ? {} : { queueId: queueIdOf(contact.queueName), queueName: contact.queueName }),
      ...extra,
    };
    try {
      const response = await fetch(`${api}/_standin/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([record]),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${await response.text().catch(() => '')}`);
      contact.registered = true;
    } catch (error) {
      contact.registered = false;
      console.error(
        `${host}: registering contact ${contact.contactId} with the Connect API stand-in at ${api} FAILED:`,
        error,
      );
    }
  }

  /** The attributes the API stand-in stores for the contact's chain; undefined without an API or a stored chain. */
  async stored(contact: HeldContact): Promise<Record<string, string> | undefined> {
    const { api, instance, host } = this.#options;
    if (!api || contact.monitoring) return undefined;
    const url = `${api}/_standin/attributes/${encodeURIComponent(instance)}/${encodeURIComponent(contact.initialContactId)}`;
    try {
      const response = await fetch(url);
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return ((await response.json()) as { attributes?: Record<string, string> }).attributes ?? {};
    } catch (error) {
      console.error(`${host}: reading the attributes of ${contact.contactId} from ${url} failed:`, error);
      return undefined;
    }
  }
}

/** The id of a queue the stand-in names (the last part of its ARN in snapshot.ts). */
export function queueIdOf(name: string): string {
  return `q-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** The agent's Amazon Connect user id for a login name: the last part of its agent ARN. */
export function agentIdOf(agent: string): string {
  return `agent-${agent.replace(/[^A-Za-z0-9-]/g, '-')}`;
}

/** The agent's display name for a login name: `agent.smith` -> `Agent Smith`. */
export function agentNameOf(agent: string): string {
  return agent
    .split(/[._-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(' ');
}

/** The agent's contacts, in arrival order, and what happens to them; registered with the API stand-in as they change. */
export class ContactBook {
  readonly registration: ApiRegistration;
  readonly #contacts = new Map<string, HeldContact>();
  readonly #maxChats: number;
  readonly #host: string;

  constructor(registration: ApiRegistration, options: { maxChats: number; host: string }) {
    this.registration = registration;
    this.#maxChats = options.maxChats;
    this.#host = options.host;
  }

  /** A new contact (not yet added). */
  make(
    channel: StandInChannel,
    state: StandInState,
    options: ContactOptions,
    extra: Partial<HeldContact> = {},
  ): HeldContact {
    const contactId = options.contactId ?? crypto.randomUUID();
    const initialContactId = options.initialContactId ?? contactId;
    return {
      contactId,
      initialContactId,
      channel,
      state,
      stateAt: Date.now(),
      monitoring: false,
      queueName: options.queueName ?? 'BasicQueue',
      attributes: { ...options.attributes },
      startedAt: options.startedAt ?? new Date(),
      registered: undefined,
      initiationMethod: initialContactId !== contactId ? 'transfer' : 'inbound',
      agentConnectionId: crypto.randomUUID(),
      customerConnectionId: crypto.randomUUID(),
      ...extra,
    };
  }

  /**
   * Contacts present before the host starts (the agent signed in with them): started a minute ago, a second apart,
   * each registered as Connect knows it (one in after-contact work with its disconnect time).
   */
  async addPresent(initials: readonly InitialContact[], monitoringDefault = false): Promise<void> {
    const base = Date.now() - 60_000;
    for (const [index, initial] of initials.entries()) {
      const monitoring = initial.monitoring ?? monitoringDefault;
      const contact = this.make(
        initial.channel ?? 'voice',
        initial.state,
        { startedAt: new Date(base + index * 1000), ...initial },
        {
          stateAt: base + index * 1000 + 500,
          monitoring,
          ...(monitoring ? { initiationMethod: 'monitor' } : {}),
        },
      );
      const disconnected = contact.state === 'ended' ? { disconnectedAt: new Date(contact.stateAt).toISOString() } : {};
      await this.add(contact, { attributes: contact.attributes, ...disconnected });
    }
  }

  /** Registers the contact (it exists in Connect before it reaches the agent), then holds it. */
  async add(contact: HeldContact, extra?: Partial<ContactRecord>): Promise<string> {
    if (this.#contacts.has(contact.contactId))
      throw new Error(`${this.#host}: contact ${contact.contactId} already exists`);
    if (contact.channel === 'chat' && this.list().filter((c) => c.channel === 'chat').length >= this.#maxChats) {
      throw new Error(
        `${this.#host}: at most ${this.#maxChats} concurrent chats (the routing profile's chat concurrency)`,
      );
    }
    await this.registration.register(contact, extra);
    this.#contacts.set(contact.contactId, contact);
    return contact.contactId;
  }

  has(contactId: string): boolean {
    return this.#contacts.has(contactId);
  }

  /** The contact, or undefined. */
  find(contactId: string): HeldContact | undefined {
    return this.#contacts.get(contactId);
  }

  /** The contact; throws when there is none. */
  get(contactId: string): HeldContact {
    const contact = this.#contacts.get(contactId);
    if (!contact) throw new Error(`${this.#host}: no contact ${contactId}`);
    return contact;
  }

  /** The contacts in arrival order (the held objects). */
  list(): HeldContact[] {
    return [...this.#contacts.values()];
  }

  /** Copies of the contacts, as the scenario API hands them out. */
  copies(): StandInContact[] {
    return this.list().map((c) => ({
      contactId: c.contactId,
      initialContactId: c.initialContactId,
      channel: c.channel,
      state: c.state,
      monitoring: c.monitoring,
      queueName: c.queueName,
      attributes: { ...c.attributes },
      startedAt: new Date(c.startedAt),
      registered: c.registered,
    }));
  }

  static isRinging(contact: HeldContact): boolean {
    return contact.state === 'connecting' || contact.state === 'incoming';
  }

  setState(contact: HeldContact, state: StandInState): void {
    contact.state = state;
    contact.stateAt = Math.max(Date.now(), contact.stateAt + 1);
  }

  /** Drops the contact; returns it, or undefined when it was not held. */
  remove(contactId: string): HeldContact | undefined {
    const contact = this.#contacts.get(contactId);
    this.#contacts.delete(contactId);
    return contact;
  }

  /** Tells the API stand-in the customer hung up (the agent is in after-contact work from now). */
  async registerDisconnect(contact: HeldContact): Promise<void> {
    if (contact.registered) await this.registration.register(contact, { disconnectedAt: new Date().toISOString() });
  }

  /** Tells the API stand-in the agent closed the contact after its after-contact work. */
  async registerClosed(contact: HeldContact): Promise<void> {
    if (contact.registered && contact.state === 'ended')
      await this.registration.register(contact, { afterContactWorkEndedAt: new Date().toISOString() });
  }

  /** Flow attributes set on the contact and, when registered, in the API stand-in. */
  async setFlowAttributes(contact: HeldContact, attributes: Record<string, string>): Promise<void> {
    Object.assign(contact.attributes, attributes);
    if (contact.registered) await this.registration.register(contact, { attributes });
  }
}
