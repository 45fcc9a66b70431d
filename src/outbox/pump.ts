/**
 * The flusher's pump: picks the entries that are due, in due order, and starts their requests as far as the
 * client-side token bucket, the in-flight limit and the shared pause after a 429 allow; then sleeps until the next
 * one is due. The quota behind a 429 is shared by every request of the account, so one 429 holds back every contact.
 */
import type { OutboxClock } from './options.ts';
import { TokenBucket } from './pacing.ts';

/** An entry the pump may start: its id and the earliest time it may go (debounce and backoff). */
export interface Candidate {
  id: string;
  at: number;
}

export interface PumpOptions {
  clock: OutboxClock;
  rate: { ratePerSecond: number; burst: number };
  maxInFlight: number;
  /** Entries with something to send and no request in flight. */
  candidates(): Candidate[];
  /** Requests in flight now. */
  inFlight(): number;
  /** Starts the request of an entry. */
  start(id: string): void;
}

export class Pump {
  readonly #options: PumpOptions;
  readonly #bucket: TokenBucket;
  #timer: unknown;
  #timerAt = Infinity;
  #queued = false;
  #running = false;
  #pausedUntil = 0;

  constructor(options: PumpOptions) {
    this.#options = options;
    this.#bucket = new TokenBucket(options.rate.ratePerSecond, options.rate.burst, () => options.clock.now());
  }

  /** Starts pumping (this tab became the flusher). */
  run(): void {
    this.#running = true;
    this.schedule();
  }

  /** Pumps soon (in a microtask), once however often it is asked. */
  schedule(): void {
    if (!this.#running || this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#pump();
    });
  }

  /** Holds every request back until `until` and empties the bucket (the service said it is throttling). */
  pause(until: number): void {
    this.#bucket.drain();
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
  }

  /** Stops for good. */
  stop(): void {
    this.#running = false;
    this.#options.clock.clearTimeout(this.#timer);
  }

  #pump(): void {
    if (!this.#running) return;
    const { clock } = this.#options;
    const now = clock.now();
    let wake = Infinity;
    const due = this.#options
      .candidates()
      .map(({ id, at }) => ({ id, at: Math.max(at, this.#pausedUntil) }))
      .sort((a, b) => a.at - b.at);
    for (const { id, at } of due) {
      if (at > now) {
        wake = at;
        break;
      }
      if (this.#options.inFlight() >= this.#options.maxInFlight) break;
      const wait = this.#bucket.take();
      if (wait > 0) {
        wake = now + wait;
        break;
      }
      this.#options.start(id);
    }
    if (wake === Infinity || wake === this.#timerAt) return;
    clock.clearTimeout(this.#timer);
    this.#timerAt = wake;
    this.#timer = clock.setTimeout(
      () => {
        this.#timerAt = Infinity;
        this.#pump();
      },
      Math.max(0, wake - now),
    );
  }
}
