// A fake contact tracker (ContactTrackerLike) whose events the tests emit by hand.
import type {
  AgentInfo,
  ContactEventType,
  ContactModel,
  ContactTrackerLike,
  TrackerEventMap,
  TrackerEventType,
} from '../../src/tracker/types.ts';
import type { Attributes } from '../../src/validate.ts';

export const agent: AgentInfo = {
  username: 'jdoe',
  name: 'Jane Doe',
  arn: 'arn:aws:connect:us-east-1:123456789012:instance/inst-1/agent/a1',
  routingProfile: { name: 'Basic', arn: 'arn:aws:connect:us-east-1:123456789012:instance/inst-1/routing-profile/rp1' },
};

/** A contact model with sensible defaults. */
export function model(contactId: string, overrides: Partial<ContactModel> = {}): ContactModel {
  return {
    contactId,
    initialContactId: contactId,
    instanceId: 'inst-1',
    region: 'us-east-1',
    arnSource: 'routing-profile',
    instanceError: undefined,
    channel: 'voice',
    state: 'connected',
    queue: { name: 'Sales', arn: 'arn:aws:connect:us-east-1:123456789012:instance/inst-1/queue/q1' },
    attributes: {},
    monitoring: false,
    ended: false,
    ...overrides,
  };
}

export class FakeTracker implements ContactTrackerLike {
  agent: AgentInfo | undefined = agent;
  contacts = new Map<string, ContactModel>();
  viewed: ContactModel | undefined;
  readonly recorded: { initialContactId: string; attributes: Attributes }[] = [];
  readonly #listeners = new Map<TrackerEventType, Set<(event: never) => void>>();

  on<K extends TrackerEventType>(type: K, listener: (event: TrackerEventMap[K]) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  listenerCount(): number {
    return [...this.#listeners.values()].reduce((n, set) => n + set.size, 0);
  }

  /** Emits a lifecycle event for a contact. */
  emit(type: ContactEventType, contact: ContactModel, at: Date = new Date()): void {
    this.contacts.set(contact.contactId, contact);
    for (const listener of this.#listeners.get(type) ?? [])
      (listener as (event: TrackerEventMap[typeof type]) => void)({ type, contact, agent: this.agent, at });
  }

  recordWrite(initialContactId: string, attributes: Readonly<Attributes>): void {
    this.recorded.push({ initialContactId, attributes: { ...attributes } });
  }

  dispose(): void {
    this.#listeners.clear();
  }
}
