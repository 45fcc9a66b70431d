// <ccp-attributes> in every language it speaks: each state of the editor (empty, editing, invalid, over budget,
// saving, waiting, failed, kept failures, read-only, monitoring, no writer, changed elsewhere, and before a contact while
// the host connects, is signed out or unreachable) rendered in English and then in each other language, on the same element. A text node or
// an accessible-name attribute that is the same as in English, and is neither data of the contact nor a word the
// language shares with English (German says "Chat" too), is an English string left untranslated. axe checks every
// rendering.
import { expect, fixture, html } from '@open-wc/testing';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import { errorText } from '../../components/messages/editor.ts';
import { activeLocale } from '../../components/messages/localization.ts';
import { LOCALES, matchLocale, type Locale } from '../../components/messages/match-locale.ts';
import { AttributesError, classifyFailure, validationError } from '../../src/errors.ts';
import { checkKey } from '../../src/validate.ts';
import type { AgentInfo } from '../../src/tracker/types.ts';
import { MAX_TOTAL_BYTES } from '../../src/validate.ts';
import { until } from '../helpers/until.ts';
import {
  $,
  button,
  contact,
  control,
  deferred,
  fakeWriter,
  FakeTracker,
  refusal,
  settle,
  stubbedOutbox,
  text,
  typeInto,
} from './fakes.ts';
import type { HostConnection } from '../../src/tracker/types.ts';
import { WrapUp } from '../../src/wrap-up/wrap-up.ts';

/** Words a language writes as English does. */
const SAME_AS_ENGLISH: Partial<Record<Locale, readonly string[]>> = {
  de: ['Chat'],
  es: ['Chat', 'Error'],
  fr: ['Chat', 'Contact'],
  it: ['Chat'],
  'pt-BR': ['Chat'],
};

/** What the fixtures put in: keys, values, queue and labels the agent's data brings (not the editor's words). */
const DATA = new Set([
  'order_id',
  'A-1042',
  'amount',
  'abc',
  'reason',
  'bad key',
  'big',
  'Support',
  'x',
  'card',
  'Card',
  'topic',
  'billing',
  '••••••',
]);

/** Every text node and accessible-name attribute of the editor (its rows included), trimmed, in document order. */
function words(el: CcpAttributes): string[] {
  const found: string[] = [];
  const walk = (node: Node): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      const value = node.textContent?.replace(/\s+/g, ' ').trim() ?? '';
      if (value) found.push(value);
      return;
    }
    if (node instanceof HTMLStyleElement) return;
    if (node instanceof Element) {
      for (const name of ['aria-label', 'aria-valuetext', 'title', 'placeholder']) {
        const value = node.getAttribute(name)?.trim();
        if (value) found.push(value);
      }
    }
    for (const child of node.childNodes) walk(child);
  };
  walk(el.shadowRoot!);
  return found;
}

/** Words that are not the editor's: data of the fixture, numbers and punctuation. */
function isData(word: string): boolean {
  return DATA.has(word) || /^[\d\s.,·—:()%/+\-–]*$/u.test(word);
}

async function useLocale(el: CcpAttributes, locale: Locale): Promise<void> {
  el.locale = locale;
  await el.updateComplete;
  for (let i = 0; i < 200 && activeLocale() !== locale; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(activeLocale(), `the ${locale} texts loaded`).to.equal(locale);
  await settle(el);
  await el.allRowsRendered();
}

const SCHEMA = [
  { key: 'order_id', label: 'order_id' },
  { key: 'amount', type: 'number' },
  { key: 'reason', type: 'enum', options: ['x'], required: true },
  { key: 'card', masked: true, label: 'Card' },
];

/** Each state, set up on a fresh editor; `done` ends what the state left pending. */
const STATES: Record<string, () => Promise<{ el: CcpAttributes; done?: () => void }>> = {
  async empty() {
    return {
      el: await fixture<CcpAttributes>(
        html`<ccp-attributes .tracker=${new FakeTracker()} .writer=${fakeWriter()}></ccp-attributes>`,
      ),
    };
  },
  async editing() {
    const tracker = new FakeTracker(contact({ attributes: { order_id: 'A-1042', card: '4111' } }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()} .schema=${SCHEMA}></ccp-attributes>`,
    );
    await el.allRowsRendered();
    await typeInto(el, control(el, 'order_id'), '');
    button(el, 'Add attribute').click();
    await settle(el);
    return { el };
  },
  async invalid() {
    const tracker = new FakeTracker(contact({ state: 'ended', ended: true, attributes: { amount: '1' } }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()} .schema=${SCHEMA}></ccp-attributes>`,
    );
    await el.allRowsRendered();
    await typeInto(el, control(el, 'amount'), 'abc');
    button(el, 'Add attribute').click();
    await settle(el);
    await typeInto(el, $(el, '.field.new input')! as HTMLInputElement, 'bad key');
    await el.save();
    await settle(el);
    return { el };
  },
  async 'over budget'() {
    const tracker = new FakeTracker(contact({ attributes: { big: 'x'.repeat(MAX_TOTAL_BYTES - 100) } }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
    );
    await el.allRowsRendered();
    await typeInto(el, control(el, 'big'), 'x'.repeat(MAX_TOTAL_BYTES));
    await el.save();
    await settle(el);
    return { el };
  },
  async saving() {
    const writer = fakeWriter();
    const pending = deferred();
    writer.send.returns(pending.promise);
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${new FakeTracker(contact({ attributes: { order_id: 'A-1042' } }))} .writer=${writer}></ccp-attributes>`,
    );
    await el.allRowsRendered();
    await typeInto(el, control(el, 'order_id'), 'abc');
    void el.save();
    await settle(el);
    return { el, done: () => pending.resolve() };
  },
  async waiting() {
    const writer = fakeWriter();
    const pending = deferred();
    writer.send.callsFake((_contact, _attributes, options) => {
      options?.onProgress?.({
        state: 'waiting',
        retryAt: Date.now() + 30_000,
        error: new AttributesError('throttled', 'Amazon Connect is receiving too many requests right now.'),
      });
      return pending.promise;
    });
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${new FakeTracker(contact({ attributes: { order_id: 'A-1042' } }))} .writer=${writer}></ccp-attributes>`,
    );
    await el.allRowsRendered();
    await typeInto(el, control(el, 'order_id'), 'abc');
    void el.save();
    await settle(el);
    expect(el.status).to.equal('waiting');
    return { el, done: () => pending.resolve() };
  },
  async failed() {
    const writer = fakeWriter();
    writer.send.rejects(new AttributesError('server', 'Amazon Connect had an internal error.', { status: 500 }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${new FakeTracker(contact({ attributes: { order_id: 'A-1042' } }))} .writer=${writer}></ccp-attributes>`,
    );
    await el.allRowsRendered();
    await typeInto(el, control(el, 'order_id'), 'abc');
    await el.save();
    await settle(el);
    return { el };
  },
  async monitoring() {
    const tracker = new FakeTracker(contact({ monitoring: true, queue: undefined }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
    );
    expect(el.readOnlyReason).to.equal('monitoring');
    return { el };
  },
  async 'no writer'() {
    const tracker = new FakeTracker(contact({ channel: 'chat', attributes: { order_id: 'A-1042' } }));
    const el = await fixture<CcpAttributes>(html`<ccp-attributes .tracker=${tracker}></ccp-attributes>`);
    expect(el.readOnlyReason).to.equal('no-writer');
    return { el };
  },
  async 'changed elsewhere'() {
    const tracker = new FakeTracker(contact({ channel: 'task', attributes: { order_id: 'A-1042', card: '4111' } }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()} .schema=${SCHEMA}></ccp-attributes>`,
    );
    await el.allRowsRendered();
    await typeInto(el, control(el, 'order_id'), 'abc');
    await typeInto(el, control(el, 'card'), '4222');
    tracker.update('c-1', { attributes: { order_id: 'x', card: '4333' } });
    await settle(el);
    expect(el.shadowRoot!.querySelectorAll('.help.warn'), 'both notes').to.have.length(2);
    return { el };
  },
  async 'kept failures'() {
    const tracker = new FakeTracker(contact({ attributes: { order_id: 'A-1042' } }));
    const { outbox, send, refuse } = stubbedOutbox(tracker);
    await refuse(tracker.contacts.get('c-1')!, { topic: 'billing', card: '4111', reason: '' });
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${outbox} .schema=${SCHEMA}></ccp-attributes>`,
    );
    await el.allRowsRendered();
    // Retry refused again: the outcome line says why, and the values are kept (listed again).
    send.onCall(1).rejects(refusal());
    button(el, 'Retry saving topic, Card, and reason').click();
    await until(async () => {
      await settle(el);
      return text(el, '[part~="failures-outcome"]').includes('still not saved') && $(el, '.failure');
    }, 'the retry refused again');
    return { el, done: () => void outbox.close() };
  },
  async 'finish refused'() {
    const tracker = new FakeTracker(contact({ state: 'ended', ended: true, attributes: { order_id: 'A-1042' } }));
    const wrapUp = new WrapUp({
      tracker: { contacts: tracker.contacts, clearContact: () => Promise.resolve() },
      outbox: undefined,
      requiredKeys: [],
    });
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes finish .tracker=${tracker} .writer=${fakeWriter()} .schema=${SCHEMA} .wrapUp=${wrapUp}></ccp-attributes>`,
    );
    await el.allRowsRendered();
    button(el, 'Finish').click();
    await until(async () => {
      await settle(el);
      return text(el, '[part~="finish"] [role="alert"]');
    }, 'the refusal');
    return { el };
  },
  ...connectionStates(),
  async 'read-only'() {
    const tracker = new FakeTracker(contact({ state: 'ended', ended: true, attributes: { order_id: 'A-1042' } }));
    return {
      el: await fixture<CcpAttributes>(
        html`<ccp-attributes read-only .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
      ),
    };
  },
};

/** The editor before a contact, in each state of the host's connection but 'connected' (which says "no contact"). */
function connectionStates(): Record<string, () => Promise<{ el: CcpAttributes }>> {
  const states: HostConnection[] = ['connecting', 'signed-out', 'unreachable'];
  return Object.fromEntries(
    states.map((connection) => [
      `before a contact, ${connection}`,
      async () => {
        const tracker = new FakeTracker();
        tracker.connection = connection;
        const el = await fixture<CcpAttributes>(
          html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
        );
        await settle(el);
        expect(text(el, '[part~="notice"]')).not.to.include('No contact');
        return { el };
      },
    ]),
  );
}

describe('<ccp-attributes> in every language', function () {
  this.timeout(120000);

  for (const [state, setUp] of Object.entries(STATES)) {
    it(`${state}: every word translated in each language, and accessible`, async () => {
      const { el, done } = await setUp();
      await useLocale(el, 'en');
      const english = words(el).filter((word) => !isData(word));
      expect(english.length, 'English words found').to.be.greaterThan(1);
      await expect(el).to.be.accessible();
      for (const locale of LOCALES) {
        if (locale === 'en') continue;
        await useLocale(el, locale);
        const leaked = words(el).filter((word) => english.includes(word) && !SAME_AS_ENGLISH[locale]?.includes(word));
        expect(leaked, `English left in ${locale} (${state})`).to.deep.equal([]);
        expect($(el, '[part~="base"]')!.getAttribute('lang')).to.equal(locale);
        await expect(el).to.be.accessible();
      }
      done?.();
      el.locale = 'en';
      await useLocale(el, 'en');
    });
  }

  it("speaks the agent's CCP language (de_DE), and a locale attribute overrides it", async () => {
    const tracker = new FakeTracker(contact({ attributes: { order_id: 'A-1042' } }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
    );
    const agent: AgentInfo = { username: 'jo', name: 'Jo', arn: '', routingProfile: undefined, locale: 'de_DE' };
    tracker.agent = agent;
    tracker.update('c-1', {});
    for (let i = 0; i < 200 && activeLocale() !== 'de'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await settle(el);
    expect(text(el, '.title')).to.equal('Kontaktattribute');
    expect(text(el, '.meter-head span')).to.equal('Attributspeicher');
    el.setAttribute('locale', 'ja');
    for (let i = 0; i < 200 && activeLocale() !== 'ja'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await settle(el);
    expect(text(el, '.title')).to.equal('コンタクト属性');
    el.removeAttribute('locale');
    for (let i = 0; i < 200 && activeLocale() !== 'de'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await settle(el);
    expect(text(el, '.title')).to.equal('Kontaktattribute');
    tracker.agent = undefined;
    tracker.update('c-1', {});
    for (let i = 0; i < 200 && activeLocale() !== 'en'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(activeLocale()).to.equal('en');
  });

  it("shows an AttributesError in the language: by its broken rules, its kind, or a service's own words as they are", async () => {
    const el = await fixture<CcpAttributes>(html`<ccp-attributes .tracker=${new FakeTracker()}></ccp-attributes>`);
    await useLocale(el, 'de');
    expect(errorText(classifyFailure({ status: 503 }))).to.equal(
      'In Amazon Connect ist ein interner Fehler aufgetreten.',
    );
    expect(errorText(classifyFailure({ type: 'InvalidParameterException', message: 'Key too long' }))).to.equal(
      'Amazon Connect hat diese Attribute abgelehnt: Key too long',
    );
    expect(errorText(validationError([checkKey('a b')!, checkKey('')!]))).to.equal(
      '„a b“ darf nur die Buchstaben A–Z und a–z, Ziffern, Bindestrich (-) und Unterstrich (_) enthalten. (und 1 weiteres Problem)',
    );
    expect(errorText(new AttributesError('auth', 'This contact is not yours: it is handled by agent.jones.'))).to.equal(
      'This contact is not yours: it is handled by agent.jones.',
    );
    await useLocale(el, 'en');
    expect(errorText(classifyFailure({ status: 503 }))).to.equal('Amazon Connect had an internal error.');
  });

  it('writes numbers as the language does', async () => {
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${new FakeTracker(contact({ attributes: { a: '1' } }))}></ccp-attributes>`,
    );
    await useLocale(el, 'de');
    expect(text(el, '.meter-text')).to.match(/von 32\.768 Byte$/);
    await useLocale(el, 'fr');
    expect($(el, '.meter-text')!.textContent).to.match(
      /sur 32[\u00a0\u202f]768 octets$/,
      'grouped with a no-break space',
    );
    await useLocale(el, 'en');
    expect(text(el, '.meter-text')).to.match(/of 32,768 bytes$/);
  });

  it("picks the editor's language for CCP and BCP 47 tags", () => {
    expect(matchLocale('de_DE')).to.equal('de');
    expect(matchLocale('pt_BR')).to.equal('pt-BR');
    expect(matchLocale('pt-PT')).to.equal('pt-BR');
    expect(matchLocale('zh_TW')).to.equal('zh-TW');
    expect(matchLocale('zh-Hant-HK')).to.equal('zh-TW');
    expect(matchLocale('zh_CN')).to.equal('zh-CN');
    expect(matchLocale('zh')).to.equal('zh-CN');
    expect(matchLocale('ja_JP')).to.equal('ja');
    expect(matchLocale('en_US')).to.equal('en');
    expect(matchLocale('nl_NL')).to.equal(undefined);
    expect(matchLocale('not a tag')).to.equal(undefined);
    expect(matchLocale(undefined)).to.equal(undefined);
  });
});
