// Queued mode's backend for the relay fleet bench: fauxqs, the relay in queued mode and the worker.
import type { RelayServer } from '../src/relay/index.ts';
import type { FleetCounts } from './relay-fleet-report.ts';

export interface QueuedBackend {
  relay: RelayServer;
  pacePerSecond: number;
  drained(done: () => boolean, limitMs: number): Promise<void>;
  report(counts: FleetCounts): Promise<string[]>;
  close(): Promise<void>;
}

export function startQueuedBackend(): Promise<QueuedBackend> {
  return Promise.reject(new Error('queued mode: the worker is not merged yet'));
}
