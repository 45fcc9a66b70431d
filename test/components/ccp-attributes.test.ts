import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import { CcpAttributeField } from '../../components/ccp-attribute-field.ts';
import type { CcpAttributesEventDetails } from '../../components/events.ts';
import { AttributesError } from '../../src/errors.ts';
import { attributesBytes, MAX_TOTAL_BYTES, mergeAttributes } from '../../src/validate.ts';
import { createOutbox, MemoryOutboxStore } from '../../src/outbox/index.ts';
import { recordLandedWrites } from '../../src/tagging/tagger.ts';
import type { WriteProgress } from '../../src/writer.ts';
import {
  $,
  $$,
  button,
  contact,
  control,
  deferred,
  fakeWriter,
  FakeTracker,
  row,
  rows,
  settle,
  text,
  typeInto,
} from './fakes.ts';

async function editor(
  tracker: FakeTracker | undefined,
  writer = fakeWriter(),
  extra: Partial<CcpAttributes> = {},
): Promise<CcpAttributes> {
  writer.recordInto(tracker);
  const el = await fixture<CcpAttributes>(
    html`<ccp-attributes .tracker=${tracker} .writer=${writer}></ccp-attributes>`,
  );
  Object.assign(el, extra);
  await settle(el);
  return el;
}

/** The element's next event `type`, typed by its events map (components/events.ts). */
function nextEvent<K extends keyof CcpAttributesEventDetails>(
  el: CcpAttributes,
  type: K,
): Promise<HTMLElementEventMap[K]> {
  return oneEvent<HTMLElementEventMap[K]>(el, type);
}

describe('<ccp-attributes>', () => {
  afterEach(() => sinon.restore());

  describe('contacts', () => {
    it('says no contact is open when there is none, and is accessible', async () => {
      const el = await editor(new FakeTracker());
      expect(text(el, '[part~="notice"]')).to.contain('No contact is open');
      expect(el.readOnlyReason).to.equal('no-contact');
      expect($(el, '[part~="list"]')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('shows the viewed contact: channel, state, queue and its attributes', async () => {
      const tracker = new FakeTracker(
        contact({ channel: 'chat', state: 'connected', attributes: { reason: 'billing', tier: 'gold' } }),
      );
      const el = await editor(tracker);
      expect(text(el, '[part~="contact"]')).to.equal('Chat · Connected · Support');
      expect(rows(el).map((r) => r.fieldKey)).to.deep.equal(['reason', 'tier']);
      expect(control(el, 'reason').value).to.equal('billing');
      expect(text(el, 'label[for]')).to.equal('reason');
    });

    it('follows the viewed contact across several chats and keeps each draft', async () => {
      const tracker = new FakeTracker(
        contact({ contactId: 'a', channel: 'chat', attributes: { topic: 'one' } }),
        contact({ contactId: 'b', channel: 'chat', attributes: { topic: 'two' } }),
      );
      const el = await editor(tracker);
      await typeInto(el, control(el, 'topic'), 'one edited');
      tracker.view('b');
      await settle(el);
      expect(control(el, 'topic').value).to.equal('two');
      expect(el.dirty).to.equal(false);
      tracker.view('a');
      await settle(el);
      expect(control(el, 'topic').value).to.equal('one edited');
      expect(el.dirty).to.equal(true);
    });

    it('subscribes to the tracker while connected only, and switches trackers', async () => {
      const first = new FakeTracker(contact({ attributes: { a: '1' } }));
      const el = await editor(first);
      expect(first.listenerCount).to.equal(1);
      const second = new FakeTracker(contact({ contactId: 'z', attributes: { b: '2' } }));
      el.tracker = second;
      await settle(el);
      expect(first.listenerCount).to.equal(0);
      expect(second.listenerCount).to.equal(1);
      expect(control(el, 'b').value).to.equal('2');
      el.remove();
      expect(second.listenerCount).to.equal(0);
    });

    it('renders values and keys as text, never as HTML', async () => {
      const evil = '<img src=x onerror="window.__pwned=1">';
      const tracker = new FakeTracker(contact({ attributes: { note: evil } }));
      const el = await editor(tracker);
      await el.updateComplete;
      expect(control(el, 'note').value).to.equal(evil);
      expect($(el, 'img')).to.equal(null);
      const added = await addKey(el, 'k');
      await typeInto(el, added.value, evil);
      expect($(el, 'img')).to.equal(null);
      expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    });

    it('works in after-contact work and after the contact ended', async () => {
      const tracker = new FakeTracker(contact({ state: 'ended', ended: true, attributes: { disposition: '' } }));
      const writer = fakeWriter();
      const el = await editor(tracker, writer);
      expect(text(el, '[part~="contact"]')).to.contain('After contact work');
      expect(el.readOnlyReason).to.equal(undefined);
      await typeInto(el, control(el, 'disposition'), 'resolved');
      await el.save();
      expect(writer.write).to.have.been.calledOnce;
      expect(writer.write.firstCall.args[1]).to.deep.equal({ disposition: 'resolved' });
    });
  });

  describe('read-only reasons', () => {
    it('while monitoring, says so and shows no fields', async () => {
      const el = await editor(new FakeTracker(contact({ monitoring: true, attributes: {} })));
      expect(el.readOnlyReason).to.equal('monitoring');
      expect(text(el, '[part~="notice"]')).to.contain('monitoring');
      expect($(el, '[part~="list"]')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('without a writer, says no credentials are configured and offers no save', async () => {
      const el = await fixture<CcpAttributes>(
        html`<ccp-attributes .tracker=${new FakeTracker(contact({ attributes: { a: '1' } }))}></ccp-attributes>`,
      );
      await settle(el);
      expect(el.readOnlyReason).to.equal('no-writer');
      expect(text(el, '[part~="notice"]')).to.contain('no Amazon Connect credentials are configured');
      expect(control(el, 'a').readOnly).to.equal(true);
      expect($(el, '[part~="save-button"]')).to.equal(null);
      expect($(el, '[part~="add-button"]')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('with the read-only attribute, and when the instance is unknown', async () => {
      const tracker = new FakeTracker(contact({ attributes: { a: '1' } }));
      const el = await fixture<CcpAttributes>(
        html`<ccp-attributes read-only .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
      );
      await settle(el);
      expect(el.readOnlyReason).to.equal('read-only');
      expect(control(el, 'a').readOnly).to.equal(true);
      el.readOnly = false;
      await settle(el);
      expect(control(el, 'a').readOnly).to.equal(false);
      tracker.update('c-1', {
        instanceId: '',
        instanceError: new AttributesError('validation', 'No ARN named the instance.'),
      });
      await settle(el);
      expect(el.readOnlyReason).to.equal('no-instance');
      expect(text(el, '[part~="notice"]')).to.contain('No ARN named the instance.');
      expect(control(el, 'a').readOnly).to.equal(true);
    });

    it('shows a setup error (from the page or the drop-in script) and saves nothing', async () => {
      const writer = fakeWriter();
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
      await typeInto(el, control(el, 'a'), '2');
      el.setupError = 'data-region is missing.';
      await settle(el);
      expect(el.readOnlyReason).to.equal('setup-error');
      expect(text(el, '[role="alert"][part~="notice"]')).to.contain('data-region is missing.');
      expect(control(el, 'a').readOnly).to.equal(true);
      await el.save();
      expect(writer.write).not.to.have.been.called;
      await expect(el).to.be.accessible();
    });

    it('Ctrl+Enter does nothing while read-only', async () => {
      const writer = fakeWriter();
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
      await typeInto(el, control(el, 'a'), '2');
      el.readOnly = true;
      await settle(el);
      control(el, 'a').dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, composed: true }),
      );
      await settle(el);
      expect(writer.write).not.to.have.been.called;
    });
  });

  describe('editing and saving', () => {
    it('a save through the real outbox, wired to the tracker as the plugin does, records the landed write once', async () => {
      const tracker = new FakeTracker(contact({ attributes: { a: '1' } }));
      const sent: Record<string, string>[] = [];
      const outbox = createOutbox({
        store: new MemoryOutboxStore(),
        sender: (_contact, attributes) => {
          sent.push({ ...attributes });
          return Promise.resolve();
        },
        locks: null,
      });
      const unwire = recordLandedWrites(outbox, tracker);
      try {
        const el = await fixture<CcpAttributes>(
          html`<ccp-attributes .tracker=${tracker} .writer=${outbox}></ccp-attributes>`,
        );
        await settle(el);
        await typeInto(el, control(el, 'a'), '2');
        await el.save();
        expect(el.status).to.equal('saved');
        expect(sent).to.deep.equal([{ a: '2' }]);
        expect(tracker.recordWrite.callCount, 'the landed write is recorded once').to.equal(1);
        expect(tracker.recordWrite.firstCall.args).to.deep.equal(['c-1', { a: '2' }]);
        expect(tracker.contacts.get('c-1')!.attributes).to.deep.equal({ a: '2' });
        await settle(el);
        expect(el.dirty).to.equal(false);
        expect(control(el, 'a').value).to.equal('2');
      } finally {
        unwire();
        void outbox.close();
      }
    });

    it('tracks dirty state and saves only the changed keys for the initial contact id', async () => {
      const tracker = new FakeTracker(
        contact({ contactId: 'c-2', initialContactId: 'c-0', attributes: { a: '1', b: '2' } }),
      );
      const writer = fakeWriter();
      const el = await editor(tracker, writer);
      const save = $(el, '[part~="save-button"]') as HTMLButtonElement;
      expect(save.disabled).to.equal(true);
      expect(text(el, '.changes')).to.equal('No unsaved changes');
      await typeInto(el, control(el, 'b'), 'two');
      expect(save.disabled).to.equal(false);
      expect(text(el, '.changes')).to.equal('1 unsaved change');
      expect(row(el, 'b').querySelector('.tag.edited')).to.exist;
      const saved = nextEvent(el, 'ccp-attributes-saved');
      save.click();
      const event = await saved;
      expect(writer.write).to.have.been.calledOnce;
      const [ref, attributes, options] = writer.write.firstCall.args;
      expect(ref).to.deep.equal({
        contactId: 'c-2',
        initialContactId: 'c-0',
        instanceId: 'instance-1',
        region: 'us-east-1',
      });
      expect(attributes).to.deep.equal({ b: 'two' });
      expect(options?.origin).to.equal('agent');
      expect(options?.stored).to.deep.equal({ a: '1', b: '2' });
      expect(event.detail.attributes).to.deep.equal({ b: 'two' });
      expect(event.bubbles && event.composed).to.equal(true);
      expect(tracker.recordWrite.callCount, 'the landed write is recorded once').to.equal(1);
      expect(tracker.recordWrite.firstCall.args).to.deep.equal(['c-0', { b: 'two' }]);
      await settle(el);
      expect(el.status).to.equal('saved');
      expect(text(el, '[part~="status"]')).to.equal('All changes saved.');
      expect(el.dirty).to.equal(false);
      expect(control(el, 'b').value).to.equal('two');
    });

    it('saves with Ctrl+Enter and Cmd+Enter from any field', async () => {
      const writer = fakeWriter();
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
      await typeInto(el, control(el, 'a'), '2');
      control(el, 'a').dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, composed: true, cancelable: true }),
      );
      await settle(el);
      expect(writer.write).to.have.been.calledOnce;
      await typeInto(el, control(el, 'a'), '3');
      control(el, 'a').dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', metaKey: true, bubbles: true, composed: true, cancelable: true }),
      );
      await settle(el);
      expect(writer.write).to.have.been.calledTwice;
      expect(writer.write.secondCall.args[1]).to.deep.equal({ a: '3' });
    });

    it('reverts every edit', async () => {
      const writer = fakeWriter();
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1', b: '2' } })), writer);
      await typeInto(el, control(el, 'a'), 'x');
      await addKey(el, 'newkey');
      expect(text(el, '.changes')).to.equal('2 unsaved changes');
      button(el, 'Revert').click();
      await settle(el);
      expect(control(el, 'a').value).to.equal('1');
      expect($$(el, '.field.new')).to.have.length(0);
      expect(el.dirty).to.equal(false);
      expect(text(el, '.meter-text')).to.equal(`${attributesBytes({ a: '1', b: '2' })} of 32,768 bytes`);
      expect(writer.write).not.to.have.been.called;
    });

    it('adds a key: the new name field gets focus, and both are saved', async () => {
      const writer = fakeWriter();
      const tracker = new FakeTracker(contact({ attributes: { a: '1' } }));
      const el = await editor(tracker, writer);
      const { key, value } = await addKey(el, 'caseNumber');
      expect(el.shadowRoot!.activeElement === key, 'focus is on key').to.equal(true);
      await typeInto(el, value, 'CN-42');
      await el.save();
      await settle(el);
      expect(writer.write.firstCall.args[1]).to.deep.equal({ caseNumber: 'CN-42' });
      expect($$(el, '.field.new')).to.have.length(0);
      expect(control(el, 'caseNumber').value).to.equal('CN-42');
    });

    it('clears a value, saving it as empty, and says keys cannot be deleted', async () => {
      const writer = fakeWriter();
      const el = await editor(new FakeTracker(contact({ attributes: { a: 'secret' } })), writer);
      expect(text(el, '.help')).to.contain('cannot delete');
      expect(() => button(el, 'Clear a'), 'Clear shows only in the row with focus').to.throw();
      control(el, 'a').focus();
      await settle(el);
      button(el, 'Clear a').click();
      await settle(el);
      const input = control(el, 'a');
      expect(input.value).to.equal('');
      expect(el.shadowRoot!.activeElement === input, 'focus is on input').to.equal(true);
      const note = el.shadowRoot!.getElementById(
        input
          .getAttribute('aria-describedby')!
          .split(' ')
          .find((id) => id.endsWith('-cleared'))!,
      );
      expect(note!.textContent).to.contain('cannot delete attributes');
      await el.save();
      expect(writer.write.firstCall.args[1]).to.deep.equal({ a: '' });
    });

    it("does not clobber the agent's edits when the attributes change underneath", async () => {
      const tracker = new FakeTracker(contact({ attributes: { a: '1', b: '2' } }));
      const el = await editor(tracker);
      await typeInto(el, control(el, 'a'), 'mine');
      const added = await addKey(el, 'extra');
      tracker.update('c-1', { attributes: { a: 'theirs', b: 'changed', c: 'new' } });
      await settle(el);
      expect(control(el, 'a').value).to.equal('mine');
      expect(row(el, 'a').textContent).to.contain('Changed elsewhere to “theirs”');
      expect(control(el, 'b').value).to.equal('changed');
      expect(control(el, 'c').value).to.equal('new');
      expect(added.key.isConnected).to.equal(true);
      expect((el.shadowRoot!.querySelector('#' + added.key.id) as HTMLInputElement).value).to.equal('extra');
      expect(el.dirty).to.equal(true);
    });
  });

  describe('validation while typing', () => {
    it('flags a bad key charset with an error tied by aria-describedby, and is accessible', async () => {
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })));
      const { key } = await addKey(el, 'bad key!');
      expect(key.getAttribute('aria-invalid')).to.equal('true');
      const error = el.shadowRoot!.getElementById(key.getAttribute('aria-describedby')!);
      expect(error!.textContent).to.contain('can use only letters');
      expect(text(el, '[aria-live="polite"]')).to.contain('can use only letters');
      await typeInto(el, key, 'good_key-1');
      expect(key.getAttribute('aria-invalid')).to.equal('false');
      expect(key.hasAttribute('aria-describedby')).to.equal(false);
      await typeInto(el, key, 'bad key!');
      await expect(el).to.be.accessible();
    });

    it('flags duplicate keys: with a stored key and between new keys', async () => {
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })));
      const first = await addKey(el, 'a');
      expect(text(el, '.field.new .error')).to.contain('"a" already exists');
      await typeInto(el, first.key, 'b');
      const second = await addKey(el, 'b');
      const errors = $$(el, '.field.new .error').map((node) => node.textContent);
      expect(errors).to.deep.equal(['"b" is entered more than once.', '"b" is entered more than once.']);
      await typeInto(el, second.key, 'c');
      expect($$(el, '.field.new .error')).to.have.length(0);
    });

    it('flags an empty name when a value is given', async () => {
      const el = await editor(new FakeTracker(contact()));
      const { value, key } = await addKey(el, '');
      await typeInto(el, value, 'v');
      expect(key.getAttribute('aria-invalid')).to.equal('true');
      expect(text(el, '.field.new .error')).to.contain('cannot be empty');
    });

    it('blocks saving while a field has a problem and moves focus to it', async () => {
      const writer = fakeWriter();
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
      const { key } = await addKey(el, 'no spaces allowed');
      button(el, 'Save').focus();
      button(el, 'Save').click();
      await settle(el);
      expect(writer.write).not.to.have.been.called;
      expect(el.status).to.equal('blocked');
      expect(text(el, '[part~="status"]')).to.equal('Fix 1 problem before saving.');
      expect(el.shadowRoot!.activeElement === key, 'focus is on key').to.equal(true);
    });

    it('removing a new key drops it and its problem, returning focus to Add', async () => {
      const el = await editor(new FakeTracker(contact()));
      await addKey(el, 'bad key');
      button(el, 'Remove new attribute bad key').click();
      await settle(el);
      expect($$(el, '.field.new')).to.have.length(0);
      expect(el.dirty).to.equal(false);
      expect(
        el.shadowRoot!.activeElement === $(el, '[part~="add-button"]'),
        'focus is on $(el, "[part~="add-button"]")',
      ).to.equal(true);
    });
  });

  describe('byte budget', () => {
    it('counts stored plus edits, exactly as the validator does', async () => {
      const stored = { a: 'héllo', b: '日本', c: '🙂' };
      const el = await editor(new FakeTracker(contact({ attributes: stored })));
      expect(text(el, '.meter-text')).to.equal(`${attributesBytes(stored)} of 32,768 bytes`);
      await typeInto(el, control(el, 'a'), 'hi');
      await typeInto(el, control(el, 'b'), '日本語🙂');
      await typeInto(el, control(el, 'c'), '');
      const added = await addKey(el, 'ключ');
      await typeInto(el, added.value, 'значение');
      await typeInto(el, added.key, 'key2');
      await typeInto(el, control(el, 'a'), 'héllo');
      const expected = attributesBytes(mergeAttributes(stored, { b: '日本語🙂', c: '', key2: 'значение' }));
      expect(text(el, '.meter-text')).to.equal(`${expected.toLocaleString('en-US')} of 32,768 bytes`);
      expect($(el, '.bar')!.getAttribute('aria-valuenow')).to.equal(String(expected));
    });

    it('warns near the limit and blocks past it, never calling the writer', async () => {
      const writer = fakeWriter();
      const big = 'x'.repeat(MAX_TOTAL_BYTES - 5000); // stored: 27,776 bytes with the keys
      const el = await editor(new FakeTracker(contact({ attributes: { big, small: '' } })), writer);
      expect($(el, '[part~="meter"]')!.classList.contains('ok')).to.equal(true);
      await typeInto(el, control(el, 'small'), 'y'.repeat(3000));
      expect($(el, '[part~="meter"]')!.classList.contains('warn')).to.equal(true);
      expect(text(el, '.budget-message')).to.contain('Nearly full');
      await typeInto(el, control(el, 'small'), 'y'.repeat(4997));
      expect($(el, '[part~="meter"]')!.classList.contains('over')).to.equal(true);
      expect(text(el, '.budget-message')).to.contain('Over the limit by 5 bytes');
      await el.save();
      expect(writer.write).not.to.have.been.called;
      expect(el.status).to.equal('blocked');
      await typeInto(el, control(el, 'small'), 'y'.repeat(4992));
      await el.save();
      expect(writer.write).to.have.been.calledOnce;
    });
  });

  describe('save states', () => {
    it('shows saving, then on failure keeps the edits, fires error, offers retry, and is accessible in both states', async () => {
      const writer = fakeWriter();
      const first = deferred();
      writer.send.onFirstCall().returns(first.promise);
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
      await typeInto(el, control(el, 'a'), 'edited');
      const done = el.save();
      await settle(el);
      expect(el.status).to.equal('saving');
      expect(text(el, '[part~="status"]')).to.equal('Saving…');
      expect(button(el, 'Saving…').disabled).to.equal(true);
      expect(control(el, 'a').readOnly).to.equal(true);
      await expect(el).to.be.accessible();
      const errored = nextEvent(el, 'ccp-attributes-error');
      first.reject(new AttributesError('server', 'Amazon Connect had an internal error.', { status: 500 }));
      const event = await errored;
      await done;
      await settle(el);
      expect(event.detail.error.kind).to.equal('server');
      expect(el.status).to.equal('failed');
      expect(text(el, '[role="alert"]')).to.contain('Not saved: Amazon Connect had an internal error.');
      expect(control(el, 'a').value).to.equal('edited');
      expect(control(el, 'a').readOnly).to.equal(false);
      await expect(el).to.be.accessible();
      button(el, 'Retry').click();
      await settle(el);
      expect(writer.write).to.have.been.calledTwice;
      expect(writer.write.secondCall.args[1]).to.deep.equal({ a: 'edited' });
      expect(el.status).to.equal('saved');
    });

    it('says it is waiting (not failed) while a throttled save waits to retry', async () => {
      const writer = fakeWriter();
      const landed = deferred();
      let report: ((progress: WriteProgress) => void) | undefined;
      writer.send.callsFake(async (_ref, _attributes, options) => {
        report = options?.onProgress;
        return landed.promise;
      });
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
      await typeInto(el, control(el, 'a'), '2');
      const done = el.save();
      await settle(el);
      report!({
        state: 'waiting',
        error: new AttributesError('throttled', 'Too many requests.'),
        retryAt: Date.now() + 2000,
      });
      await settle(el);
      expect(el.status).to.equal('waiting');
      expect(text(el, '[part~="status"]')).to.contain('waiting to retry');
      expect(text(el, '[role="alert"]')).to.equal('');
      expect(button(el, 'Waiting…').disabled).to.equal(true);
      report!({ state: 'sending' });
      landed.resolve();
      await done;
      await settle(el);
      expect(el.status).to.equal('saved');
    });

    it('turns an unknown rejection into a network AttributesError', async () => {
      const writer = fakeWriter();
      writer.send.rejects(new TypeError('Failed to fetch'));
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
      await typeInto(el, control(el, 'a'), '2');
      const errored = nextEvent(el, 'ccp-attributes-error');
      void el.save();
      const event = await errored;
      expect(event.detail.error).to.be.instanceOf(AttributesError);
      expect(event.detail.error.kind).to.equal('network');
      expect(event.detail.error.retryable).to.equal(true);
    });
  });

  describe('ccp-attributes-before-save', () => {
    it('is cancelable: a veto keeps the edits and never writes', async () => {
      const writer = fakeWriter();
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
      el.addEventListener('ccp-attributes-before-save', (event) => event.preventDefault());
      await typeInto(el, control(el, 'a'), '2');
      await el.save();
      await settle(el);
      expect(writer.write).not.to.have.been.called;
      expect(text(el, '[part~="status"]')).to.contain('The page stopped this save');
      expect(control(el, 'a').value).to.equal('2');
    });

    it('lets the page amend what is written, validated again', async () => {
      const writer = fakeWriter();
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
      let seen: unknown;
      const listener = (event: HTMLElementEventMap['ccp-attributes-before-save']): void => {
        seen = { ...event.detail.attributes };
        expect(event.cancelable && event.bubbles && event.composed).to.equal(true);
        event.detail.attributes['editedBy'] = 'agent-7';
      };
      document.addEventListener('ccp-attributes-before-save', listener);
      try {
        await typeInto(el, control(el, 'a'), '2');
        await el.save();
        expect(seen).to.deep.equal({ a: '2' });
        expect(writer.write.firstCall.args[1]).to.deep.equal({ a: '2', editedBy: 'agent-7' });
        el.addEventListener('ccp-attributes-before-save', (event) => (event.detail.attributes['bad key'] = 'x'));
        await typeInto(el, control(el, 'a'), '3');
        const errored = nextEvent(el, 'ccp-attributes-error');
        void el.save();
        const event = await errored;
        expect(event.detail.error.kind).to.equal('validation');
        expect(writer.write).to.have.been.calledOnce;
      } finally {
        document.removeEventListener('ccp-attributes-before-save', listener);
      }
    });
  });

  describe('keyboard', () => {
    it('an agent can add, fill and save a key with the keyboard only', async () => {
      const writer = fakeWriter();
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
      control(el, 'a').focus();
      await sendKeys({ press: 'End' });
      await sendKeys({ type: '23' });
      await settle(el);
      expect(control(el, 'a').value).to.equal('123');
      // Tab from the field: Clear, then Add attribute.
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      expect(
        el.shadowRoot!.activeElement === $(el, '[part~="add-button"]'),
        'focus is on $(el, "[part~="add-button"]")',
      ).to.equal(true);
      await sendKeys({ press: 'Enter' });
      await settle(el);
      await sendKeys({ type: 'wrapUp' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: 'done' });
      await settle(el);
      await sendKeys({ down: 'Control' });
      await sendKeys({ press: 'Enter' });
      await sendKeys({ up: 'Control' });
      await settle(el);
      expect(writer.write).to.have.been.calledOnce;
      expect(writer.write.firstCall.args[1]).to.deep.equal({ a: '123', wrapUp: 'done' });
    });
  });

  describe('focus after a footer action', () => {
    it('keeps keyboard focus in the editor, on the status, when Save becomes disabled', async () => {
      const writer = fakeWriter();
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
      await typeInto(el, control(el, 'a'), '2');
      $(el, '[part~="save-button"]')!.focus();
      await sendKeys({ press: 'Enter' });
      await settle(el);
      expect(writer.write).to.have.been.calledOnce;
      expect(($(el, '[part~="save-button"]') as HTMLButtonElement).disabled).to.equal(true);
      expect(
        el.shadowRoot!.activeElement === $(el, '[part~="status"]'),
        'focus is on $(el, "[part~="status"]")',
      ).to.equal(true);
    });

    it('keeps keyboard focus in the editor when Revert becomes disabled', async () => {
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })), fakeWriter());
      await typeInto(el, control(el, 'a'), '2');
      $(el, '[part~="revert-button"]')!.focus();
      await sendKeys({ press: 'Enter' });
      await settle(el);
      expect(control(el, 'a').value).to.equal('1');
      expect(
        el.shadowRoot!.activeElement === $(el, '[part~="status"]'),
        'focus is on $(el, "[part~="status"]")',
      ).to.equal(true);
    });
  });

  describe('performance shape', () => {
    it('a keystroke re-renders only the edited row', async () => {
      const attributes: Record<string, string> = {};
      for (let i = 0; i < 50; i++) attributes[`key${i}`] = `value${i}`;
      const el = await editor(new FakeTracker(contact({ attributes })));
      const render = sinon.spy(CcpAttributeField.prototype, 'render' as never) as unknown as sinon.SinonSpy;
      await typeInto(el, control(el, 'key7'), 'changed');
      expect(render.callCount).to.equal(1);
      const rendered: unknown = render.firstCall.thisValue;
      if (!(rendered instanceof CcpAttributeField)) throw new Error('render() ran on something other than a row');
      expect(rendered.fieldKey).to.equal('key7');
      expect(text(el, '.changes')).to.equal('1 unsaved change');
    });
  });

  describe('long lists', () => {
    it('paints the first rows at once and the rest in the following frames', async () => {
      const attributes: Record<string, string> = {};
      for (let i = 0; i < 200; i++) attributes[`key${i}`] = `value${i}`;
      const tracker = new FakeTracker(contact({ attributes }), contact({ contactId: 'c-2', attributes }));
      const el = await fixture<CcpAttributes>(
        html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
      );
      const first = $$(el, 'ccp-attribute-field').length;
      expect(first).to.be.greaterThan(0).and.lessThan(200);
      await el.allRowsRendered();
      expect($$(el, 'ccp-attribute-field')).to.have.length(200);
      tracker.view('c-2');
      await el.updateComplete;
      expect($$(el, 'ccp-attribute-field')).to.have.length(first);
      await el.allRowsRendered();
      expect(control(el, 'key199').value).to.equal('value199');
    });
  });

  describe('theme', () => {
    it('dark theme changes the colours and stays accessible', async () => {
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })));
      const light = getComputedStyle($(el, '.base')!).backgroundColor;
      el.theme = 'dark';
      await settle(el);
      expect(el.getAttribute('theme')).to.equal('dark');
      expect(getComputedStyle($(el, '.base')!).backgroundColor).not.to.equal(light);
      await expect(el).to.be.accessible();
    });

    it('follows prefers-color-scheme with theme="auto", unless a theme is forced', async () => {
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })));
      const background = (): string => getComputedStyle($(el, '.base')!).backgroundColor;
      try {
        await emulateMedia({ colorScheme: 'light' });
        const light = background();
        await emulateMedia({ colorScheme: 'dark' });
        const dark = background();
        expect(dark).not.to.equal(light);
        el.theme = 'light';
        await settle(el);
        expect(background()).to.equal(light);
        el.theme = 'auto';
        await settle(el);
        expect(background()).to.equal(dark);
        await expect(el).to.be.accessible();
      } finally {
        await emulateMedia({ colorScheme: 'light' });
      }
    });

    it('takes --ccp-* custom properties', async () => {
      const el = await editor(new FakeTracker(contact({ attributes: { a: '1' } })));
      el.style.setProperty('--ccp-color-background', 'rgb(1, 2, 3)');
      expect(getComputedStyle($(el, '.base')!).backgroundColor).to.equal('rgb(1, 2, 3)');
    });
  });
});

/** Clicks "Add attribute" and types a key into the new row. */
async function addKey(el: CcpAttributes, key: string): Promise<{ key: HTMLInputElement; value: HTMLInputElement }> {
  button(el, 'Add attribute').click();
  await settle(el);
  const rows = $$(el, '.field.new');
  const last = rows.at(-1)!;
  const inputs = last.querySelectorAll('input');
  const keyInput = inputs[0]!;
  if (key) await typeInto(el, keyInput, key);
  return { key: keyInput, value: inputs[1]! };
}

describe('<ccp-attributes> detached from the page', () => {
  afterEach(() => sinon.restore());

  function longContact(contactId = 'c-1'): ReturnType<typeof contact> {
    const attributes: Record<string, string> = {};
    for (let i = 0; i < 200; i++) attributes[`key${i}`] = `value${i}`;
    return contact({ contactId, attributes });
  }

  it('cancels the frame and the timer of the next chunk of rows on disconnect, and resumes on reconnect', async () => {
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${new FakeTracker(longContact())} .writer=${fakeWriter()}></ccp-attributes>`,
    );
    const first = $$(el, 'ccp-attribute-field').length;
    expect(first).to.be.lessThan(200);
    const parent = el.parentElement!;
    const updated = sinon.spy(el as unknown as { updated(): void }, 'updated');
    el.remove();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(updated.callCount, 'updates of the detached element').to.equal(0);
    expect($$(el, 'ccp-attribute-field')).to.have.length(first);
    parent.append(el);
    await el.allRowsRendered();
    expect($$(el, 'ccp-attribute-field')).to.have.length(200);
  });
});

describe('<ccp-attributes> reattached', () => {
  it('shows the contact viewed meanwhile, so typing edits the contact on screen', async () => {
    const tracker = new FakeTracker(
      contact({ contactId: 'a', attributes: { topic: 'one' } }),
      contact({ contactId: 'b', attributes: { topic: 'two' } }),
    );
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
    );
    await settle(el);
    const parent = el.parentElement!;
    el.remove();
    tracker.view('b');
    parent.append(el);
    await settle(el);
    expect(el.contact?.contactId).to.equal('b');
    expect(control(el, 'topic').value).to.equal('two');
  });
});

describe('<ccp-attributes> masked fields', () => {
  it('a value revealed on one contact is masked again on the next contact', async () => {
    const tracker = new FakeTracker(
      contact({ contactId: 'a', attributes: { ssn: '111' } }),
      contact({ contactId: 'b', attributes: { ssn: '222' } }),
    );
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()} .schema=${[{ key: 'ssn', masked: true }]}></ccp-attributes>`,
    );
    await settle(el);
    expect(control(el, 'ssn').type).to.equal('password');
    button(el, 'Show ssn').click();
    await settle(el);
    expect(control(el, 'ssn').type).to.equal('text');
    tracker.view('b');
    await settle(el);
    expect(control(el, 'ssn').value).to.equal('222');
    expect(control(el, 'ssn').type).to.equal('password');
    expect(button(el, 'Show ssn').getAttribute('aria-pressed')).to.equal('false');
  });
});

describe('<ccp-attributes> masked fields changed elsewhere', () => {
  it('says a masked value changed elsewhere without showing the new value until revealed', async () => {
    const tracker = new FakeTracker(contact({ attributes: { ssn: '111' } }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()} .schema=${[{ key: 'ssn', masked: true }]}></ccp-attributes>`,
    );
    await settle(el);
    await typeInto(el, control(el, 'ssn'), '123');
    tracker.update('c-1', { attributes: { ssn: '987-65-4321' } });
    await settle(el);
    expect(control(el, 'ssn').value).to.equal('123');
    expect(row(el, 'ssn').textContent).to.contain('Changed elsewhere');
    expect(row(el, 'ssn').textContent).not.to.contain('987-65-4321');
    button(el, 'Show ssn').click();
    await settle(el);
    expect(row(el, 'ssn').textContent).to.contain('Changed elsewhere to “987-65-4321”');
  });
});
