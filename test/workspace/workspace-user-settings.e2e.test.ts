// The app page follows what the workspace tells of the agent (aws.connect.user through the REAL AmazonConnectApp, the
// stand-in workspace's Language and Visual mode): the editor's language and theme, unless the page set its own.
import { expect } from '@open-wc/testing';
import type { StandInWorkspace } from '../../demo/workspace/host.ts';
import { settle } from '../components/fakes.ts';
import { appPageIn, uniqueName, until, workspace, type AppPage } from './helpers.ts';

describe("the app page follows the agent's language and the workspace's visual mode", () => {
  let host: StandInWorkspace;

  async function openApp(url: string, contactId: string): Promise<AppPage> {
    const name = uniqueName('user-settings');
    host.registerApp({ name, url });
    const { iframe } = host.launch(name, { scope: { type: 'contact', contactId } });
    const app = await appPageIn(iframe);
    await until(() => app.editor.contact, 'the contact in the editor', 10_000);
    return app;
  }

  const text = (app: AppPage): string => app.editor.shadowRoot?.textContent ?? '';

  beforeEach(async () => {
    host = await workspace();
  });

  afterEach(() => host.dispose());

  it('an editor with no locale or theme of its own follows languageChange and visualModeChange', async () => {
    const id = await host.ringCall();
    // The relay-mode test page: its <ccp-attributes> sets neither `locale` nor `theme`.
    const app = await openApp('/test/workspace/fixtures/relay-app.html', id);
    await until(() => app.tracker.agent?.locale === 'en_US', 'the language from getLanguage');
    host.settings.setLanguage('de_DE');
    await until(() => app.tracker.agent?.locale === 'de_DE', 'the language change');
    await until(async () => (await settle(app.editor), text(app).includes('Speichern')), 'the editor in German');
    host.settings.setVisualMode('dark');
    await until(() => app.editor.theme === 'dark', 'the dark theme');
    host.settings.setVisualMode('light');
    await until(() => app.editor.theme === 'light', 'the light theme');
  });

  it("the page's own theme wins over the workspace's visual mode", async () => {
    const id = await host.ringCall();
    // The relay-mode test page with theme="light" on its editor.
    const app = await openApp('/test/workspace/fixtures/relay-app.html?theme=light', id);
    host.settings.setVisualMode('dark');
    await until(() => app.source.visualMode === 'dark', 'the visual mode told');
    expect(app.editor.theme).to.equal('light');
  });
});
