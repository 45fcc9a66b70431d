// <ccp-attributes> when the import of its editor implementation fails (a network blip while fetching the lazy
// chunk): it says so, and the next connect or the agent's "Try again" imports it again. Its own file, so the
// page starts without the implementation loaded.
import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import { editorLoader } from '../../components/internal/editor-loader.ts';
import { $, button, contact, control, fakeWriter, FakeTracker, settle, text } from './fakes.ts';

describe('<ccp-attributes> when its implementation fails to load', () => {
  afterEach(() => sinon.restore());

  it('shows an alert, loads again on the next connect and on "Try again", then shows the editor', async () => {
    const load = sinon.stub(editorLoader, 'load');
    const blip = (): Promise<never> => Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
    load.onFirstCall().callsFake(blip);
    load.onSecondCall().callsFake(blip);
    load.callThrough();

    const tracker = new FakeTracker(contact({ attributes: { a: '1' } }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
    );
    await settle(el);
    expect(load.callCount).to.equal(1);
    expect(text(el, '[role="alert"]')).to.contain('could not load');
    expect($(el, '[part~="base"]')!.hasAttribute('aria-busy')).to.equal(false);
    await expect(el).to.be.accessible();

    // Connected again (moved in the page): another import, which fails too.
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
    await settle(el);
    expect(load.callCount).to.equal(2);
    expect(text(el, '[role="alert"]')).to.contain('could not load');

    // The agent's "Try again": the third import works and the editor appears.
    button(el, 'Try again').click();
    await settle(el);
    expect(load.callCount).to.equal(3);
    expect(el.shadowRoot!.textContent).not.to.contain('could not load');
    expect(control(el, 'a').value).to.equal('1');
    await expect(el).to.be.accessible();

    // Loaded for good: a new element does not import again.
    const other = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
    );
    await settle(other);
    expect(load.callCount).to.equal(3);
    expect(control(other, 'a').value).to.equal('1');
  });
});
