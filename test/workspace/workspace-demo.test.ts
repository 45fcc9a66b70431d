// The stand-in workspace page (demo/workspace/index.html) as a person uses it: its controls make contacts happen,
// it opens the app page once per contact (each in its contact's scope, the one in front started) or once in the
// idle scope, and closes an app when its contact is cleared. The apps run the real SDK and the real editor.
import { expect } from '@open-wc/testing';
import type { StandInWorkspace } from '../../demo/workspace/host.ts';
import { appPageIn, until } from './helpers.ts';

type DemoWindow = Window & { standInWorkspace?: StandInWorkspace };

describe('stand-in workspace page', () => {
  let frame: HTMLIFrameElement;
  let page: Document;

  const click = (label: string, root: ParentNode = page): void => {
    const found = [...root.querySelectorAll('button')].find((b) => b.textContent === label);
    if (!found) throw new Error(`no button "${label}"`);
    found.click();
  };
  const appFrames = (): HTMLIFrameElement[] => [...page.querySelectorAll<HTMLIFrameElement>('#apps iframe')];
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
  });

  afterEach(() => frame.remove());

  it('opens one app per contact in its scope; the app follows the call through; clearing the contact closes its app', async () => {
    const workspace = (frame.contentWindow as DemoWindow).standInWorkspace!;
    click('Ring a call');
    const id = await until(() => workspace.contacts()[0]?.contactId, 'the call');
    const iframe = await until(() => appFrames()[0], 'its app');
    const app = await appPageIn(iframe);
    await until(() => app.editor.contact?.contactId === id, 'the call in the editor', 10_000);
    expect(app.source.scope).to.deep.equal({ type: 'contact', contactId: id });
    expect(iframe.hidden).to.equal(false);
    click('Accept', rowOf(id));
    await until(() => app.tracker.contacts.get(id)?.state === 'connected', 'connected');
    click('Start a chat');
    await until(() => appFrames().length === 2, 'a second app, for the chat');
    click('Hang up', rowOf(id));
    await until(() => app.tracker.contacts.get(id)?.ended, 'after-contact work');
    click('Clear', rowOf(id));
    await until(() => !appFrames().includes(iframe), 'its app closed');
    expect(workspace.contacts().map((c) => c.channel)).to.deep.equal(['chat']);
    expect(appFrames()).to.have.length(1);
  });

  it('in the idle scope one app follows every contact', async () => {
    const workspace = (frame.contentWindow as DemoWindow).standInWorkspace!;
    page.querySelector<HTMLInputElement>('input[name="mode"][value="idle"]')!.click();
    await until(() => appFrames().length === 1, 'the idle app');
    const app = await appPageIn(appFrames()[0]!);
    click('Ring a call');
    click('Start a chat');
    await until(() => workspace.contacts().length === 2, 'two contacts');
    await until(() => app.tracker.contacts.size === 2, 'both contacts in the one app');
    expect(app.source.scope).to.deep.equal({ type: 'idle' });
    expect(appFrames()).to.have.length(1);
  });
});
