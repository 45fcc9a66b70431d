// Outcomes pushed over the relay's feed (OutboxOptions.outcomeFeed): the flusher tab opens it when it starts
// sending, before any write; while it is subscribed an accepted write settles from a pushed outcome with no poll at
// all (landed: gone and recorded; refused: a kept failure), an outcome pushed before its accept was recorded settles
// it once recorded (kept 10 minutes, 300 at most), `giveUpMs` still applies after one last read of the outcomes, and
// when it goes down the outbox polls as without it. Only the flusher tab holds it; the tab taking the lock over opens its own.
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { AttributesError } from '../../src/errors.ts';
import {
  Outbox,
  type OutboxSender,
  type OutcomeFeed,
  type OutcomeFeedListener,
  type OutcomeReader,
} from '../../src/outbox/index.ts';
import { EARLY_OUTCOME_MS, EARLY_OUTCOMES_MAX } from '../../src/outbox/outcomes.ts';
import { contact, FakeClock, FakeQueuedRelay, freshDatabase, scriptedOutbox } from './fakes.ts';

/** The relay's feed as the outbox sees it: the test tells it what to report. */
class FakeFeed {
  readonly listeners: OutcomeFeedListener[] = [];
  closed = 0;
  renewed = 0;
  readonly open: OutcomeFeed = (listener) => {
    this.listeners.push(listener);
    listener.state('connecting');
    return {
      renew: () => this.renewed++,
      close: () => this.closed++,
    };
  };
  get listener(): OutcomeFeedListener {
    const listener = this.listeners.at(-1);
    if (!listener) throw new Error('the feed was not opened');
    return listener;
  }
}

function pushed(options: Parameters<typeof scriptedOutbox>[0] = {}) {
  const feed = new FakeFeed();
  const relay = new FakeQueuedRelay(() => made.clock.now());
  const made = scriptedOutbox({ sender: relay.send, outcomes: relay.read, outcomeFeed: feed.open, ...options });
  return { ...made, relay, feed };
}

describe('Outbox: outcomes pushed over the relay’s feed', () => {
  it('opens the feed when it starts sending, and settles an accepted write as landed from a pushed outcome with no poll', async () => {
    const { outbox, relay, clock, store, feed } = pushed();
    await outbox.ready;
    await clock.advance(0);
    expect(feed.listeners).to.have.length(1); // before any write: one socket for the session
    feed.listener.state('subscribed');
    const landed: string[] = [];
    outbox.on('landed', (event) => landed.push(Object.keys(event.attributes).join()));
    const c = contact('c1');
    expect((await outbox.write(c, { Note: 'hello' })).state).to.equal('accepted');
    await clock.advance(5 * 60_000);
    expect(outbox.state.accepted).to.equal(1);

    relay.settle(0, 'landed');
    feed.listener.outcomes(relay.outcomes.slice());
    await clock.advance(0);
    expect(landed).to.deep.equal(['Note']);
    expect(outbox.state.accepted).to.equal(0);
    expect(await store.list()).to.deep.equal([]);
    expect((await store.landed('inst-1/c1'))?.revisions).to.have.property('Note');
    expect(relay.polls, 'not one poll').to.deep.equal([]);
    expect(feed.listeners).to.have.length(1);
    await outbox.close();
    expect(feed.closed).to.equal(1);
  });

  it('keeps a refusal pushed over the feed as a failure with the relay’s error, with no poll', async () => {
    const { outbox, relay, clock, feed } = pushed();
    await clock.advance(0);
    feed.listener.state('subscribed');
    const failed: string[] = [];
    outbox.on('failed', ({ error }) => failed.push(error.kind));
    const c = contact('c1');
    await outbox.write(c, { Reason: 'refund' });
    relay.settle(0, 'refused', { errorType: 'AccessDeniedException', message: 'This contact is not yours.' });
    feed.listener.outcomes(relay.outcomes.slice());
    await clock.advance(0);
    expect(failed).to.deep.equal(['auth']);
    const [kept] = outbox.failures(c);
    expect(kept?.attributes).to.deep.equal({ Reason: 'refund' });
    expect(kept?.lastError).to.deep.include({ kind: 'auth', status: 403, awsType: 'AccessDeniedException' });
    expect(kept?.accepted?.outcome).to.equal('refused');
    expect(outbox.state).to.deep.include({ accepted: 0, failed: 1 });
    expect(relay.polls).to.deep.equal([]);
    await outbox.close();
  });

  it('polls while the feed is down (and before it is subscribed), and stops once it is subscribed again', async () => {
    const { outbox, relay, clock, feed } = pushed();
    await clock.advance(0);
    await outbox.write(contact('c1'), { A: '1' });
    await clock.advance(1_000);
    expect(relay.polls, 'connecting: polled as without a feed').to.have.length(1);
    feed.listener.state('subscribed');
    await clock.advance(10 * 60_000);
    expect(relay.polls).to.have.length(1);

    feed.listener.state('down');
    await clock.advance(1_000); // the first delay again: outcomes pushed meanwhile were lost to the feed
    expect(relay.polls).to.have.length(2);
    expect(relay.polls[1]?.since).to.equal(relay.polls[0]?.since);
    await outbox.write(contact('c2'), { B: '1' });
    relay.settle(0, 'landed');
    await clock.advance(1_000);
    expect(outbox.state.accepted, 'settled by the poll').to.equal(1);

    feed.listener.state('subscribed');
    const polls = relay.polls.length;
    await clock.advance(20 * 60_000);
    expect(relay.polls).to.have.length(polls);
    await outbox.close();
  });

  it('reads the outcomes once before giving up while outcomes are pushed: one found there lands, one not found is unconfirmed', async () => {
    const { outbox, relay, clock, feed } = pushed({ outcomePolling: { giveUpMs: 60_000 } });
    await clock.advance(0);
    feed.listener.state('subscribed');
    await outbox.write(contact('c1'), { A: '1' });
    await outbox.write(contact('c2'), { B: '1' });
    relay.settle(0, 'landed'); // recorded by the relay, but its push was lost
    await clock.advance(60_000);
    expect(outbox.state.accepted).to.equal(2);
    expect(relay.polls).to.deep.equal([]);
    await clock.advance(1);
    expect(relay.polls, 'one last read').to.have.length(1);
    expect(outbox.failures().map((entry) => [entry.attributes, entry.accepted?.outcome])).to.deep.equal([
      [{ B: '1' }, 'unconfirmed'],
    ]);
    expect(outbox.state).to.deep.include({ accepted: 0, failed: 1 });
    await outbox.close();
  });

  it('gives up while pushed though that last read fails, and reads no more', async () => {
    const { outbox, relay, clock, feed } = pushed({ requestTimeoutMs: 5_000, outcomePolling: { giveUpMs: 60_000 } });
    await clock.advance(0);
    feed.listener.state('subscribed');
    const errors: string[] = [];
    outbox.on('error', (error) => errors.push(error.name));
    await outbox.write(contact('c1'), { A: '1' });
    relay.hangPolls = true;
    await clock.advance(60_001 + 5_000);
    expect(outbox.failures().map((entry) => entry.accepted?.outcome)).to.deep.equal(['unconfirmed']);
    expect(errors).to.deep.equal(['TimeoutError']);
    await clock.advance(10 * 60_000);
    expect(relay.polls).to.have.length(1);
    await outbox.close();
  });

  it('still gives up on an accepted write after giveUpMs while pushed, with no outcomes reader', async () => {
    const { outbox, clock, feed } = pushed({ outcomes: undefined, outcomePolling: { giveUpMs: 60_000 } });
    await clock.advance(0);
    feed.listener.state('subscribed');
    await outbox.write(contact('c1'), { A: '1' });
    await clock.advance(60_001);
    expect(outbox.failures().map((entry) => [entry.lastError?.kind, entry.accepted?.outcome])).to.deep.equal([
      ['network', 'unconfirmed'],
    ]);
    await outbox.close();
  });

  it('settles, once, an outcome pushed before the outbox recorded its accept', async () => {
    let worker = (): void => undefined;
    const { outbox, relay, clock, store, feed } = pushed({
      sender: (...args) => {
        const answer = relay.send(...args);
        worker();
        return answer;
      },
    });
    // A fast worker: the outcome is pushed before the 202 reaches the outbox, and pushed again (the backlog).
    worker = () => {
      relay.settle(relay.requests.length - 1, 'landed');
      feed.listener.outcomes(relay.outcomes.slice());
      feed.listener.outcomes(relay.outcomes.slice());
    };
    await clock.advance(0);
    feed.listener.state('subscribed');
    const landed: string[] = [];
    outbox.on('landed', (event) => landed.push(Object.keys(event.attributes).join()));
    await outbox.write(contact('c1'), { Note: 'early' });
    await clock.advance(0);
    expect(landed).to.deep.equal(['Note']);
    expect(outbox.state.accepted).to.equal(0);
    expect(await store.list()).to.deep.equal([]);
    expect(relay.polls).to.deep.equal([]);
    await outbox.close();
  });

  for (const [what, late] of [
    ['kept past 10 minutes', (clock: FakeClock) => clock.advance(EARLY_OUTCOME_MS)],
    [
      'pushed out by 300 newer ones',
      (_clock: FakeClock, feed: FakeFeed) => {
        const others = Array.from(
          { length: EARLY_OUTCOMES_MAX },
          (_, i) => ({ writeId: `other-${i}`, state: 'landed', status: 200, at: 1 }) as const,
        );
        feed.listener.outcomes(others);
        return Promise.resolve();
      },
    ],
  ] as const)
    it(`drops an outcome pushed before its accept once ${what}`, async () => {
      let accept = (): void => undefined;
      let worker = (): void => undefined;
      const { outbox, relay, clock, feed } = pushed({
        requestTimeoutMs: 20 * 60_000,
        sender: async (...args) => {
          const answer = relay.send(...args);
          worker();
          await new Promise<void>((resolve) => (accept = resolve));
          return answer;
        },
      });
      worker = () => {
        relay.settle(relay.requests.length - 1, 'landed');
        feed.listener.outcomes(relay.outcomes.slice());
      };
      await clock.advance(0);
      feed.listener.state('subscribed');
      const written = outbox.write(contact('c1'), { Note: 'early' });
      await clock.advance(0);
      await late(clock, feed);
      accept();
      await written;
      await clock.advance(0);
      expect(outbox.state.accepted).to.equal(1);
      await outbox.close();
    });

  it('subscribes from the outbox’s start with nothing awaiting, else from the oldest accept less the clock margin', async () => {
    const { outbox, clock, feed } = pushed();
    const started = clock.now();
    await clock.advance(30_000);
    expect(feed.listener.since()).to.equal(started);
    await outbox.write(contact('c1'), { A: '1' });
    const accepted = clock.now();
    await clock.advance(30_000);
    await outbox.write(contact('c2'), { B: '1' });
    expect(feed.listener.since()).to.equal(accepted - 10 * 60_000);
    await outbox.close();
  });

  it('renews the feed’s subscription when another agent signs in on the desk', async () => {
    const { outbox, clock, feed } = pushed({ agent: 'arn:agent/a' });
    await clock.advance(0);
    expect(feed.renewed).to.equal(0);
    outbox.setAgent('arn:agent/b');
    await clock.advance(0);
    expect(feed.renewed).to.equal(1);
    expect(feed.listeners).to.have.length(1);
    await outbox.close();
  });
});

describe('Outbox: the feed across tabs (IndexedDB)', () => {
  const db = freshDatabase('accepted-feed');

  it('is held by the flusher tab only; the tab that takes the lock over opens its own and settles from it', async () => {
    const writeIds: string[] = [];
    const send: OutboxSender = (_contact, _attributes, { writeId }) => {
      if (!writeId) return Promise.reject(new AttributesError('validation', 'no WriteId'));
      writeIds.push(writeId);
      return Promise.resolve({ state: 'accepted', writeId });
    };
    const read = sinon.spy<OutcomeReader>(() => Promise.resolve([]));
    const feedA = new FakeFeed();
    const feedB = new FakeFeed();
    const options = { sender: send, outcomes: read, lockName: db.name, debounceMs: 0 };
    const a = new Outbox({ store: await db.open(), outcomeFeed: feedA.open, ...options });
    db.outboxes.push(a);
    await until(() => a.flusher && feedA.listeners.length === 1, 'tab A to lead and open its feed');
    feedA.listener.state('subscribed');
    const b = new Outbox({ store: await db.open(), outcomeFeed: feedB.open, ...options });
    db.outboxes.push(b);
    await b.ready;
    expect((await b.write(contact('c1'), { Note: 'hi' })).state).to.equal('accepted');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(feedB.listeners, 'tab B is not the flusher').to.have.length(0);

    await a.close();
    db.outboxes.splice(db.outboxes.indexOf(a), 1);
    expect(feedA.closed).to.equal(1);
    await until(() => b.flusher && feedB.listeners.length === 1, 'tab B to lead and open its feed');
    feedB.listener.state('subscribed');
    const landed: string[] = [];
    b.on('landed', (event) => landed.push(Object.keys(event.attributes).join()));
    feedB.listener.outcomes([{ writeId: writeIds[0]!, state: 'landed', status: 200, at: Date.now() }]);
    await until(() => landed.length === 1, 'the landed event');
    expect(b.state.accepted).to.equal(0);
    expect(await db.stores[1]!.list()).to.deep.equal([]);
    expect(read.callCount, 'no poll in either tab').to.equal(0);
  });
});

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
