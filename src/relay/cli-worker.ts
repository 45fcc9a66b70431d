/**
 * `npm run relay -- --worker`: the queued relay's worker in the relay's own process, so the relay can push outcomes
 * over its outcome socket (src/relay/socket-server.ts): the worker's outcome store notifies the sockets the relay
 * accepted. Paced by RELAY_WORKER_PACING (src/relay/worker-runtime.ts), its maxReceiveCount read from the queue's
 * redrive policy when not given there, as `npm run relay-worker` does.
 */
import type { ResolvedRelayConfig } from './config.ts';
import { notifyingOutcomeStore } from './outcome-push.ts';
import type { OutcomeStore } from './outcomes.ts';
import { createSqsClient } from './queued.ts';
import { createLocalOutcomeSockets, type LocalOutcomeSockets } from './socket-server.ts';
import { startWorkerLoop, type WorkerLoop } from './worker-loop.ts';
import { outcomeStoreOf, readMaxReceiveCount, workerSettingsFromEnvironment } from './worker-runtime.ts';

/** The worker running beside the relay, and what the relay server takes from it. */
export interface InProcessWorker {
  sockets: LocalOutcomeSockets;
  /** The worker's store, notifying the sockets; the relay reads the backlog and the outcomes route from it. */
  outcomes: OutcomeStore;
  loop: WorkerLoop;
}

/** Starts the worker on `config`'s queue; throws a TypeError when there is none or RELAY_WORKER_PACING is wrong. */
export async function startInProcessWorker(config: ResolvedRelayConfig): Promise<InProcessWorker> {
  const { queue } = config;
  if (!queue) throw new TypeError('--worker needs queued mode: set "queue": {"url": ...} in the configuration');
  const settings = workerSettingsFromEnvironment(process.env);
  if (settings.maxReceiveCount === undefined) {
    const fromQueue = await readMaxReceiveCount(createSqsClient(queue, config.region), queue.url);
    if (fromQueue !== undefined) settings.maxReceiveCount = fromQueue;
  }
  const sockets = createLocalOutcomeSockets();
  const outcomes = notifyingOutcomeStore(outcomeStoreOf(config), sockets);
  const loop = startWorkerLoop({ config, settings, dependencies: { outcomes } });
  return { sockets, outcomes, loop };
}
