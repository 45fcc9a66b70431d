// The controller on a throwaway host element, without <ccp-attributes>' rendering.
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import sinon from 'sinon';
import { AttributesController } from '../../components/attributes-controller.ts';
import type { SchemaInput } from '../../components/schema.ts';
import type { ContactTrackerLike } from '../../src/tracker/types.ts';
import { attributesBytes, mergeAttributes, MAX_TOTAL_BYTES } from '../../src/validate.ts';
import type { AttributeWriter } from '../../src/writer.ts';
import { contact, fakeWriter, FakeTracker, FakeWriter } from './fakes.ts';

class ControllerHost extends LitElement {
  tracker: ContactTrackerLike | undefined;
  writer: AttributeWriter | undefined;
  schema: SchemaInput | undefined;
  unknownKeys: 'show' | 'hide' | undefined = 'show';
  readOnly = false;
  setupError: string | undefined;
  readonly controller = new AttributesController(this);
  updates = 0;
  protected override updated(): void {
    this.updates++;
  }
}
customElements.define('test-controller-host', ControllerHost);

async function host(tracker: FakeTracker, writer: AttributeWriter | undefined = fakeWriter()): Promise<ControllerHost> {
  if (writer instanceof FakeWriter) writer.recordInto(tracker);
  const el = new ControllerHost();
  el.tracker = tracker;
  el.writer = writer;
  await fixture(html`<div></div>`).then((parent) => parent.append(el));
  await el.updateComplete;
  return el;
}

describe('AttributesController', () => {
  it("keeps a running byte total equal to the validator's count after many edits", async () => {
    const stored: Record<string, string> = {};
    for (let i = 0; i < 40; i++) stored[`k${i}`] = 'v'.repeat(i) + 'é';
    const el = await host(new FakeTracker(contact({ attributes: stored })));
    const c = el.controller;
    const edits = new Map<string, string>();
    const alphabet = ['', 'a', 'ü', '日本', '🙂x', 'long'.repeat(20)];
    for (let step = 0; step < 300; step++) {
      const key = `k${(step * 7) % 40}`;
      const value = alphabet[step % alphabet.length]!;
      c.setValue(key, value);
      if (value === stored[key]) edits.delete(key);
      else edits.set(key, value);
      expect(c.bytesUsed, `step ${step}`).to.equal(attributesBytes(mergeAttributes(stored, Object.fromEntries(edits))));
    }
  });

  it('requests a host update on each edit, and reports dirty state and problems', async () => {
    const el = await host(new FakeTracker(contact({ attributes: { a: '1' } })));
    const c = el.controller;
    const before = el.updates;
    c.setValue('a', '2');
    await el.updateComplete;
    expect(el.updates).to.equal(before + 1);
    expect(c.dirty).to.equal(true);
    const id = c.addField()!;
    c.setNewKey(id, 'bad key');
    expect(c.problemCount).to.equal(1);
    expect(c.lastProblem).to.contain('can use only letters');
    c.setNewKey(id, 'good');
    expect(c.problemCount).to.equal(0);
    expect(c.bytesUsed).to.equal(attributesBytes({ a: '2', good: '' }));
    c.revert();
    expect(c.dirty).to.equal(false);
    expect(c.bytesUsed).to.equal(attributesBytes({ a: '1' }));
  });

  it('does not write while a save for the contact is in flight (no double send)', async () => {
    const writer = fakeWriter();
    let finish!: () => void;
    writer.send.returns(new Promise<void>((resolve) => (finish = resolve)));
    const el = await host(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
    const c = el.controller;
    c.setValue('a', '2');
    const first = c.save();
    const second = c.save();
    finish();
    await Promise.all([first, second]);
    expect(writer.write).to.have.been.calledOnce;
    expect(c.status).to.equal('saved');
  });

  it('keeps the save result with its contact when the agent switched contacts meanwhile', async () => {
    const writer = fakeWriter();
    let finish!: () => void;
    writer.send.returns(new Promise<void>((resolve) => (finish = resolve)));
    const tracker = new FakeTracker(
      contact({ contactId: 'a', attributes: { x: '1' } }),
      contact({ contactId: 'b', attributes: { y: '1' } }),
    );
    const el = await host(tracker, writer);
    const c = el.controller;
    c.setValue('x', '2');
    const saving = c.save();
    tracker.view('b');
    expect(c.status).to.equal('idle');
    c.setValue('y', '5');
    finish();
    await saving;
    expect(c.status).to.equal('idle');
    expect(c.dirty).to.equal(true);
    tracker.view('a');
    expect(c.status).to.equal('saved');
    expect(c.dirty).to.equal(false);
    expect(tracker.contacts.get('a')!.attributes).to.deep.equal({ x: '2' });
  });

  it('is read-only without a writer and refuses to save', async () => {
    const el = await host(new FakeTracker(contact({ attributes: { a: '1' } })));
    el.writer = undefined;
    expect(el.controller.readOnlyReason).to.equal('no-writer');
    el.controller.setValue('a', '2');
    await el.controller.save();
    expect(el.controller.status).to.equal('idle');
  });

  it('blocks an over-budget save before the writer', async () => {
    const writer = fakeWriter();
    const el = await host(new FakeTracker(contact({ attributes: { a: '' } })), writer);
    el.controller.setValue('a', 'x'.repeat(MAX_TOTAL_BYTES));
    expect(el.controller.budgetLevel).to.equal('over');
    await el.controller.save();
    expect(el.controller.status).to.equal('blocked');
    expect(writer.write).not.to.have.been.called;
  });
});

describe('AttributesController: removing a key being added', () => {
  it('takes its bytes off the meter and its problem off the count, so a later save is not blocked', async () => {
    const writer = fakeWriter();
    const el = await host(new FakeTracker(contact({ attributes: { a: '1' } })), writer);
    const c = el.controller;
    const big = c.addField()!;
    c.setNewKey(big, 'big');
    c.setNewValue(big, 'x'.repeat(MAX_TOTAL_BYTES));
    expect(c.budgetLevel).to.equal('over');
    c.removeNewField(big);
    expect(c.bytesUsed).to.equal(attributesBytes({ a: '1' }));
    expect(c.budgetLevel).to.equal('ok');
    const bad = c.addField()!;
    c.setNewKey(bad, 'bad key');
    expect(c.problemCount).to.equal(1);
    c.removeNewField(bad);
    expect(c.problemCount).to.equal(0);
    c.setValue('a', '2');
    await c.save();
    expect(c.status).to.equal('saved');
    expect(writer.write).to.have.been.calledOnceWith(sinon.match.any, { a: '2' });
  });
});

describe('AttributesController: rebuilding a draft', () => {
  it('keeps counting the keys being added when the attributes change underneath or the host reconnects', async () => {
    const tracker = new FakeTracker(contact({ attributes: { a: '1' } }));
    const el = await host(tracker);
    const c = el.controller;
    const id = c.addField()!;
    c.setNewKey(id, 'note');
    c.setNewValue(id, 'héllo wörld');
    expect(c.bytesUsed).to.equal(attributesBytes({ a: '1', note: 'héllo wörld' }));
    tracker.update('c-1', { attributes: { a: '1', b: '22' } });
    expect(c.newFields).to.have.length(1);
    expect(c.bytesUsed).to.equal(attributesBytes({ a: '1', b: '22', note: 'héllo wörld' }));
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
    expect(c.bytesUsed).to.equal(attributesBytes({ a: '1', b: '22', note: 'héllo wörld' }));
  });
});

describe('AttributesController: keys named like Object.prototype members', () => {
  it('saves a new __proto__ key alone, and edits of stored constructor and toString keys, as own keys of the write', async () => {
    const writer = fakeWriter();
    const stored = Object.fromEntries([
      ['constructor', 'c0'],
      ['toString', 't0'],
    ]);
    const el = await host(new FakeTracker(contact({ attributes: stored })), writer);
    const c = el.controller;
    expect(c.keys).to.deep.equal(['constructor', 'toString']);
    const id = c.addField()!;
    c.setNewKey(id, '__proto__');
    c.setNewValue(id, 'mine');
    expect(c.problemCount).to.equal(0);
    expect(c.changeCount).to.equal(1);
    await c.save();
    expect(c.status).to.equal('saved');
    expect(writer.write).to.have.been.calledOnce;
    expect(Object.entries(writer.write.firstCall.args[1])).to.deep.equal([['__proto__', 'mine']]);
    expect(c.keys).to.deep.equal(['constructor', 'toString', '__proto__']);
    expect(c.field('__proto__')?.value).to.equal('mine');
    expect(c.dirty).to.equal(false);

    c.setValue('constructor', 'c1');
    c.setValue('toString', 't1');
    await c.save();
    expect(Object.entries(writer.write.secondCall.args[1])).to.deep.equal([
      ['constructor', 'c1'],
      ['toString', 't1'],
    ]);
  });
});

describe('AttributesController: drafts of contacts that are gone', () => {
  afterEach(() => sinon.restore());

  it('a long shift of destroyed chats leaves no draft behind, whatever state each was left in; live contacts keep their edits', async () => {
    const warn = sinon.stub(console, 'warn');
    const keep = contact({ contactId: 'voice-1', attributes: { a: '1' } });
    const tracker = new FakeTracker(keep);
    const writer = fakeWriter();
    const el = await host(tracker, writer);
    const c = el.controller;
    c.setValue('a', 'unsaved, contact still open');
    let inFlight: (() => void) | undefined;
    let saving: Promise<void> | undefined;
    for (let i = 0; i < 60; i++) {
      const id = `chat-${i}`;
      tracker.add(contact({ contactId: id, channel: 'chat', attributes: { note: '' } }));
      tracker.view(id);
      switch (i % 5) {
        case 0: // viewed only
          break;
        case 1: // unsaved edit
          c.setValue('note', `edit ${i}`);
          break;
        case 2: // a blank key being added
          c.addField();
          break;
        case 3: // a failed save, edits kept
          writer.send.onCall(writer.send.callCount).rejects(new Error('offline'));
          c.setValue('note', `failed ${i}`);
          await c.save();
          expect(c.status).to.equal('failed');
          break;
        case 4: // saved
          c.setValue('note', `saved ${i}`);
          await c.save();
          expect(c.status).to.equal('saved');
          break;
      }
      if (i === 31) {
        // A save in flight when its chat is destroyed: its draft goes once the save settled.
        writer.send.onCall(writer.send.callCount).returns(new Promise<void>((resolve) => (inFlight = resolve)));
        c.setValue('note', 'in flight');
        saving = c.save();
      }
      tracker.remove(id);
    }
    tracker.view('voice-1');
    expect(c.draftCount, 'the live contact and the chat whose save is in flight').to.equal(2);
    inFlight!();
    await saving;
    expect(c.draftCount, 'only the live contact').to.equal(1);
    expect(c.field('a')?.value).to.equal('unsaved, contact still open');
    expect(c.dirty).to.equal(true);
    expect(warn.callCount, 'each discarded unsaved edit is reported').to.be.greaterThan(0);
  });

  it('drops the drafts of contacts destroyed while the element was detached, when it is attached again', async () => {
    sinon.stub(console, 'warn');
    const tracker = new FakeTracker(
      contact({ contactId: 'x', attributes: { a: '1' } }),
      contact({ contactId: 'y', attributes: { b: '2' } }),
    );
    const el = await host(tracker);
    const c = el.controller;
    c.setValue('a', 'edited');
    tracker.view('y');
    c.setValue('b', 'edited too');
    expect(c.draftCount).to.equal(2);
    const parent = el.parentElement!;
    el.remove();
    tracker.remove('x');
    parent.append(el);
    expect(c.draftCount).to.equal(1);
    expect(c.field('b')?.value).to.equal('edited too');
  });
});

describe('AttributesController: unknownKeys', () => {
  it("shows keys outside the schema when unknownKeys is undefined (as @lit/react or Vue leave a dropped prop), hides them only for 'hide'", async () => {
    const el = await host(new FakeTracker(contact({ attributes: { reason: 'billing', other: 'x' } })));
    el.schema = [{ key: 'reason' }];
    el.unknownKeys = 'hide';
    el.requestUpdate();
    await el.updateComplete;
    expect(el.controller.keys).to.deep.equal(['reason']);
    el.unknownKeys = undefined;
    el.requestUpdate();
    await el.updateComplete;
    expect(el.controller.keys).to.deep.equal(['reason', 'other']);
  });
});
