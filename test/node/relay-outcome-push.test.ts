/**
 * Outcome push's core (src/relay/outcome-push.ts) without a transport: real tokens judged by the relay's authenticator
 * (aws-jwt-verify against a loopback JWKS of this file), the in-memory registry, and a poster that keeps each
 * connection's frames. Every check reads what reached which connection.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { makeSigningKey, signJwt } from '../../demo/connect-api/user-pool.ts';
import {
  createAuthenticator,
  createMemoryConnectionRegistry,
  createMemoryOutcomeStore,
  createOutcomePush,
  notifyingOutcomeStore,
  type ConnectionPoster,
  type ConnectionRegistry,
  type OutcomeStore,
  type WriteOutcome,
} from '../../src/relay/index.ts';

const key = makeSigningKey();
const audience = 'agent-desktop';
let jwks: Server;
let issuer = '';

before(async () => {
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [key.jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
});
after(() => new Promise((resolve) => jwks.close(resolve)));

/** A token of `sub`; `claims` replace or (as undefined) remove claims. */
function token(sub: string, claims: Record<string, unknown> = {}): string {
  const iat = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    sub,
    iss: issuer,
    aud: audience,
    token_use: 'id',
    iat,
    exp: iat + 3600,
    ...claims,
  };
  const kept = Object.entries(payload).filter(([, value]) => value !== undefined);
  return signJwt({ alg: 'RS256', kid: key.kid }, Object.fromEntries(kept), key.privateKey);
}

const base = Date.parse('2026-12-07T12:00:00Z');
function outcome(sub: string, at: number, writeId = `w-${sub}-${at}`): WriteOutcome {
  return {
    sub,
    writeId,
    requestId: `r-${at}`,
    instanceId: 'inst',
    initialContactId: 'c-1',
    contactId: 'c-1',
    keys: ['disposition'],
    state: 'landed',
    status: 200,
    at,
  };
}

/** A poster keeping each connection's frames; connections in `gone` are gone. */
function recordingPoster() {
  const frames = new Map<string, Array<Record<string, unknown>>>();
  const gone = new Set<string>();
  const posts: string[] = [];
  const poster: ConnectionPoster = {
    post(connectionId, text) {
      posts.push(connectionId);
      if (gone.has(connectionId)) return Promise.resolve('gone');
      frames.set(connectionId, [...(frames.get(connectionId) ?? []), JSON.parse(text) as Record<string, unknown>]);
      return Promise.resolve('sent');
    },
  };
  return { poster, gone, posts, framesOf: (id: string) => frames.get(id) ?? [] };
}

function rig(options: { now?: () => number; store?: OutcomeStore; registry?: ConnectionRegistry } = {}) {
  const registry = options.registry ?? createMemoryConnectionRegistry();
  const store = options.store ?? createMemoryOutcomeStore({ now: () => base });
  const sent = recordingPoster();
  const authenticator = createAuthenticator({ type: 'oidc', issuer, audience: [audience], jwksUri: issuer });
  const push = createOutcomePush({
    authenticator,
    store,
    registry,
    poster: sent.poster,
    now: options.now ?? (() => base),
    timeoutMs: 200,
  });
  const subscribe = (id: string, bearer: unknown, since: unknown = 0) =>
    push.message(id, JSON.stringify({ action: 'subscribe', token: bearer, since }));
  return { push, registry, store, ...sent, subscribe };
}

/** The options of a push with no connections, for tests that replace parts. */
function rigOptions() {
  return {
    authenticator: createAuthenticator({ type: 'oidc', issuer, audience: [audience], jwksUri: issuer }),
    store: createMemoryOutcomeStore({ now: () => base }),
    registry: createMemoryConnectionRegistry(),
    poster: recordingPoster().poster,
    now: () => base,
  };
}

const writeIds = (frame: Record<string, unknown> | undefined) =>
  (frame?.['outcomes'] as Array<{ WriteId: string }> | undefined)?.map((o) => o.WriteId);

describe('outcome push: subscribe', () => {
  it("answers subscribed with the token's expiry, then the backlog of the caller's own outcomes since `since`", async () => {
    const r = rig();
    await r.store.record(outcome('smith', base - 5_000));
    await r.store.record(outcome('smith', base - 500));
    await r.store.record(outcome('jones', base - 400));
    await r.store.record(outcome('smith', base - 1_000));
    const exp = Math.floor(Date.now() / 1000) + 600;
    await r.subscribe('a', token('smith', { exp }), base - 1_000);
    const [subscribed, backlog = {}, ...rest] = r.framesOf('a');
    assert.deepEqual(subscribed, { type: 'subscribed', expiresAt: exp * 1000, now: base }, "with the relay's clock");
    assert.equal(backlog['type'], 'outcomes');
    assert.equal(backlog['backlog'], true);
    assert.deepEqual(writeIds(backlog), [`w-smith-${base - 1_000}`, `w-smith-${base - 500}`]);
    assert.deepEqual(rest, []);
    // The wire shape is the outcomes route's.
    assert.deepEqual((backlog['outcomes'] as unknown[])[0], {
      WriteId: `w-smith-${base - 1_000}`,
      RequestId: `r-${base - 1_000}`,
      InstanceId: 'inst',
      InitialContactId: 'c-1',
      ContactId: 'c-1',
      Keys: ['disposition'],
      State: 'landed',
      Status: 200,
      At: base - 1_000,
    });
    assert.deepEqual(await r.registry.connectionsOf('smith', base), ['a']);
  });

  it('sends an empty backlog when nothing happened since', async () => {
    const r = rig();
    await r.subscribe('a', token('smith'), base);
    assert.deepEqual(r.framesOf('a')[1], { type: 'outcomes', outcomes: [], backlog: true });
  });

  const refused: Array<[string, () => unknown]> = [
    [
      'an expired token',
      () => token('smith', { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }),
    ],
    ['a token without exp', () => token('smith', { exp: undefined })],
    ['a token of another issuer', () => token('smith', { iss: 'https://elsewhere.example.com' })],
    ['a token for another audience', () => token('smith', { aud: 'someone-else' })],
    ['a token signed by another key', () => token('smith').replace(/\.[^.]+$/, '.AAAA')],
    ['no token', () => undefined],
  ];
  for (const [name, make] of refused) {
    it(`refuses ${name} with 401, registers nothing, and pushes nothing to it`, async () => {
      const r = rig();
      await r.subscribe('a', make());
      const [error = {}, ...rest] = r.framesOf('a');
      assert.equal(error['type'], 'error');
      assert.equal(error['status'], 401);
      assert.match(String(error['message']), /sign in again/);
      assert.deepEqual(rest, []);
      await r.push.notify([outcome('smith', base)]);
      assert.equal(r.framesOf('a').length, 1, 'nothing pushed after the refusal');
      assert.deepEqual(await r.registry.connectionsOf('smith', base), []);
    });
  }

  it('a refused subscribe on a subscribed connection drops its registration; a later good one registers again', async () => {
    const r = rig();
    await r.subscribe('a', token('smith'));
    await r.subscribe('a', token('smith', { exp: undefined }));
    await r.push.notify([outcome('smith', base)]);
    assert.deepEqual(
      r.framesOf('a').map((f) => f['type']),
      ['subscribed', 'outcomes', 'error'],
    );
    await r.subscribe('a', token('smith'));
    await r.push.notify([outcome('smith', base + 1)]);
    assert.deepEqual(writeIds(r.framesOf('a').at(-1)), [`w-smith-${base + 1}`]);
  });

  it('a new subscribe replaces the registration (another sub: the old one gets nothing more)', async () => {
    const r = rig();
    await r.subscribe('a', token('smith'));
    await r.subscribe('a', token('jones'));
    const before = r.framesOf('a').length;
    await r.push.notify([outcome('smith', base)]);
    assert.equal(r.framesOf('a').length, before, "smith's outcome does not reach the connection now jones's");
    await r.push.notify([outcome('jones', base)]);
    assert.deepEqual(writeIds(r.framesOf('a').at(-1)), [`w-jones-${base}`]);
    assert.deepEqual(await r.registry.connectionsOf('smith', base), []);
  });

  it('answers 503 when the registry fails, so the client tries again (and polls meanwhile)', async () => {
    const memory = createMemoryConnectionRegistry();
    const r = rig({ registry: { ...memory, put: () => Promise.reject(new Error('table unreachable')) } });
    await r.subscribe('a', token('smith'));
    assert.deepEqual(r.framesOf('a'), [{ type: 'error', status: 503, message: 'Subscribing failed; try again.' }]);
  });

  it('answers only 503 (never subscribed) and registers nothing when the backlog is not read in time', async () => {
    const r = rig({ store: { record: () => Promise.resolve(), recent: () => new Promise(() => undefined) } });
    await r.subscribe('a', token('smith'));
    assert.deepEqual(
      r.framesOf('a').map((f) => [f['type'], f['status']]),
      [['error', 503]],
    );
    assert.deepEqual(await r.registry.connectionsOf('smith', base), []);
  });

  it('registers before reading the backlog, but answers subscribed only once the backlog is read', async () => {
    let release = (): void => undefined;
    const kept = createMemoryOutcomeStore({ now: () => base });
    const store: OutcomeStore = {
      record: (o) => kept.record(o),
      recent: async (sub, since) => {
        await new Promise<void>((resolve) => (release = resolve));
        return kept.recent(sub, since);
      },
    };
    const r = rig({ store });
    const subscribing = r.subscribe('a', token('smith'), base);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(r.framesOf('a'), [], 'nothing sent while the backlog is read');
    assert.deepEqual(await r.registry.connectionsOf('smith', base), ['a'], 'but already registered');
    release();
    await subscribing;
    assert.deepEqual(
      r.framesOf('a').map((f) => f['type']),
      ['subscribed', 'outcomes'],
    );
  });

  it('answers ping with pong, and anything else with 400', async () => {
    const r = rig();
    await r.push.message('a', '{"action":"ping"}');
    await r.push.message('a', 'not json');
    await r.push.message('a', '{"action":"unsubscribe"}');
    await r.push.message('a', '[1]');
    await r.subscribe('a', token('smith'), 'yesterday');
    await r.subscribe('a', token('smith'), -1);
    const frames = r.framesOf('a');
    assert.deepEqual(frames[0], { type: 'pong' });
    for (const frame of frames.slice(1)) assert.equal(frame['status'], 400, JSON.stringify(frame));
    assert.equal(frames.length, 6);
    assert.deepEqual(await r.registry.connectionsOf('smith', base), [], 'a bad since registers nothing');
  });
});

describe('outcome push: notify', () => {
  it("reaches every live connection of the outcome's sub, and no other", async () => {
    const r = rig();
    await r.subscribe('smith-1', token('smith'), base);
    await r.subscribe('smith-2', token('smith'), base);
    await r.subscribe('jones-1', token('jones'), base);
    await r.push.notify([outcome('smith', base + 1), outcome('jones', base + 2), outcome('smith', base + 3)]);
    for (const id of ['smith-1', 'smith-2']) {
      const last = r.framesOf(id).at(-1);
      assert.deepEqual(last?.['backlog'], undefined);
      assert.deepEqual(writeIds(last), [`w-smith-${base + 1}`, `w-smith-${base + 3}`]);
      assert.equal(r.framesOf(id).length, 3);
    }
    assert.deepEqual(writeIds(r.framesOf('jones-1').at(-1)), [`w-jones-${base + 2}`]);
    assert.equal(r.framesOf('jones-1').length, 3);
  });

  it('sends nothing to a registration past its expiry, and removes it', async () => {
    let now = base;
    const r = rig({ now: () => now });
    const exp = Math.floor(Date.now() / 1000) + 120;
    await r.subscribe('a', token('smith', { exp }), base);
    now = exp * 1000 + 1;
    const posted = r.posts.length;
    await r.push.notify([outcome('smith', base)]);
    assert.equal(r.posts.length, posted, 'no post to the expired registration');
    now = base;
    assert.deepEqual(await r.registry.connectionsOf('smith', now), [], 'and it was removed');
  });

  it('drops a gone connection on its first failed post and posts to it no more', async () => {
    const r = rig();
    await r.subscribe('a', token('smith'), base);
    await r.subscribe('b', token('smith'), base);
    r.gone.add('a');
    await r.push.notify([outcome('smith', base)]);
    assert.deepEqual(await r.registry.connectionsOf('smith', base), ['b']);
    const posts = r.posts.length;
    await r.push.notify([outcome('smith', base + 1)]);
    assert.deepEqual(r.posts.slice(posts), ['b']);
    await r.push.disconnect('b');
    assert.deepEqual(await r.registry.connectionsOf('smith', base), []);
  });

  it('splits many outcomes into frames under 64 KB, in order', async () => {
    const r = rig();
    await r.subscribe('a', token('smith'), base);
    const many = Array.from({ length: 600 }, (_, i) => ({ ...outcome('smith', base + i), message: 'x'.repeat(200) }));
    await r.push.notify(many);
    const frames = r.framesOf('a').slice(2);
    assert.ok(frames.length > 1, `${frames.length} frames`);
    for (const frame of frames) assert.ok(Buffer.byteLength(JSON.stringify(frame)) < 65 * 1024);
    assert.deepEqual(
      frames.flatMap((frame) => writeIds(frame) ?? []),
      many.map((o) => o.writeId),
    );
  });
});

describe('outcome push: the budget of a push', () => {
  it("gives up past its budget, aborting the registry's lookup, and the record still succeeds", async () => {
    const kept = createMemoryOutcomeStore({ now: () => base });
    let lookup: AbortSignal | undefined;
    const registry: ConnectionRegistry = {
      ...createMemoryConnectionRegistry(),
      connectionsOf: (_sub, _now, signal) => {
        lookup = signal;
        return new Promise(() => undefined);
      },
    };
    const push = createOutcomePush({ ...rigOptions(), store: kept, registry, budgetMs: 100 });
    const store = notifyingOutcomeStore(kept, push);
    const started = Date.now();
    await store.record(outcome('smith', base));
    const took = Date.now() - started;
    assert.ok(took >= 90 && took < 1_000, `the record waited ${took} ms`);
    assert.equal(lookup?.aborted, true, 'the lookup was aborted');
    assert.deepEqual(
      (await kept.recent('smith', 0)).map((o) => o.writeId),
      [`w-smith-${base}`],
    );
  });

  it('posts to the connections in parallel, and aborts a post still running at the budget', async () => {
    const registry = createMemoryConnectionRegistry();
    for (const id of ['a', 'b', 'c']) await registry.put(id, 'smith', base + 60_000);
    const delivered: string[] = [];
    const signals: AbortSignal[] = [];
    const poster: ConnectionPoster = {
      post: (id, _text, signal) => {
        if (signal) signals.push(signal);
        // c hangs until aborted; a and b take 120 ms each (in series they would exceed the 200 ms budget).
        return new Promise((resolve, reject) => {
          if (id === 'c') signal?.addEventListener('abort', () => reject(signal.reason as Error));
          else
            setTimeout(() => {
              delivered.push(id);
              resolve('sent');
            }, 120);
        });
      },
    };
    const push = createOutcomePush({ ...rigOptions(), registry, poster, budgetMs: 200 });
    await assert.rejects(push.notify([outcome('smith', base)]), { name: 'TimeoutError' });
    assert.deepEqual(delivered.sort(), ['a', 'b']);
    assert.equal(signals.length, 3);
    assert.ok(signals.every((signal) => signal.aborted));
  });

  it('refuses a budget that is not a positive number', () => {
    assert.throws(() => createOutcomePush({ ...rigOptions(), budgetMs: 0 }), TypeError);
  });
});

describe('notifyingOutcomeStore', () => {
  it('records, then notifies the outcome', async () => {
    const r = rig();
    await r.subscribe('a', token('smith'), base);
    const store = notifyingOutcomeStore(r.store, r.push);
    await store.record(outcome('smith', base + 7));
    assert.deepEqual(writeIds(r.framesOf('a').at(-1)), [`w-smith-${base + 7}`]);
    assert.deepEqual(
      (await store.recent('smith', base + 7)).map((o) => o.writeId),
      [`w-smith-${base + 7}`],
    );
  });

  it('keeps the outcome when the push fails (the poll finds it)', async () => {
    const kept = createMemoryOutcomeStore({ now: () => base });
    const failing = { notify: () => Promise.reject(new Error('registry down')) };
    const store = notifyingOutcomeStore(kept, failing);
    await store.record(outcome('smith', base));
    assert.deepEqual(
      (await kept.recent('smith', 0)).map((o) => o.writeId),
      [`w-smith-${base}`],
    );
  });
});
