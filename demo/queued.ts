/**
 * Queued mode offline (issue 18), for `npm start` (demo/?writes=queued) and the relay fleet bench: fauxqs with the
 * FIFO write queue and its dead-letter queue, the relay in queued mode in front of it (202 once SQS holds a write), and
 * the worker landing the writes on the Connect API stand-in at its pace. `status()` reads what the demo page shows: the
 * queue's depth (GetQueueAttributes, as CloudWatch's ApproximateNumberOf* metrics read it) and the worker's progress
 * (the outcomes it recorded) and how many outcome sockets are subscribed. Relay and worker share this process, so the
 * relay offers the outcome socket (src/relay/socket-server.ts, at `socketUrl`) and the worker's outcome store pushes
 * each outcome to its caller's sockets.
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Plugin } from '@web/dev-server-core';
import { createRelayConnectClient, type RelayServer } from '../src/relay/index.ts';
import { notifyingOutcomeStore, outcomeSocketPath, type ConnectionRegistry } from '../src/relay/outcome-push.ts';
import { createMemoryOutcomeStore, type OutcomeStore } from '../src/relay/outcomes.ts';
import { createLocalOutcomeSockets, type LocalOutcomeSockets } from '../src/relay/socket-server.ts';
import { workerDefaults, type OwnershipCheck } from '../src/relay/worker.ts';
import { startWorkerLoop } from '../src/relay/worker-loop.ts';
import { startFauxqsQueue, type FauxqsQueue } from './fauxqs.ts';
import type { ConnectApiHandle } from './connect-api/server.ts';
import { standInRelayConfig, startStandInRelay } from './relay.ts';

/** One settled write, as the demo shows it (attribute keys, never values). */
export interface SettledWrite {
  initialContactId: string;
  keys: string[];
  state: 'landed' | 'refused' | 'failed' | 'dead-letter';
  status: number;
  at: number;
}

/** The queue and the worker, now. */
export interface QueueStatus {
  /** Messages waiting (ApproximateNumberOfMessages). */
  waiting: number;
  /** Messages a worker received and has not deleted or handed back yet (ApproximateNumberOfMessagesNotVisible). */
  inFlight: number;
  /** Messages in the dead-letter queue. */
  deadLetters: number;
  /** Writes the worker settled, by outcome. */
  settled: Record<SettledWrite['state'], number>;
  /** The newest settled writes, newest first (at most 8). */
  recent: SettledWrite[];
  /** Outcome sockets subscribed now (their token not expired): the pages that hear outcomes pushed, not polled. */
  subscribed: number;
}

/** Options of startQueuedStandIn. */
export interface QueuedStandInOptions {
  /** Browser origins allowed by the relay's CORS. */
  allowedOrigins?: string[];
  /** The worker's pace per Connect action (calls per second); default the worker's. */
  pacePerSecond?: number;
  /** Receives before a message goes to the dead-letter queue (default 5). */
  maxReceiveCount?: number;
  /** How the worker checks ownership (default the worker's, DescribeContact). */
  ownershipCheck?: OwnershipCheck;
}

/** A running queued mode. */
export interface QueuedStandIn {
  relay: RelayServer;
  /** The relay's outcome socket: `ws://127.0.0.1:<port>/contact/attributes/outcomes/socket`. */
  socketUrl: string;
  queue: FauxqsQueue;
  /** Every outcome the worker recorded. */
  outcomes: OutcomeStore;
  /** The worker's pace per Connect action (calls per second). */
  pacePerSecond: number;
  status(): Promise<QueueStatus>;
  close(): Promise<void>;
}

const emptySettled = (): QueueStatus['settled'] => ({ landed: 0, refused: 0, failed: 0, 'dead-letter': 0 });

/** Starts fauxqs, the queued relay and the worker in front of `api`. */
export async function startQueuedStandIn(
  api: ConnectApiHandle,
  options: QueuedStandInOptions = {},
): Promise<QueuedStandIn> {
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const queue = await startFauxqsQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount });
  const settled = emptySettled();
  const recent: SettledWrite[] = [];
  const noteSettled = ({ initialContactId, keys, state, status, at }: SettledWrite): void => {
    settled[state]++;
    recent.unshift({ initialContactId, keys, state, status, at });
    recent.length = Math.min(recent.length, 8);
  };
  const store = createMemoryOutcomeStore();
  const { push, subscribed } = countingSubscriptions(createLocalOutcomeSockets());
  const notifying = notifyingOutcomeStore(store, push);
  const outcomes: OutcomeStore = {
    record: async (outcome) => {
      noteSettled(outcome);
      await notifying.record(outcome);
    },
    recent: (sub, sinceMs) => store.recent(sub, sinceMs),
  };
  const relayOptions = {
    allowedOrigins: options.allowedOrigins ?? [],
    queue: { queue: { url: queue.queueUrl, endpoint: queue.endpoint }, sqs: queue.sqs, outcomes, push },
  };
  let relay: RelayServer;
  try {
    relay = await startStandInRelay(api, relayOptions);
  } catch (error) {
    await queue.close();
    throw error;
  }
  const pacePerSecond = options.pacePerSecond ?? workerDefaults.updateAttributesPerSecond;
  // The worker's own Connect client: one attempt per call (a throttle hands the message back to the queue).
  const connect = createRelayConnectClient({
    region: api.region,
    endpoint: api.url,
    credentials: { accessKeyId: api.accessKeyId, secretAccessKey: api.secretAccessKey },
  });
  const worker = startWorkerLoop({
    config: standInRelayConfig(api, relayOptions),
    settings: {
      describeContactPerSecond: pacePerSecond,
      updateAttributesPerSecond: pacePerSecond,
      maxReceiveCount,
      ...(options.ownershipCheck ? { ownershipCheck: options.ownershipCheck } : {}),
    },
    dependencies: { outcomes, connect, sqs: queue.sqs, audit: () => undefined },
    waitTimeSeconds: 1,
    stopTimeoutMs: 5_000,
  });
  return {
    relay,
    socketUrl: `${relay.url.replace(/^http/, 'ws')}${outcomeSocketPath}`,
    queue,
    outcomes,
    pacePerSecond,
    status: async () => ({
      ...(await depth(queue.sqs, queue.queueUrl, queue.deadLetterUrl)),
      settled: { ...settled },
      recent: [...recent],
      subscribed: subscribed(),
    }),
    close: async () => {
      await worker.stop();
      connect.destroy();
      await relay.close();
      await queue.close();
    },
  };
}

/**
 * `sockets` with its registrations counted: each subscribe registers its connection until the token's expiry, and a
 * closed socket's registration is removed (src/relay/outcome-push.ts).
 */
function countingSubscriptions(sockets: LocalOutcomeSockets): {
  push: LocalOutcomeSockets;
  subscribed: () => number;
} {
  const expiries = new Map<string, number>();
  const { registry } = sockets;
  const counted: ConnectionRegistry = {
    put: async (connectionId, sub, expiresAtMs) => {
      await registry.put(connectionId, sub, expiresAtMs);
      expiries.set(connectionId, expiresAtMs);
    },
    remove: async (connectionId) => {
      await registry.remove(connectionId);
      expiries.delete(connectionId);
    },
    connectionsOf: (sub, nowMs, signal) => registry.connectionsOf(sub, nowMs, signal),
  };
  return {
    push: { ...sockets, registry: counted },
    subscribed: () => [...expiries.values()].filter((expiresAtMs) => expiresAtMs > Date.now()).length,
  };
}

/** The queue's depth and its dead letters. */
async function depth(
  sqs: SQSClient,
  queueUrl: string,
  deadLetterUrl: string,
): Promise<Pick<QueueStatus, 'waiting' | 'inFlight' | 'deadLetters'>> {
  const read = async (url: string) =>
    (
      await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      )
    ).Attributes ?? {};
  const [main, dead] = await Promise.all([read(queueUrl), read(deadLetterUrl)]);
  const count = (value: string | undefined) => Number(value ?? 0);
  return {
    waiting: count(main['ApproximateNumberOfMessages']),
    inFlight: count(main['ApproximateNumberOfMessagesNotVisible']),
    deadLetters: count(dead['ApproximateNumberOfMessages']) + count(dead['ApproximateNumberOfMessagesNotVisible']),
  };
}

/**
 * Tells pages where the queued relay and its outcome socket listen and how the queue stands: `GET /__queued` ->
 * `{url, socketUrl, status}` (404 before it started). `queued` may start it on the first request (the browser tests').
 */
export function queuedLocation(queued: () => QueuedStandIn | Promise<QueuedStandIn> | undefined): Plugin {
  return {
    name: 'queued-location',
    async serve(context) {
      if (context.path !== '/__queued') return undefined;
      const running = await queued();
      if (!running) return undefined;
      const { relay, socketUrl } = running;
      return { body: JSON.stringify({ url: relay.url, socketUrl, status: await running.status() }), type: 'json' };
    },
  };
}
