// Virtual time for the backoff grid: timers that run as the clock jumps ahead, and a seeded random source.
import type { OutboxClock } from '../src/outbox/index.ts';

interface VirtualTimer {
  at: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

/** Timers in virtual time: callbacks run in time order (then in the order they were set) as the clock jumps ahead. */
export class VirtualTimers {
  now = 0;
  readonly #heap: VirtualTimer[] = [];
  #seq = 0;

  /** Runs `run` at virtual time `at`. */
  at(at: number, run: () => void): VirtualTimer {
    const timer = { at, seq: this.#seq++, run, cancelled: false };
    const heap = this.#heap;
    heap.push(timer);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
    return timer;
  }

  /** The clock and timers an Outbox takes (its `clock` option), on this virtual time. */
  get clock(): OutboxClock {
    return {
      now: () => this.now,
      setTimeout: (run, ms) => this.at(this.now + Math.max(0, ms), run),
      clearTimeout: (timer) => {
        if (timer) (timer as VirtualTimer).cancelled = true;
      },
    };
  }

  /** Runs every timer, including those set while running. */
  runAll(): void {
    for (let timer = this.#next(); timer; timer = this.#next()) this.#fire(timer);
  }

  /**
   * Runs timers until `done()` or none is left before `limitMs`, letting the promise chains a timer starts settle
   * before the next one fires (the outbox's stores and emitters continue in microtasks, all run before a
   * setImmediate callback).
   */
  async runUntil(done: () => boolean, limitMs: number): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (done()) return;
      const timer = this.#next();
      if (!timer || timer.at > limitMs) return;
      this.#fire(timer);
    }
  }

  #fire(timer: VirtualTimer): void {
    this.now = timer.at;
    timer.run();
  }

  /** Takes the earliest timer not cancelled off the heap. */
  #next(): VirtualTimer | undefined {
    const heap = this.#heap;
    while (heap.length > 0) {
      const first = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ;) {
          const left = 2 * i + 1;
          const right = left + 1;
          let least = i;
          if (left < heap.length && this.#before(left, least)) least = left;
          if (right < heap.length && this.#before(right, least)) least = right;
          if (least === i) break;
          [heap[i], heap[least]] = [heap[least]!, heap[i]!];
          i = least;
        }
      }
      if (!first.cancelled) return first;
    }
    return undefined;
  }

  #before(a: number, b: number): boolean {
    const x = this.#heap[a]!;
    const y = this.#heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}

/** A seeded generator of numbers in [0, 1) (mulberry32), so the grid's figures repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
