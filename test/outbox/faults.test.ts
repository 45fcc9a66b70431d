// The fault suite: the outbox over IndexedDB with the REAL AttributesClient and AWS SDK in Chromium, against the
// Connect API stand-in's fault injection. Each scenario prints one row
//   attempted / landed / lost / duplicated | UpdateContactAttributes requests (the refused ones by cause)
// and asserts the final value of every key, landed, lost (0), duplicated (an exact number, or at most the number of
// ambiguous failures the stand-in injected) and the faults it met.
//
// Counting is done from the stand-in, never from the outbox's own accounting (`failures()` is not read):
// - the invariant: for every contact, the final stored value of every key is the last value the test wrote for it,
//   in the order of the write() calls. Scenarios write the same keys several times; no value is ever written twice.
// - landed: a write whose every key holds, in the store, the last value written for that key, and that the outbox
//   did not report failed (its promise did not reject with an AttributesError or a TimeoutError). A write kept as
//   failed is not landed, even when an ambiguous fault stored it.
// - lost: attempted - landed.
// - every write against the stand-in's store history (its log of stored requests, in order): a write that resolved
//   had each of its values stored by the time it resolved, unless a later write of that key, made before it
//   resolved, replaced the value in the queue (then that value was stored); and per key, no value is stored after
//   a newer one (in write order) was.
// - duplicated: requests the stand-in stored (`stored: true` in its log, ambiguous failures included) that carried a
//   value already stored for that contact and key. As no value is written twice, only a re-sent request stores one
//   again. UpdateContactAttributes merges per key, so a re-send changes nothing, and it is allowed only where the
//   sender cannot know whether its request was stored: after an ambiguous failure (stored, then the connection
//   dropped or a 500 answered) or a request its tab never saw answered.
import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import { AttributesClient, cognitoCredentials, type Credentials, type CredentialsProvider } from '../../src/client.ts';
import { isAttributesError } from '../../src/errors.ts';
import {
  Outbox,
  openIdbOutboxStore,
  type IdbOutboxStore,
  type OutboxOptions,
  type OutboxSender,
  type OutboxWriteOptions,
} from '../../src/outbox/index.ts';
import { createTagger, recordLandedWrites } from '../../src/tagging/index.ts';
import type { Attributes } from '../../src/validate.ts';
import type { ContactRef } from '../../src/writer.ts';
import {
  newContactId,
  registerContacts,
  requestLog,
  resetStandIn,
  setFaults,
  standInConfig,
  storedAttributes,
  type Faults,
  type StandInConfig,
} from '../helpers/stand-in.ts';
import { FakeTracker, model } from '../tagging/fake-tracker.ts';

const instanceId = '11111111-2222-4333-8444-555555555555';

/**
 * The seed of the outboxes' jitter, printed in every row: set it here to replay a failing run's backoff delays (the
 * stand-in's faults are counts, so only the timing of the run itself then differs).
 */
// Typed wider than its value: it is edited by hand to replay a run.
const fixedSeed = undefined as number | undefined;

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * How a write() settled: resolved; reported (rejected with an AttributesError, kept as failed, or a TimeoutError,
 * expired); abandoned (rejected because its outbox was closed: the write stays queued for the next outbox); pending.
 */
type Outcome = 'pending' | 'resolved' | 'reported' | 'abandoned';

interface Attempt {
  contact: ContactRef;
  attributes: Attributes;
  outcome: Outcome;
  /** When the write was made and when it settled, in the order the test saw things happen. */
  madeAt: number;
  settledAt?: number;
  /**
   * How long the stand-in's request log was just after the write resolved (read then: every request it answered
   * before was logged, a few later ones may be too). The browser's and the stand-in's clocks differ by tens of ms,
   * so times are not compared.
   */
  logged?: Promise<number>;
}

interface Tally {
  attempted: number;
  landed: number;
  lost: number;
  duplicated: number;
  /** UpdateContactAttributes requests the stand-in received. */
  requests: number;
  /** Requests the stand-in stored and then failed (its ambiguous faults). */
  ambiguous: number;
  /** Writes the outbox reported failed or expired. */
  reported: number;
  /** Refused requests by status, error type and whether the write was stored anyway. */
  refused: Map<string, number>;
  /** Keys whose final stored value is not the last value written: `contact key: wrote "x" last, stored "y"`. */
  wrongFinal: string[];
  /** Writes that resolved before their values (or the values that replaced them in the queue) were stored. */
  unstored: string[];
  /** Keys whose stored value went back to an older one. */
  wentBack: string[];
}

/** Steps of the test's own order of events (writes made, writes settled). */
let step = 0;

/** The writes of one scenario, in the order they were made, each with how its promise settled. */
class Writes {
  readonly attempts: Attempt[] = [];
  readonly #settled: Promise<void>[] = [];
  #count = 0;

  /** A value no other write of the run uses. */
  value(label: string): string {
    this.#count += 1;
    return `${label}-${this.#count}`;
  }

  /** Writes through the outbox; the returned promise never rejects (the outcome is recorded instead). */
  write(target: Outbox, contact: ContactRef, attributes: Attributes, options?: OutboxWriteOptions): Promise<void> {
    const attempt: Attempt = { contact, attributes, outcome: 'pending', madeAt: ++step };
    this.attempts.push(attempt);
    const settled = target.write(contact, attributes, options).then(
      () => {
        attempt.outcome = 'resolved';
        attempt.settledAt = ++step;
        attempt.logged = requestLog().then((log) => log.length);
      },
      (error: unknown) => {
        const expired = error instanceof DOMException && error.name === 'TimeoutError';
        attempt.outcome = isAttributesError(error) || expired ? 'reported' : 'abandoned';
      },
    );
    this.#settled.push(settled);
    return settled;
  }

  /** Records a write made by something else (the tagger), to be counted like the others. */
  record(contact: ContactRef, attributes: Attributes): void {
    this.attempts.push({ contact, attributes, outcome: 'pending', madeAt: ++step });
  }

  /** Resolves once every write() made through this recorder settled; fails the test after `ms`. */
  settled(ms = 30_000): Promise<void> {
    return within(
      Promise.all(this.#settled).then(() => undefined),
      ms,
      'every write() to settle',
    );
  }
}

let config: StandInConfig;
let seed = 0;

function staticClient(): AttributesClient {
  return new AttributesClient({
    region: config.region,
    endpoint: config.url,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    maxAttempts: 1,
  });
}

async function newContacts(count: number): Promise<ContactRef[]> {
  const refs = Array.from({ length: count }, () => {
    const id = newContactId();
    return { contactId: id, initialContactId: id, instanceId };
  });
  await registerContacts(
    refs.map((c) => ({ instanceId, contactId: c.contactId, startedAt: new Date().toISOString() })),
  );
  return refs;
}

function increment(counts: Map<string, number>, label: string): void {
  counts.set(label, (counts.get(label) ?? 0) + 1);
}

async function tally(attempts: readonly Attempt[]): Promise<Tally> {
  const logged = await Promise.all(attempts.map((attempt) => attempt.logged ?? Promise.resolve(undefined)));
  const log = await requestLog();
  const updates = log.filter((r) => r.action === 'UpdateContactAttributes');

  // The last value written for each key of each contact (by InitialContactId), in write order.
  const last = new Map<string, Map<string, string>>();
  const contacts = new Map<string, ContactRef>();
  for (const { contact, attributes } of attempts) {
    contacts.set(contact.initialContactId, contact);
    const values = last.get(contact.initialContactId) ?? new Map<string, string>();
    for (const [key, value] of Object.entries(attributes)) values.set(key, value);
    last.set(contact.initialContactId, values);
  }
  const stored = new Map<string, Map<string, string>>();
  for (const [id, contact] of contacts) {
    stored.set(id, new Map(Object.entries((await storedAttributes(contact.instanceId, id)) ?? {})));
  }
  const holdsLast = (id: string, key: string): boolean => stored.get(id)?.get(key) === last.get(id)?.get(key);

  const wrongFinal: string[] = [];
  for (const [id, values] of last) {
    for (const [key, value] of values) {
      if (!holdsLast(id, key))
        wrongFinal.push(
          `${id.slice(0, 8)} ${key}: wrote ${JSON.stringify(value)} last, stored ${JSON.stringify(stored.get(id)?.get(key))}`,
        );
    }
  }
  const landed = attempts.filter(
    ({ contact, attributes, outcome }) =>
      outcome !== 'reported' && Object.keys(attributes).every((key) => holdsLast(contact.initialContactId, key)),
  ).length;

  // The store's history: the requests it stored, in order.
  const history = updates.filter((request) => request.stored);
  /** Per `contact|key|value`, the index of the write that wrote it. */
  const writer = new Map<string, number>();
  attempts.forEach(({ contact, attributes }, index) => {
    for (const [key, value] of Object.entries(attributes))
      writer.set(`${contact.initialContactId}|${key}|${value}`, index);
  });
  const unstored: string[] = [];
  attempts.forEach((attempt, index) => {
    const length = logged[index];
    if (attempt.outcome !== 'resolved' || attempt.settledAt === undefined || length === undefined) return;
    const id = attempt.contact.initialContactId;
    const before = log
      .slice(0, length)
      .filter(
        (request) => request.stored && request.action === 'UpdateContactAttributes' && request.initialContactId === id,
      );
    for (const [key, value] of Object.entries(attempt.attributes)) {
      // The value, or one a later write made before this one resolved put in its place in the queue.
      const accepted = new Set([value]);
      for (const later of attempts.slice(index + 1)) {
        const replacing = later.attributes[key];
        if (later.contact.initialContactId === id && replacing !== undefined && later.madeAt < attempt.settledAt)
          accepted.add(replacing);
      }
      if (!before.some((request) => accepted.has(request.attributes?.[key] ?? '')))
        unstored.push(
          `${id.slice(0, 8)} ${key}=${JSON.stringify(value)} resolved before it (or a value replacing it) was stored (${
            history
              .filter((request) => request.initialContactId === id && accepted.has(request.attributes?.[key] ?? ''))
              .map((request) => `#${log.indexOf(request)}`)
              .join(', ') || 'never'
          }, the log held ${length} requests when it resolved)`,
        );
    }
  });
  const wentBack: string[] = [];
  const newest = new Map<string, number>();
  for (const request of history) {
    for (const [key, value] of Object.entries(request.attributes ?? {})) {
      const index = writer.get(`${request.initialContactId ?? ''}|${key}|${value}`);
      if (index === undefined) continue; // written by the contact flow or another test, not by this one
      const slot = `${request.initialContactId ?? ''}|${key}`;
      const previous = newest.get(slot) ?? -1;
      if (index < previous)
        wentBack.push(`${slot.slice(0, 8)} ${key}: stored ${JSON.stringify(value)} after a newer value was stored`);
      newest.set(slot, Math.max(previous, index));
    }
  }

  let duplicated = 0;
  const seen = new Map<string, Set<string>>();
  for (const request of updates) {
    if (!request.stored) continue;
    const pairs = seen.get(request.initialContactId ?? '') ?? new Set<string>();
    seen.set(request.initialContactId ?? '', pairs);
    let again = false;
    for (const [key, value] of Object.entries(request.attributes ?? {})) {
      const pair = JSON.stringify([key, value]);
      if (pairs.has(pair)) again = true;
      pairs.add(pair);
    }
    if (again) duplicated += 1;
  }

  const refused = new Map<string, number>();
  for (const request of updates) {
    if (request.status === 200) continue;
    increment(
      refused,
      `${request.status}${request.errorType ? ` ${request.errorType}` : ''}${request.stored ? ' (stored)' : ''}`,
    );
  }
  return {
    attempted: attempts.length,
    landed,
    lost: attempts.length - landed,
    duplicated,
    requests: updates.length,
    ambiguous: updates.filter((r) => r.stored && r.status !== 200).length,
    reported: attempts.filter((a) => a.outcome === 'reported').length,
    refused,
    wrongFinal,
    unstored,
    wentBack,
  };
}

function report(name: string, t: Tally, extra = ''): void {
  const refused = [...t.refused].map(([label, count]) => `${count}x ${label}`).join(', ');
  console.log(
    `[faults] ${name} (seed ${seed}): attempted=${t.attempted} landed=${t.landed} lost=${t.lost} duplicated=${t.duplicated}` +
      ` | UpdateContactAttributes requests=${t.requests}${refused ? ` (refused: ${refused})` : ''}` +
      `${t.reported ? ` | reported failed or expired=${t.reported}` : ''}${extra ? ` | ${extra}` : ''}`,
  );
}

/**
 * What every scenario must show: every key ends at the last value written for it, every write landed (none lost,
 * none reported failed), and the expected number of duplicates (a number, or at most that many).
 */
function expectSound(t: Tally, duplicated: number | { atMost: number }): void {
  expect(t.wrongFinal, 'keys whose final stored value is not the last written').to.deep.equal([]);
  expect(t.unstored, 'writes resolved before their values were stored').to.deep.equal([]);
  expect(t.wentBack, 'keys stored back to an older value').to.deep.equal([]);
  expect(t.reported, 'writes reported failed or expired').to.equal(0);
  expect(t.lost, 'lost').to.equal(0);
  expect(t.landed, 'landed').to.equal(t.attempted);
  if (typeof duplicated === 'number') expect(t.duplicated, 'duplicated').to.equal(duplicated);
  else expect(t.duplicated, 'duplicated').to.be.at.most(duplicated.atMost);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (await condition()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Outbox fault suite (real SDK against the stand-in)', function () {
  this.timeout(60_000);
  let dbName: string;
  let writes: Writes;
  const stores: IdbOutboxStore[] = [];
  const outboxes: Outbox[] = [];
  /** Tabs a scenario closed: workloads stop writing to them (a write to a closed outbox is refused, not queued). */
  const closedTabs = new Set<Outbox>();

  before(async () => {
    config = await standInConfig();
  });
  beforeEach(async () => {
    await resetStandIn();
    dbName = `faults-${crypto.randomUUID()}`;
    writes = new Writes();
    seed = fixedSeed ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
  });
  afterEach(async () => {
    // The stores close only once their outboxes recorded the answers already received (see Outbox.close).
    await Promise.all(outboxes.splice(0).map((outbox) => outbox.close()));
    closedTabs.clear();
    for (const store of stores.splice(0)) store.close();
    await deleteDB(dbName);
  });

  async function outbox(options: Partial<OutboxOptions> = {}): Promise<Outbox> {
    const store = await openIdbOutboxStore(dbName);
    stores.push(store);
    const created = new Outbox({
      store,
      client: staticClient(),
      lockName: dbName,
      debounceMs: 50,
      backoff: { baseMs: 100, capMs: 1_000 },
      rate: { ratePerSecond: 20, burst: 20 },
      random: seeded(seed),
      ...options,
    });
    outboxes.push(created);
    return created;
  }

  /**
   * Rounds of writes, `gapMs` apart, so later rounds meet earlier ones queued, in flight or waiting for a retry. Per
   * contact and round: a rule tag and an agent save; both set `<tag>Stage`, and each sets its own key again every round.
   */
  async function workload(
    contacts: readonly ContactRef[],
    target: Outbox,
    tag: string,
    rounds = 3,
    gapMs = 40,
  ): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      if (round > 0) await sleep(gapMs);
      if (closedTabs.has(target)) return;
      for (const contact of contacts) {
        const rule = writes.value(`${tag}-rule`);
        const note = writes.value(`${tag}-note`);
        void writes.write(target, contact, { [`${tag}Rule`]: rule, [`${tag}Stage`]: rule }, { origin: 'rule' });
        void writes.write(target, contact, { [`${tag}Note`]: note, [`${tag}Stage`]: note }, { origin: 'agent' });
      }
    }
  }

  /** One outbox, `count` contacts and their workload under `faults`; returns the tally once every write settled. */
  async function underFaults(
    name: string,
    faults: Faults,
    count: number,
    options: Partial<OutboxOptions> = {},
  ): Promise<Tally> {
    const box = await outbox(options);
    const contacts = await newContacts(count);
    await setFaults(faults);
    await workload(contacts, box, name.replace(/[^A-Za-z0-9]/g, ''));
    await writes.settled();
    const t = await tally(writes.attempts);
    report(name, t);
    return t;
  }

  it('network drop: dropped connections are retried, nothing is lost', async () => {
    const t = await underFaults('network drop', { dropNext: 3 }, 4);
    expect(t.refused.get('0 ConnectionDropped')).to.equal(3);
    expectSound(t, 0);
  });

  it('429 storm: a quota below the demand is met with backoff, nothing is lost', async () => {
    const t = await underFaults('429 storm', { quota: { ratePerSecond: 4, burst: 2 } }, 12, {
      rate: { ratePerSecond: 50, burst: 50 },
      maxInFlight: 8,
    });
    expect(t.refused.get('429 ThrottlingException') ?? 0).to.be.greaterThan(0);
    expectSound(t, 0);
  });

  it('500s: server errors are retried, nothing is lost', async () => {
    const t = await underFaults('500s', { failNext: { count: 5, status: 500, type: 'InternalServiceException' } }, 4);
    expect(t.refused.get('500 InternalServiceException')).to.equal(5);
    expectSound(t, 0);
  });

  it('ambiguous drop: writes stored, then their connection dropped, are re-sent; only those re-sends duplicate', async () => {
    const t = await underFaults('ambiguous: stored, then dropped', { dropAfterStoreNext: 3 }, 4);
    expect(t.refused.get('0 ConnectionDropped (stored)')).to.equal(3);
    expect(t.ambiguous).to.equal(3);
    expectSound(t, { atMost: t.ambiguous });
  });

  it('ambiguous 500: writes stored, then answered 500, are re-sent; only those re-sends duplicate', async () => {
    const t = await underFaults('ambiguous: stored, then 500', { failAfterStoreNext: 3 }, 4);
    expect(t.refused.get('500 InternalServiceException (stored)')).to.equal(3);
    expect(t.ambiguous).to.equal(3);
    expectSound(t, { atMost: t.ambiguous });
  });

  for (const [fault, label] of [
    ['dropAfterStoreNext', 'dropped'],
    ['failAfterStoreNext', '500'],
  ] as const) {
    it(`ambiguous ${label} of a request whose key a newer write replaced while it was on the wire: the newer value stays`, async () => {
      const box = await outbox();
      const [contact] = await newContacts(1);
      // The first request is slow, so the second write is made while it is on the wire; the first then fails
      // ambiguously (stored), and whatever the outbox re-sends must not put the older value back.
      await setFaults({ latencyMs: 300, [fault]: 1 });
      const first = writes.write(box, contact!, { Inflight: writes.value('older'), Kept: writes.value('kept') });
      await sleep(100);
      void writes.write(box, contact!, { Inflight: writes.value('newer') });
      await first;
      await setFaults({ latencyMs: null });
      await writes.settled();
      const t = await tally(writes.attempts);
      report(`ambiguous: ${label} while a newer write waits`, t);
      expect(t.ambiguous).to.equal(1);
      expectSound(t, { atMost: 1 });
    });
  }

  it('everything at once: quota, drops, 500s and both ambiguous faults over 8 contacts, nothing is lost', async () => {
    const box = await outbox({ rate: { ratePerSecond: 50, burst: 50 }, maxInFlight: 8 });
    const contacts = await newContacts(8);
    await setFaults({
      quota: { ratePerSecond: 8, burst: 4 },
      dropNext: 2,
      failNext: { count: 2 },
      dropAfterStoreNext: 3,
      failAfterStoreNext: 3,
    });
    await workload(contacts, box, 'Mix', 4);
    await writes.settled();
    const t = await tally(writes.attempts);
    report('everything at once', t, `ambiguous failures injected=${t.ambiguous}`);
    expect(t.ambiguous).to.equal(6);
    expectSound(t, { atMost: t.ambiguous });
  });

  it('ambiguous faults while two tabs write: the flusher re-sends for both, only after ambiguous failures', async () => {
    const a = await outbox();
    await until(() => a.flusher, 'tab A to flush');
    const b = await outbox();
    await b.ready;
    const contacts = await newContacts(4);
    await setFaults({ latencyMs: 50, dropAfterStoreNext: 2, failAfterStoreNext: 2 });
    await Promise.all([
      workload(contacts.slice(0, 3), a, 'AmbA', 5, 20),
      workload(contacts.slice(1), b, 'AmbB', 5, 20),
    ]);
    await writes.settled();
    const t = await tally(writes.attempts);
    report('ambiguous faults, two tabs', t, `ambiguous failures injected=${t.ambiguous}`);
    expect(b.flusher).to.equal(false);
    expect(t.ambiguous).to.equal(4);
    expectSound(t, { atMost: t.ambiguous });
  });

  it('reload after an ambiguous failure: the next tab sends the newest values, the failed request at most once more', async () => {
    // Tab 1 waits 5 s before any retry, so it is closed while its ambiguously failed write waits.
    const tab1 = await outbox({ backoff: { baseMs: 5_000, capMs: 5_000 }, random: () => 1 });
    const [contact] = await newContacts(1);
    await setFaults({ failAfterStoreNext: 1 });
    void writes.write(tab1, contact!, {
      AfterReload: writes.value('failed ambiguously'),
      Untouched: writes.value('failed ambiguously'),
    });
    await until(async () => (await requestLog()).some((r) => r.stored), 'the first request to be stored');
    void writes.write(tab1, contact!, { AfterReload: writes.value('queued while waiting') });
    await sleep(100);
    void tab1.close();
    stores[0]!.close();
    await writes.settled();
    const tab2 = await outbox();
    await until(() => tab2.flusher, 'the new tab to take the flusher lock');
    await within(tab2.whenIdle(), 30_000, 'tab 2 to send what tab 1 left');
    const t = await tally(writes.attempts);
    report('reload after an ambiguous failure', t);
    expect(t.ambiguous).to.equal(1);
    expectSound(t, { atMost: 1 });
  });

  it('the flusher tab closes while its requests are on the wire: the other tab takes over, nothing is lost', async () => {
    const a = await outbox();
    await until(() => a.flusher, 'tab A to flush');
    const b = await outbox();
    await b.ready;
    const contacts = await newContacts(3);
    await setFaults({ latencyMs: 100, dropAfterStoreNext: 1, failAfterStoreNext: 1 });
    const work = Promise.all([workload(contacts, a, 'OverA', 4, 30), workload(contacts, b, 'OverB', 4, 30)]);
    await sleep(150);
    void a.close();
    closedTabs.add(a);
    await work;
    await writes.settled();
    await until(() => b.flusher, 'tab B to take over');
    const idle = await within(b.whenIdle(), 20_000, 'tab B to be idle').then(
      () => true,
      () => false,
    );
    const t = await tally(writes.attempts);
    report('flusher closes mid-flight, the other tab takes over', t, `idle=${idle}`);
    expect(idle, 'tab B idle').to.equal(true);
    // A request tab A had on the wire may be stored and then sent again by tab B, once per contact.
    expectSound(t, { atMost: t.ambiguous + contacts.length });
  });

  for (const delayMs of [0, 1]) {
    it(`the flusher tab closes ${delayMs} ms after its request landed: the next flusher sends it at most once more, then is idle`, async () => {
      const client = staticClient();
      // Tab A's sender closes tab A itself, once the outbox exists.
      const tabA: { outbox?: Outbox } = {};
      const closing: OutboxSender = async (contact, attributes, { signal }) => {
        await client.update(contact.instanceId, contact.initialContactId, attributes, { signal });
        setTimeout(() => void tabA.outbox?.close(), delayMs);
      };
      const a = await outbox({ sender: closing });
      tabA.outbox = a;
      await until(() => a.flusher, 'tab A to flush');
      const b = await outbox();
      await b.ready;
      const [contact] = await newContacts(1);
      void writes.write(b, contact!, { Handover: writes.value('written in tab B') });
      await writes.settled();
      await until(() => b.flusher, 'tab B to take over');
      const idle = await within(b.whenIdle(), 5_000, 'tab B to be idle').then(
        () => true,
        () => false,
      );
      const t = await tally(writes.attempts);
      report(`flusher closes ${delayMs} ms after its request landed`, t, `idle=${idle}`);
      expect(idle, 'tab B idle').to.equal(true);
      expectSound(t, { atMost: 1 });
    });
  }

  it('credentials that expire and refresh: Cognito credentials living 1 s, writes over 3 s, nothing is lost', async () => {
    await setFaults({ credentialTtlSeconds: 1 });
    const credentials = cognitoCredentials({
      identityPoolId: config.identityPoolId,
      endpoint: config.url,
      logins: { [config.loginProvider]: config.validTokens[0]! },
    });
    const client = new AttributesClient({ region: config.region, endpoint: config.url, credentials, maxAttempts: 1 });
    const box = await outbox({ client });
    const contacts = await newContacts(3);
    for (let round = 0; round < 4; round++) {
      // `Cred` is written again every round, `Cred<round>` once.
      await Promise.all(
        contacts.map((contact) => {
          const value = writes.value(`round${round}`);
          return writes.write(box, contact, { Cred: value, [`Cred${round}`]: value });
        }),
      );
      await sleep(1_000);
    }
    await writes.settled();
    const t = await tally(writes.attempts);
    const issued = (await requestLog()).filter(
      (r) => r.action === 'GetCredentialsForIdentity' && r.status === 200,
    ).length;
    report('credentials expire and refresh', t, `credentials issued=${issued}`);
    expect(issued).to.be.greaterThan(1);
    expectSound(t, 0);
  });

  it('credentials used after they expired (a late-refreshing provider): retried with fresh ones, nothing is lost', async () => {
    await setFaults({ credentialTtlSeconds: 1 });
    const cognito = cognitoCredentials({
      identityPoolId: config.identityPoolId,
      endpoint: config.url,
      logins: { [config.loginProvider]: config.validTokens[0]! },
    });
    // Tells the SDK the credentials expire 1.5 s later than they do (the SDK refreshes 5 min before the stated
    // expiry): requests in between are refused with ExpiredTokenException, a bare 403 (auth) in the browser.
    const late: CredentialsProvider = async () => {
      const fresh: Credentials = await cognito();
      return { ...fresh, expiration: new Date((fresh.expiration?.getTime() ?? Date.now()) + 1_500 + 300_000) };
    };
    const client = new AttributesClient({
      region: config.region,
      endpoint: config.url,
      credentials: late,
      maxAttempts: 1,
    });
    const box = await outbox({ client, authRetries: 1, backoff: { baseMs: 2_000, capMs: 2_000 }, random: () => 1 });
    const [first, second] = await newContacts(2);
    await writes.write(box, first!, { Fresh: 'yes' });
    await sleep(1_300);
    // Stale now at the stand-in, not yet refreshed by the provider: 403, retried once after 2 s with fresh credentials.
    await writes.write(box, second!, { Stale: 'then-fresh' });
    await writes.settled();
    const t = await tally(writes.attempts);
    report('credentials used after expiry', t);
    expect(t.refused.get('403 ExpiredTokenException')).to.equal(1);
    expectSound(t, 0);
  });

  it('reload in the middle of a write: a new outbox over the same IndexedDB replays it, newest values last', async () => {
    const client = staticClient();
    const sent: string[] = [];
    // Tab 1 dies after its request reached the stand-in and before it saw the answer.
    const dying: OutboxSender = async (contact, attributes, { signal }) => {
      sent.push(contact.contactId);
      await client.update(contact.instanceId, contact.initialContactId, attributes, { signal });
      await new Promise<never>(() => {});
    };
    const tab1 = await outbox({ sender: dying, debounceMs: 60_000 });
    const [first, second] = await newContacts(2);
    void writes.write(tab1, first!, {
      ReloadNote: writes.value('sent before the reload'),
      ReloadStage: writes.value('sent before the reload'),
    });
    await until(async () => (await requestLog()).some((r) => r.status === 200), 'the first request to be stored');
    // Queued while tab 1's request is on the wire: the note again, and a rule tag of another contact.
    void writes.write(tab1, first!, { ReloadNote: writes.value('queued before the reload') });
    void writes.write(tab1, second!, { ReloadTag: writes.value('queued before the reload') }, { origin: 'rule' });
    await sleep(50);
    void tab1.close();
    stores[0]!.close();
    await writes.settled();
    const tab2 = await outbox();
    await until(() => tab2.flusher, 'the new tab to take the flusher lock');
    await within(tab2.whenIdle(), 30_000, 'tab 2 to send what tab 1 left');
    const t = await tally(writes.attempts);
    report(
      'reload mid-write',
      t,
      'duplicate = the request tab 1 sent but never saw answered (merge per key: no effect)',
    );
    expect(sent).to.have.length(1);
    expect(writes.attempts.map((a) => a.outcome)).to.deep.equal(['abandoned', 'abandoned', 'abandoned']);
    // Only the request tab 1 had on the wire may be stored twice: ReloadStage, sent again with the newer note.
    expectSound(t, { atMost: 1 });
  });

  it('two tabs: one flusher sends for both, never twice, and the later write of a key wins across tabs', async () => {
    const sentBy = { a: 0, b: 0 };
    const client = staticClient();
    const counting =
      (tab: 'a' | 'b'): OutboxSender =>
      (contact, attributes, { signal }) => {
        sentBy[tab]++;
        return client.update(contact.instanceId, contact.initialContactId, attributes, { signal });
      };
    const a = await outbox({ sender: counting('a') });
    await until(() => a.flusher, 'tab A to flush');
    const b = await outbox({ sender: counting('b') });
    await b.ready;
    const contacts = await newContacts(4);
    await Promise.all([workload(contacts.slice(0, 3), a, 'TabA'), workload(contacts.slice(1), b, 'TabB')]);
    await writes.settled();
    // One key written by tab A, then (once that landed) by tab B: B's value must be the one stored.
    await writes.write(a, contacts[1]!, { Owner: writes.value('tab A') });
    await writes.write(b, contacts[1]!, { Owner: writes.value('tab B') });
    await writes.settled();
    const t = await tally(writes.attempts);
    report('two tabs', t, `sent by tab A=${sentBy.a}, tab B=${sentBy.b}`);
    expect(b.flusher).to.equal(false);
    expect(sentBy.b).to.equal(0);
    expectSound(t, 0);
  });

  it('a contact destroyed before its write lands: the write still lands (the API takes ended contacts)', async () => {
    const box = await outbox({ debounceMs: 100 });
    const tracker = new FakeTracker();
    const tagger = createTagger({
      tracker,
      outbox: box,
      rules: [
        { id: 'wrap-up', on: 'acw', set: { WrapUpAt: '{{event.at}}', HandledBy: '{{agent.username}}' } },
        { id: 'gone', on: 'destroyed', set: { ClearedAt: '{{event.at}}' } },
      ],
    });
    const off = recordLandedWrites(box, tracker);
    await setFaults({ latencyMs: 300 });
    const [ref] = await newContacts(1);
    const contact = model(ref!.contactId, { instanceId });
    const acwAt = new Date();
    tracker.emit('acw', contact, acwAt);
    tracker.emit('destroyed', contact, new Date(acwAt.getTime() + 1));
    tracker.contacts.delete(contact.contactId);
    writes.record(ref!, { WrapUpAt: acwAt.toISOString(), HandledBy: 'jdoe' });
    writes.record(ref!, { ClearedAt: new Date(acwAt.getTime() + 1).toISOString() });
    await until(() => tracker.recorded.length > 0, 'the tags to land');
    await within(box.whenIdle(), 30_000, 'the outbox to be idle');
    const t = await tally(writes.attempts);
    report('contact destroyed before its write landed', t, `requests carrying both events' tags=${t.requests}`);
    tagger.dispose();
    off();
    expectSound(t, 0);
  });
});
