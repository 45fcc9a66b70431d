// A clean wrap-up in the stand-in workspace: the app page (demo/workspace/app.html: <ccp-attributes> over the
// workspace source, the REAL Amazon Connect SDK in its iframe, the outbox writing to the Connect API stand-in) with a
// required field. plugin.clear clears through ContactClient.clear only once the field is saved, and the workspace's
// own Clear is held by the plugin's clear-contact interceptor until then.
import { expect } from '@open-wc/testing';
import type { HostedApp, StandInWorkspace } from '../../demo/workspace/host.ts';
import type { ClearError } from '../../src/wrap-up/wrap-up.ts';
import { storedAttributes } from '../helpers/stand-in.ts';
import { button, control, settle, text, typeInto } from '../components/fakes.ts';
import { appPageIn, uniqueName, until, workspace, type AppPage } from './helpers.ts';

const SCHEMA = [
  { key: 'Disposition', required: true },
  { key: 'Notes', type: 'multiline' as const },
];

describe('clear in the stand-in workspace (real Amazon Connect SDK + API stand-in)', function () {
  // The first app page compiles the SDK and the editor on the dev server.
  this.timeout(60_000);
  let host: StandInWorkspace;

  /** A chat in after-contact work, its app page open in its scope with a required Disposition. */
  async function chatInAcw(permissions?: readonly string[]): Promise<{ id: string; app: AppPage; hosted: HostedApp }> {
    const id = await host.startChat({ attributes: { Notes: 'asked for a refund' } });
    await host.accept(id);
    const name = uniqueName('app-page');
    host.registerApp({ name, url: '/demo/workspace/app.html', ...(permissions ? { permissions } : {}) });
    const hosted = host.launch(name, { scope: { type: 'contact', contactId: id } });
    hosted.iframe.style.cssText = 'width: 400px; height: 600px;';
    const app = await appPageIn(hosted.iframe);
    await until(() => app.editor.writer, 'the writer', 10_000);
    app.editor.schema = SCHEMA;
    await host.hangUp(id);
    await until(() => app.tracker.contacts.get(id)?.ended, 'after-contact work', 10_000);
    await app.editor.allRowsRendered();
    await settle(app.editor);
    return { id, app, hosted };
  }

  const clearRequests = (hosted: HostedApp): number =>
    hosted.protocol().filter((r) => r.direction === 'up' && r.message['command'] === 'contact/clear').length;
  const present = (id: string): boolean => host.contacts().some((c) => c.contactId === id);

  beforeEach(async () => {
    host = await workspace();
  });

  afterEach(() => host.dispose());

  it('plugin.clear refuses while the required field is missing, and clears through ContactClient.clear once it is saved', async () => {
    const { id, app, hosted } = await chatInAcw();
    const refused = (await app.plugin.clear(id).catch((error: unknown) => error)) as ClearError;
    expect(refused.name).to.equal('ClearError');
    expect(refused.reason).to.equal('not-ready');
    expect(refused.readiness?.items).to.deep.equal([{ kind: 'missing', key: 'Disposition' }]);
    expect(clearRequests(hosted), 'nothing asked of the workspace').to.equal(0);
    expect(present(id)).to.equal(true);

    await app.plugin.write({ Disposition: 'Resolved' }, { contactId: id });
    await app.plugin.clear(id);
    expect(clearRequests(hosted)).to.equal(1);
    expect(present(id), 'cleared in the workspace').to.equal(false);
    expect(await storedAttributes(host.instance, id)).to.deep.include({ Disposition: 'Resolved' });
  });

  it("the workspace's own Clear is held while the field is missing, and goes through once it is saved", async () => {
    const { id, app } = await chatInAcw();
    await until(() => host.interceptors.count('clearContact', host.apps()) === 1, 'the interceptor registered');
    expect(await host.clearFromWorkspace(id), 'held').to.equal(false);
    expect(present(id)).to.equal(true);
    expect(host.interceptors.log.at(-1)).to.deep.equal({
      interceptorKey: 'clearContact',
      contactId: id,
      continue: false,
    });

    const el = app.editor;
    await typeInto(el, control(el, 'Disposition'), 'Callback');
    button(el, 'Save').click();
    await until(() => el.status === 'saved', 'saved', 10_000);
    expect(await host.clearFromWorkspace(id), 'let through').to.equal(true);
    expect(present(id)).to.equal(false);
    expect(await storedAttributes(host.instance, id)).to.deep.include({ Disposition: 'Callback' });
  });

  it("the workspace's own Clear saves the agent's unsaved edit first, then lets the contact go", async () => {
    const { id, app } = await chatInAcw();
    await until(() => host.interceptors.count('clearContact', host.apps()) === 1, 'the interceptor registered');
    await typeInto(app.editor, control(app.editor, 'Disposition'), 'Escalated');
    expect(app.editor.dirty).to.equal(true);
    expect(await host.clearFromWorkspace(id)).to.equal(true);
    expect(await storedAttributes(host.instance, id)).to.deep.include({ Disposition: 'Escalated' });
    expect(present(id)).to.equal(false);
  });

  it("with the ccp-attributes service sending for the app, the workspace's Clear saves the app's edit through it, then lets go", async () => {
    const hosted = host.registerService({
      name: uniqueName('service-page'),
      url: '/test/workspace/fixtures/service-page.html?',
    });
    if (!hosted) throw new Error('the workspace did not start the service');
    const service = await until(() => hosted.iframe.contentWindow?.ccpAttributesService, 'the service page', 10_000);
    await until(() => service.outbox?.flusher, 'the service sending', 10_000);
    const { id, app } = await chatInAcw();
    await until(() => app.plugin.serviceRuns, 'the app hearing of the service');
    expect(app.plugin.outbox?.flusher, 'the app does not send itself').to.equal(false);
    // Both hold the Clear: the app for its contact, the service for every contact it follows.
    const frames = [...host.apps(), ...host.services()];
    await until(() => host.interceptors.count('clearContact', frames) === 2, 'both interceptors registered');
    expect(await host.clearFromWorkspace(id), 'held').to.equal(false);
    await typeInto(app.editor, control(app.editor, 'Disposition'), 'Resolved');
    expect(await host.clearFromWorkspace(id)).to.equal(true);
    expect(await storedAttributes(host.instance, id)).to.deep.include({ Disposition: 'Resolved' });
    expect(present(id)).to.equal(false);
  });

  it("the editor's Finish says what is missing, then clears the contact once it is filled in", async () => {
    const { id, app, hosted } = await chatInAcw();
    const el = app.editor;
    el.finish = true;
    await settle(el);
    button(el, 'Finish').click();
    const alert = await until(async () => {
      await settle(el);
      return text(el, '[part~="finish"] [role="alert"]');
    }, 'the refusal');
    expect(alert).to.equal('Fill in Disposition before finishing.');
    expect(clearRequests(hosted)).to.equal(0);
    await typeInto(el, control(el, 'Disposition'), 'Resolved');
    button(el, 'Finish').click();
    await until(() => !present(id), 'the contact cleared', 10_000);
    expect(await storedAttributes(host.instance, id)).to.deep.include({ Disposition: 'Resolved' });
  });

  it('without Contact.Details.Edit, plugin.clear says which permission is missing and the contact stays', async () => {
    const permissions = ['User.Details.View', 'Contact.Details.View', 'Contact.Attributes.View'];
    const { id, app } = await chatInAcw(permissions);
    await app.plugin.write({ Disposition: 'Resolved' }, { contactId: id });
    const refused = (await app.plugin.clear(id).catch((error: unknown) => error)) as ClearError;
    expect(refused.reason).to.equal('host');
    expect(refused.message).to.contain('Contact.Details.Edit');
    expect(present(id)).to.equal(true);
  });
});
