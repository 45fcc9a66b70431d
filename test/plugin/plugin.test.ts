// createCcpAttributes over a minimal fake of the Streams global (the tracker's Streams adapter reads only
// its public surface), with an in-memory outbox store, and the real SDK against the Connect API stand-in.
import { expect } from '@open-wc/testing';
import { contactKeyOf, MemoryOutboxStore, type OutboxEntry } from '../../src/outbox/index.ts';
import { createCcpAttributes, type CcpAttributesPlugin } from '../../src/plugin.ts';
import type { ContactSource, SourceContact, SourceSink } from '../../src/tracker/source.ts';
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
    core: {
      initialized: true,
      getEventBus: () => ({ subscribe }),
      onViewContact: (handler: Handler) => subscribe('contact::view', handler),
    },
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
      configuration = {
        username: 'jdoe',
        name: 'Jane Doe',
        agentARN,
        routingProfile: { name: 'Basic', routingProfileARN: agentARN.replace(/agent\/.*/, 'routing-profile/rp1') },
      };
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
  let plugin: CcpAttributesPlugin | undefined;
  afterEach(() => {
    plugin?.dispose();
    plugin = undefined;
  });

  it('sends a write replayed after a reload to the region it was queued with, once Streams names the agent', async () => {
    const config = await standInConfig();
    const instanceId = crypto.randomUUID();
    const contactId = newContactId();
    await registerContacts([
      { instanceId, contactId, initialContactId: contactId, startedAt: new Date().toISOString() },
    ]);
    // What the outbox of the page before the reload left in the store: an agent's write, due now, with its region.
    const store = new MemoryOutboxStore();
    const ref: ContactRef = { contactId, initialContactId: contactId, instanceId, region: config.region };
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
    // The queue belongs to the agent the host names: nothing is sent before (the write waits in the store).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await storedAttributes(instanceId, contactId)).to.deep.equal({});
    // The agent's ARN names another instance: the write still goes to the region it was queued with.
    fake.initAgent('arn:aws:connect:eu-west-2:123456789012:instance/other/agent/a1');
    await until(async () => (await storedAttributes(instanceId, contactId))?.['Note'], 'the replayed write to land');
    await until(() => outbox.state.pending === 0, 'the replayed write to settle');
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
        // A typo in rules given as JSON text (the types refuse it in objects; JSON is checked when parsed).
        rules: '[{"on": "not-an-event", "set": {"a": "b"}}]',
      });
    } catch (caught) {
      error = caught;
    }
    expect((error as Error | undefined)?.name).to.equal('TagRuleError');
    expect(fake.subscriptions()).to.equal(0);
  });

  it('records a landed write in the tracker once, whether a rule or the agent wrote it', async () => {
    const config = await standInConfig();
    const instanceId = crypto.randomUUID();
    const contactId = newContactId();
    await registerContacts([
      { instanceId, contactId, initialContactId: contactId, startedAt: new Date().toISOString() },
    ]);
    const fake = fakeStreams();
    plugin = await createCcpAttributes({
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      endpoint: config.url,
      tracker: { streams: fake.streams },
      outbox: { store: new MemoryOutboxStore(), debounceMs: 0 },
      rules: [{ on: 'connected', set: { Tagged: 'yes' } }],
    });
    const recorded: Record<string, string>[] = [];
    const record = plugin.tracker.recordWrite.bind(plugin.tracker);
    plugin.tracker.recordWrite = (initialContactId, attributes) => {
      recorded.push({ ...attributes });
      record(initialContactId, attributes);
    };
    fake.initAgent(`arn:aws:connect:${config.region}:123456789012:instance/${instanceId}/agent/a1`);
    fake.connect(contactId);
    await until(() => plugin!.tracker.contacts.get(contactId)?.attributes['Tagged'] === 'yes', 'the rule to land');
    await plugin.write({ Note: 'hello' }, { contactId });
    expect(plugin.tracker.contacts.get(contactId)?.attributes).to.deep.equal({ Tagged: 'yes', Note: 'hello' });
    expect(recorded).to.deep.equal([{ Tagged: 'yes' }, { Note: 'hello' }]);
    expect(await storedAttributes(instanceId, contactId)).to.deep.equal({ Tagged: 'yes', Note: 'hello' });
  });

  it('takes another host of contacts as `source` (as the agent workspace app does): rules and writes over it, stopped on dispose', async () => {
    const config = await standInConfig();
    const instanceId = crypto.randomUUID();
    const contactId = newContactId();
    await registerContacts([
      { instanceId, contactId, initialContactId: contactId, startedAt: new Date().toISOString() },
    ]);
    const contact: SourceContact = {
      contactId,
      initialContactId: contactId,
      type: 'chat',
      state: 'connected',
      queue: undefined,
      attributes: {},
      monitoring: false,
    };
    let sink: SourceSink | undefined;
    let stopped = 0;
    const source: ContactSource = {
      start: (given) => void (sink = given),
      stop: () => {
        stopped++;
      },
      listContacts: () => [contact],
      readContact: (id) => (id === contactId ? contact : undefined),
      readAgent: () => undefined,
    };
    const fake = fakeStreams();
    plugin = await createCcpAttributes({
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      endpoint: config.url,
      source,
      tracker: { streams: fake.streams },
      outbox: { store: new MemoryOutboxStore(), debounceMs: 0 },
      rules: [{ on: 'connected', set: { Tagged: 'yes' } }],
    });
    expect(fake.subscriptions(), 'Streams is not touched').to.equal(0);
    sink!.agent({
      username: '',
      name: 'Agent Smith',
      arn: `arn:aws:connect:${config.region}:123456789012:instance/${instanceId}/agent/a1`,
      routingProfile: undefined,
    });
    sink!.contact({ type: 'connected', contactId, contact });
    await until(() => plugin!.tracker.contacts.get(contactId)?.attributes['Tagged'] === 'yes', 'the rule to land');
    await plugin.write({ Note: 'from the workspace' });
    expect(await storedAttributes(instanceId, contactId)).to.deep.equal({ Tagged: 'yes', Note: 'from the workspace' });
    plugin.dispose();
    plugin = undefined;
    expect(stopped).to.equal(1);
  });
});
