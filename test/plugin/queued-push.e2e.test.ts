// Queued mode end to end with the outcomes pushed: createCcpAttributes in relay mode with `relay.socketUrl`, the REAL
// amazon-connect-streams on the stand-in CCP, <ccp-attributes> saving through the plugin's outbox -> the relay in
// queued mode (202) -> fauxqs -> the worker -> the Connect API stand-in, all started by the test runner
// (demo/queued.ts, at the first GET /__queued), with user-pool JWTs from the stand-in's InitiateAuth. The outcome of
// each accepted save comes back over the relay's outcome socket: a landed save is stored at the stand-in and heard as
// `landed` for its WriteId; a save the worker refuses (Connect says another agent handles the contact) reaches the
// editor as a kept failure. Neither makes a single GET /contact/attributes/outcomes (the page's fetch is watched).
// One CCP per file.
import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import { DEFAULT_INSTANCE_ID, type StandInCcp } from '../../demo/ccp/scenario.ts';
import type { QueuedAnswer } from '../../demo/desk/queue-panel.ts';
import { signIn } from '../../demo/sign-in.ts';
import { MemoryOutboxStore, type AcceptedEvent, type LandedEvent } from '../../src/outbox/index.ts';
import { createCcpAttributes, type CcpAttributesPlugin } from '../../src/plugin.ts';
import { RELAY_OUTCOMES_PATH } from '../../src/relay-client.ts';
import { $$, button, settle, text, typeInto } from '../components/fakes.ts';
import { registerContacts, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { ccpOptions, container, scenario, until } from '../tracker/helpers.ts';

const instanceId = DEFAULT_INSTANCE_ID;
const notYours = 'This contact is not yours: attributes can only be saved on contacts you are handling.';

async function queuedAnswer(): Promise<QueuedAnswer> {
  const response = await fetch('/__queued');
  if (!response.ok) throw new Error(`/__queued answered HTTP ${response.status}`);
  return (await response.json()) as QueuedAnswer;
}

describe('queued mode with the outcomes pushed over the relay socket, end to end', () => {
  let plugin: CcpAttributesPlugin;
  let ccp: StandInCcp;
  const accepted: AcceptedEvent[] = [];
  const landed: LandedEvent[] = [];
  /** Every URL the page fetched since the plugin started. */
  let fetched: sinon.SinonSpy<Parameters<typeof fetch>, ReturnType<typeof fetch>>;
  const polls = (): string[] =>
    fetched.args
      .map(([input]) => new URL(input instanceof Request ? input.url : String(input), location.href))
      .filter((url) => url.pathname === RELAY_OUTCOMES_PATH)
      .map((url) => url.href);

  before(async () => {
    const config = await standInConfig();
    const { userPoolClientId } = (await (await fetch(`${config.url}/_standin/config`)).json()) as {
      userPoolClientId: string;
    };
    const { url, socketUrl } = await queuedAnswer();
    fetched = sinon.spy(window, 'fetch');
    plugin = await createCcpAttributes({
      relay: {
        url,
        socketUrl,
        token: async () => (await signIn({ endpoint: config.url, clientId: userPoolClientId })).idToken,
      },
      tracker: { container: container(), initCCP: await ccpOptions() },
      // A poll would come 10 ms after an accept if the outbox polled while the feed is subscribed: sooner than the
      // worker lands anything, so a poll is not hidden by a quick push.
      outbox: {
        store: new MemoryOutboxStore(),
        backoff: { baseMs: 50, capMs: 200 },
        outcomePolling: { firstMs: 10, capMs: 50 },
      },
    });
    plugin.outbox!.on('accepted', (event) => accepted.push(event));
    plugin.outbox!.on('landed', (event) => landed.push(event));
    ccp = await scenario();
    await until(() => plugin.tracker.agent, 'the agent');
    // The outbox opens its feed when it starts, before any write: the relay counts it subscribed.
    await until(async () => (await queuedAnswer()).status.subscribed === 1, "the outbox's outcome socket subscribed");
  });

  after(() => {
    fetched.restore();
    plugin.dispose();
  });

  afterEach(async () => {
    for (const failure of plugin.outbox!.failures()) await plugin.outbox!.discard(failure.id);
    for (const contact of ccp.contacts()) await ccp.clear(contact.contactId);
    await until(() => plugin.tracker.contacts.size === 0, 'no contacts');
  });

  /** A chat the agent accepted, viewed in a fresh editor. */
  async function chatInEditor(): Promise<{ id: string; el: CcpAttributes }> {
    const id = await ccp.startChat();
    await ccp.accept(id);
    await until(
      () => plugin.tracker.viewed?.contactId === id && plugin.tracker.viewed.state === 'connected',
      'the chat, viewed and connected',
    );
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${plugin.tracker} .writer=${plugin.outbox}></ccp-attributes>`,
    );
    await settle(el);
    return { id, el };
  }

  /** Adds `key: value` in the editor, saves, and returns the WriteId the queued relay accepted it under. */
  async function save(el: CcpAttributes, id: string, key: string, value: string): Promise<string> {
    button(el, 'Add attribute').click();
    await settle(el);
    const [keyInput, valueInput] = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('.field.new input')];
    await typeInto(el, keyInput!, key);
    await typeInto(el, valueInput!, value);
    button(el, 'Save').click();
    const event = await until(
      () => accepted.find((e) => e.contact.contactId === id && e.attributes[key] === value),
      'the save accepted (202)',
    );
    return event.writeId;
  }

  it('a save lands: stored at the stand-in, heard as landed for its WriteId over the socket, with no poll', async () => {
    const { id, el } = await chatInEditor();
    const writeId = await save(el, id, 'Disposition', 'Resolved');

    const heard = await until(() => landed.find((e) => e.writeId === writeId), 'landed for the WriteId', 15_000);
    expect(heard.attributes).to.deep.equal({ Disposition: 'Resolved' });
    expect(heard.contact).to.deep.include({ contactId: id, initialContactId: id, instanceId });
    expect(await storedAttributes(instanceId, id)).to.deep.include({ Disposition: 'Resolved' });
    await until(() => el.status === 'saved', 'the editor saved');
    expect(plugin.outbox!.state.accepted).to.equal(0);
    expect(polls(), 'no GET of the outcomes route').to.deep.equal([]);
  });

  it('a save the worker refuses (Connect says another agent handles the contact) reaches the editor as a kept failure, with no poll', async () => {
    const { id, el } = await chatInEditor();
    // Connect now has agent.jones on this contact: the worker's DescribeContact, behind the queue, says so.
    await registerContacts([
      { instanceId, contactId: id, startedAt: new Date().toISOString(), agentId: 'agent-agent-jones' },
    ]);
    const writeId = await save(el, id, 'Disposition', 'Escalated');

    await until(async () => {
      await settle(el);
      return el.status === 'failed' && $$(el, '.failure').length === 1;
    }, 'the refusal in the editor');
    expect(text(el, '.failure .error')).to.equal(notYours);
    expect(text(el, '[part~="footer"] .alert')).to.equal(`Not saved: ${notYours} Your changes are kept.`);
    const [failure] = plugin.outbox!.failures();
    expect(failure?.accepted).to.deep.include({ writeId, outcome: 'refused' });
    expect(failure?.attributes).to.deep.equal({ Disposition: 'Escalated' });
    expect(landed.some((e) => e.writeId === writeId)).to.equal(false);
    expect((await storedAttributes(instanceId, id))?.['Disposition']).to.equal(undefined);
    expect(polls(), 'no GET of the outcomes route').to.deep.equal([]);
  });
});
