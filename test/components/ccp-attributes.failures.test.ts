// <ccp-attributes> and the writes the outbox keeps after Amazon Connect refused them: the viewed contact's kept
// failures listed (values as text, masked values hidden, why), Retry sends them again and the item goes once they
// land, Discard drops them without sending, by keyboard, announced, accessible; a writer without kept failures shows
// no list. A real outbox over a memory store; its sender is a stub.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import type { Outbox } from '../../src/outbox/index.ts';
import { until } from '../helpers/until.ts';
import {
  $,
  $$,
  button,
  contact,
  control,
  fakeWriter,
  FakeTracker,
  refusal,
  settle,
  stubbedOutbox,
  text,
} from './fakes.ts';

const SCHEMA = [{ key: 'card', label: 'Card number', masked: true }];

describe('<ccp-attributes> kept failures', () => {
  let outboxes: Outbox[] = [];

  afterEach(async () => {
    sinon.restore();
    await Promise.all(outboxes.map((outbox) => outbox.close()));
    outboxes = [];
  });

  async function setUp(): Promise<{
    el: CcpAttributes;
    tracker: FakeTracker;
    outbox: Outbox;
    send: ReturnType<typeof stubbedOutbox>['send'];
    refuse: ReturnType<typeof stubbedOutbox>['refuse'];
  }> {
    const viewed = contact({ attributes: { note: 'first' } });
    const tracker = new FakeTracker(viewed, contact({ contactId: 'c-2' }));
    const { outbox, send, refuse } = stubbedOutbox(tracker);
    outboxes.push(outbox);
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${outbox} .schema=${SCHEMA}></ccp-attributes>`,
    );
    await settle(el);
    return { el, tracker, outbox, send, refuse };
  }

  const items = (el: CcpAttributes): HTMLElement[] => $$(el, '.failure');

  async function failuresShown(el: CcpAttributes, count: number): Promise<void> {
    await until(async () => {
      await settle(el);
      return items(el).length === count;
    }, `${count} kept failures shown`);
  }

  it("lists the viewed contact's kept failures: values as text, masked ones hidden, empty ones named, and why", async () => {
    const { el, tracker, refuse } = await setUp();
    const markup = '<img src=x onerror="window.hacked=1">';
    await refuse(tracker.contacts.get('c-1')!, { note: markup, card: '4111 1111', cleared: '' });
    await refuse(tracker.contacts.get('c-2')!, { other: 'not this contact' });
    await failuresShown(el, 1);
    const [item] = items(el);
    expect(text(el, '.failures-heading')).to.equal('Not saved');
    expect([...item!.querySelectorAll('dt')].map((dt) => dt.textContent)).to.deep.equal([
      'note',
      'Card number',
      'cleared',
    ]);
    const values = [...item!.querySelectorAll('dd')];
    expect(values[0]!.textContent).to.equal(markup);
    expect(item!.querySelector('img'), 'a value is text, never markup').to.equal(null);
    expect(values[1]!.textContent).to.equal('••••••hidden value');
    expect(el.shadowRoot!.textContent, 'the masked value is nowhere').not.to.include('4111');
    expect(values[2]!.textContent).to.equal('(empty)');
    expect(item!.querySelector('.error')!.textContent).to.equal('Amazon Connect refused these attributes.');
    expect(el.shadowRoot!.textContent).not.to.include('not this contact');
    button(el, 'Retry saving note, Card number, and cleared');
    button(el, 'Discard unsaved note, Card number, and cleared');
    await expect(el).to.be.accessible();

    tracker.view('c-2');
    await failuresShown(el, 1);
    expect(text(el, '.failure dd')).to.equal('not this contact');
  });

  it('Retry (by keyboard) sends the kept values again; the item goes once they landed, and the outcome is said', async () => {
    const { el, tracker, outbox, send, refuse } = await setUp();
    await refuse(tracker.contacts.get('c-1')!, { note: 'second', topic: 'billing' });
    await failuresShown(el, 1);
    expect(send.callCount).to.equal(1);
    button(el, 'Retry saving note and topic').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => outbox.failures().length === 0 && send.callCount === 2, 'sent again');
    expect(send.secondCall.args[1]).to.deep.equal({ note: 'second', topic: 'billing' });
    await until(async () => {
      await settle(el);
      return text(el, '[part~="failures-outcome"]') === 'note and topic saved.';
    }, 'the outcome');
    expect(items(el)).to.have.length(0);
    expect($(el, '[part~="failures"]')).to.equal(null);
    // What landed is in the fields (the tracker recorded it), and focus stayed in the editor.
    expect(control(el, 'note').value).to.equal('second');
    expect(el.shadowRoot!.activeElement).to.equal($(el, '[part~="failures-outcome"]'));
    expect($(el, '[part~="failures-outcome"]')!.getAttribute('role')).to.equal('status');
    await expect(el).to.be.accessible();
  });

  it('a Retry refused again keeps the values and says why', async () => {
    const { el, tracker, outbox, send, refuse } = await setUp();
    await refuse(tracker.contacts.get('c-1')!, { note: 'second' });
    await failuresShown(el, 1);
    send.onCall(1).rejects(refusal());
    button(el, 'Retry saving note').click();
    await until(async () => {
      await settle(el);
      return (
        text(el, '[part~="failures-outcome"]') === 'note still not saved: Amazon Connect refused these attributes.'
      );
    }, 'the outcome');
    expect(send.callCount).to.equal(2);
    expect(outbox.failures().map((entry) => entry.attributes)).to.deep.equal([{ note: 'second' }]);
    await failuresShown(el, 1);
  });

  it('Discard (by keyboard) drops a failure without sending it; focus moves to the next one, then to the outcome', async () => {
    const { el, tracker, outbox, send, refuse } = await setUp();
    await refuse(tracker.contacts.get('c-1')!, { a: '1' });
    await refuse(tracker.contacts.get('c-1')!, { b: '2' });
    await failuresShown(el, 2);
    button(el, 'Discard unsaved a').focus();
    await sendKeys({ press: 'Enter' });
    await failuresShown(el, 1);
    expect(outbox.failures().map((entry) => entry.attributes)).to.deep.equal([{ b: '2' }]);
    expect(text(el, '[part~="failures-outcome"]')).to.equal('Discarded unsaved a.');
    expect(el.shadowRoot!.activeElement, 'on the next failure').to.equal(button(el, 'Retry saving b'));
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(button(el, 'Discard unsaved b'));
    await sendKeys({ press: 'Enter' });
    await failuresShown(el, 0);
    expect(outbox.failures()).to.deep.equal([]);
    expect(el.shadowRoot!.activeElement).to.equal($(el, '[part~="failures-outcome"]'));
    expect(send.callCount, 'nothing sent again').to.equal(2);
  });

  it('reads the kept failures again only when their number moves, not on every write', async () => {
    const { el, tracker, outbox, refuse } = await setUp();
    await refuse(tracker.contacts.get('c-2')!, { other: 'refused' });
    await settle(el);
    const failures = sinon.spy(outbox, 'failures');
    const { contactId, initialContactId, instanceId } = tracker.contacts.get('c-2')!;
    await outbox.write({ contactId, initialContactId, instanceId }, { landed: 'yes' });
    await settle(el);
    expect(failures.callCount, 'writes that land').to.equal(0);
    await refuse(tracker.contacts.get('c-1')!, { note: 'refused' });
    await failuresShown(el, 1);
    expect(failures.callCount, 'a new failure').to.be.greaterThan(0);
  });

  it('on a shared desk, shows the failures of the agent now named, even when the other had as many', async () => {
    const { el, tracker, outbox, refuse } = await setUp();
    const viewed = tracker.contacts.get('c-1')!;
    outbox.setAgent('arn:aws:connect:us-east-1:1:instance/i/agent/a');
    await refuse(viewed, { note: 'written by A' });
    await failuresShown(el, 1);
    outbox.setAgent('arn:aws:connect:us-east-1:1:instance/i/agent/b');
    await refuse(viewed, { note: 'written by B' });
    await until(async () => {
      await settle(el);
      return text(el, '.failure dd') === 'written by B';
    }, "B's failure shown");
    // A signs in again: as many kept failures as B had, but they are A's.
    outbox.setAgent('arn:aws:connect:us-east-1:1:instance/i/agent/a');
    await settle(el);
    await until(async () => {
      await settle(el);
      return text(el, '.failure dd') === 'written by A';
    }, "A's failure shown");
    expect(el.shadowRoot!.textContent).not.to.include('written by B');
  });

  it('shows no list for a writer without kept failures, nor for one whose list fails', async () => {
    const tracker = new FakeTracker(contact({ attributes: { a: '1' } }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter(tracker)}></ccp-attributes>`,
    );
    await settle(el);
    expect($(el, '[part~="failures"]')).to.equal(null);
    expect($(el, '[part~="failures-outcome"]')).to.equal(null);
    const error = sinon.stub(console, 'error');
    const broken = Object.assign(fakeWriter(tracker), {
      failures: () => {
        throw new Error('store closed');
      },
      retry: () => Promise.resolve(),
      discard: () => Promise.resolve(),
    });
    el.writer = broken;
    await settle(el);
    expect($(el, '[part~="failures"]')).to.equal(null);
    expect(error.calledWithMatch(/could not list its kept failures/)).to.equal(true);
    expect(control(el, 'a').value, 'the editor still works').to.equal('1');
  });
});
