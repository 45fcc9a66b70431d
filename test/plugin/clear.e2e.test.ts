// plugin.readiness and plugin.clear end to end in a custom CCP page: the REAL amazon-connect-streams on the stand-in
// CCP (demo/ccp/), the real SDK against the Connect API stand-in, a memory outbox store. One CCP per file.
import { expect, fixture, html } from '@open-wc/testing';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import type { StandInCcp } from '../../demo/ccp/scenario.ts';
import { MemoryOutboxStore } from '../../src/outbox/index.ts';
import { createCcpAttributes, type CcpAttributesPlugin } from '../../src/plugin.ts';
import type { ReadinessItem } from '../../src/wrap-up/readiness.ts';
import { ClearError } from '../../src/wrap-up/wrap-up.ts';
import { setFaults, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { ccpOptions, container, scenario, until } from '../tracker/helpers.ts';
import { button, control, settle, text, typeInto } from '../components/fakes.ts';

describe('plugin.clear in a custom CCP page (Streams + stand-in CCP + API stand-in)', () => {
  let plugin: CcpAttributesPlugin;
  let ccp: StandInCcp;
  let unsaved = new Map<string, string>();

  before(async () => {
    const config = await standInConfig();
    plugin = await createCcpAttributes({
      region: config.region,
      endpoint: config.url,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      tracker: { container: container(), initCCP: await ccpOptions() },
      outbox: { store: new MemoryOutboxStore(), backoff: { baseMs: 50, capMs: 200 } },
      requiredKeys: ['disposition'],
    });
    // A stand-in editor: its unsaved edits count, and `clear` asks it to save them.
    plugin.participate({
      requiredKeys: () => ['reason'],
      unsaved: () => unsaved,
      save: async (contactId) => {
        const edits = Object.fromEntries(unsaved);
        unsaved = new Map();
        await plugin.write(edits, { contactId });
      },
    });
    ccp = await scenario();
    await until(() => plugin.tracker.agent, 'the agent');
  });

  after(() => plugin.dispose());

  afterEach(async () => {
    unsaved = new Map();
    await setFaults({ failNext: null });
    for (const failure of plugin.outbox!.failures()) await plugin.outbox!.discard(failure.id);
    for (const contact of ccp.contacts()) await ccp.clear(contact.contactId);
    await until(() => plugin.tracker.contacts.size === 0, 'no contacts');
  });

  /** A chat the agent accepted and the customer left: in after-contact work. */
  async function chatInAcw(attributes: Record<string, string> = {}): Promise<string> {
    const id = await ccp.startChat({ attributes });
    await ccp.accept(id);
    await until(() => plugin.tracker.contacts.get(id)?.state === 'connected', 'connected');
    await ccp.hangUp(id);
    await until(() => plugin.tracker.contacts.get(id)?.ended, 'in after-contact work');
    return id;
  }

  const clearRequests = (id: string): number =>
    ccp
      .apiRequests()
      .filter((r) => r.method === 'clearContact' && (r.params as { contactId?: string }).contactId === id).length;

  it('refuses while a required key is missing, and clears once it is saved', async () => {
    const id = await chatInAcw({ reason: 'billing' });
    const readiness = await plugin.readiness(id);
    expect(readiness.ready).to.equal(false);
    expect(readiness.items).to.deep.equal([{ kind: 'missing', key: 'disposition' }]);

    const refused = await plugin.clear(id).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(ClearError);
    expect((refused as ClearError).reason).to.equal('not-ready');
    expect((refused as ClearError).readiness?.items).to.deep.equal([{ kind: 'missing', key: 'disposition' }]);
    expect(clearRequests(id), 'nothing reached the CCP').to.equal(0);
    expect(plugin.tracker.contacts.has(id)).to.equal(true);

    await plugin.write({ disposition: 'sale' }, { contactId: id });
    expect((await plugin.readiness(id)).ready).to.equal(true);
    await plugin.clear(id);
    expect(clearRequests(id)).to.equal(1);
    await until(() => !plugin.tracker.contacts.has(id), 'the contact destroyed');
    expect(ccp.contacts().some((c) => c.contactId === id)).to.equal(false);
  });

  it('saves the unsaved edits, waits for them to land, then clears', async () => {
    const id = await chatInAcw();
    unsaved = new Map([
      ['disposition', 'callback'],
      ['reason', 'refund'],
    ]);
    const readiness = await plugin.readiness(id);
    expect(readiness.items).to.deep.equal([
      { kind: 'unsaved', key: 'disposition' },
      { kind: 'unsaved', key: 'reason' },
    ]);
    const { instanceId } = plugin.tracker.contacts.get(id)!;
    await plugin.clear(id);
    expect(clearRequests(id)).to.equal(1);
    expect(await storedAttributes(instanceId, id)).to.deep.include({
      disposition: 'callback',
      reason: 'refund',
    });
  });

  it('lists pending and failed writes; a failed write refuses the clear', async () => {
    const id = await chatInAcw({ reason: 'billing', disposition: 'sale' });
    await setFaults({ failNext: { count: 1, status: 500 } });
    const write = plugin.write({ note: 'retrying' }, { contactId: id });
    const pending = await until(
      async () => (await plugin.readiness(id)).items.find((item) => item.kind === 'pending'),
      'a pending write',
    );
    expect(pending.kind).to.equal('pending');
    await write;
    expect((await plugin.readiness(id)).ready).to.equal(true);

    await setFaults({ failNext: { count: 1, status: 400, type: 'InvalidParameterException' } });
    await plugin.write({ note: 'refused' }, { contactId: id }).catch(() => undefined);
    const items: readonly ReadinessItem[] = (await plugin.readiness(id)).items;
    expect(items.map((item) => item.kind)).to.deep.equal(['failed']);
    expect(items[0]).to.include({ kind: 'failed' }).and.to.have.property('keys').that.deep.equals(['note']);
    const refused = await plugin.clear(id).catch((error: unknown) => error);
    expect((refused as ClearError).reason).to.equal('not-ready');
    expect(clearRequests(id)).to.equal(0);
  });

  it("the editor's Finish says what is missing, then saves and clears through Streams once it is filled in", async () => {
    const id = await chatInAcw({ reason: 'billing' });
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes
        finish
        .tracker=${plugin.tracker}
        .writer=${plugin.outbox}
        .wrapUp=${plugin}
        .schema=${[{ key: 'disposition', label: 'Disposition', required: true }]}
      ></ccp-attributes>`,
    );
    await until(() => el.contact?.contactId === id, 'the chat in the editor');
    await el.allRowsRendered();
    await settle(el);
    button(el, 'Finish').click();
    const alert = await until(async () => {
      await settle(el);
      return text(el, '[part~="finish"] [role="alert"]');
    }, 'the refusal');
    expect(alert).to.equal('Fill in Disposition before finishing.');
    expect(clearRequests(id)).to.equal(0);
    const { instanceId } = plugin.tracker.contacts.get(id)!;
    await typeInto(el, control(el, 'disposition'), 'sale');
    button(el, 'Finish').click();
    await until(() => !plugin.tracker.contacts.has(id), 'the contact cleared', 10_000);
    expect(clearRequests(id)).to.equal(1);
    expect(await storedAttributes(instanceId, id)).to.deep.include({ disposition: 'sale', reason: 'billing' });
  });

  it('a contact the tracker does not have is refused as unknown', async () => {
    const refused = await plugin.clear('no-such-contact').catch((error: unknown) => error);
    expect((refused as ClearError).reason).to.equal('unknown-contact');
  });
});
