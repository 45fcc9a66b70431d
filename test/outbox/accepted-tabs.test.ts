// Accepted writes over IndexedDB, as tabs and reloads see them: only the flusher tab asks the relay for outcomes
// (the other tab's reader is never called), the tab that takes the lock over asks in its place, and an accepted
// write stored before a reload is still settled by its outcome afterwards (landed: gone; refused: kept and told).
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { AttributesError } from '../../src/errors.ts';
import { Outbox, type OutboxSender, type OutcomeReader, type WriteOutcomeReport } from '../../src/outbox/index.ts';
import type { WriteReceipt } from '../../src/writer.ts';
import { contact, freshDatabase } from './fakes.ts';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The relay's side: accepts every request (202) and reports the outcomes in `outcomes`. */
function queuedRelay() {
  const outcomes: WriteOutcomeReport[] = [];
  const accepted: string[] = [];
  const send: OutboxSender = (_contact, _attributes, { writeId }) => {
    if (!writeId) return Promise.reject(new AttributesError('validation', 'no WriteId'));
    accepted.push(writeId);
    return Promise.resolve({ state: 'accepted', writeId });
  };
  /** A reader for one tab (a sinon spy, so a test can count its calls). */
  const reader = () =>
    sinon.spy<OutcomeReader>((since) => Promise.resolve(outcomes.filter((outcome) => outcome.at >= since)));
  const settle = (writeId: string, state: WriteOutcomeReport['state'], keys: string[]): void => {
    const status = { landed: 200, refused: 403, failed: 400, 'dead-letter': 500 }[state];
    outcomes.push({ writeId, state, status, keys, at: Date.now() });
  };
  return { outcomes, accepted, send, reader, settle };
}

const polling = { firstMs: 20, capMs: 40, giveUpMs: 60_000 };

describe('Outbox: accepted writes across tabs and reloads (IndexedDB)', () => {
  const db = freshDatabase('accepted-tabs');

  it('polls only in the flusher tab; the tab that takes the lock over polls instead and settles the write', async () => {
    const relay = queuedRelay();
    const readA = relay.reader();
    const readB = relay.reader();
    const options = { sender: relay.send, lockName: db.name, debounceMs: 0, outcomePolling: polling };
    const a = new Outbox({ store: await db.open(), outcomes: readA, ...options });
    db.outboxes.push(a);
    await until(() => a.flusher, 'tab A to become the flusher');
    const b = new Outbox({ store: await db.open(), outcomes: readB, ...options });
    db.outboxes.push(b);
    await b.ready;

    const receipt: WriteReceipt = await b.write(contact('c1'), { Note: 'hi' });
    expect(receipt.state).to.equal('accepted');
    await until(() => readA.callCount >= 3 && b.state.accepted === 1, 'tab A to poll a few times');
    expect(readB.callCount).to.equal(0);

    // Tab A goes: B becomes the flusher, finds the accepted write in the store and asks for its outcome.
    await a.close();
    db.outboxes.splice(db.outboxes.indexOf(a), 1);
    const polledByA = readA.callCount;
    await until(() => b.flusher && readB.callCount > 0, 'tab B to poll');
    expect(readA.callCount).to.equal(polledByA);
    const landed: string[] = [];
    b.on('landed', (event) => landed.push(Object.keys(event.attributes).join()));
    relay.settle(relay.accepted[0]!, 'landed', ['Note']);
    // The entry goes first, then the landing is told (after reading what landed for the contact).
    await until(() => landed.length > 0, 'the landed event');
    expect(landed).to.deep.equal(['Note']);
    expect(b.state.accepted).to.equal(0);
    expect(await db.stores[1]!.list()).to.deep.equal([]);
    // Nothing left to ask about: B stops polling.
    const polledByB = readB.callCount;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readB.callCount).to.equal(polledByB);
  });

  it('keeps an accepted write across a reload, then turns its refusal into a kept failure with the event', async () => {
    const relay = queuedRelay();
    const options = { sender: relay.send, lockName: db.name, debounceMs: 0, outcomePolling: polling };
    // Before the reload: accepted, and no outcome yet (the reader answers with nothing).
    const silent = sinon.stub<Parameters<OutcomeReader>, ReturnType<OutcomeReader>>().resolves([]);
    const first = new Outbox({ store: await db.open(), outcomes: silent, ...options });
    expect((await first.write(contact('c1'), { Reason: 'refund' })).state).to.equal('accepted');
    await first.close();
    db.stores[0]!.close();
    const stored = await (await db.open()).list();
    expect(stored.map((entry) => entry.accepted?.writeId)).to.deep.equal([relay.accepted[0]]);

    relay.settle(relay.accepted[0]!, 'refused', ['Reason']);
    const read = relay.reader();
    const second = new Outbox({ store: await db.open(), outcomes: read, ...options });
    db.outboxes.push(second);
    const failed: { keys: string[]; kind: string; writeId: string | undefined }[] = [];
    second.on('failed', ({ entry, error }) =>
      failed.push({ keys: Object.keys(entry.attributes), kind: error.kind, writeId: entry.accepted?.writeId }),
    );
    await until(() => second.state.failed === 1 && failed.length === 1, 'the refusal to be kept and told');
    expect(second.state.accepted).to.equal(0);
    expect(failed).to.deep.equal([{ keys: ['Reason'], kind: 'auth', writeId: relay.accepted[0] }]);
    expect(second.failures().map((entry) => entry.attributes)).to.deep.equal([{ Reason: 'refund' }]);
    expect(relay.accepted).to.have.length(1); // a refusal is not sent again by itself
  });
});
