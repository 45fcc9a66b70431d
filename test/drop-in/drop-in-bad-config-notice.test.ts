// The drop-in script on a page with no editor (its data-target matches nothing) and a mistyped rule event: the CCP
// is created all the same (REAL Streams, stand-in CCP), asked for the softphone the page chose
// (data-allow-framed-softphone="false"), and the mistakes are shown in a visible notice after the script.
import { expect } from '@open-wc/testing';
import 'amazon-connect-streams';
import sinon from 'sinon';
import { ccpUrl, findCcpIframe, standInCcp } from '../../demo/ccp/scenario.ts';
import { standInConfig } from '../helpers/stand-in.ts';
import { until } from '../tracker/helpers.ts';

describe('the drop-in script tag with mistakes and no editor to show them', () => {
  it('creates the CCP with the softphone the page chose, and shows every mistake in a notice', async () => {
    const config = await standInConfig();
    const consoleError = sinon.stub(console, 'error');
    const script = document.createElement('script');
    script.type = 'module';
    Object.assign(script.dataset, {
      ccpUrl: ccpUrl({ api: config.url, interval: 500 }, location.href),
      allowFramedSoftphone: 'false',
      rules: '[{"on": "hangup", "set": {"a": "b"}}]',
      target: '#attributez',
    });
    script.src = new URL('/components/drop-in.ts', location.href).href;
    document.body.append(script);
    const api = await until(() => window.ccpAttributes, 'window.ccpAttributes');
    const rejected = await api.ready.then(
      () => false,
      () => true,
    );
    consoleError.restore();
    expect(rejected, 'ready rejects').to.equal(true);

    const ccp = await standInCcp(await until(() => findCcpIframe(), 'the CCP iframe created from data-ccp-url'));
    await ccp.ready;
    // Streams sends its configuration once the CCP acknowledged it.
    const configurations = await until(
      () => (ccp.configurations().length > 0 ? ccp.configurations() : undefined),
      'the configuration',
    );
    const softphones = configurations.map((data) => (data as { softphone?: unknown }).softphone);
    expect(softphones).to.deep.include({ allowFramedSoftphone: false });
    expect(softphones).not.to.deep.include({ allowFramedSoftphone: true });

    const notice = await until(
      () => document.querySelector<HTMLElement>('.ccp-attributes-setup-error'),
      'the notice of the setup error',
    );
    expect(notice.previousElementSibling).to.equal(script);
    expect(notice.getAttribute('role')).to.equal('alert');
    expect(notice.textContent).to.contain('data-target: no element matches "#attributez".');
    expect(notice.textContent).to.contain('data-rules');
    expect(notice.textContent).to.contain('"hangup"');
    expect(notice.children.length, 'text, not HTML').to.equal(0);
    expect(notice.getBoundingClientRect().height).to.be.greaterThan(0);
    await expect(notice).to.be.accessible();
  });
});
