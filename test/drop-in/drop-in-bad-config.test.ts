// The drop-in script with a bad configuration: a console error naming each attribute, the editor showing why,
// and `ready` rejecting. Nothing is created.
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import { until } from '../tracker/helpers.ts';

describe('the drop-in script tag with a bad configuration', () => {
  it('reports every bad attribute in the console and in the editor, and rejects ready', async () => {
    const consoleError = sinon.stub(console, 'error');
    const editor = document.createElement('ccp-attributes');
    document.body.append(editor);
    const script = document.createElement('script');
    script.type = 'module';
    Object.assign(script.dataset, {
      region: 'moon-1',
      identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000',
      colour: 'blue',
    });
    script.src = new URL('/components/drop-in.ts', location.href).href;
    document.head.append(script);
    const api = await until(() => window.ccpAttributes, 'window.ccpAttributes');
    let error: unknown;
    try {
      await api.ready;
    } catch (caught) {
      error = caught;
    }
    consoleError.restore();
    const message = (error as Error).message;
    for (const name of ['data-region', 'data-login-provider', 'data-login-token-function', 'data-colour'])
      expect(message).to.contain(name);
    expect(consoleError.calledWith(message)).to.equal(true);
    await until(() => editor.setupError, 'the setup error on the editor');
    await editor.updateComplete;
    expect(editor.shadowRoot?.textContent).to.contain('data-region');
    expect(editor.readOnlyReason).to.equal('setup-error');
    expect(document.querySelector('iframe')).to.equal(null);
    await expect(editor).to.be.accessible();
  });
});
