// The IndexedDB schema's upgrade from version 1 (entries without owners, no landed records): a user's pending writes
// and kept failures survive it, the first agent named adopts them, and the queued write is sent.
import { expect } from '@open-wc/testing';
import { deleteDB, openDB } from 'idb';
import { openIdbOutboxStore, Outbox, OUTBOX_DB_VERSION, type OutboxEntry } from '../../src/outbox/index.ts';
import { until } from '../helpers/until.ts';
import { contact, ScriptedSender } from './fakes.ts';

const AGENT = 'arn:aws:connect:us-east-1:111122223333:instance/inst-1/agent/agent-a';

/** An entry as version 1 stored it: no owner, the live entry's id is the contact's. */
function v1Entry(id: string, overrides: Partial<OutboxEntry>): OutboxEntry {
  return {
    id,
    contactKey: 'inst-1/c1',
    contact: contact('c1'),
    attributes: {},
    revisions: {},
    queuedAt: {},
    origin: 'agent',
    revision: 1,
    attempts: 0,
    createdAt: Date.now(),
    updatedAt: Date.now(),
    dueAt: Date.now(),
    notBefore: 0,
    failed: false,
    ...overrides,
  };
}

describe('IndexedDB outbox store: upgrade from version 1', () => {
  let name: string;
  beforeEach(() => {
    name = `outbox-upgrade-${crypto.randomUUID()}`;
  });
  afterEach(() => deleteDB(name));

  it('keeps the queued write and the kept failure; the agent named adopts, sends and shows them', async () => {
    const old = await openDB(name, 1, {
      upgrade(database) {
        database.createObjectStore('entries', { keyPath: 'id' });
        database.createObjectStore('markers', { keyPath: 'id' });
        database.createObjectStore('meta');
      },
    });
    const now = Date.now();
    await old.put(
      'entries',
      v1Entry('inst-1/c1', {
        attributes: { Note: 'queued' },
        revisions: { Note: 2 },
        queuedAt: { Note: now },
        revision: 2,
      }),
    );
    await old.put(
      'entries',
      v1Entry('inst-1/c1#failed:1', {
        attributes: { Bad: 'x' },
        revisions: { Bad: 1 },
        failed: true,
        lastError: { kind: 'validation', message: 'refused', status: 400 },
      }),
    );
    await old.put('meta', 2, 'revision');
    old.close();

    const store = await openIdbOutboxStore(name);
    const connect = new ScriptedSender();
    const outbox = new Outbox({ store, sender: connect.send, agent: AGENT, rate: { ratePerSecond: 100, burst: 100 } });
    try {
      await until(() => connect.requests.length > 0, 'the queued write sent');
      expect(connect.requests.map((request) => request.attributes)).to.deep.equal([{ Note: 'queued' }]);
      await until(async () => (await store.list()).every((entry) => entry.failed), 'the landed write taken out');
      expect(outbox.failures().map((entry) => entry.attributes)).to.deep.equal([{ Bad: 'x' }]);
      expect((await store.list()).map((entry) => [entry.id, entry.agent])).to.deep.equal([
        ['inst-1/c1#failed:1', AGENT],
      ]);
      expect((await store.landed('inst-1/c1'))?.revisions).to.deep.equal({ Note: 2 });
      const reopened = await openDB(name);
      expect(reopened.version).to.equal(OUTBOX_DB_VERSION);
      reopened.close();
    } finally {
      await outbox.close();
      store.close();
    }
  });
});
