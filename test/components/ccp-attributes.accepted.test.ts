// <ccp-attributes> saving through a relay in queued mode: a save the relay accepted (202) says so, then "saved" once
// its outcome is landed; a refusal after the accept is said in the status line (no footer Retry: the values are in
// the list of failures, with Retry and Discard), fires ccp-attributes-error with the keys, the reason and the
// WriteId, and an accepted save with no outcome in time becomes an "unconfirmed" failure. A real outbox over a
// memory store; its sender and outcome reader are sinon stubs.
import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import type { ErrorDetail, SavedDetail } from '../../components/events.ts';
import {
  createOutbox,
  MemoryOutboxStore,
  type Outbox,
  type OutboxSender,
  type OutcomeReader,
  type WriteOutcomeReport,
} from '../../src/outbox/index.ts';
import { untilPasses } from '../helpers/until.ts';
import { $, $$, button, contact, control, FakeTracker, settle, text, typeInto } from './fakes.ts';

const ACCEPTED = 'Accepted; waiting for Amazon Connect to confirm it stored the changes.';

describe('<ccp-attributes> through a queued relay', () => {
  let outboxes: Outbox[] = [];

  afterEach(async () => {
    sinon.restore();
    await Promise.all(outboxes.map((outbox) => outbox.close()));
    outboxes = [];
  });

  async function setUp(giveUpMs = 60_000) {
    const tracker = new FakeTracker(contact({ attributes: { note: 'first' } }));
    const outcomes: WriteOutcomeReport[] = [];
    const send = sinon.stub<Parameters<OutboxSender>, ReturnType<OutboxSender>>();
    send.callsFake((_contact, _attributes, { writeId }) => Promise.resolve({ state: 'accepted', writeId: writeId! }));
    const read = sinon.stub<Parameters<OutcomeReader>, ReturnType<OutcomeReader>>();
    read.callsFake(() => Promise.resolve(outcomes.map((outcome) => ({ ...outcome }))));
    const outbox = createOutbox({
      store: new MemoryOutboxStore(),
      sender: send,
      outcomes: read,
      outcomePolling: { firstMs: 10, capMs: 20, giveUpMs },
    });
    outboxes.push(outbox);
    // As the plugin does: what landed or was accepted is what the contact holds.
    outbox.on('landed', ({ contact: c, attributes }) => tracker.recordWrite(c.initialContactId, attributes));
    outbox.on('accepted', ({ contact: c, attributes }) => tracker.recordWrite(c.initialContactId, attributes));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${outbox}></ccp-attributes>`,
    );
    await settle(el);
    const saved: SavedDetail[] = [];
    const errors: ErrorDetail[] = [];
    el.addEventListener('ccp-attributes-saved', (event) => saved.push(event.detail));
    el.addEventListener('ccp-attributes-error', (event) => errors.push(event.detail));
    const save = async (value: string): Promise<string> => {
      await typeInto(el, control(el, 'note'), value);
      button(el, 'Save').click();
      await untilPasses(() => {
        expect(send.callCount).to.be.greaterThan(0);
        expect(el.status).to.equal('accepted');
      });
      return send.lastCall.args[2].writeId!;
    };
    const report = (writeId: string, state: WriteOutcomeReport['state'], extra: Partial<WriteOutcomeReport> = {}) =>
      outcomes.push({ writeId, state, status: 200, keys: ['note'], at: Date.now(), ...extra });
    return { el, outbox, read, saved, errors, save, report };
  }

  it('says accepted, then saved once the relay reports it landed', async () => {
    const { el, outbox, saved, errors, save, report } = await setUp();
    const writeId = await save('second');
    await settle(el);
    expect(text(el, '[part~="status"]')).to.equal(ACCEPTED);
    expect(saved).to.deep.equal([
      {
        contact: { contactId: 'c-1', initialContactId: 'c-1', instanceId: 'instance-1', region: 'us-east-1' },
        attributes: { note: 'second' },
        receipt: { state: 'accepted', writeId },
      },
    ]);
    expect(control(el, 'note').value).to.equal('second');
    await expect(el).to.be.accessible();

    report(writeId, 'landed');
    await untilPasses(async () => {
      await settle(el);
      expect(text(el, '[part~="status"]')).to.equal('All changes saved.');
    });
    expect(outbox.state.accepted).to.equal(0);
    expect(errors).to.deep.equal([]);
  });

  it('says a refusal after the accept, keeps the values in the list, and fires the error event once with keys, reason and WriteId', async () => {
    const { el, outbox, errors, save, report } = await setUp();
    const writeId = await save('not mine');
    const message = 'This contact is not yours: attributes can only be saved on contacts you are handling.';
    report(writeId, 'refused', { status: 403, errorType: 'AccessDeniedException', message });
    await untilPasses(async () => {
      await settle(el);
      expect(el.status).to.equal('failed');
      expect($$(el, '.failure')).to.have.length(1);
    });
    expect(text(el, '[part~="footer"] .alert')).to.equal(`Not saved: ${message} Your changes are kept.`);
    expect(() => button(el, 'Retry'), 'no footer Retry: the draft holds no change').to.throw();
    button(el, 'Retry saving note');
    expect(text(el, '.failure .error')).to.equal(message);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.deep.include({ attributes: { note: 'not mine' }, writeId });
    expect(errors[0]!.error).to.deep.include({ kind: 'auth', status: 403, message });
    expect(outbox.failures().map((entry) => entry.accepted?.outcome)).to.deep.equal(['refused']);
    await expect(el).to.be.accessible();

    // Retry in the list: accepted again (a new request), said as accepted, not as saved.
    button(el, 'Retry saving note').click();
    await untilPasses(async () => {
      await settle(el);
      expect(text(el, '[part~="failures-outcome"]')).to.equal('note accepted; waiting for Amazon Connect to confirm.');
    });
    expect(outbox.state).to.deep.include({ failed: 0, accepted: 1 });
  });

  it('turns an accepted save with no outcome in time into an "unconfirmed" failure', async () => {
    const { el, errors, save, read } = await setUp(300);
    const writeId = await save('lost?');
    await untilPasses(async () => {
      await settle(el);
      expect($(el, '.failure .error')?.textContent).to.equal(
        'These values were accepted, but Amazon Connect never confirmed storing them. They may be saved already; retrying is harmless.',
      );
    });
    expect(read.callCount).to.be.greaterThan(0);
    expect(el.status).to.equal('failed');
    expect(errors.map((detail) => [detail.writeId, detail.error.kind])).to.deep.equal([[writeId, 'network']]);
    await expect(el).to.be.accessible();
  });
});
