// End to end: two agents on one browser profile (one IndexedDB outbox), in both write modes, through the assembled
// plugin (createCcpAttributes), the real signed client or the real relay client, the Connect API stand-in and the
// owner-checking relay the test runner starts. Agent Smith leaves a queued write behind; while Agent Jones works on
// that browser it is neither sent (direct mode: it would land as Jones; relay mode: refused as not Jones's) nor shown
// nor counted; when Smith signs in again it lands.
import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import { DEFAULT_INSTANCE_ID } from '../../demo/ccp/scenario.ts';
import { signIn } from '../../demo/sign-in.ts';
import { openIdbOutboxStore, type IdbOutboxStore } from '../../src/outbox/index.ts';
import { createCcpAttributes, type CcpAttributesPlugin } from '../../src/plugin.ts';
import type { ContactSource, SourceAgent, SourceContact, SourceSink } from '../../src/tracker/index.ts';
import { registerContacts, requestLog, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { until } from '../helpers/until.ts';

const instanceId = DEFAULT_INSTANCE_ID;
const base = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;

/** A host that names one agent and has one connected contact (what the CCP tells the tracker). */
class Desk implements ContactSource {
  readonly #agent: SourceAgent;
  readonly #contact: SourceContact;

  constructor(username: string, contactId: string) {
    this.#agent = {
      username,
      name: username,
      arn: `${base}/agent/agent-${username.replace('.', '-')}`,
      routingProfile: undefined,
    };
    this.#contact = {
      contactId,
      initialContactId: contactId,
      type: 'voice',
      state: 'connected',
      queue: undefined,
      attributes: {},
      monitoring: false,
    };
  }

  start(sink: SourceSink): void {
    sink.agent(this.#agent);
    sink.contact({ type: 'connected', contactId: this.#contact.contactId, contact: this.#contact });
  }
  stop(): void {}
  listContacts(): SourceContact[] {
    return [this.#contact];
  }
  readContact(contactId: string): SourceContact | undefined {
    return contactId === this.#contact.contactId ? this.#contact : undefined;
  }
  readAgent(): SourceAgent {
    return this.#agent;
  }
}

type Mode = 'direct' | 'relay';

describe('two agents on one browser profile, end to end', () => {
  let database: string;
  const stores: IdbOutboxStore[] = [];
  const plugins: CcpAttributesPlugin[] = [];

  beforeEach(() => {
    database = `shared-desk-${crypto.randomUUID()}`;
  });
  afterEach(async () => {
    for (const plugin of plugins.splice(0)) plugin.dispose();
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const store of stores.splice(0)) store.close();
    await deleteDB(database);
  });

  /** An agent's session on the shared browser profile: the plugin over a new connection to the one database. */
  async function session(
    mode: Mode,
    username: string,
    contactId: string,
    debounceMs = 50,
  ): Promise<CcpAttributesPlugin> {
    const config = await standInConfig();
    const store = await openIdbOutboxStore(database);
    stores.push(store);
    const outbox = { store, debounceMs, maxDebounceMs: debounceMs, rate: { ratePerSecond: 50, burst: 50 } };
    const source = new Desk(username, contactId);
    let plugin: CcpAttributesPlugin;
    if (mode === 'direct') {
      const credentials = { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey };
      plugin = await createCcpAttributes({ source, credentials, endpoint: config.url, region: config.region, outbox });
    } else {
      const { userPoolClientId } = (await (await fetch(`${config.url}/_standin/config`)).json()) as {
        userPoolClientId: string;
      };
      const { url } = (await (await fetch('/__relay')).json()) as { url: string };
      const token = async (): Promise<string> =>
        (await signIn({ endpoint: config.url, clientId: userPoolClientId, username })).idToken;
      plugin = await createCcpAttributes({ source, relay: { url, token }, outbox });
    }
    plugins.push(plugin);
    await plugin.outbox!.ready;
    return plugin;
  }

  async function end(plugin: CcpAttributesPlugin): Promise<void> {
    plugins.splice(plugins.indexOf(plugin), 1);
    await plugin.outbox!.close();
    plugin.dispose();
  }

  async function updatesOf(contactId: string): Promise<number> {
    return (await requestLog()).filter(
      (entry) => entry.action === 'UpdateContactAttributes' && entry.initialContactId === contactId,
    ).length;
  }

  for (const mode of ['direct', 'relay'] as const) {
    it(`${mode} mode: Smith's queued write waits for Smith while Jones works, then lands`, async () => {
      const smithsContact = crypto.randomUUID();
      const jonesContact = crypto.randomUUID();
      const startedAt = new Date().toISOString();
      await registerContacts([
        { instanceId, contactId: smithsContact, startedAt, agentId: 'agent-agent-smith' },
        { instanceId, contactId: jonesContact, startedAt, agentId: 'agent-agent-jones' },
      ]);

      // Smith's rule tag waits for its debounce; Smith signs out before it is sent.
      const smith = await session(mode, 'agent.smith', smithsContact, 60_000);
      const queued = smith.write({ Note: 'from smith' }, { contactId: smithsContact, origin: 'rule' });
      queued.catch(() => undefined);
      await until(() => smith.outbox!.state.pending === 1, "Smith's write queued");
      await end(smith);

      // Jones signs in on the same browser: Smith's write is neither sent nor shown nor counted.
      const jones = await session(mode, 'agent.jones', jonesContact);
      await jones.write({ Note: 'from jones' }, { contactId: jonesContact });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await updatesOf(smithsContact), "Smith's write is not sent in Jones's session").to.equal(0);
      expect((await storedAttributes(instanceId, smithsContact))?.['Note']).to.equal(undefined);
      expect((await storedAttributes(instanceId, jonesContact))?.['Note']).to.equal('from jones');
      expect(jones.outbox!.state.pending).to.equal(0);
      expect(jones.outbox!.state.failed).to.equal(0);
      expect([...jones.outbox!.state.contacts.keys()]).to.deep.equal([]);
      expect(jones.outbox!.failures()).to.deep.equal([]);
      await end(jones);

      // Smith is back: the write lands as Smith.
      await session(mode, 'agent.smith', smithsContact);
      await until(
        async () => (await storedAttributes(instanceId, smithsContact))?.['Note'] === 'from smith',
        "Smith's write stored",
      );
      expect(await updatesOf(smithsContact)).to.equal(1);
    });
  }
});
