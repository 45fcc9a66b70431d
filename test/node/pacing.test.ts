// The outbox's retry backoff: full, equal and decorrelated jitter, as pure functions of the attempt, the options,
// the random draw and (decorrelated only) the previous delay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { backoffCeiling, backoffDelay, type BackoffOptions, type Jitter } from '../../src/outbox/pacing.ts';

const JITTERS: readonly Jitter[] = ['full', 'equal', 'decorrelated'];
const constant = (value: number) => () => value;
/** The largest double below 1: the top of what Math.random can return. */
const TOP = 1 - Number.EPSILON / 2;
/** A draw near the top whose products stay clear of rounding up to the ceiling. */
const HIGH = 0.999;

const arbitraryOptions = fc.record({
  baseMs: fc.integer({ min: 1, max: 10_000 }),
  capMs: fc.integer({ min: 0, max: 200_000 }),
  jitter: fc.constantFrom(...JITTERS),
});
const arbitraryRandom = fc.double({ min: 0, max: TOP, noNaN: true });

describe('backoffDelay', () => {
  it('full jitter draws between 0 and min(cap, base * 2^(attempt-1))', () => {
    const options: BackoffOptions = { baseMs: 500, capMs: 5_000, jitter: 'full' };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, options, constant(HIGH))),
      [499, 999, 1_998, 3_996, 4_995, 4_995],
    );
    assert.deepEqual(
      [1, 2, 6].map((attempt) => backoffDelay(attempt, options, constant(0))),
      [0, 0, 0],
    );
  });

  it('full jitter is the default when no jitter is named', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), arbitraryRandom, (attempt, r) => {
        const options = { baseMs: 500, capMs: 5_000 };
        assert.equal(
          backoffDelay(attempt, options, constant(r)),
          backoffDelay(attempt, { ...options, jitter: 'full' }, constant(r)),
        );
      }),
    );
  });

  it('equal jitter draws between half the ceiling and the ceiling', () => {
    const options: BackoffOptions = { baseMs: 500, capMs: 5_000, jitter: 'equal' };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options, constant(0))),
      [250, 500, 1_000, 2_000, 2_500],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options, constant(HIGH))),
      [499, 999, 1_999, 3_998, 4_997],
    );
  });

  it('decorrelated jitter draws between base and min(cap, 3 * the previous delay), starting from base', () => {
    const options: BackoffOptions = { baseMs: 500, capMs: 5_000, jitter: 'decorrelated' };
    assert.equal(backoffDelay(1, options, constant(0)), 500);
    assert.equal(backoffDelay(1, options, constant(HIGH)), 1_499);
    assert.equal(backoffDelay(2, options, constant(0), 1_200), 500);
    assert.equal(backoffDelay(2, options, constant(HIGH), 1_200), 3_596);
    assert.equal(backoffDelay(2, options, constant(HIGH), 4_000), 4_995);
  });

  it('decorrelated jitter depends on the previous delay, not on the attempt count', () => {
    const options: BackoffOptions = { baseMs: 500, capMs: 60_000, jitter: 'decorrelated' };
    // The same draw after a longer previous delay waits longer; the attempt number alone changes nothing.
    assert.ok(backoffDelay(3, options, constant(0.5), 4_000) > backoffDelay(3, options, constant(0.5), 1_000));
    assert.equal(backoffDelay(3, options, constant(0.5), 2_000), backoffDelay(9, options, constant(0.5), 2_000));
    // A first attempt starts a new run of failures: the previous run's delay is ignored.
    assert.equal(backoffDelay(1, options, constant(0.5), 40_000), backoffDelay(1, options, constant(0.5)));
    // A previous delay below base (or none) counts as base.
    assert.equal(backoffDelay(4, options, constant(0.5), 10), backoffDelay(4, options, constant(0.5)));
    assert.equal(backoffDelay(4, options, constant(0.5), Number.NaN), backoffDelay(4, options, constant(0.5)));
  });

  it('a decorrelated run fed its own delays grows to the cap and stays within [base, cap]', () => {
    const options: BackoffOptions = { baseMs: 500, capMs: 20_000, jitter: 'decorrelated' };
    const delays: number[] = [];
    let previous: number | undefined;
    for (let attempt = 1; attempt <= 8; attempt++) {
      previous = backoffDelay(attempt, options, constant(HIGH), previous);
      delays.push(previous);
    }
    assert.deepEqual(delays, [1_499, 4_493, 13_466, 19_980, 19_980, 19_980, 19_980, 19_980]);
  });

  it('every jitter stays within [its floor, its ceiling] and never above the cap, for any attempt and draw', () => {
    fc.assert(
      fc.property(
        arbitraryOptions,
        fc.integer({ min: 1, max: 1_000_000 }),
        arbitraryRandom,
        fc.option(fc.integer({ min: 0, max: 300_000 }), { nil: undefined }),
        (options, attempt, r, previous) => {
          const ceiling = backoffCeiling(attempt, options, previous);
          const delay = backoffDelay(attempt, options, constant(r), previous);
          assert.ok(Number.isInteger(delay), `delay ${delay} is a whole number of ms`);
          assert.ok(ceiling <= options.capMs, `ceiling ${ceiling} <= cap ${options.capMs}`);
          const floor =
            options.jitter === 'full'
              ? 0
              : options.jitter === 'equal'
                ? Math.floor(ceiling / 2)
                : Math.min(options.baseMs, ceiling);
          assert.ok(delay >= floor && delay <= ceiling, `${options.jitter}: ${floor} <= ${delay} <= ${ceiling}`);
          if (ceiling > 0 && options.jitter === 'full') assert.ok(delay < ceiling);
        },
      ),
    );
  });

  it('delays grow with the draw', () => {
    fc.assert(
      fc.property(
        arbitraryOptions,
        fc.integer({ min: 1, max: 40 }),
        arbitraryRandom,
        arbitraryRandom,
        fc.integer({ min: 0, max: 100_000 }),
        (options, attempt, a, b, previous) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          assert.ok(
            backoffDelay(attempt, options, constant(low), previous) <=
              backoffDelay(attempt, options, constant(high), previous),
          );
        },
      ),
    );
  });
});

describe('backoffCeiling', () => {
  it('full and equal ceilings never fall as attempts grow, and reach the cap', () => {
    fc.assert(
      fc.property(arbitraryOptions, fc.constantFrom<Jitter>('full', 'equal'), (options, jitter) => {
        let last = 0;
        for (let attempt = 1; attempt <= 64; attempt++) {
          const ceiling = backoffCeiling(attempt, { ...options, jitter });
          assert.ok(ceiling >= last, `attempt ${attempt}: ${ceiling} >= ${last}`);
          last = ceiling;
        }
        assert.equal(last, options.capMs);
      }),
    );
  });

  it('the decorrelated ceiling never falls as the previous delay grows, and is held at the cap', () => {
    fc.assert(
      fc.property(
        arbitraryOptions,
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (options, attempt, x, y) => {
          const decorrelated = { ...options, jitter: 'decorrelated' as const };
          const [shorter, longer] = x <= y ? [x, y] : [y, x];
          assert.ok(backoffCeiling(attempt, decorrelated, shorter) <= backoffCeiling(attempt, decorrelated, longer));
          assert.ok(backoffCeiling(attempt, decorrelated, longer) <= options.capMs);
        },
      ),
    );
  });

  it('refuses an unknown jitter with a TypeError naming the choices', () => {
    const options = { baseMs: 500, capMs: 5_000, jitter: 'none' } as unknown as BackoffOptions;
    assert.throws(
      () => backoffDelay(1, options, Math.random),
      (error: unknown) => error instanceof TypeError && /'full', 'equal' or 'decorrelated'/.test(error.message),
    );
  });
});
