// The workspace app page opened outside the agent workspace (its own test page: the SDK's app connects once per
// window, and here no host ever answers its handshake): the editor says the page must run inside the workspace.
import { expect } from '@open-wc/testing';
import '../../components/ccp-attributes.ts';
import { start } from '../../components/workspace-app-setup.ts';
import type { WorkspaceAttributesPlugin } from '../../src/workspace.ts';
import { until } from './helpers.ts';

describe('the workspace app page outside the agent workspace', () => {
  let plugin: WorkspaceAttributesPlugin | undefined;
  afterEach(() => plugin?.dispose());

  it('shows why nothing can be edited once the handshake times out (the SDK waits 5 s)', async () => {
    const script = document.createElement('script');
    script.dataset['region'] = 'us-east-1';
    const editor = document.createElement('ccp-attributes');
    document.body.append(editor);
    plugin = await start(script, [editor]);
    await until(() => editor.setupError, 'the setup error', 15_000);
    expect(editor.setupError).to.contain('must run as a third-party app inside the agent workspace');
    expect(editor.readOnlyReason).to.equal('setup-error');
    editor.remove();
  });
});
