// Queued mode's backend for the relay fleet bench: fauxqs, the relay in queued mode and the worker (demo/queued.ts),
// watched while the queue drains.
import type { ConnectApiHandle } from '../demo/connect-api/server.ts';
import { startQueuedStandIn } from '../demo/queued.ts';
import type { RelayServer } from '../src/relay/index.ts';
import type { OwnershipCheck } from '../src/relay/worker.ts';

export interface QueuedBackend {
  relay: RelayServer;
  /** The relay's outcome socket (ws://). */
  socketUrl: string;
  /** The worker's pace per Connect action (calls per second). */
  pacePerSecond: number;
  /** Resolves once the queue is empty (nothing waiting, nothing in flight), or after `limitMs`. */
  drained(limitMs: number): Promise<void>;
  /** Lines about the queue and the worker, for the printout. */
  report(): Promise<string[]>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts queued mode in front of `api`, the worker at `pacePerSecond` per Connect action, checking ownership so. */
export async function startQueuedBackend(
  api: ConnectApiHandle,
  options: { pacePerSecond: number; ownershipCheck: OwnershipCheck },
): Promise<QueuedBackend> {
  const queued = await startQueuedStandIn(api, options);
  const peak = { waiting: 0, inFlight: 0 };
  let drainedAfterLimit = false;
  return {
    relay: queued.relay,
    socketUrl: queued.socketUrl,
    pacePerSecond: queued.pacePerSecond,
    async drained(limitMs) {
      const deadline = Date.now() + limitMs;
      let emptyPolls = 0;
      // Two empty reads in a row: a message handed back between receives shows as in flight, never as gone.
      while (emptyPolls < 2) {
        const { waiting, inFlight } = await queued.status();
        peak.waiting = Math.max(peak.waiting, waiting);
        peak.inFlight = Math.max(peak.inFlight, inFlight);
        emptyPolls = waiting + inFlight === 0 ? emptyPolls + 1 : 0;
        if (Date.now() > deadline) {
          drainedAfterLimit = true;
          return;
        }
        await sleep(100);
      }
    },
    async report() {
      const { deadLetters, settled } = await queued.status();
      return [
        `queue: peak ${peak.waiting} waiting and ${peak.inFlight} in flight; ${deadLetters} dead letters` +
          (drainedAfterLimit ? '; NOT drained within the limit' : ''),
        `worker (${queued.pacePerSecond} calls/s per Connect action, ${options.ownershipCheck}): ${settled.landed} writes landed, ` +
          `${settled.refused} refused, ${settled.failed} failed, ${settled['dead-letter']} dead-lettered`,
      ];
    },
    close: () => queued.close(),
  };
}
