// The fault suite (issue 6, "Proof"): the outbox over IndexedDB with the REAL AttributesClient and AWS SDK
// in Chromium, against the Connect API stand-in's fault injection. Each scenario prints
//   writes attempted / landed / lost / duplicated
// and asserts lost === 0.
//
// Counting: every write() of a scenario sets keys no other write sets, so each write can be checked on its own.
// - landed: every key/value of the write is in what the stand-in stores at the end;
// - lost: neither landed nor kept as a surfaced failure (`outbox.failures()`);
// - duplicated: extra times one (contact, key, value) reached the stand-in in a successful
//   UpdateContactAttributes. UpdateContactAttributes is idempotent per key (a merge), so re-sending a value
//   the server already has changes nothing; the protocol allows it only where a sender cannot know whether
//   its request landed (the tab died after the server stored it and before the answer was recorded).
import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import { AttributesClient, cognitoCredentials, type Credentials, type CredentialsProvider } from '../../src/client.ts';
import { Outbox, openIdbOutboxStore, type IdbOutboxStore, type OutboxOptions, type OutboxSender } from '../../src/outbox/index.ts';
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
  type LoggedRequest,
  type StandInConfig,
} from '../helpers/stand-in.ts';
import { FakeTracker, model } from '../tagging/fake-tracker.ts';

const instanceId = '11111111-2222-4333-8444-555555555555';

interface Attempt {
  contact: ContactRef;
  attributes: Attributes;
}

interface Tally {
  attempted: number;
  landed: number;
  lost: number;
  duplicated: number;
  requests: number;
  refused: Record<string, number>;
}

let config: StandInConfig;

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
  await registerContacts(refs.map((c) => ({ instanceId, contactId: c.contactId, startedAt: new Date().toISOString() })));
  return refs;
}

async function tally(attempts: Attempt[], outboxes: Outbox[]): Promise<Tally> {
  const log = await requestLog();
  const updates = log.filter((r) => r.action === 'UpdateContactAttributes');
  const seen = new Map<string, number>();
  for (const request of updates) {
    if (request.status !== 200) continue;
    for (const [key, value] of Object.entries(request.attributes ?? {})) {
      const id = `${request.initialContactId}|${key}|${value}`;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  const kept = outboxes.flatMap((o) => o.failures());
  let landed = 0;
  let lost = 0;
  let duplicated = 0;
  for (const attempt of attempts) {
    const stored = (await storedAttributes(attempt.contact.instanceId, attempt.contact.initialContactId)) ?? {};
    const entries = Object.entries(attempt.attributes);
    if (entries.every(([key, value]) => stored[key] === value)) landed++;
    else if (!kept.some((f) => f.contactKey.endsWith(attempt.contact.initialContactId) && entries.every(([k, v]) => f.attributes[k] === v))) lost++;
    for (const [key, value] of entries) duplicated += Math.max(0, (seen.get(`${attempt.contact.initialContactId}|${key}|${value}`) ?? 0) - 1);
  }
  const refused: Record<string, number> = {};
  for (const request of updates) {
    if (request.status === 200) continue;
    const label = `${request.status}${request.errorType ? ` ${request.errorType}` : ''}`;
    refused[label] = (refused[label] ?? 0) + 1;
  }
  return { attempted: attempts.length, landed, lost, duplicated, requests: updates.length, refused };
}

function report(name: string, t: Tally, extra = ''): void {
  const refused = Object.entries(t.refused)
    .map(([k, v]) => `${v}x ${k}`)
    .join(', ');
  console.log(
    `[faults] ${name}: attempted=${t.attempted} landed=${t.landed} lost=${t.lost} duplicated=${t.duplicated}` +
      ` | UpdateContactAttributes requests=${t.requests}${refused ? ` (refused: ${refused})` : ''}${extra ? ` | ${extra}` : ''}`,
  );
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Outbox fault suite (real SDK against the stand-in)', function () {
  this.timeout(60_000);
  let dbName: string;
  const stores: IdbOutboxStore[] = [];
  const outboxes: Outbox[] = [];

  before(async () => {
    config = await standInConfig();
  });
  beforeEach(async () => {
    await resetStandIn();
    dbName = `faults-${crypto.randomUUID()}`;
  });
  afterEach(async () => {
    for (const outbox of outboxes.splice(0)) outbox.close();
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
      ...options,
    });
    outboxes.push(created);
    return created;
  }

  /** Per contact: two rule tags (coalesced) and one agent save; every write with keys of its own. */
  function workload(contacts: ContactRef[], target: Outbox, tag: string): { attempts: Attempt[]; done: Promise<unknown> } {
    const attempts: Attempt[] = [];
    const promises: Promise<unknown>[] = [];
    contacts.forEach((contact, i) => {
      const writes: [Attributes, 'rule' | 'agent'][] = [
        [{ [`${tag}RuleA`]: `a${i}` }, 'rule'],
        [{ [`${tag}RuleB`]: `b${i}` }, 'rule'],
        [{ [`${tag}Note`]: `note ${i}` }, 'agent'],
      ];
      for (const [attributes, origin] of writes) {
        attempts.push({ contact, attributes });
        promises.push(target.write(contact, attributes, { origin }));
      }
    });
    return { attempts, done: Promise.all(promises) };
  }

  it('network drop: dropped connections are retried, nothing is lost', async () => {
    const box = await outbox();
    const contacts = await newContacts(4);
    await setFaults({ dropNext: 3 });
    const { attempts, done } = workload(contacts, box, 'Drop');
    await done;
    const t = await tally(attempts, [box]);
    const dropped = (await requestLog()).filter((r: LoggedRequest) => r.status === 0).length;
    report('network drop', t, `connections dropped=${dropped}`);
    expect(dropped).to.be.greaterThan(0);
    expect(t.lost).to.equal(0);
    expect(t.landed).to.equal(t.attempted);
    expect(t.duplicated).to.equal(0);
  });

  it('429 storm: a quota below the demand is met with backoff, nothing is lost', async () => {
    const box = await outbox({ rate: { ratePerSecond: 50, burst: 50 }, maxInFlight: 8 });
    const contacts = await newContacts(12);
    await setFaults({ quota: { ratePerSecond: 4, burst: 2 } });
    const { attempts, done } = workload(contacts, box, 'Storm');
    await done;
    const t = await tally(attempts, [box]);
    report('429 storm', t);
    expect(t.refused['429 ThrottlingException'] ?? 0).to.be.greaterThan(0);
    expect(t.lost).to.equal(0);
    expect(t.landed).to.equal(t.attempted);
    expect(t.duplicated).to.equal(0);
  });

  it('500s: server errors are retried, nothing is lost', async () => {
    const box = await outbox();
    const contacts = await newContacts(4);
    await setFaults({ failNext: { count: 5, status: 500, type: 'InternalServiceException' } });
    const { attempts, done } = workload(contacts, box, 'Err');
    await done;
    const t = await tally(attempts, [box]);
    report('500s', t);
    expect(t.refused['500 InternalServiceException']).to.equal(5);
    expect(t.lost).to.equal(0);
    expect(t.landed).to.equal(t.attempted);
    expect(t.duplicated).to.equal(0);
  });

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
    const attempts: Attempt[] = [];
    for (let round = 0; round < 4; round++) {
      const batch = contacts.map((contact, i) => ({ contact, attributes: { [`Cred${round}`]: `r${round}c${i}` } }));
      attempts.push(...batch);
      await Promise.all(batch.map((a) => box.write(a.contact, a.attributes)));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const t = await tally(attempts, [box]);
    const issued = (await requestLog()).filter((r) => r.action === 'GetCredentialsForIdentity' && r.status === 200).length;
    report('credentials expire and refresh', t, `credentials issued=${issued}`);
    expect(issued).to.be.greaterThan(1);
    expect(t.lost).to.equal(0);
    expect(t.landed).to.equal(t.attempted);
    expect(t.duplicated).to.equal(0);
  });

  it('credentials used after they expired (a late-refreshing provider): kept or retried, never lost', async () => {
    await setFaults({ credentialTtlSeconds: 1 });
    const cognito = cognitoCredentials({ identityPoolId: config.identityPoolId, endpoint: config.url, logins: { [config.loginProvider]: config.validTokens[0]! } });
    // Tells the SDK the credentials expire 1.5 s later than they do (the SDK refreshes 5 min before the stated
    // expiry): requests in between are refused with ExpiredTokenException, a bare 403 (auth) in the browser.
    const late: CredentialsProvider = async () => {
      const fresh: Credentials = await cognito();
      return { ...fresh, expiration: new Date((fresh.expiration?.getTime() ?? Date.now()) + 1_500 + 300_000) };
    };
    const client = new AttributesClient({ region: config.region, endpoint: config.url, credentials: late, maxAttempts: 1 });
    const box = await outbox({ client, authRetries: 1, backoff: { baseMs: 2_000, capMs: 2_000 }, random: () => 1 });
    const contacts = await newContacts(2);
    const attempts: Attempt[] = [{ contact: contacts[0]!, attributes: { Fresh: 'yes' } }];
    await box.write(contacts[0]!, { Fresh: 'yes' });
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    // Stale now at the stand-in, not yet refreshed by the provider: 403, retried once after 2 s with fresh credentials.
    attempts.push({ contact: contacts[1]!, attributes: { Stale: 'then-fresh' } });
    await box.write(contacts[1]!, { Stale: 'then-fresh' });
    const t = await tally(attempts, [box]);
    report('credentials used after expiry', t);
    expect(t.refused['403 ExpiredTokenException']).to.equal(1);
    expect(t.lost).to.equal(0);
    expect(t.landed).to.equal(t.attempted);
  });

  it('reload in the middle of a write: a new outbox over the same IndexedDB replays it', async () => {
    const client = staticClient();
    const sent: string[] = [];
    // Tab 1 dies after its request reached the stand-in and before it saw the answer.
    const dying: OutboxSender = async (contact, attributes, { signal }) => {
      sent.push(contact.contactId);
      await client.update(contact.instanceId, contact.initialContactId, attributes, { signal });
      await new Promise<never>(() => {});
    };
    const tab1 = await outbox({ sender: dying, debounceMs: 60_000 });
    const contacts = await newContacts(2);
    const attempts: Attempt[] = [
      { contact: contacts[0]!, attributes: { ReloadNote: 'sent before the reload' } },
      { contact: contacts[1]!, attributes: { ReloadTag: 'queued before the reload' } },
    ];
    void tab1.write(attempts[0]!.contact, attempts[0]!.attributes).catch(() => undefined);
    void tab1.write(attempts[1]!.contact, attempts[1]!.attributes, { origin: 'rule' }).catch(() => undefined);
    await until(async () => (await requestLog()).some((r) => r.status === 200), 'the first request to land');
    tab1.close();
    stores[0]!.close();
    const tab2 = await outbox();
    await until(() => tab2.flusher, 'the new tab to take the flusher lock');
    await tab2.whenIdle();
    const t = await tally(attempts, [tab2]);
    report('reload mid-write', t, 'duplicate = the request tab 1 sent but never saw answered (idempotent per key)');
    expect(sent).to.have.length(1);
    expect(t.lost).to.equal(0);
    expect(t.landed).to.equal(t.attempted);
    // Only the request tab 1 had on the wire may arrive twice, once per key it carried.
    expect(t.duplicated).to.be.at.most(1);
  });

  it('two tabs: one flusher sends for both, never twice', async () => {
    const sentBy = { a: 0, b: 0 };
    const client = staticClient();
    const counting = (tab: 'a' | 'b'): OutboxSender => (contact, attributes, { signal, stored }) => {
      sentBy[tab]++;
      return client.update(contact.instanceId, contact.initialContactId, attributes, { signal, ...(stored ? { stored } : {}) });
    };
    const a = await outbox({ sender: counting('a') });
    await until(() => a.flusher, 'tab A to flush');
    const b = await outbox({ sender: counting('b') });
    await b.ready;
    const contacts = await newContacts(4);
    const fromA = workload(contacts.slice(0, 3), a, 'TabA');
    const fromB = workload(contacts.slice(1), b, 'TabB');
    await Promise.all([fromA.done, fromB.done]);
    const t = await tally([...fromA.attempts, ...fromB.attempts], [a, b]);
    report('two tabs', t, `sent by tab A=${sentBy.a}, tab B=${sentBy.b}`);
    expect(b.flusher).to.equal(false);
    expect(sentBy.b).to.equal(0);
    expect(t.lost).to.equal(0);
    expect(t.landed).to.equal(t.attempted);
    expect(t.duplicated).to.equal(0);
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
    const attempts: Attempt[] = [
      { contact: ref!, attributes: { WrapUpAt: acwAt.toISOString(), HandledBy: 'jdoe' } },
      { contact: ref!, attributes: { ClearedAt: new Date(acwAt.getTime() + 1).toISOString() } },
    ];
    await until(() => tracker.recorded.length > 0, 'the tags to land');
    await box.whenIdle();
    const t = await tally(attempts, [box]);
    report('contact destroyed before its write landed', t, `requests carrying both events' tags=${t.requests}`);
    tagger.dispose();
    off();
    expect(t.lost).to.equal(0);
    expect(t.landed).to.equal(t.attempted);
    expect(t.duplicated).to.equal(0);
  });
});
