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
  const agent = Object.assign((handler: Handler) => subscribe('agent::init', handler), { initialized: false });
  const streams = {
    core: { initialized: true, getEventBus: () => ({ subscribe }), onViewContact: (handler: Handler) => subscribe('contact::view', handler) },
    agent,
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
});
