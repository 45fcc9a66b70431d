// The worker's pacer of one Connect API: calls start 1/rate apart in the order they asked, a hold-off after a throttle
// delays the next slot, and an aborted wait rejects without taking the call. A fake clock, so nothing here is timed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPacer, type PacerClock } from '../../src/relay/pacer.ts';

/** A clock whose sleeps end when the test advances time. */
function fakeClock(): PacerClock & { advance(ms: number): Promise<void>; sleeps: number[] } {
  let nowMs = 1_000_000;
  const waiting: Array<{ atMs: number; resolve: () => void }> = [];
  return {
    sleeps: [],
    now: () => nowMs,
    sleep(ms, signal) {
      this.sleeps.push(ms);
      return new Promise((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        waiting.push({ atMs: nowMs + ms, resolve });
      });
    },
    async advance(ms) {
      nowMs += ms;
      for (const entry of waiting.filter((w) => w.atMs <= nowMs)) entry.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('pacer', () => {
  it('spaces calls 1/rate apart, in the order they asked', async () => {
    const clock = fakeClock();
    const pacer = createPacer(4, clock);
    const started: number[] = [];
    const calls = [0, 1, 2, 3].map((n) => pacer.take().then(() => started.push(n)));
    await clock.advance(0);
    assert.deepEqual(started, [0], 'the first slot is free');
    assert.deepEqual(clock.sleeps, [250, 500, 750]);
    await clock.advance(250);
    assert.deepEqual(started, [0, 1]);
    await clock.advance(500);
    await Promise.all(calls);
    assert.deepEqual(started, [0, 1, 2, 3]);
  });

  it('holds the next slot back after a throttle', async () => {
    const clock = fakeClock();
    const pacer = createPacer(10, clock);
    await pacer.take();
    pacer.holdOff(1_000);
    void pacer.take();
    assert.deepEqual(clock.sleeps, [1_000]);
  });

  it('rejects an aborted wait with its reason', async () => {
    const clock = fakeClock();
    const pacer = createPacer(1, clock);
    await pacer.take();
    const controller = new AbortController();
    const waiting = pacer.take(controller.signal);
    controller.abort(new Error('gave up'));
    await assert.rejects(waiting, /gave up/);
  });

  it('refuses a rate that is not above 0', () => {
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => createPacer(rate), TypeError);
  });
});
