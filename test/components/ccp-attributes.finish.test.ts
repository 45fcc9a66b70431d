// The editor's Finish action (components/internal/wrap-up-view.ts) over the plugin's real wrap-up (src/wrap-up/):
// offered in after-contact work where the page turns it on; it saves the agent's edits and clears the contact
// through the host, or says what stands in the way and clears nothing.
import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import type { SchemaInput } from '../../components/schema.ts';
import { WrapUp } from '../../src/wrap-up/wrap-up.ts';
import { until } from '../helpers/until.ts';
import { $, button, contact, control, fakeWriter, FakeTracker, settle, text, typeInto } from './fakes.ts';

const SCHEMA: SchemaInput = [
  { key: 'disposition', label: 'Disposition', required: true },
  { key: 'notes', label: 'Notes' },
  { key: 'minutes', label: 'Minutes', type: 'number' },
];

/** An editor in after-contact work over a real WrapUp whose host clears through `clearContact` (a sinon stub). */
async function finishing(
  options: { finish?: boolean; attributes?: Record<string, string>; ended?: boolean; readOnly?: boolean } = {},
) {
  const ended = options.ended ?? true;
  const tracker = new FakeTracker(
    contact({ state: ended ? 'ended' : 'connected', ended, attributes: options.attributes ?? {} }),
  );
  const writer = fakeWriter(tracker);
  const clearContact = sinon.stub<[string, AbortSignal], Promise<void>>().callsFake((contactId) => {
    tracker.remove(contactId);
    return Promise.resolve();
  });
  const wrapUp = new WrapUp({
    tracker: { contacts: tracker.contacts, clearContact: (id, signal) => clearContact(id, signal) },
    outbox: undefined,
    requiredKeys: [],
  });
  const el = await fixture<CcpAttributes>(
    html`<ccp-attributes
      .tracker=${tracker}
      .writer=${writer}
      .schema=${SCHEMA}
      .wrapUp=${wrapUp}
      ?finish=${options.finish ?? true}
      ?read-only=${options.readOnly ?? false}
    ></ccp-attributes>`,
  );
  await el.allRowsRendered();
  await settle(el);
  return { el, tracker, writer, clearContact, wrapUp };
}

const finishButton = (el: CcpAttributes): HTMLButtonElement | null =>
  el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="finish-button"]');
/** Whether the Finish action is shown (a boolean: a failed assertion on an element would be serialised whole). */
const offered = (el: CcpAttributes): boolean => finishButton(el) !== null;

describe('<ccp-attributes> Finish action', () => {
  afterEach(() => sinon.restore());

  it('is offered only in after-contact work, where the page turns it on and the agent can save', async () => {
    expect(offered((await finishing()).el), 'after-contact work, finish on').to.equal(true);
    expect(offered((await finishing({ finish: false })).el), 'finish off').to.equal(false);
    expect(offered((await finishing({ ended: false })).el), 'a connected contact').to.equal(false);
    expect(offered((await finishing({ readOnly: true })).el), 'read-only').to.equal(false);
    const { el } = await finishing();
    el.wrapUp = undefined;
    await settle(el);
    expect(offered(el), 'no plugin').to.equal(false);
  });

  it('refuses while a required field is empty: says which, in an alert the button is described by, and clears nothing', async () => {
    const { el, clearContact, tracker, writer } = await finishing({ attributes: { notes: 'called back' } });
    button(el, 'Finish').click();
    await until(async () => {
      await settle(el);
      return text(el, '[part~="finish"] [role="alert"]');
    }, 'the refusal');
    expect(text(el, '[part~="finish"] [role="alert"]')).to.equal('Fill in Disposition before finishing.');
    expect(clearContact.callCount, 'nothing reached the host').to.equal(0);
    expect(writer.write.callCount).to.equal(0);
    expect(tracker.contacts.has('c-1')).to.equal(true);
    const described = finishButton(el)!.getAttribute('aria-describedby')!.split(' ');
    expect(described.map((id) => $(el, `#${id}`)?.textContent.trim())).to.deep.equal([
      'Saves your edits and closes the contact.',
      'Fill in Disposition before finishing.',
    ]);
    await expect(el).to.be.accessible();
  });

  it('saves the agent’s edits, then clears the contact through the host', async () => {
    const { el, clearContact, writer, tracker } = await finishing();
    await typeInto(el, control(el, 'disposition'), 'sale');
    button(el, 'Finish').click();
    await until(() => clearContact.callCount === 1, 'the clear');
    expect(clearContact.firstCall.args[0]).to.equal('c-1');
    expect(writer.write.callCount).to.equal(1);
    expect(writer.write.firstCall.args[1]).to.deep.equal({ disposition: 'sale' });
    // The write landed before the host was asked.
    expect(writer.write.firstCall.calledBefore(clearContact.firstCall)).to.equal(true);
    expect(tracker.contacts.has('c-1')).to.equal(false);
    await settle(el);
    expect(text(el, '[part~="notice"]')).to.contain('No contact is open');
  });

  it('a refusal goes once the field is filled in; a second Finish clears', async () => {
    const { el, clearContact } = await finishing();
    button(el, 'Finish').click();
    await until(async () => {
      await settle(el);
      return text(el, '[part~="finish"] [role="alert"]');
    }, 'the refusal');
    await typeInto(el, control(el, 'disposition'), 'sale');
    button(el, 'Finish').click();
    await until(() => clearContact.callCount === 1, 'the clear');
  });

  it('says the host’s refusal in the agent’s words, and keeps the contact', async () => {
    const { el, clearContact, tracker } = await finishing({ attributes: { disposition: 'sale' } });
    clearContact.rejects(new Error('The CCP is offline.'));
    button(el, 'Finish').click();
    await until(async () => {
      await settle(el);
      return text(el, '[part~="finish"] [role="alert"]');
    }, 'the refusal');
    expect(text(el, '[part~="finish"] [role="alert"]')).to.equal(
      'The contact could not be closed: The CCP is offline.',
    );
    expect(tracker.contacts.has('c-1')).to.equal(true);
    expect(finishButton(el)!.getAttribute('aria-disabled')).to.equal('false');
  });

  it('an edit that cannot be saved (an invalid value) holds the contact, and says so', async () => {
    const { el, clearContact, writer } = await finishing({ attributes: { disposition: 'sale' } });
    await typeInto(el, control(el, 'minutes'), 'twelve');
    button(el, 'Finish').click();
    await until(async () => {
      await settle(el);
      return text(el, '[part~="finish"] [role="alert"]');
    }, 'the refusal');
    expect(text(el, '[part~="finish"] [role="alert"]')).to.equal(
      'Some edits could not be saved: fix them, then finish.',
    );
    expect(writer.write.callCount).to.equal(0);
    expect(clearContact.callCount).to.equal(0);
  });

  it('the button is disabled while the Finish is under way', async () => {
    const { el, clearContact } = await finishing({ attributes: { disposition: 'sale' } });
    let release!: () => void;
    clearContact.callsFake(() => new Promise<void>((resolve) => (release = resolve)));
    button(el, 'Finish').click();
    await until(() => clearContact.callCount === 1, 'the clear');
    await settle(el);
    const pressed = finishButton(el)!;
    expect(pressed.getAttribute('aria-disabled')).to.equal('true');
    expect(pressed.textContent.trim()).to.equal('Finishing…');
    // It keeps the focus, and a second press does nothing while the first runs.
    pressed.focus();
    pressed.click();
    await settle(el);
    expect(el.shadowRoot!.activeElement === pressed, 'focus kept').to.equal(true);
    expect(clearContact.callCount).to.equal(1);
    release();
    await until(async () => {
      await settle(el);
      return finishButton(el)?.getAttribute('aria-disabled') === 'false';
    }, 'the Finish over');
  });
});
