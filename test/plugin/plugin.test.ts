// createCcpAttributes over a minimal fake of the Streams global (the tracker's Streams adapter reads only
// its public surface), with an in-memory outbox store, and the real SDK against the Connect API stand-in.
import { expect } from '@open-wc/testing';
import { contactKeyOf, MemoryOutboxStore, type OutboxEntry } from '../../src/outbox/index.ts';
import { createCcpAttributes, type CcpAttributes } from '../../src/plugin.ts';
import type { StreamsGlobal } from '../../src/tracker/streams-source.ts';
import type { ContactRef } from '../../src/writer.ts';
import { newContactId, registerContacts, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { until } from '../tracker/helpers.ts';

type Handler = (data: unknown) => void;

/** The part of the Streams global the adapter uses, with an agent that can be initialised later. */
function fakeStreams() {
  const handlers = new Map<string, Set<Handler>>();
  const subscribe = (event: string, handler: Handler) => {
    let set = handlers.get(event);
    if (!set) handlers.set(event, (set = new Set()));
    set.add(handler);
    return { unsubscribe: () => void set.delete(handler) };
  };
  let configuration: object | undefined;
  /** Contacts in Streams' snapshot: id -> initial contact id. */
  const contacts = new Map<string, string>();
  class Contact {
    readonly #id: string;
    constructor(id: string) {
      this.#id = id;
    }
    #initial(): string {
      const initial = contacts.get(this.#id);
      if (initial === undefined) throw new Error('not in the snapshot');
      return initial;
    }
    getContactId() {
      return this.#id;
    }
    getInitialContactId() {
      return this.#initial();
    }
    getType() {
      return 'voice';
    }
    getState() {
      this.#initial();
      return { type: 'connected' };
    }
    getQueue() {
      return { name: 'Sales', queueARN: '' };
    }
    getAttributes() {
      return {};
    }
    getAgentConnection() {
      return { getType: () => 'agent' };
    }
  }
  const agent = Object.assign((handler: Handler) => subscribe('agent::init', handler), { initialized: false });
  const streams = {
    core: { initialized: true, getEventBus: () => ({ subscribe }), onViewContact: (handler: Handler) => subscribe('contact::view', handler) },
    agent,
    Contact,
    Agent: class {
      getConfiguration() {
        return configuration;
      }
      getContacts() {
        return [];
      }
    },
  };
  return {
    streams: streams as unknown as StreamsGlobal,
    /** Subscriptions still in place. */
    subscriptions: () => [...handlers.values()].reduce((n, set) => n + set.size, 0),
    /** Streams' first agent snapshot arrives. */
    initAgent(agentARN: string) {
      configuration = { username: 'jdoe', name: 'Jane Doe', agentARN, routingProfile: { name: 'Basic', routingProfileARN: agentARN.replace(/agent\/.*/, 'routing-profile/rp1') } };
      agent.initialized = true;
      for (const handler of handlers.get('agent::init') ?? []) handler(undefined);
    },
    /** Streams reports a connected contact. */
    connect(contactId: string, initialContactId = contactId) {
      contacts.set(contactId, initialContactId);
      for (const handler of handlers.get('contact::connected') ?? []) handler({ contactId });
    },
    /** Streams destroys a contact. */
    destroy(contactId: string) {
      contacts.delete(contactId);
      for (const handler of handlers.get('contact::destroyed') ?? []) handler({ contactId });
    },
  };
}

describe('createCcpAttributes', () => {
  let plugin: CcpAttributes | undefined;
  afterEach(() => {
    plugin?.dispose();
    plugin = undefined;
  });

  it('sends a write replayed after a reload once Streams reports the agent, instead of keeping it as a failure', async () => {
    const config = await standInConfig();
    const instanceId = crypto.randomUUID();
    const contactId = newContactId();
    await registerContacts([{ instanceId, contactId, initialContactId: contactId, startedAt: new Date().toISOString() }]);
    // What the outbox of the page before the reload left in the store: an agent's write, due now.
    const store = new MemoryOutboxStore();
    const ref: ContactRef = { contactId, initialContactId: contactId, instanceId };
    const key = contactKeyOf(ref);
    await store.update(key, (_, revision): OutboxEntry => ({
      id: key,
      contactKey: key,
      contact: ref,
      attributes: { Note: 'before the reload' },
      revisions: { Note: revision },
      origin: 'agent',
      revision,
      attempts: 0,
      createdAt: Date.now(),
      updatedAt: Date.now(),
      dueAt: Date.now(),
      notBefore: 0,
      failed: false,
    }));
    const fake = fakeStreams();
    plugin = await createCcpAttributes({
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      endpoint: config.url,
      tracker: { streams: fake.streams },
      outbox: { store },
    });
    const outbox = plugin.outbox!;
    await outbox.ready;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(outbox.failures()).to.deep.equal([]);
    fake.initAgent(`arn:aws:connect:${config.region}:123456789012:instance/${instanceId}/agent/a1`);
    await until(() => outbox.state.pending === 0, 'the replayed write to land');
    expect(outbox.failures()).to.deep.equal([]);
    expect(await storedAttributes(instanceId, contactId)).to.deep.equal({ Note: 'before the reload' });
  });

  it('undoes what it set up when the setup fails (bad rules): no Streams subscription is left behind', async () => {
    const fake = fakeStreams();
    let error: unknown;
    try {
      plugin = await createCcpAttributes({
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
        tracker: { streams: fake.streams },
        outbox: { store: new MemoryOutboxStore() },
        rules: [{ on: 'not-an-event', set: { a: 'b' } }],
      });
    } catch (caught) {
      error = caught;
    }
    expect((error as Error | undefined)?.name).to.equal('TagRuleError');
    expect(fake.subscriptions()).to.equal(0);
  });

  it('lets the outbox forget a destroyed contact once its writes (a rule on destroyed among them) landed', async () => {
    const config = await standInConfig();
    const instanceId = crypto.randomUUID();
    const contactId = newContactId();
    const transferred = newContactId();
    await registerContacts([
      { instanceId, contactId, initialContactId: contactId, startedAt: new Date().toISOString() },
      { instanceId, contactId: transferred, initialContactId: contactId, startedAt: new Date().toISOString() },
    ]);
    const fake = fakeStreams();
    plugin = await createCcpAttributes({
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      endpoint: config.url,
      tracker: { streams: fake.streams },
      outbox: { store: new MemoryOutboxStore(), debounceMs: 0 },
      rules: [{ on: 'destroyed', set: { Wrapped: 'yes' } }],
    });
    const outbox = plugin.outbox!;
    await outbox.ready;
    const log: string[] = [];
    outbox.on('landed', ({ contact }) => log.push(`landed ${contact.contactId}`));
    const forget = outbox.forget.bind(outbox);
    outbox.forget = (ref) => {
      const forgot = forget(ref);
      log.push(`forget ${ref.contactId}: ${forgot}`);
      return forgot;
    };
    fake.initAgent(`arn:aws:connect:${config.region}:123456789012:instance/${instanceId}/agent/a1`);
    fake.connect(contactId);
    fake.connect(transferred, contactId);
    await until(() => plugin!.tracker.contacts.size === 2, 'the tracker to report both contacts');
    const write = plugin.write({ Note: 'hello' }, { contactId });
    // Destroyed with its write (and the rule's) not landed: nothing is forgotten yet.
    fake.destroy(contactId);
    // The transfer shares the initial contact id, hence the outbox's entry: not forgotten while it is tracked.
    await write;
    await until(() => outbox.state.pending === 0, 'the writes to land');
    expect(log.filter((line) => line.startsWith('forget') && line.endsWith('true'))).to.deep.equal([]);
    fake.destroy(transferred);
    await until(() => log.some((line) => line.endsWith('true')), 'the outbox to forget the contact');
    expect(log.filter((line) => line.endsWith('true'))).to.deep.equal([`forget ${transferred}: true`]);
    // Tried when Streams destroyed it (the rule's write on its way: refused), forgotten only after that write landed.
    expect(log.indexOf(`forget ${transferred}: false`)).to.be.greaterThan(-1);
    expect(log.indexOf(`forget ${transferred}: true`)).to.be.greaterThan(log.lastIndexOf(`landed ${transferred}`));
    expect(log.lastIndexOf(`landed ${transferred}`)).to.be.greaterThan(log.indexOf(`forget ${transferred}: false`));
    expect(await storedAttributes(instanceId, contactId)).to.deep.equal({ Note: 'hello', Wrapped: 'yes' });
  });
});
