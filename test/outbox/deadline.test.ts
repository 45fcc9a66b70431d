// Every attempt ends: the outbox over IndexedDB with the REAL signed client (AWS SDK, Cognito credentials) and the
// REAL relay client (through the owner-checking relay) in Chromium, against the Connect API stand-in's requests that
// never answer (`hangNext`: never processed; `hangAfterStoreNext`: stored, then never answered). Outcomes are read
// from the stand-in: what it stored, and its request log.
import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import { DEFAULT_INSTANCE_ID } from '../../demo/ccp/scenario.ts';
import { AttributesClient, cognitoCredentials, type Credentials, type CredentialsProvider } from '../../src/client.ts';
import { Outbox, openIdbOutboxStore, type IdbOutboxStore, type OutboxOptions } from '../../src/outbox/index.ts';
import { RelayClient, type RelayToken } from '../../src/relay-client.ts';
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
import { until } from '../helpers/until.ts';

/** The deadline of every attempt in these tests (the default is 15 s). */
const deadlineMs = 1_000;

type Mode = 'signed' | 'relay';

let config: StandInConfig;
let relayUrl: string;

/** The stand-in's first demo agent, who handles every contact of these tests (the relay checks it). */
const agentId = 'agent-agent-smith';

async function newContacts(count: number): Promise<ContactRef[]> {
  const refs = Array.from({ length: count }, () => {
    const id = newContactId();
    return { contactId: id, initialContactId: id, instanceId: DEFAULT_INSTANCE_ID };
  });
  await registerContacts(
    refs.map((c) => ({
      instanceId: c.instanceId,
      contactId: c.contactId,
      startedAt: new Date().toISOString(),
      agentId,
    })),
  );
  return refs;
}

function stored(contact: ContactRef): Promise<Record<string, string> | undefined> {
  return storedAttributes(contact.instanceId, contact.initialContactId);
}

/** Fails naming `what` unless `promise` settles within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const unanswered = (log: LoggedRequest[]): LoggedRequest[] => log.filter((r) => r.errorType === 'Unanswered');
const updates = (log: LoggedRequest[]): LoggedRequest[] => log.filter((r) => r.action === 'UpdateContactAttributes');

describe('Outbox deadline (real clients against requests that never answer)', function () {
  this.timeout(30_000);
  let dbName: string;
  const stores: IdbOutboxStore[] = [];
  const outboxes: Outbox[] = [];

  before(async () => {
    config = await standInConfig();
    relayUrl = ((await (await fetch('/__relay')).json()) as { url: string }).url;
  });
  beforeEach(async () => {
    await resetStandIn();
    dbName = `deadline-${crypto.randomUUID()}`;
  });
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((outbox) => outbox.close()));
    for (const store of stores.splice(0)) store.close();
    await deleteDB(dbName);
    await resetStandIn();
  });

  function signedClient(credentials?: Credentials | CredentialsProvider): AttributesClient {
    return new AttributesClient({
      region: config.region,
      endpoint: config.url,
      credentials: credentials ?? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      maxAttempts: 1,
      timeoutMs: deadlineMs,
    });
  }

  /** A sender over the relay with the stand-in's token of the demo agent (or `token`). */
  function relaySender(token?: RelayToken): OutboxOptions['sender'] {
    const client = new RelayClient({ url: relayUrl, token: token ?? (() => config.validTokens[0] ?? '') });
    return (contact, attributes, { signal }) => client.update(contact, attributes, { signal });
  }

  async function outbox(options: Partial<OutboxOptions>): Promise<Outbox> {
    const store = await openIdbOutboxStore(dbName);
    stores.push(store);
    const created = new Outbox({
      store,
      lockName: dbName,
      debounceMs: 0,
      backoff: { baseMs: 100, capMs: 500 },
      rate: { ratePerSecond: 50, burst: 50 },
      requestTimeoutMs: deadlineMs,
      ...options,
    });
    outboxes.push(created);
    return created;
  }

  const writerOf = (mode: Mode): Partial<OutboxOptions> =>
    mode === 'signed' ? { client: signedClient() } : { sender: relaySender() };

  for (const mode of ['signed', 'relay'] as const) {
    it(`${mode}: four requests that never answer fill maxInFlight, yet another contact's write lands, and theirs land on retry`, async () => {
      const box = await outbox({ ...writerOf(mode), maxInFlight: 4 });
      const contacts = await newContacts(5);
      const hung = contacts.slice(0, 4);
      const other = contacts[4]!;
      // In relay mode the relay's first call to Connect for each write is the one left unanswered.
      await setFaults({ hangNext: 4 });
      const hungWrites = hung.map((contact, i) => box.write(contact, { Note: `hung-${i}` }));
      await until(async () => unanswered(await requestLog()).length === 4, 'four requests left unanswered');

      await within(box.write(other, { Note: 'other' }), 4 * deadlineMs, "the other contact's write");
      expect(await stored(other)).to.deep.equal({ Note: 'other' });

      await within(Promise.all(hungWrites), 10 * deadlineMs, 'the hung writes, retried');
      for (const [i, contact] of hung.entries()) expect(await stored(contact)).to.deep.equal({ Note: `hung-${i}` });
      const log = await requestLog();
      // Never processed: none of the unanswered requests reached the store.
      expect(unanswered(log).filter((r) => r.stored)).to.deep.equal([]);
      expect(box.state.pending).to.equal(0);
    });
  }

  it('a value whose every attempt goes unanswered is not held in flight forever: it expires at maxAgeMs', async () => {
    const box = await outbox({ ...writerOf('signed'), maxAgeMs: 2_500, expiryIntervalMs: 100 });
    const [contact] = await newContacts(1);
    await setFaults({ hangNext: 1_000 });
    const outcome = await within(
      box.write(contact!, { Status: 'open' }).then(
        () => 'landed',
        (error: unknown) => (error as Error).name,
      ),
      10 * deadlineMs,
      'the write',
    );
    expect(outcome).to.equal('TimeoutError');
    expect(unanswered(await requestLog()).length).to.be.at.least(2);
    expect(await stored(contact!)).to.deep.equal({});
  });

  it('a write stored and then never answered is sent again once its deadline passes; the value holds', async () => {
    const box = await outbox(writerOf('signed'));
    const [contact] = await newContacts(1);
    await setFaults({ hangAfterStoreNext: 1 });
    await within(box.write(contact!, { Status: 'open' }), 10 * deadlineMs, 'the write');
    const log = updates(await requestLog());
    expect(log.map((r) => [r.status, r.errorType ?? '', r.stored ?? false])).to.deep.equal([
      [0, 'Unanswered', true],
      [200, '', true],
    ]);
    expect(await stored(contact!)).to.deep.equal({ Status: 'open' });
  });

  it('signed: the deadline covers getting Cognito credentials: a GetId that never answers is given up, the write lands', async () => {
    const credentials = cognitoCredentials({
      identityPoolId: config.identityPoolId,
      logins: { [config.loginProvider]: config.validTokens[0] ?? '' },
      endpoint: config.url,
      timeoutMs: deadlineMs,
    });
    const box = await outbox({ client: signedClient(credentials) });
    const [contact] = await newContacts(1);
    await setFaults({ hangNext: 1 });
    await within(box.write(contact!, { Status: 'open' }), 10 * deadlineMs, 'the write');
    expect(await stored(contact!)).to.deep.equal({ Status: 'open' });
    const log = (await requestLog()).filter((r) => r.action !== 'Preflight');
    expect(log[0]).to.include({ action: 'GetId', status: 0, errorType: 'Unanswered' });
    // The SDK's Cognito client may still retry the given-up call in the background: its answers are not counted on.
    const answered = log.slice(1).map((r) => `${r.action} ${r.status}`);
    expect(answered).to.include.members(['GetId 200', 'GetCredentialsForIdentity 200']);
    expect(updates(log).map((r) => r.status)).to.deep.equal([200]);
  });

  it('relay: the deadline covers getting the sign-in token: a token function that never returns is given up, the write lands', async () => {
    let asked = 0;
    const token = (): Promise<string> => {
      asked += 1;
      return asked === 1 ? new Promise<string>(() => undefined) : Promise.resolve(config.validTokens[0] ?? '');
    };
    const box = await outbox({ sender: relaySender(token) });
    const [contact] = await newContacts(1);
    await within(box.write(contact!, { Status: 'open' }), 10 * deadlineMs, 'the write');
    expect(asked).to.equal(2);
    expect(await stored(contact!)).to.deep.equal({ Status: 'open' });
    expect(updates(await requestLog()).map((r) => r.status)).to.deep.equal([200]);
  });

  it('a sender that ignores its signal still ends at the deadline: the write is retried and lands', async () => {
    const client = signedClient();
    let calls = 0;
    const box = await outbox({
      sender: (contact, attributes) => {
        calls += 1;
        // The first call ignores the signal and never settles.
        return calls === 1
          ? new Promise<void>(() => undefined)
          : client.update(contact.instanceId, contact.initialContactId, attributes);
      },
    });
    const [contact] = await newContacts(1);
    await within(box.write(contact!, { Status: 'open' }), 10 * deadlineMs, 'the write');
    expect(calls).to.equal(2);
    expect(await stored(contact!)).to.deep.equal({ Status: 'open' });
  });
});
