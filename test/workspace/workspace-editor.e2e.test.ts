// End to end in the stand-in workspace: the app page (components/workspace-app.ts as demo/workspace/app.html
// configures it: <ccp-attributes> over the workspace source, the REAL Amazon Connect SDK in its iframe,
// the rules and the outbox) saving through the real AWS SDK with Cognito credentials to the Connect API stand-in,
// where the workspace host registered the contact and reads its attributes back from.
import { expect } from '@open-wc/testing';
import type { StandInWorkspace } from '../../demo/workspace/host.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import { storedAttributes } from '../helpers/stand-in.ts';
import { button, control, settle, text, typeInto } from '../components/fakes.ts';
import { appPageIn, uniqueName, until, workspace, type AppPage, type TestAppOptions } from './helpers.ts';

describe('<ccp-attributes> end to end in the stand-in workspace (real Amazon Connect SDK + AWS SDK + API stand-in)', () => {
  let host: StandInWorkspace;

  /** The agent opens the app page from the launcher; waits for its editor. */
  async function openApp({ scope, ...definition }: TestAppOptions): Promise<AppPage> {
    const name = uniqueName('app-page');
    host.registerApp({ name, url: '/demo/workspace/app.html', ...definition });
    const { iframe } = host.launch(name, scope ? { scope } : {});
    iframe.style.cssText = 'width: 400px; height: 600px;';
    const app = await appPageIn(iframe);
    await until(() => app.editor.writer, 'the writer', 10_000);
    return app;
  }

  beforeEach(async () => {
    host = await workspace();
  });

  afterEach(() => host.dispose());

  it('the agent edits and saves in the app of a connected call: Connect stores it and the workspace reads it back', async () => {
    const id = await host.ringCall({ attributes: { topic: 'billing' } });
    await host.accept(id);
    const app = await openApp({ scope: { type: 'contact', contactId: id } });
    const { editor, tracker } = app;
    await until(
      () => editor.contact?.contactId === id && editor.contact.state === 'connected',
      'the call in the editor',
    );
    const el: CcpAttributes = editor;
    await settle(el);
    expect(text(el, '[part~="contact"]')).to.contain('Voice');
    expect(control(el, 'topic').value).to.equal('billing');
    await typeInto(el, control(el, 'topic'), 'refund');
    button(el, 'Save').click();
    await until(() => el.status === 'saved', 'saved', 10_000);
    const contact = tracker.contacts.get(id)!;
    expect(contact.instanceId).to.equal(host.instance);
    expect(await storedAttributes(host.instance, id)).to.deep.include({ topic: 'refund' });
    // The page's rule tagged the call on connected, through the same outbox (agent.smith's name from agent/getName).
    await app.plugin.outbox?.whenIdle();
    const tagged = await storedAttributes(host.instance, id);
    expect(tagged).to.deep.include({ topic: 'refund', HandledBy: 'Agent Smith' });
    expect(Date.parse(tagged?.['ConnectedAt'] ?? '')).to.be.above(0);
    // The next lifecycle event reads the attributes again, from Connect: the saved value, not the flow's.
    await host.hangUp(id);
    await until(() => tracker.contacts.get(id)?.ended, 'after-contact work');
    expect(tracker.contacts.get(id)?.attributes).to.deep.include({ topic: 'refund' });
    await settle(el);
    expect(control(el, 'topic').value).to.equal('refund');
    expect(el.dirty).to.equal(false);
  });

  it('without Contact.Attributes.View the editor is read-only and says which permission is missing', async () => {
    const id = await host.ringCall({ attributes: { topic: 'billing' } });
    const { editor } = await openApp({
      scope: { type: 'contact', contactId: id },
      permissions: ['User.Details.View', 'User.Configuration.View', 'Contact.Details.View'],
    });
    await until(() => editor.readOnlyReason === 'setup-error', 'the read-only reason');
    await settle(editor);
    const notice = text(editor, '[part~="notice"]');
    expect(notice).to.contain('Contact.Attributes.View');
    expect(notice).to.not.match(/\bat \w+ \(/); // a sentence, not a stack trace
  });
});
