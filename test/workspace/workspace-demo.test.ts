// The stand-in workspace page (demo/workspace/index.html) as a person uses it: its controls make contacts happen;
// no app opens by itself: the agent opens the app page from the launcher (for the active contact, or idle before
// any contact) or from a contact's row (in that contact's scope); clearing the contact closes its app after the
// app's destroy. The language and visual mode controls reach the workspace. The apps run the real SDK and editor.
import { expect } from '@open-wc/testing';
import type { StandInWorkspace } from '../../demo/workspace/host.ts';
import { appPageIn, until } from './helpers.ts';

type DemoWindow = Window & { standInWorkspace?: StandInWorkspace };

describe('stand-in workspace page', () => {
  let frame: HTMLIFrameElement;
  let page: Document;
  let workspace: StandInWorkspace;

  const click = (label: string | RegExp, root: ParentNode = page): void => {
    const found = [...root.querySelectorAll('button')].find((b) =>
      typeof label === 'string' ? b.textContent === label : label.test(b.textContent),
    );
    if (!found) throw new Error(`no button "${String(label)}"`);
    found.click();
  };
  const appFrames = (): HTMLIFrameElement[] => [
    ...page.querySelectorAll<HTMLIFrameElement>('#apps iframe:not([title^="Third-party service"])'),
  ];
  const rowOf = (contactId: string): HTMLTableRowElement | undefined =>
    [...page.querySelectorAll<HTMLTableRowElement>('#scenario tbody tr')].find((row) =>
      row.textContent.includes(contactId),
    );

  beforeEach(async () => {
    frame = document.createElement('iframe');
    frame.style.cssText = 'width: 1280px; height: 800px;';
    frame.src = '/demo/workspace/index.html';
    document.body.append(frame);
    await until(
      () => frame.contentDocument?.getElementById('setup-status')?.textContent === 'Ready',
      'the page',
      10_000,
    );
    page = frame.contentDocument!;
    workspace = (frame.contentWindow as DemoWindow).standInWorkspace!;
  });

  afterEach(() => frame.remove());

  it("opens no app by itself; a contact's row opens one in its scope that follows the call; clearing closes it", async () => {
    click('Ring a call');
    const id = await until(() => workspace.contacts()[0]?.contactId, 'the call');
    await until(() => rowOf(id), 'its row');
    expect(appFrames()).to.deep.equal([]);
    click('Open app', rowOf(id));
    const iframe = await until(() => appFrames()[0], 'its app');
    const app = await appPageIn(iframe);
    await until(() => app.editor.contact?.contactId === id, 'the call in the editor', 10_000);
    expect(app.source.scope).to.deep.equal({ type: 'contact', contactId: id });
    expect(iframe.hidden).to.equal(false);
    expect(iframe.getAttribute('sandbox')).to.equal('allow-forms allow-popups allow-same-origin allow-scripts');
    click('Accept', rowOf(id));
    await until(() => app.tracker.contacts.get(id)?.state === 'connected', 'connected');
    click('Start a chat');
    await until(() => workspace.contacts().length === 2, 'the chat');
    expect(appFrames(), 'no app for the chat').to.have.length(1);
    click('Hang up', rowOf(id));
    await until(() => app.tracker.contacts.get(id)?.ended, 'after-contact work');
    click('Clear', rowOf(id));
    await until(() => !appFrames().includes(iframe), 'its app closed');
    const destroy = workspace.apps().length; // closed: no longer listed
    expect(destroy).to.equal(0);
    expect(workspace.contacts().map((c) => c.channel)).to.deep.equal(['chat']);
  });

  it('the launcher before any contact opens the app in the idle scope, which follows every contact', async () => {
    click(/^Open ccp-attributes$/, page.getElementById('launcher')!);
    const iframe = await until(() => appFrames()[0], 'the idle app');
    const app = await appPageIn(iframe);
    expect(await until(() => app.source.scope, 'the scope')).to.deep.equal({ type: 'idle' });
    click('Ring a call');
    click('Start a chat');
    await until(() => workspace.contacts().length === 2, 'two contacts');
    await until(() => app.tracker.contacts.size === 2, 'both contacts in the one app');
    expect(appFrames()).to.have.length(1);
    // During a contact the launcher opens the app for the active contact: a second frame, shown in front.
    click(/^Open ccp-attributes$/, page.getElementById('launcher')!);
    await until(() => appFrames().length === 2, 'the app for the active contact');
    expect(workspace.apps()[1]!.scope).to.deep.equal({ type: 'contact', contactId: workspace.activeContact });
    expect(appFrames().map((f) => f.hidden)).to.deep.equal([true, false]);
    // Only the app in front takes room; the hidden app and the service are not displayed.
    const displayed = [...page.querySelectorAll('#apps iframe')].filter((f) => getComputedStyle(f).display !== 'none');
    expect(displayed).to.deep.equal([appFrames()[1]]);
  });

  it('starts the service of its configuration with it, in a hidden frame, and lists it running', () => {
    const [service] = workspace.services();
    expect(service?.name).to.equal('ccp-attributes-service');
    expect(service?.state).to.equal('running');
    expect(service?.iframe.hidden).to.equal(true);
    expect(page.getElementById('services')?.textContent).to.include('ccp-attributes-service: running');
  });

  it("the agent's language and visual mode controls reach the open app: its editor follows them", async () => {
    click('Ring a call');
    await until(() => workspace.activeContact, 'the call');
    click(/^Open ccp-attributes$/, page.getElementById('launcher')!);
    const app = await appPageIn(await until(() => appFrames()[0], 'the app'));
    const addButton = (): string | undefined =>
      app.editor.shadowRoot?.querySelector('[part~="add-button"]')?.textContent.trim();
    await until(() => addButton() === 'Add attribute', 'the editor in English');
    const select = page.querySelector<HTMLSelectElement>('#agent-language')!;
    select.value = 'de_DE';
    select.dispatchEvent(new Event('change'));
    expect(workspace.settings.language).to.equal('de_DE');
    page.querySelector<HTMLInputElement>('input[name="visual-mode"][value="dark"]')!.click();
    expect(workspace.settings.visualMode).to.equal('dark');
    await until(() => addButton() === 'Attribut hinzufügen', 'the editor in German');
    await until(() => app.editor.theme === 'dark', 'the dark theme');
  });
});
