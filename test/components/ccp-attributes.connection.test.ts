// <ccp-attributes> before a contact: what it says while the host connects, once the agent is signed out or the
// host cannot be reached, and "no contact" (or the page's `empty` slot) once the host answers; said in a live region.
import { expect, fixture, html } from '@open-wc/testing';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import { contact, fakeWriter, FakeTracker, settle, text, $ } from './fakes.ts';

describe('<ccp-attributes> before a contact', () => {
  it('says it is connecting, signed out or unreachable as the tracker reports it, then that no contact is open', async () => {
    const tracker = new FakeTracker();
    tracker.connection = 'connecting';
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
    );
    await settle(el);
    const notice = (): string => text(el, '[part~="notice"]');
    expect(notice()).to.equal('Connecting to Amazon Connect…');
    expect($(el, '[part~="notice"]')!.getAttribute('role')).to.equal('status');
    await expect(el).to.be.accessible();

    tracker.connect('signed-out');
    await settle(el);
    expect(notice()).to.equal('You are signed out of the CCP. Sign in to Amazon Connect to see contact attributes.');

    tracker.connect('unreachable');
    await settle(el);
    expect(notice()).to.equal('Amazon Connect cannot be reached. Check the network connection, then reload the page.');
    await expect(el).to.be.accessible();

    tracker.connect('connected');
    await settle(el);
    expect(notice()).to.equal('No contact is open. Attributes appear here when you take a contact.');

    tracker.add(contact());
    tracker.view('c-1');
    await settle(el);
    expect($(el, '[part~="notice"]')).to.equal(null);
  });

  it("shows the page's empty slot only once the host answers; a tracker that does not say is taken as connected", async () => {
    const tracker = new FakeTracker();
    tracker.connection = 'signed-out';
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker}><span slot="empty">Take a call</span></ccp-attributes>`,
    );
    await settle(el);
    expect($(el, 'slot[name="empty"]')).to.equal(null);
    expect(text(el, '[part~="notice"]')).to.contain('signed out');
    tracker.connect('connected');
    await settle(el);
    expect($(el, 'slot[name="empty"]')).not.to.equal(null);

    const silent = new FakeTracker();
    const other = await fixture<CcpAttributes>(html`<ccp-attributes .tracker=${silent}></ccp-attributes>`);
    await settle(other);
    expect(text(other, '[part~="notice"]')).to.equal(
      'No contact is open. Attributes appear here when you take a contact.',
    );
  });
});
