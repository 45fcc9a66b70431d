// Queued mode from the outbox's side: a 202 settles write() as `accepted`, the accepted request is kept until the
// relay reports its outcome, which the flusher polls for with backoff while (and only while) one awaits it. A
// refusal after 202 ends as a kept failure (Retry/Discard) with a `failed` event; a landing settles it.
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { recordLandedWrites } from '../../src/tagging/index.ts';
import type { Attributes } from '../../src/validate.ts';
import { contact, FakeQueuedRelay, scriptedOutbox, settle } from './fakes.ts';

function queued(options: Parameters<typeof scriptedOutbox>[0] = {}) {
  const relay = new FakeQueuedRelay(() => made.clock.now());
  const made = scriptedOutbox({ sender: relay.send, outcomes: relay.read, ...options });
  return { ...made, relay };
}

describe('Outbox: accepted by a queued relay, then its outcome', () => {
  it('resolves write() as accepted, shows it as accepted, then settles it as landed and stops polling', async () => {
    const { outbox, relay, clock, store } = queued();
    const c = contact('c1');
    const accepted: string[] = [];
    const landed: { attributes: Attributes; writeId: string | undefined }[] = [];
    outbox.on('accepted', (event) => accepted.push(event.writeId));
    outbox.on('landed', ({ attributes, writeId }) => landed.push({ attributes, writeId }));
    const receipt = await outbox.write(c, { Note: 'hello' });
    expect(receipt.state).to.equal('accepted');
    const writeId = relay.requests[0]?.writeId;
    expect(writeId).to.match(/^[A-Za-z0-9_.:-]{1,128}$/);
    expect(receipt).to.deep.include({ writeId, requestId: 'req-1' });
    expect(accepted).to.deep.equal([writeId]);
    expect(outbox.state.accepted).to.equal(1);
    expect(outbox.state.pending).to.equal(0);
    expect(outbox.statusOf(c)).to.deep.include({ state: 'accepted', accepted: 1 });
    // The accepted request is in the store, so a reload or another tab keeps asking for its outcome.
    const held = (await store.list()).filter((entry) => entry.accepted);
    expect(held.map((entry) => entry.accepted?.writeId)).to.deep.equal([writeId]);
    expect(landed).to.deep.equal([]);

    await clock.advance(1_000);
    expect(relay.polls.length).to.equal(1);
    relay.settle(0, 'landed');
    await clock.advance(2_000);
    expect(relay.polls.length).to.equal(2);
    expect(landed).to.deep.equal([{ attributes: { Note: 'hello' }, writeId }]);
    expect(outbox.state.accepted).to.equal(0);
    expect(outbox.statusOf(c)).to.equal(undefined);
    expect(await store.list()).to.deep.equal([]);
    expect((await store.landed('inst-1/c1'))?.revisions).to.have.property('Note');
    // Nothing awaits an outcome: no more polls, however long.
    await clock.advance(10 * 60_000);
    expect(relay.polls.length).to.equal(2);
    await outbox.close();
  });

  it('keeps a refusal after 202 as a failure with its keys and the relay message, fires failed, and Retry sends it with a new WriteId', async () => {
    const { outbox, relay, clock } = queued();
    const c = contact('c1');
    const failed: { keys: string[]; kind: string; accepted: boolean }[] = [];
    outbox.on('failed', ({ entry, error }) =>
      failed.push({ keys: Object.keys(entry.attributes), kind: error.kind, accepted: entry.accepted !== undefined }),
    );
    expect((await outbox.write(c, { Reason: 'refund', Tier: 'gold' })).state).to.equal('accepted');
    const message = 'This contact is not yours: attributes can only be saved on contacts you are handling.';
    relay.settle(0, 'refused', { errorType: 'AccessDeniedException', message });
    await clock.advance(1_000);
    expect(failed).to.deep.equal([{ keys: ['Reason', 'Tier'], kind: 'auth', accepted: true }]);
    const [kept] = outbox.failures(c);
    expect(kept?.attributes).to.deep.equal({ Reason: 'refund', Tier: 'gold' });
    expect(kept?.lastError).to.deep.include({ kind: 'auth', status: 403, awsType: 'AccessDeniedException', message });
    expect(kept?.accepted?.outcome).to.equal('refused');
    expect(outbox.state).to.deep.include({ accepted: 0, failed: 1 });
    expect(outbox.statusOf(c)?.state).to.equal('failed');

    // Retry: the same values again, as a new request the relay must not drop as a duplicate.
    const retried = outbox.retry(kept!.id);
    await settle();
    expect((await retried).state).to.equal('accepted');
    expect(relay.requests).to.have.length(2);
    expect(relay.requests[1]?.attributes).to.deep.equal({ Reason: 'refund', Tier: 'gold' });
    expect(relay.requests[1]?.writeId).to.not.equal(relay.requests[0]?.writeId);
    expect(outbox.failures(c)).to.deep.equal([]);
    await outbox.close();
  });

  it('makes an over-budget merge, an unknown contact and a dead letter kept failures of their kinds', async () => {
    const { outbox, relay, clock } = queued();
    const kinds = new Map<string, string>();
    outbox.on('failed', ({ entry, error }) =>
      kinds.set(entry.contact.contactId, `${error.kind} ${entry.accepted?.outcome ?? '-'}`),
    );
    await outbox.write(contact('a'), { A: '1' });
    await outbox.write(contact('b'), { B: '1' });
    await outbox.write(contact('d'), { D: '1' });
    relay.settle(0, 'failed', { status: 400, errorType: 'InvalidRequestException', message: 'over the budget' });
    relay.settle(1, 'failed', { status: 404, errorType: 'ResourceNotFoundException' });
    relay.settle(2, 'dead-letter');
    await clock.advance(1_000);
    expect(Object.fromEntries(kinds)).to.deep.equal({
      a: 'validation failed',
      b: 'not-found failed',
      d: 'server dead-letter',
    });
    expect(outbox.failures().map((entry) => Object.keys(entry.attributes)[0])).to.have.members(['A', 'B', 'D']);
    expect(outbox.state.accepted).to.equal(0);
    await outbox.close();
  });

  it('polls with backoff while nothing settles, each call ending by its deadline, and gives up after giveUpMs', async () => {
    const { outbox, relay, clock } = queued({
      requestTimeoutMs: 5_000,
      outcomePolling: { firstMs: 1_000, capMs: 8_000, giveUpMs: 60_000 },
    });
    const errors: Error[] = [];
    outbox.on('error', (error) => errors.push(error));
    const start = clock.now();
    await outbox.write(contact('c1'), { A: '1' });
    relay.hangPolls = true;
    await clock.advance(1_000); // the first poll hangs...
    expect(relay.polls.length).to.equal(1);
    await clock.advance(5_000); // ...and is given up at its deadline
    expect(errors.map((error) => error.name)).to.deep.equal(['TimeoutError']);
    relay.hangPolls = false;
    await clock.advance(40_000);
    // Waits between polls: 1 s, then 2, 4, 8, 8... (after each call ended).
    const gaps = relay.polls.slice(1).map((poll, i) => poll.at - (relay.polls[i]?.at ?? 0));
    expect(gaps.slice(0, 4)).to.deep.equal([5_000 + 2_000, 4_000, 8_000, 8_000]);
    expect(relay.polls[0]?.since).to.equal(Math.max(0, start - 10 * 60_000));
    // No outcome within a minute: the agent sees it as a failure to retry or discard, and polling stops.
    await clock.advance(30_000);
    expect(outbox.failures().map((entry) => [entry.lastError?.kind, entry.accepted?.outcome])).to.deep.equal([
      ['network', 'unconfirmed'],
    ]);
    expect(outbox.state.accepted).to.equal(0);
    const polls = relay.polls.length;
    await clock.advance(120_000);
    expect(relay.polls.length).to.equal(polls);
    await outbox.close();
  });

  it('sends the same WriteId when it sends the same values again, and another once newer values are merged', async () => {
    const { outbox, relay, clock } = queued();
    const c = contact('c1');
    relay.script = ['server'];
    const first = outbox.write(c, { A: '1', B: '1' });
    await clock.advance(2_000); // the 500, then the retry after the backoff
    expect((await first).state).to.equal('accepted');
    const [failedTry, retry] = relay.requests;
    expect(retry?.attributes).to.deep.equal(failedTry?.attributes);
    expect(retry?.writeId).to.equal(failedTry?.writeId);
    relay.script = ['server'];
    const second = outbox.write(c, { A: '2' });
    await clock.advance(100);
    outbox.write(c, { B: '2' }).catch(() => undefined); // merged into the waiting request
    await clock.advance(2_000);
    await second;
    const later = relay.requests.slice(2);
    expect(later.map((request) => request.attributes)).to.deep.equal([{ A: '2' }, { A: '2', B: '2' }]);
    expect(new Set(relay.requests.map((request) => request.writeId)).size).to.equal(3);
    await outbox.close();
  });

  it('recordLandedWrites records an accepted write in the tracker, and takes it back when it is refused after 202', async () => {
    const { outbox, relay, clock } = queued();
    const tracker = { recordWrite: sinon.spy(), forgetWrite: sinon.spy() };
    const off = recordLandedWrites(outbox, tracker);
    await outbox.write(contact('c1'), { A: '1' });
    await outbox.write(contact('c2'), { B: '2' });
    expect(tracker.recordWrite.args).to.deep.equal([
      ['c1', { A: '1' }],
      ['c2', { B: '2' }],
    ]);
    relay.settle(0, 'refused');
    relay.settle(1, 'landed');
    await clock.advance(1_000);
    expect(tracker.forgetWrite.args).to.deep.equal([['c1', { A: '1' }]]);
    off();
    await outbox.close();
  });

  it('polls again for an agent named again on a shared desk, whose accepted write awaited its outcome meanwhile', async () => {
    const { outbox, relay, clock } = queued({ agent: 'arn:agent/a' });
    await outbox.write(contact('c1'), { A: '1' });
    outbox.setAgent('arn:agent/b');
    await clock.advance(60_000);
    const polls = relay.polls.length;
    await clock.advance(60_000);
    expect(relay.polls.length, 'nothing of agent b awaits an outcome').to.equal(polls);
    relay.settle(0, 'landed');
    outbox.setAgent('arn:agent/a');
    await clock.advance(30_000); // at most the cap of the backoff
    expect(relay.polls.length).to.be.greaterThan(polls);
    expect(outbox.state.accepted).to.equal(0);
    await outbox.close();
  });
});
