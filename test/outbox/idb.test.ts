// The IndexedDB store and the cross-tab behaviour: replay after a reload, one flusher for two "tabs"
// (two outboxes over two connections to one database, sharing the Web Locks name).
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { Outbox, type IdbOutboxStore, type OutboxEntry, type OutboxPart } from '../../src/outbox/index.ts';
import type { Attributes } from '../../src/validate.ts';
import { contact, freshDatabase, ScriptedSender, settle, type SentRequest } from './fakes.ts';

function entry(id: string, revision: number): OutboxEntry {
  return {
    id,
    contactKey: id,
    contact: contact(id),
    attributes: { a: String(revision) },
    revisions: { a: revision },
    revision,
    origin: 'rule',
    attempts: 0,
    createdAt: 1,
    updatedAt: 1,
    dueAt: 1,
    notBefore: 0,
    failed: false,
  };
}

/** What a series of requests stored, merged per key in order (a later request's value wins). */
function merged(requests: readonly SentRequest[]): Attributes {
  return requests.reduce<Attributes>((all, request) => ({ ...all, ...request.attributes }), {});
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('IndexedDB outbox store', () => {
  const db = freshDatabase('outbox-test');

  it('updates entries atomically with increasing revisions, and keeps them across connections', async () => {
    const store = await db.open();
    const first = await store.update('x', (current, revision) => (current ? undefined : entry('x', revision)));
    const second = await store.update('x', (current, revision) => ({ ...current!, attributes: { a: 'b' }, revision }));
    expect(second.revision).to.be.greaterThan(first.revision);
    const other = await db.open();
    expect((await other.get('x'))?.attributes).to.deep.equal({ a: 'b' });
    expect((await other.list()).map((e) => e.id)).to.deep.equal(['x']);
    await other.update('x', () => null);
    expect(await store.get('x')).to.equal(undefined);
  });

  it('merges concurrent read-modify-write updates from two connections without losing one', async () => {
    const [a, b] = [await db.open(), await db.open()];
    const add = (store: IdbOutboxStore, key: string) =>
      store.update('x', (current, revision) => {
        const base = current ?? entry('x', revision);
        return { ...base, attributes: { ...base.attributes, [key]: key }, revision };
      });
    await Promise.all(Array.from({ length: 20 }, (_, i) => add(i % 2 ? a : b, `k${i}`)));
    expect(Object.keys((await a.get('x'))!.attributes)).to.have.length(21);
  });

  it('sets a fired marker at most once, in the same transaction as the entry', async () => {
    const [a, b] = [await db.open(), await db.open()];
    const results = await Promise.all(
      [a, b, a, b].map((store) =>
        store.update('x', (current, revision) => entry('x', current ? current.revision + 100 : revision), {
          marker: { id: 'm', at: 5 },
        }),
      ),
    );
    expect(results.filter((r) => r.applied)).to.have.length(1);
    expect(await a.hasMarker('m')).to.equal(true);
    expect(await a.pruneMarkers(5)).to.equal(0);
    expect(await a.pruneMarkers(6)).to.equal(1);
    expect(await b.hasMarker('m')).to.equal(false);
  });

  it('checks and sets several markers in one transaction, leaving out those already set and those change takes out', async () => {
    const store = await db.open();
    await store.update('x', (_, revision) => entry('x', revision), { marker: { id: 'm1', at: 1 } });
    const seen: { fired: string[]; set: string[] }[] = [];
    const markers = ['m1', 'm2', 'm3'].map((id) => ({ id, at: 2 }));
    const result = await store.update(
      'x',
      (current, revision, marks) => {
        seen.push({ fired: [...marks.fired], set: [...marks.set] });
        marks.set.delete('m3'); // its part refused
        return { ...current!, revision };
      },
      { markers },
    );
    expect(result.applied).to.equal(true);
    expect(seen).to.deep.equal([{ fired: ['m1'], set: ['m2', 'm3'] }]);
    expect([await store.hasMarker('m2'), await store.hasMarker('m3')]).to.deep.equal([true, false]);
    await store.update('x', (current, revision) => ({ ...current!, revision }), { markers: [{ id: 'm3', at: 3 }] });
    let called = false;
    const none = await store.update('x', () => ((called = true), null), { markers });
    expect([none.applied, called]).to.deep.equal([false, false]);
    expect(await store.get('x')).to.not.equal(undefined);
  });

  it('writes the rules of one event with one transaction and their markers: writeBatch over IndexedDB', async () => {
    const store = await db.open();
    const sender = new ScriptedSender();
    const outbox = new Outbox({ store, sender: sender.send, debounceMs: 0, lockName: `lock-${db.name}` });
    db.outboxes.push(outbox);
    await outbox.ready;
    const c = contact('c1');
    await outbox.write(c, { a: '0' }, { origin: 'rule', once: 'r1' });
    const update = sinon.spy(store, 'update');
    const parts: OutboxPart[] = [
      { attributes: { a: '1' }, once: 'r1' },
      { attributes: { b: '2' }, once: 'r2' },
      { attributes: { c: '3' }, once: 'r3' },
    ];
    await Promise.all(outbox.writeBatch(c, parts, { origin: 'rule' }));
    const marked = update.getCalls().filter((call) => call.args[2]?.markers);
    expect(marked.map((call) => call.args[2]!.markers!.map((m) => m.id))).to.deep.equal([['r1', 'r2', 'r3']]);
    expect([await store.hasMarker('r2'), await store.hasMarker('r3')]).to.deep.equal([true, true]);
    await outbox.whenIdle();
    const sent = merged(sender.requests);
    expect(sent).to.deep.equal({ a: '0', b: '2', c: '3' });
    await Promise.all(outbox.writeBatch(c, parts, { origin: 'rule' }));
    await settle();
    expect(merged(sender.requests)).to.deep.equal(sent);
    update.restore();
  });

  it('sends from its mirror, never reading back, and waits for its own writes of the contact still on their way to the store', async () => {
    const store = await db.open();
    const sender = new ScriptedSender();
    const outbox = new Outbox({ store, sender: sender.send, debounceMs: 0, lockName: `lock-${db.name}` });
    db.outboxes.push(outbox);
    await until(() => outbox.flusher, 'the flusher lock');
    const get = sinon.spy(store, 'get');
    const c = contact('c1');
    await outbox.write(c, { a: '1' });
    expect(get.callCount).to.equal(0);
    // Three writes at once: the first to commit is not sent alone, its request waits for the other two.
    await Promise.all([
      outbox.write(c, { b: '1' }),
      outbox.write(c, { c: '1' }, { origin: 'rule' }),
      outbox.write(c, { d: '1' }),
    ]);
    expect(sender.requests.map((r) => r.attributes)).to.deep.equal([{ a: '1' }, { b: '1', c: '1', d: '1' }]);
    expect(get.callCount).to.equal(0);
    get.restore();
  });

  it('leaves the entry unchanged when the update function throws', async () => {
    const store = await db.open();
    await store.update('x', (_, revision) => entry('x', revision));
    const error = await store
      .update('x', () => {
        throw new Error('refused');
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).to.equal('refused');
    expect((await store.get('x'))?.attributes).to.deep.equal({ a: '1' });
  });

  it('replays writes queued before a reload', async () => {
    const sender1 = new ScriptedSender();
    sender1.script = ['hang'];
    const first = new Outbox({ store: await db.open(), sender: sender1.send, lockName: db.name });
    const c = contact('c1');
    const pending = first.write(c, { a: '1' }).catch(() => undefined);
    void first.write(c, { b: '2' }, { origin: 'rule' }).catch(() => undefined);
    await until(() => sender1.requests.length === 1, 'the first send');
    void first.close();
    db.stores[0]!.close();
    await pending;
    const sender2 = new ScriptedSender();
    const second = new Outbox({ store: await db.open(), sender: sender2.send, lockName: db.name, debounceMs: 0 });
    db.outboxes.push(second);
    await until(() => second.state.pending === 0 && sender2.requests.length > 0, 'the replay');
    expect(sender2.storedFor(c)).to.deep.equal({ a: '1', b: '2' });
    expect(await db.stores[1]!.list()).to.deep.equal([]);
  });

  it('lets one tab flush for both: writes made in the other tab land once and resolve there', async () => {
    const senderA = new ScriptedSender();
    const senderB = new ScriptedSender();
    const a = new Outbox({ store: await db.open(), sender: senderA.send, lockName: db.name, debounceMs: 20 });
    db.outboxes.push(a);
    await until(() => a.flusher, 'tab A to become the flusher');
    const b = new Outbox({ store: await db.open(), sender: senderB.send, lockName: db.name, debounceMs: 20 });
    db.outboxes.push(b);
    await b.ready;
    await settle();
    expect(b.flusher).to.equal(false);
    const landedInB: string[] = [];
    b.on('landed', (event) => landedInB.push(event.contact.contactId));
    await Promise.all([
      b.write(contact('c1'), { fromB: '1' }),
      a.write(contact('c1'), { fromA: '1' }, { origin: 'rule' }),
      b.write(contact('c2'), { fromB: '2' }, { origin: 'rule' }),
    ]);
    expect(senderB.requests).to.have.length(0);
    expect(senderA.storedFor(contact('c1'))).to.deep.equal({ fromB: '1', fromA: '1' });
    expect(senderA.storedFor(contact('c2'))).to.deep.equal({ fromB: '2' });
    expect(landedInB.sort()).to.include.members(['c1', 'c2']);
    await until(() => b.state.pending === 0, 'tab B to see the outbox empty');

    // Tab A goes away: B takes the lock and flushes what is queued from then on.
    void a.close();
    await until(() => b.flusher, 'tab B to become the flusher');
    await b.write(contact('c3'), { after: 'yes' });
    expect(senderB.storedFor(contact('c3'))).to.deep.equal({ after: 'yes' });
  });

  /** Two outboxes over one database, as two tabs: A holds the flusher lock, B follows. */
  async function twoTabs(): Promise<{ senderA: ScriptedSender; a: Outbox; b: Outbox }> {
    const senderA = new ScriptedSender();
    const a = new Outbox({ store: await db.open(), sender: senderA.send, lockName: db.name, debounceMs: 0 });
    db.outboxes.push(a);
    await until(() => a.flusher, 'tab A to become the flusher');
    const b = new Outbox({
      store: await db.open(),
      sender: new ScriptedSender().send,
      lockName: db.name,
      debounceMs: 0,
    });
    db.outboxes.push(b);
    await b.ready;
    return { senderA, a, b };
  }

  it('removes a kept failure that a newer landed write superseded in every tab, with the event in each', async () => {
    const { senderA, a, b } = await twoTabs();
    const supersededInA: string[] = [];
    const supersededInB: string[] = [];
    a.on('superseded', ({ entry }) => supersededInA.push(entry.id));
    b.on('superseded', ({ entry }) => supersededInB.push(entry.id));
    const c = contact('c1');
    senderA.script = ['validation'];
    await b.write(c, { note: 'too long' }).catch(() => undefined);
    await until(() => b.state.failed === 1 && a.state.failed === 1, 'both tabs to see the kept failure');
    const id = b.failures()[0]!.id;
    await b.write(c, { note: 'fixed' });
    await until(() => b.state.failed === 0 && a.state.failed === 0, 'both tabs to drop the superseded failure');
    expect(supersededInA).to.deep.equal([id]);
    await until(() => supersededInB.length === 1, 'the superseded event in tab B');
    expect(supersededInB).to.deep.equal([id]);
    expect(b.failures()).to.deep.equal([]);
    expect(await db.stores[0]!.list()).to.deep.equal([]);
  });
});
