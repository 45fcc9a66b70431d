/**
 * The browser's side of queued mode end to end, in one process: the outbox and the relay client, wired as the plugin
 * wires them -> the relay in queued mode (real JWTs) -> fauxqs's FIFO queue -> the worker loop -> the Connect API
 * stand-in, and back: the worker records each outcome in the store the relay's outcomes route reads (GET
 * /contact/attributes/outcomes), which the outbox polls through the relay client. Checked at the stand-in (what it
 * stored, how many UpdateContactAttributes calls carried a value) and in the outbox (what it kept). The relay client
 * reaches the relay through its `fetch` option (the relay's handler called in process).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { createOutbox, MemoryOutboxStore, type Outbox } from '../../src/outbox/index.ts';
import { RelayClient } from '../../src/relay-client.ts';
import { createRelay, type Relay } from '../../src/relay/index.ts';
import { createMemoryOutcomeStore, type OutcomeStore } from '../../src/relay/outcomes.ts';
import { startWorkerLoop, type WorkerLoop } from '../../src/relay/worker-loop.ts';
import type { ContactRef } from '../../src/writer.ts';
import { instanceId, jones, sqsOf, startQueuedRig, type QueuedRig } from '../helpers/queued-rig.ts';
import { until } from '../helpers/until.ts';

let rig: QueuedRig;
let relay: Relay;
let store: OutcomeStore;
let worker: WorkerLoop | undefined;
let outbox: Outbox | undefined;
/** Each test's own contacts: deduplication ids live 5 minutes. */
let run = 0;

before(async () => {
  rig = await startQueuedRig({ visibilityTimeoutSeconds: 2, maxReceiveCount: 4 });
});
after(() => rig.close());
beforeEach(() => {
  run += 1;
  store = createMemoryOutcomeStore();
  relay = createRelay(rig.config(), {
    connect: rig.connect(),
    sqs: sqsOf(rig),
    audit: () => undefined,
    outcomes: store,
  });
});
afterEach(async () => {
  await outbox?.close();
  await worker?.stop();
  outbox = undefined;
  worker = undefined;
  rig.connectApi.reset();
  for (const url of [rig.queue.queueUrl, rig.queue.deadLetterUrl])
    await rig.queue.sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
});

function startWorker(): void {
  worker = startWorkerLoop({
    config: rig.config(),
    settings: { describeContactPerSecond: 50, updateAttributesPerSecond: 50, maxReceiveCount: 4 },
    dependencies: { sqs: sqsOf(rig), connect: rig.connect(), audit: () => undefined, outcomes: store },
    waitTimeSeconds: 1,
    visibilityTimeoutSeconds: 2,
    stopTimeoutMs: 10_000,
  });
}

/** The relay's handler as the relay client's transport; `lose(n)` drops the answer of the n-th POST (1-based). */
function transport(lose: (post: number) => boolean = () => false): typeof fetch {
  let posts = 0;
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const method = init.method ?? 'GET';
    const answer = await relay({
      method,
      path: url.pathname,
      query: url.search.slice(1),
      headers,
      body: typeof init.body === 'string' ? init.body : '',
    });
    if (method === 'POST' && lose(++posts)) throw new TypeError('fetch failed: the connection dropped');
    return new Response(answer.body, { status: answer.statusCode, headers: answer.headers });
  };
}

/** The plugin's wiring in relay mode (src/plugin.ts), the agent signed in as `username`. */
function agentOutbox(username: string, fetch: typeof globalThis.fetch = transport()): Outbox {
  const token = rig.signIn(username);
  const client = new RelayClient({ url: 'https://relay.example/', token, fetch, timeoutMs: 5_000 });
  const made = createOutbox({
    store: new MemoryOutboxStore(),
    sender: (c, attributes, { signal, writeId }) => client.update(c, attributes, { signal, writeId }),
    outcomes: (since, { signal }) => client.outcomes(since, { signal }),
    authRetries: 0,
    locks: null,
    debounceMs: 0,
    backoff: { baseMs: 50, capMs: 100 },
    outcomePolling: { firstMs: 100, capMs: 200, giveUpMs: 60_000 },
  });
  outbox = made;
  return made;
}

const ref = (contactId: string): ContactRef => ({ contactId, initialContactId: contactId, instanceId });
const stored = (contactId: string) => rig.connectApi.attributesOf(instanceId, contactId) ?? {};
/** UpdateContactAttributes calls the stand-in stored for a contact. */
const updates = (contactId: string) =>
  rig.connectApi
    .requestLog()
    .filter((e) => e.action === 'UpdateContactAttributes' && e.stored && e.initialContactId === contactId);

describe('the outbox through the queued relay, end to end', () => {
  it('settles write() as accepted, then removes the request once the worker landed it in Connect', async () => {
    const id = rig.liveContact(`browser-${run}-a`);
    const writer = agentOutbox('agent.smith');
    const landed: (string | undefined)[] = [];
    writer.on('landed', (event) => landed.push(event.writeId));
    const receipt = await writer.write(ref(id), { Note: 'hello', Tier: 'gold' });
    assert.equal(receipt.state, 'accepted');
    assert.equal(writer.state.accepted, 1);
    startWorker();
    await until(() => writer.state.accepted === 0 && landed.length === 1, 'the landing to settle the request');
    assert.deepEqual(stored(id), { Note: 'hello', Tier: 'gold' });
    assert.deepEqual(landed, [(receipt as { writeId: string }).writeId]);
    assert.equal(writer.failures().length, 0);
  });

  it('sends the same WriteId again after a lost 202: the queue drops the copy and the value lands once', async () => {
    const id = rig.liveContact(`browser-${run}-b`);
    const writer = agentOutbox(
      'agent.smith',
      transport((post) => post === 1),
    );
    startWorker();
    assert.equal((await writer.write(ref(id), { Step: '1' })).state, 'accepted');
    await until(() => writer.state.accepted === 0 && stored(id)['Step'] === '1', 'the landing');
    // Let a copy, had the queue taken one, land too before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(updates(id).length, 1);
  });

  it("keeps a write to another agent's contact as a failure after 202, with the relay's reason; nothing lands", async () => {
    const theirs = rig.liveContact(`browser-${run}-c`, jones);
    const writer = agentOutbox('agent.smith');
    const failed: { keys: string[]; kind: string; outcome: unknown; message: string }[] = [];
    writer.on('failed', ({ entry, error }) =>
      failed.push({
        keys: Object.keys(entry.attributes),
        kind: error.kind,
        outcome: entry.accepted?.outcome,
        message: error.message,
      }),
    );
    assert.equal((await writer.write(ref(theirs), { Reason: 'refund' })).state, 'accepted');
    startWorker();
    await until(() => failed.length === 1, 'the refusal after 202');
    const [refusal] = failed;
    assert.ok(refusal);
    assert.deepEqual(refusal.keys, ['Reason']);
    assert.equal(refusal.kind, 'auth');
    assert.equal(refusal.outcome, 'refused');
    assert.match(refusal.message, /not yours/i);
    assert.deepEqual(writer.failures()[0]?.attributes, { Reason: 'refund' });
    assert.deepEqual(stored(theirs), {});
    assert.equal(writer.state.accepted, 0);
  });
});
