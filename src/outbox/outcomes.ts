/**
 * After a queued relay accepted a request (202), nothing may fail in silence: the flusher tab learns the outcomes of
 * the agent's accepted requests and settles each one, matched by WriteId (outcome-settle.ts), from either source:
 * - pushed (`OutboxOptions.outcomeFeed`): opened when this tab starts sending (not at the first accept, so one socket
 *   serves the session), closed when it stops. While it is subscribed (its backlog arrived), nothing is polled.
 * - polled (`OutboxOptions.outcomes`) while the feed is not subscribed, or there is none, and accepted requests await
 *   an outcome: with backoff (`outcomePolling`: the first poll soon after an accept, or after the feed went down,
 *   then doubling up to a cap while nothing settles), every call within `requestTimeoutMs`; none once none is left.
 * A pushed outcome of an accept this tab has not recorded yet (a fast worker, a slow store) is kept a while and
 * applied once the accept is. One pass at a time, polled or pushed, so an entry is settled once. An accepted request
 * with no outcome within `giveUpMs` becomes a kept failure saying so, however outcomes come (while pushed, after one
 * last read of the outcomes): the agent may send it again (the same values again are harmless) or discard it.
 */
import type { OutcomeFeedHandle, OutcomeFeedState, Settings, WriteOutcomeReport } from './options.ts';
import { noOutcome, OutcomeSettler, outcomeOf, type OutcomeHost } from './outcome-settle.ts';
import type { OutboxEntry } from './types.ts';

/** Outcomes of requests accepted this long before the oldest one still waiting are asked for too: the relay's clock may differ. */
const CLOCK_MARGIN_MS = 10 * 60_000;
/**
 * A pushed outcome that matched no accepted entry is kept this long, and at most this many, for an accept this tab
 * has not recorded yet: the worker may land a request and push its outcome before the store wrote the 202.
 */
export const EARLY_OUTCOME_MS = 10 * 60_000;
export const EARLY_OUTCOMES_MAX = 300;

export class OutcomePoller {
  readonly #settings: Settings;
  readonly #host: OutcomeHost;
  readonly #settler: OutcomeSettler;
  #timer: unknown;
  #delay: number;
  #pass: Promise<void> = Promise.resolve();
  /** Passes queued or under way (polls, and outcomes the feed pushed); the next poll is scheduled once none is left. */
  #passes = 0;
  #call: AbortController | undefined;
  /** Set once this tab became the flusher (`wake`): before, it never polls nor opens the feed. */
  #woken = false;
  #stopped = false;
  #feed: OutcomeFeedHandle | undefined;
  /** True while the feed is subscribed and its backlog arrived: outcomes are pushed, not polled. */
  #pushed = false;
  /** The agent the feed subscribed for (its token's). */
  #feedAgent: string | undefined;
  /** Pushed outcomes that matched no accepted entry yet, by WriteId, with when they came (oldest first). */
  readonly #early = new Map<string, { report: WriteOutcomeReport; at: number }>();

  constructor(settings: Settings, host: OutcomeHost) {
    this.#settings = settings;
    this.#host = host;
    this.#settler = new OutcomeSettler(settings, host);
    this.#delay = settings.outcomePolling.firstMs;
  }

  /** This tab became the flusher (the feed opens) or a request was accepted: poll soon, from the first delay again. */
  wake(): void {
    if (this.#stopped) return;
    if (!this.#woken) this.#open();
    this.#woken = true;
    this.#delay = this.#settings.outcomePolling.firstMs;
    this.#applyEarly();
    if (this.#passes === 0) this.#schedule();
  }

  /**
   * Polls again, at the current backoff, when accepted requests await an outcome and no poll is due: e.g. once the
   * agent named again on a shared desk has some, or another tab's writes were found. Nothing before `wake`.
   */
  resume(): void {
    if (!this.#woken || this.#stopped) return;
    const agent = this.#host.mirror.agent;
    if (this.#feed && agent !== this.#feedAgent) {
      // Another agent signed in on this desk: the feed subscribed with the former agent's token.
      this.#feedAgent = agent;
      this.#feed.renew();
    }
    this.#applyEarly();
    if (this.#passes === 0 && this.#timer === undefined) this.#schedule();
  }

  /** Stops polling and closes the feed; resolves once a pass under way has recorded what it learnt. */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#feed?.close();
    this.#settings.clock.clearTimeout(this.#timer);
    this.#call?.abort(new DOMException('The outbox was closed.', 'AbortError'));
    return this.#pass;
  }

  #open(): void {
    const { outcomeFeed } = this.#settings;
    if (!outcomeFeed) return;
    this.#feedAgent = this.#host.mirror.agent;
    try {
      this.#feed = outcomeFeed({
        since: () => this.#since(this.#host.mirror.accepted()),
        outcomes: (reports) => {
          if (!this.#stopped) this.#run(() => this.#apply(reports));
        },
        state: (state) => this.#feedState(state),
        error: (error) => {
          if (!this.#stopped) this.#host.fail(error);
        },
      });
    } catch (error) {
      this.#host.fail(error);
    }
  }

  #feedState(state: OutcomeFeedState): void {
    const pushed = state === 'subscribed';
    if (this.#stopped || pushed === this.#pushed) return;
    this.#pushed = pushed;
    // Outcomes pushed while the feed was down are lost to it: poll soon.
    if (!pushed) this.#delay = this.#settings.outcomePolling.firstMs;
    if (this.#passes === 0) this.#schedule();
  }

  /** Where outcomes are asked from: the oldest waiting accept less the margin, else when the outbox started. */
  #since(waiting: readonly OutboxEntry[]): number {
    const oldest = Math.min(...waiting.map((entry) => entry.accepted?.at ?? Infinity));
    return Number.isFinite(oldest) ? Math.max(0, oldest - CLOCK_MARGIN_MS) : this.#settings.startedAt;
  }

  /** Runs `work` after the passes before it; the next poll is scheduled after the last. */
  #run(work: () => Promise<void>): void {
    this.#passes++;
    this.#pass = this.#pass.then(work).finally(() => {
      if (--this.#passes === 0) this.#schedule();
    });
  }

  #schedule(): void {
    const { clock } = this.#settings;
    clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || this.#host.mirror.acceptedCount === 0) return;
    // While outcomes are pushed, the timer only gives up on requests whose outcome never came.
    const delay = this.#pushed ? this.#giveUpDelay() : this.#delay;
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      this.#run(() => this.#poll());
    }, delay);
  }

  /** Until the oldest accepted request is past `giveUpMs`. */
  #giveUpDelay(): number {
    const oldest = Math.min(...this.#host.mirror.accepted().map((entry) => entry.accepted?.at ?? 0));
    return Math.max(0, oldest + this.#settings.outcomePolling.giveUpMs + 1 - this.#settings.clock.now());
  }

  async #poll(): Promise<void> {
    const { outcomes, clock, outcomePolling } = this.#settings;
    const pushed = this.#pushed;
    let settled = 0;
    try {
      const waiting = this.#host.mirror.accepted();
      const giveUpAt = clock.now() - outcomePolling.giveUpMs;
      // While pushed, the only read is one last look before giving up: an outcome may sit in the relay's store
      // though its push never came.
      const due = waiting.some((entry) => (entry.accepted?.at ?? 0) < giveUpAt);
      if (outcomes !== undefined && waiting.length > 0 && (!pushed || due)) {
        let reports: WriteOutcomeReport[] = [];
        try {
          reports = await this.#read(this.#since(waiting));
        } catch (error) {
          // That last look failing does not keep the entries waiting: nothing else would read again.
          if (!pushed) throw error;
          if (!this.#stopped) this.#host.fail(error);
        }
        for (const entry of waiting) {
          if (this.#stopped) return;
          const report = outcomeOf(reports, entry.accepted?.writeId);
          if (report && (await this.#settler.settle(entry, report))) settled++;
        }
      }
      const giveUpBefore = clock.now() - outcomePolling.giveUpMs;
      for (const entry of this.#host.mirror.accepted()) {
        if (this.#stopped) return;
        if (
          (entry.accepted?.at ?? 0) < giveUpBefore &&
          (await this.#settler.keep(entry, noOutcome(outcomePolling.giveUpMs), 'unconfirmed'))
        )
          settled++;
      }
    } catch (error) {
      // A failed call is tried again after the backoff; the accepted requests stay as they are.
      if (!this.#stopped) this.#host.fail(error);
    }
    if (!this.#pushed)
      this.#delay = settled > 0 ? outcomePolling.firstMs : Math.min(this.#delay * 2, outcomePolling.capMs);
  }

  /**
   * Settles the accepted requests whose outcomes the feed pushed (with those kept from before); one that matches no
   * accepted request is kept a while (`EARLY_OUTCOME_MS`), for an accept not recorded yet.
   */
  async #apply(reports: readonly WriteOutcomeReport[]): Promise<void> {
    const now = this.#settings.clock.now();
    for (const [writeId, early] of this.#early) if (early.at + EARLY_OUTCOME_MS <= now) this.#early.delete(writeId);
    for (const report of reports) {
      const kept = this.#early.get(report.writeId)?.report;
      this.#early.delete(report.writeId);
      this.#early.set(report.writeId, {
        report: outcomeOf(kept ? [kept, report] : [report], report.writeId) ?? report,
        at: now,
      });
    }
    try {
      for (const entry of this.#host.mirror.accepted()) {
        if (this.#stopped) return;
        const writeId = entry.accepted?.writeId;
        const early = writeId === undefined ? undefined : this.#early.get(writeId);
        if (!early || writeId === undefined) continue;
        this.#early.delete(writeId);
        await this.#settler.settle(entry, early.report);
      }
    } catch (error) {
      if (!this.#stopped) this.#host.fail(error);
    } finally {
      // The oldest go first.
      for (const writeId of [...this.#early.keys()].slice(0, Math.max(0, this.#early.size - EARLY_OUTCOMES_MAX)))
        this.#early.delete(writeId);
    }
  }

  /** Settles, in a pass of its own, accepted requests whose outcomes were pushed before their accept was recorded. */
  #applyEarly(): void {
    if (this.#stopped || this.#early.size === 0) return;
    const early = this.#early;
    // Only when one matches: a pass reschedules the next poll.
    if (this.#host.mirror.accepted().some((entry) => early.has(entry.accepted?.writeId ?? '')))
      this.#run(() => this.#apply([]));
  }

  /** One call to the reader, within `requestTimeoutMs` (its signal aborts then, and the call is raced with it). */
  async #read(since: number): Promise<WriteOutcomeReport[]> {
    const { outcomes, clock, requestTimeoutMs } = this.#settings;
    if (!outcomes) return [];
    const controller = new AbortController();
    this.#call = controller;
    const timer = clock.setTimeout(
      () => controller.abort(new DOMException(`No outcomes within ${requestTimeoutMs} ms.`, 'TimeoutError')),
      requestTimeoutMs,
    );
    try {
      const aborted = new Promise<never>((_, reject) => {
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
      });
      return await Promise.race([outcomes(since, { signal: controller.signal }), aborted]);
    } finally {
      clock.clearTimeout(timer);
      this.#call = undefined;
    }
  }
}
