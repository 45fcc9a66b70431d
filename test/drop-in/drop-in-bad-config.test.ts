// The drop-in script with typos in its configuration (a mistyped rule event, an http: relay URL, an unknown
// attribute): the agent keeps the CCP, created from data-ccp-url with the REAL Streams on the stand-in CCP, and the
// editor follows its contacts read-only, naming every mistake; the console says the same and `ready` rejects.
// Nothing is written.
import { expect } from '@open-wc/testing';
import 'amazon-connect-streams';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import { ccpUrl, findCcpIframe, standInCcp } from '../../demo/ccp/scenario.ts';
import { standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { until } from '../tracker/helpers.ts';

describe('the drop-in script tag with typos in its configuration', () => {
  it('still creates the CCP, shows its contacts read-only, and names every mistake in the editor and the console', async () => {
    const config = await standInConfig();
    const consoleError = sinon.stub(console, 'error');
    const target = document.createElement('div');
    target.id = 'attributes';
    document.body.append(target);
    const script = document.createElement('script');
    script.type = 'module';
    Object.assign(script.dataset, {
      ccpUrl: ccpUrl({ api: config.url, interval: 500 }, location.href),
      relayUrl: 'http://relay.example.com',
      loginTokenFunction: 'getIdToken',
      rules: JSON.stringify([
        { id: 'handled-by', on: 'connected', set: { HandledBy: '{{agent.username}}' } },
        { id: 'wrap', on: 'acw-started', set: { WrapStartedAt: '{{event.at}}' } },
      ]),
      target: '#attributes',
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
    for (const name of ['data-relay-url', 'data-rules', '"wrap" on', 'data-colour']) expect(message).to.contain(name);
    expect(consoleError.calledWith(message)).to.equal(true);

    // The CCP: created, and Streams talks to it.
    const ccp = await standInCcp(await until(() => findCcpIframe(), 'the CCP iframe created from data-ccp-url'));
    await ccp.ready;
    expect(findCcpIframe()?.closest('.ccp-attributes-ccp')).to.exist;

    // The editor: every mistake shown, and the agent's call followed, read-only.
    const editor = await until(() => target.querySelector('ccp-attributes'), 'the editor in data-target');
    await until(() => editor.setupError, 'the setup error on the editor');
    await editor.updateComplete;
    for (const name of ['data-relay-url', 'data-rules', 'data-colour'])
      expect(editor.shadowRoot?.textContent).to.contain(name);
    const id = await ccp.ringCall({ attributes: { Reason: 'billing' } });
    await ccp.accept(id);
    await until(() => editor.contact?.contactId === id, "the agent's call in the editor");
    expect(editor.contact?.attributes['Reason']).to.equal('billing');
    expect(editor.readOnlyReason).to.equal('setup-error');
    await expect(editor).to.be.accessible();
    // The valid rule did not run with the configuration half read.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await storedAttributes(ccp.config.instance, id))?.['HandledBy']).to.equal(undefined);
    await ccp.clear(id);
  });
});
