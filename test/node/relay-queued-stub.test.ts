/**
 * The outbox and the relay client, wired as the plugin wires them in relay mode, against a stub of a relay in queued
 * mode on a loopback port serving the shapes of the queued-relay contract (POST /contact/attributes answers 202
 * `{State, WriteId, RequestId}` and queues the write, deduplicated by WriteId as SQS deduplicates; GET
 * /contact/attributes/outcomes?since= answers `{Outcomes: [...]}`, the caller's only). A stub "worker" settles what
 * is queued. Checked from the stub's side: what it received, how many writes it queued, which outcome settled what.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createOutbox, MemoryOutboxStore, type Outbox, type OutboxOptions } from '../../src/outbox/index.ts';
import { RelayClient } from '../../src/relay-client.ts';
import type { ContactRef } from '../../src/writer.ts';

interface Queued {
  sub: string;
  writeId: string;
  requestId: string;
  contactId: string;
  initialContactId: string;
  instanceId: string;
  attributes: Record<string, string>;
}

interface WireOutcome {
  WriteId: string;
  RequestId: string;
  InstanceId: string;
  InitialContactId: string;
  ContactId: string;
  Keys: string[];
  State: 'landed' | 'refused' | 'failed' | 'dead-letter';
  Status: number;
  ErrorType?: string;
  Message?: string;
  At: number;
  sub: string;
}

/** The stub relay: its queue, its outcome store, and the requests it received. */
const relay = {
  posts: [] as { writeId: unknown; attributes: unknown; sub: string }[],
  polls: [] as { since: number; sub: string }[],
  queue: [] as Queued[],
  outcomes: [] as WireOutcome[],
  /** Answers of the write route before the 202s: a status to answer with instead. */
  script: [] as number[],
  requests: 0,
};

/** The stub worker: settles the queued write `writeId` with `state` and records its outcome. */
function work(writeId: string, state: WireOutcome['State'], extra: Partial<WireOutcome> = {}): void {
  const index = relay.queue.findIndex((queued) => queued.writeId === writeId);
  const [queued] = relay.queue.splice(index, 1);
  assert.ok(queued, `no queued write ${writeId}`);
  const status = { landed: 200, refused: 403, failed: 400, 'dead-letter': 500 }[state];
  relay.outcomes.push({
    sub: queued.sub,
    WriteId: queued.writeId,
    RequestId: queued.requestId,
    InstanceId: queued.instanceId,
    InitialContactId: queued.initialContactId,
    ContactId: queued.contactId,
    Keys: Object.keys(queued.attributes),
    State: state,
    Status: status,
    At: Date.now(),
    ...extra,
  });
}

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

let server: Server;
let url: string;

before(async () => {
  server = createServer((request, response) => {
    void (async () => {
      relay.requests++;
      const sub = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      const send = (status: number, payload: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      const path = new URL(request.url ?? '/', 'http://relay');
      if (request.method === 'GET' && path.pathname === '/contact/attributes/outcomes') {
        const since = Number(path.searchParams.get('since'));
        relay.polls.push({ since, sub });
        const mine = relay.outcomes.filter((outcome) => outcome.sub === sub && outcome.At >= since);
        send(200, { Outcomes: mine.map((outcome) => ({ ...outcome, sub: undefined })) });
        return;
      }
      if (request.method !== 'POST' || path.pathname !== '/contact/attributes') {
        send(404, {});
        return;
      }
      const parsed = JSON.parse(await body(request)) as {
        WriteId?: string;
        Attributes: Record<string, string>;
        ContactId: string;
        InitialContactId: string;
        InstanceId: string;
      };
      relay.posts.push({ writeId: parsed.WriteId, attributes: parsed.Attributes, sub });
      const scripted = relay.script.shift();
      if (scripted) {
        send(scripted, { message: `scripted ${scripted}` });
        return;
      }
      const writeId = parsed.WriteId ?? `relay-${relay.requests}`;
      const requestId = `req-${relay.requests}`;
      // FIFO deduplication by what the request carries: the same WriteId is queued once.
      if (
        !relay.queue.some((queued) => queued.writeId === writeId) &&
        !relay.outcomes.some((o) => o.WriteId === writeId)
      ) {
        relay.queue.push({
          sub,
          writeId,
          requestId,
          contactId: parsed.ContactId,
          initialContactId: parsed.InitialContactId,
          instanceId: parsed.InstanceId,
          attributes: parsed.Attributes,
        });
      }
      send(202, { State: 'ACCEPTED', WriteId: writeId, RequestId: requestId });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  url = `http://127.0.0.1:${address.port}/`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  relay.posts = [];
  relay.polls = [];
  relay.queue = [];
  relay.outcomes = [];
  relay.script = [];
  relay.requests = 0;
});

const contact: ContactRef = { contactId: 'leg-2', initialContactId: 'leg-1', instanceId: 'inst-1' };

/** The plugin's wiring in relay mode (src/plugin.ts relaySender), with a memory store and quick polling. */
function relayedOutbox(token: string, options: Partial<OutboxOptions> = {}): Outbox {
  const client = new RelayClient({ url, token, timeoutMs: 2_000 });
  return createOutbox({
    store: new MemoryOutboxStore(),
    sender: (c, attributes, { signal, writeId }) => client.update(c, attributes, { signal, writeId }),
    outcomes: (since, { signal }) => client.outcomes(since, { signal }),
    authRetries: 0,
    locks: null,
    debounceMs: 0,
    backoff: { baseMs: 20, capMs: 40 },
    outcomePolling: { firstMs: 20, capMs: 40, giveUpMs: 60_000 },
    ...options,
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the outbox through a queued relay (a stub serving the contract on a loopback port)', () => {
  it('accepts with the WriteId sent, queues once, polls the outcomes route and settles the landing', async () => {
    const outbox = relayedOutbox('agent-a');
    try {
      const receipt = await outbox.write(contact, { Note: 'hi' });
      assert.equal(receipt.state, 'accepted');
      assert.equal(relay.posts.length, 1);
      const writeId = relay.posts[0]?.writeId;
      assert.match(String(writeId), /^[A-Za-z0-9_.:-]{1,128}$/);
      assert.deepEqual(receipt, { state: 'accepted', writeId, requestId: 'req-1' });
      assert.equal(relay.queue.length, 1);
      await until(() => relay.polls.length >= 2, 'polls while nothing settled');
      assert.equal(outbox.state.accepted, 1);

      work(String(writeId), 'landed');
      await until(() => outbox.state.accepted === 0, 'the landing to settle the write');
      assert.equal(outbox.failures().length, 0);
      const polls = relay.polls.length;
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(relay.polls.length, polls, 'no poll once nothing awaits an outcome');
      assert.ok(relay.polls.every((poll) => poll.sub === 'agent-a'));
    } finally {
      await outbox.close();
    }
  });

  it('sends the same WriteId again after a 500, which the relay queues once; newer values get a new one', async () => {
    const outbox = relayedOutbox('agent-a');
    try {
      relay.script = [500];
      assert.equal((await outbox.write(contact, { A: '1' })).state, 'accepted');
      assert.equal(relay.posts.length, 2);
      assert.equal(relay.posts[1]?.writeId, relay.posts[0]?.writeId);
      assert.equal(relay.queue.length, 1);
      assert.equal((await outbox.write(contact, { A: '2' })).state, 'accepted');
      assert.notEqual(relay.posts[2]?.writeId, relay.posts[0]?.writeId);
      assert.equal(relay.queue.length, 2);
    } finally {
      await outbox.close();
    }
  });

  it('turns a refusal after 202 into a kept failure with the keys and the relay’s reason', async () => {
    const outbox = relayedOutbox('agent-a');
    const failed: { keys: string[]; kind: string; message: string; outcome: unknown }[] = [];
    outbox.on('failed', ({ entry, error }) =>
      failed.push({
        keys: Object.keys(entry.attributes),
        kind: error.kind,
        message: error.message,
        outcome: entry.accepted?.outcome,
      }),
    );
    try {
      await outbox.write(contact, { Reason: 'refund', Tier: 'gold' });
      const writeId = String(relay.posts[0]?.writeId);
      await until(() => relay.polls.length >= 1, 'a poll');
      assert.equal(outbox.state.accepted, 1);
      const message = 'This contact is not yours: attributes can only be saved on contacts you are handling.';
      work(writeId, 'refused', { ErrorType: 'AccessDeniedException', Message: message });
      await until(() => failed.length === 1, 'the failed event');
      assert.deepEqual(failed, [{ keys: ['Reason', 'Tier'], kind: 'auth', message, outcome: 'refused' }]);
      assert.deepEqual(outbox.failures()[0]?.attributes, { Reason: 'refund', Tier: 'gold' });
      assert.equal(relay.posts.length, 1, 'a refusal is not sent again by itself');
    } finally {
      await outbox.close();
    }
  });
});
