// <ccp-attributes> before its implementation arrived: the element paints a styled, accessible frame at
// once and imports the editor (controller, rows, templates, most styles) on connect. Its own file, so
// the page starts without the implementation loaded; the first test must be the first to connect one.
import { expect, fixture, html } from '@open-wc/testing';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import { $, $$, contact, control, fakeWriter, FakeTracker, text } from './fakes.ts';

/** Appends the element and waits for its first render in microtasks only: no fetch can complete meanwhile. */
async function firstRender(el: CcpAttributes): Promise<void> {
  const parent = await fixture(html`<div></div>`);
  parent.append(el);
  for (let i = 0; i < 1000 && !el.shadowRoot?.querySelector('.base'); i++) await Promise.resolve();
  expect(el.shadowRoot?.querySelector('.base'), 'rendered in microtasks').to.exist;
}

describe('<ccp-attributes> while its implementation loads', () => {
  it('paints the frame at once (heading, a busy line), accessible and styled, then the editor and the contact line', async () => {
    const tracker = new FakeTracker(contact({ channel: 'chat', state: 'connected', attributes: { a: '1', b: '2' } }));
    const writer = fakeWriter();
    const el = document.createElement('ccp-attributes');
    el.tracker = tracker;
    el.writer = writer;
    await firstRender(el);

    const base = $(el, '[part~="base"]')!;
    expect(base.getAttribute('aria-busy')).to.equal('true');
    expect(text(el, '.title')).to.equal('Contact attributes');
    expect($(el, 'slot[name="title"]')).to.exist;
    expect($(el, '[part~="contact"]'), 'the contact line comes with the editor').to.equal(null);
    expect(text(el, '[role="status"]')).to.equal('Loading attributes…');
    expect($(el, '[part~="list"]')).to.equal(null);
    expect(el.contact?.contactId).to.equal('c-1');
    expect(el.readOnlyReason).to.equal(undefined);
    expect(el.status).to.equal('idle');
    expect(el.dirty).to.equal(false);
    const frame = getComputedStyle(base);
    const [background, padding] = [frame.backgroundColor, frame.padding];
    expect(padding).to.equal('8px');

    // Methods called now wait for the implementation.
    const saved = el.save();
    const rows = el.allRowsRendered();

    // The placeholder's markup and styles, copied so the check cannot race the implementation's arrival.
    const copy = document.createElement('div');
    copy.attachShadow({ mode: 'open' }).innerHTML = el.shadowRoot!.innerHTML;
    copy.shadowRoot!.adoptedStyleSheets = el.shadowRoot!.adoptedStyleSheets;
    el.after(copy);
    await expect(copy).to.be.accessible();
    copy.remove();

    await rows;
    await saved;
    expect(writer.write, 'nothing to save').not.to.have.been.called;
    expect(base.hasAttribute('aria-busy')).to.equal(false);
    expect($$(el, 'ccp-attribute-field')).to.have.length(2);
    expect(text(el, '[part~="contact"]')).to.equal('Chat · Connected · Support');
    expect(control(el, 'b').value).to.equal('2');
    expect(getComputedStyle(base).backgroundColor, 'the frame does not change when the editor arrives').to.equal(
      background,
    );
    expect(getComputedStyle(base).padding).to.equal(padding);
    await expect(el).to.be.accessible();
  });

  it('says why before the implementation is there too (no contact, setup error)', () => {
    const el = document.createElement('ccp-attributes');
    expect(el.readOnlyReason).to.equal('no-contact');
    el.setupError = 'data-region is missing.';
    expect(el.readOnlyReason).to.equal('setup-error');
  });

  it('once loaded, a new element renders the editor in its first update', async () => {
    const el = document.createElement('ccp-attributes');
    el.tracker = new FakeTracker(contact({ attributes: { a: '1' } }));
    el.writer = fakeWriter();
    await firstRender(el);
    expect($(el, '[part~="base"]')!.hasAttribute('aria-busy')).to.equal(false);
    expect($(el, '[part~="list"]')).to.exist;
    expect(text(el, '[part~="contact"]')).to.equal('Voice call · Connected · Support');
  });
});
