// The workspace app page's setup (components/workspace-app-setup.ts) outside any workspace: where its configuration
// comes from (the script's data-* attributes, else config.json beside the page), the write mode it assembles, and
// the problems it names. The workspace source itself is tested with a host in workspace-source.test.ts.
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import { CONFIG_FILE, start } from '../../components/workspace-app-setup.ts';
import type { WorkspaceAttributesPlugin } from '../../src/workspace.ts';

const rules = [{ id: 'handled-by', on: 'connected', set: { HandledBy: '{{agent.name}}' } }];
const cognito = {
  'identity-pool-id': 'us-east-1:00000000-0000-4000-8000-000000000000',
  'login-provider': 'cognito-idp.us-east-1.amazonaws.com/us-east-1_STANDIN',
  'login-token-function': 'noSuchTokenFunction',
};

describe('workspace app setup', () => {
  const plugins: WorkspaceAttributesPlugin[] = [];
  let fetched: string[];

  /** Answers config.json with `body` (or 404 when undefined); other URLs go to the network. */
  function serveConfig(body: unknown): void {
    const real = window.fetch.bind(window);
    fetched = [];
    sinon.stub(window, 'fetch').callsFake(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!url.endsWith(`/${CONFIG_FILE}`)) return real(input, init);
      fetched.push(url);
      return body === undefined
        ? new Response('', { status: 404 })
        : new Response(typeof body === 'string' ? body : JSON.stringify(body), {
            headers: { 'content-type': 'application/json' },
          });
    });
  }

  async function run(
    dataset: Record<string, string> = {},
  ): Promise<{ plugin: WorkspaceAttributesPlugin; editor: CcpAttributes }> {
    const script = document.createElement('script');
    Object.assign(script.dataset, dataset);
    const editor = document.createElement('ccp-attributes');
    const plugin = await start(script, [editor]);
    plugins.push(plugin);
    return { plugin, editor };
  }

  async function failure(dataset: Record<string, string> = {}): Promise<Error> {
    try {
      await run(dataset);
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected start() to reject');
  }

  afterEach(() => {
    sinon.restore();
    for (const plugin of plugins.splice(0)) plugin.dispose();
  });

  it('reads config.json beside the page when the script tag has no data-* attributes: direct mode with rules', async () => {
    serveConfig({ region: 'us-east-1', ...cognito, rules });
    const { plugin, editor } = await run();
    expect(fetched).to.deep.equal([new URL(CONFIG_FILE, document.baseURI).href]);
    expect(plugin.outbox, 'the outbox').to.not.equal(undefined);
    expect(plugin.tagger, 'the tagger').to.not.equal(undefined);
    expect(editor.tracker).to.equal(plugin.tracker);
    expect(editor.writer).to.equal(plugin.outbox);
    expect(plugin.source.constructor.name).to.equal('WorkspaceContactSource');
  });

  it('sets the editors\' language from "locale" in config.json (the workspace gives the app no agent language)', async () => {
    serveConfig({ 'relay-url': 'https://relay.example.com', 'login-token-storage': 'idToken', locale: 'ko_KR' });
    const { editor } = await run();
    expect(editor.locale).to.equal('ko_KR');
  });

  it('relay mode from config.json: an outbox that sends to the relay', async () => {
    serveConfig({ 'relay-url': 'https://relay.example.com', 'login-token-storage': 'idToken' });
    const { plugin } = await run();
    expect(plugin.outbox).to.not.equal(undefined);
    expect(plugin.tagger).to.equal(undefined);
  });

  it('without config.json (404) the app is read-only: no outbox, no error', async () => {
    serveConfig(undefined);
    const { plugin, editor } = await run();
    expect(plugin.outbox).to.equal(undefined);
    expect(editor.writer).to.equal(undefined);
    expect(editor.setupError).to.equal(undefined);
  });

  it('data-* attributes on the script tag win: config.json is not read', async () => {
    serveConfig({ 'relay-url': 'https://relay.example.com', 'login-token-storage': 'idToken' });
    const { plugin } = await run({ rules: JSON.stringify(rules) });
    expect(fetched).to.deep.equal([]);
    expect(plugin.outbox).to.equal(undefined);
  });

  it('a bad config.json is named, with the setting and what is wrong', async () => {
    serveConfig({ 'ccp-url': 'https://example.my.connect.aws/ccp-v2/', 'identity-pool-id': 'nope' });
    const error = await failure();
    expect(error.message).to.contain(`bad configuration in ${new URL(CONFIG_FILE, document.baseURI).href}`);
    expect(error.message).to.contain('data-ccp-url: does not apply in the agent workspace');
    expect(error.message).to.contain('data-identity-pool-id');
  });

  it('config.json that is not a JSON object is named', async () => {
    serveConfig('[1, 2]');
    expect((await failure()).message).to.contain(`${CONFIG_FILE} must hold one JSON object of settings`);
    sinon.restore();
    serveConfig('{not json');
    expect((await failure()).message).to.contain('is not valid JSON');
  });

  it('data-ccp-url on the script tag is refused by its attribute name', async () => {
    const error = await failure({ ccpUrl: 'https://example.my.connect.aws/ccp-v2/' });
    expect(error.message).to.contain('data-ccp-url: does not apply in the agent workspace');
  });
});
