// The workspace app page in relay mode, end to end in the stand-in workspace: the REAL Amazon Connect SDK in the
// app's iframe, the app's script tag with data-relay-url and a user-pool JWT (fixtures/relay-app.ts), the
// owner-checking relay in front of the Connect API stand-in. A rule and an editor save land through the relay; the
// app never loads the AWS SDK; a write by an agent who does not handle the contact is refused and kept.
import { expect } from '@open-wc/testing';
import type { StandInWorkspace } from '../../demo/workspace/host.ts';
import { DEFAULT_OUTBOX_DB } from '../../src/outbox/index.ts';
import { button, control, settle, typeInto } from '../components/fakes.ts';
import { requestLog, storedAttributes } from '../helpers/stand-in.ts';
import { appPageIn, uniqueName, until, workspace, type AppPage, type TestAppOptions } from './helpers.ts';

describe('the workspace app page in relay mode, end to end', () => {
  let host: StandInWorkspace;

  /** The agent opens the relay-mode app page from the launcher. */
  async function openApp(
    { scope, ...definition }: TestAppOptions,
    agent = 'agent.smith',
  ): Promise<{ app: AppPage; iframe: HTMLIFrameElement }> {
    const name = uniqueName('relay-app');
    const url = `/test/workspace/fixtures/relay-app.html?agent=${encodeURIComponent(agent)}`;
    host.registerApp({ name, url, ...definition });
    const { iframe } = host.launch(name, scope ? { scope } : {});
    iframe.style.cssText = 'width: 400px; height: 600px;';
    return { app: await appPageIn(iframe), iframe };
  }

  before(async () => {
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DEFAULT_OUTBOX_DB);
      request.onsuccess = request.onerror = request.onblocked = resolve;
    });
  });

  beforeEach(async () => {
    host = await workspace();
  });

  afterEach(() => host.dispose());

  it("a rule and the agent's save land through the relay; the AWS SDK is never loaded", async () => {
    const since = Date.now(); // the stand-in's log holds other test files' requests too
    const id = await host.ringCall({ attributes: { topic: 'billing' } });
    await host.accept(id);
    const { app, iframe } = await openApp({ scope: { type: 'contact', contactId: id } });
    const { editor } = app;
    await until(
      () => editor.contact?.contactId === id && editor.contact.state === 'connected',
      'the call in the editor',
      10_000,
    );
    await until(
      async () => (await storedAttributes(host.instance, id))?.['HandledBy'],
      "the rule's tag through the relay",
    );
    expect(await storedAttributes(host.instance, id)).to.deep.include({ topic: 'billing', HandledBy: 'Agent Smith' });

    await settle(editor);
    await typeInto(editor, control(editor, 'topic'), 'refund');
    button(editor, 'Save').click();
    await until(() => editor.status === 'saved', 'saved', 10_000);
    expect(await storedAttributes(host.instance, id)).to.deep.include({ topic: 'refund', HandledBy: 'Agent Smith' });

    const fetched = iframe.contentWindow!.performance.getEntriesByType('resource').map((entry) => entry.name);
    expect(
      fetched.filter((url) => url.includes('/__sdk__/')),
      'AWS SDK modules fetched',
    ).to.deep.equal([]);
    const cognitoCalls = (await requestLog()).filter(
      (r) => Date.parse(r.time) >= since && (r.action === 'GetId' || r.action === 'GetCredentialsForIdentity'),
    );
    expect(cognitoCalls).to.deep.equal([]);
  });

  it("a write by an agent signed in as someone else than the contact's agent is refused by the relay, and kept", async () => {
    const id = await host.ringCall();
    await host.accept(id);
    const { app } = await openApp({ scope: { type: 'contact', contactId: id } }, 'agent.jones');
    await until(() => app.tracker.contacts.get(id)?.state === 'connected', 'the call in the app', 10_000);
    const refused = await app.plugin.write({ Note: 'not mine' }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(refused?.message).to.contain('This contact is not yours');
    expect(
      app.plugin.outbox?.failures().some((entry) => entry.attributes['Note'] === 'not mine'),
      'the write kept as a failure',
    ).to.equal(true);
    expect((await storedAttributes(host.instance, id))?.['Note']).to.equal(undefined);
  });
});
