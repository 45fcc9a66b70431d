// <ccp-recent-contacts> over a fake ContactHistory: what it lists and offers, what it reads (one DescribeQueue per
// queue, no attributes until a contact is opened), how an opened contact reaches the editor and is saved.
import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import '../../components/ccp-recent-contacts.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import type { CcpRecentContacts, RecentOpenDetail } from '../../components/ccp-recent-contacts.ts';
import { AttributesError } from '../../src/errors.ts';
import type { ContactHistory, ContactSummary, RecentOptions, RecentPage } from '../../src/history/types.ts';
import type { Attributes } from '../../src/validate.ts';
import { activeLocale } from '../../components/messages/localization.ts';
import { LOCALES } from '../../components/messages/match-locale.ts';
import { until } from '../helpers/until.ts';
import { control, fakeWriter, settle, typeInto } from './fakes.ts';

const minutesAgo = (minutes: number): Date => new Date(Date.now() - minutes * 60_000);

function summary(id: string, endedMinutesAgo: number, overrides: Partial<ContactSummary> = {}): ContactSummary {
  return {
    contactId: id,
    initialContactId: id,
    channel: 'VOICE',
    initiationMethod: 'INBOUND',
    queueId: 'q-sales',
    agentId: 'agent-1',
    initiatedAt: minutesAgo(endedMinutesAgo + 10),
    disconnectedAt: minutesAgo(endedMinutesAgo),
    ...overrides,
  };
}

/** A history whose pages and attributes the test gives. */
class FakeHistory implements ContactHistory {
  readonly instanceId = 'inst-1';
  readonly windowSeconds = 3600;
  pages: RecentPage[];
  stored = new Map<string, Attributes>();
  readonly recent = sinon.spy((options: RecentOptions = {}): Promise<RecentPage> => {
    const page = options.nextToken ? this.pages[Number(options.nextToken)] : this.pages[0];
    if (!page) return Promise.reject(new AttributesError('server', 'Amazon Connect had an internal error.'));
    return Promise.resolve(page);
  });
  readonly attributes = sinon.spy((contact: { initialContactId: string }): Promise<Attributes> =>
    Promise.resolve({ ...(this.stored.get(contact.initialContactId) ?? {}) }),
  );
  readonly queueName = sinon.spy((queueId: string) =>
    Promise.resolve(
      new Map([
        ['q-sales', 'Sales'],
        ['q-support', 'Support'],
      ]).get(queueId),
    ),
  );

  constructor(pages: RecentPage[]) {
    this.pages = pages;
  }
}

const since = minutesAgo(60);

async function list(history: ContactHistory | undefined, pageSize?: number): Promise<CcpRecentContacts> {
  const el = await fixture<CcpRecentContacts>(
    html`<ccp-recent-contacts .history=${history} page-size=${pageSize ?? 10}></ccp-recent-contacts>`,
  );
  await until(() => el.shadowRoot?.querySelector('[role="status"]') === null, 'the list to load');
  await el.updateComplete;
  return el;
}

const rows = (el: CcpRecentContacts): HTMLTableRowElement[] =>
  [...el.shadowRoot!.querySelectorAll('tbody tr')] as HTMLTableRowElement[];
const cells = (row: HTMLTableRowElement): string[] => [...row.cells].map((cell) => cell.textContent.trim());

afterEach(() => sinon.restore());

describe('<ccp-recent-contacts>', () => {
  it('lists the contacts with channel, queue and times; one queue lookup per queue, no attribute reads', async () => {
    const history = new FakeHistory([
      {
        contacts: [
          summary('c-3', 5, { channel: 'CHAT' }),
          summary('c-2', 20),
          summary('c-1', 40, { queueId: 'q-support' }),
        ],
        nextToken: undefined,
        since,
      },
    ]);
    const el = await list(history);
    await until(() => rows(el)[2]?.cells[1]?.textContent.trim() === 'Support', 'the queue names');
    expect(rows(el).map((row) => row.dataset['contactId'])).to.deep.equal(['c-3', 'c-2', 'c-1']);
    const [first] = rows(el);
    const [channel, queue, started, ended] = cells(first!);
    expect([channel, queue]).to.deep.equal(['Chat', 'Sales']);
    const format = new Intl.DateTimeFormat('en', { dateStyle: 'short', timeStyle: 'short' });
    expect(started).to.equal(format.format(history.pages[0]!.contacts[0]!.initiatedAt));
    expect(ended).to.equal(format.format(history.pages[0]!.contacts[0]!.disconnectedAt));
    expect(history.queueName.callCount).to.equal(2);
    expect(history.attributes.callCount).to.equal(0);
    expect(history.recent.firstCall.args[0]?.maxResults).to.equal(10);
    await expect(el).to.be.accessible();
  });

  it('offers only contacts within the window for editing', async () => {
    const history = new FakeHistory([
      { contacts: [summary('fresh', 10), summary('stale', 90)], nextToken: undefined, since },
    ]);
    const el = await list(history);
    const [fresh, stale] = rows(el);
    expect(fresh!.querySelector('button')?.textContent.trim()).to.equal('Open');
    expect(fresh!.querySelector('button')?.getAttribute('aria-label')).to.match(/^Open the Voice call that ended at /);
    expect(stale!.querySelector('button')).to.equal(null);
    expect(cells(stale!)[4]).to.equal('Too old to edit');
    // Asked directly, the element refuses as well, and reads nothing.
    expect(await el.open(history.pages[0]!.contacts[1]!)).to.equal(false);
    expect(history.attributes.callCount).to.equal(0);
  });

  it('opens a contact in the editor, which saves it through the writer', async () => {
    const history = new FakeHistory([{ contacts: [summary('c-1', 10)], nextToken: undefined, since }]);
    history.stored.set('c-1', { reason: 'billing' });
    const writer = fakeWriter();
    const container = await fixture(html`<div>
      <ccp-recent-contacts .history=${history} .writer=${writer}></ccp-recent-contacts>
      <ccp-attributes></ccp-attributes>
    </div>`);
    const el = container.querySelector('ccp-recent-contacts')!;
    const editor = container.querySelector<CcpAttributes>('ccp-attributes')!;
    el.editor = editor;
    await until(() => rows(el).length === 1, 'the list');
    const opened = sinon.spy((detail: RecentOpenDetail) => detail);
    el.addEventListener('ccp-recent-contacts-open', (event) => opened(event.detail));
    rows(el)[0]!.querySelector('button')!.click();
    await until(() => editor.contact?.contactId === 'c-1', 'the editor to show the contact');
    expect(opened.firstCall.args[0].ref).to.deep.equal({
      instanceId: 'inst-1',
      initialContactId: 'c-1',
      contactId: 'c-1',
    });
    expect(editor.contact?.attributes).to.deep.equal({ reason: 'billing' });
    expect(history.attributes.callCount).to.equal(1);
    await settle(editor);
    expect(editor.shadowRoot!.querySelector('[part~="contact"]')?.textContent).to.contain('Ended');

    await settle(editor);
    await typeInto(editor, control(editor, 'reason'), 'refund');
    await editor.save();
    expect(writer.write.callCount).to.equal(1);
    expect(writer.write.firstCall.args[0]).to.include({
      instanceId: 'inst-1',
      initialContactId: 'c-1',
      contactId: 'c-1',
    });
    expect(writer.write.firstCall.args[1]).to.deep.equal({ reason: 'refund' });
    expect(editor.contact?.attributes).to.deep.equal({ reason: 'refund' });
    expect(editor.status).to.equal('saved');
  });

  it('leaves the editor alone when the host cancels the open event', async () => {
    const history = new FakeHistory([{ contacts: [summary('c-1', 10)], nextToken: undefined, since }]);
    const el = await list(history);
    const editor = document.createElement('ccp-attributes');
    el.editor = editor;
    el.writer = fakeWriter();
    el.addEventListener('ccp-recent-contacts-open', (event) => event.preventDefault());
    expect(await el.open(history.pages[0]!.contacts[0]!)).to.equal(true);
    expect(editor.tracker).to.equal(undefined);
  });

  it('shows more pages on request, with the token of the last one', async () => {
    const history = new FakeHistory([
      { contacts: [summary('c-2', 10)], nextToken: '1', since },
      { contacts: [summary('c-1', 20)], nextToken: undefined, since },
    ]);
    const el = await list(history, 1);
    const more = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="more-button"]');
    expect(more?.textContent.trim()).to.equal('Show more');
    more!.click();
    await until(() => rows(el).length === 2, 'the second page');
    expect(history.recent.secondCall.args[0]?.nextToken).to.equal('1');
    expect(el.shadowRoot!.querySelector('[part="more-button"]')).to.equal(null);
  });

  it('says why the list could not load, and loads again on Refresh', async () => {
    const history = new FakeHistory([]);
    const el = await list(history);
    expect(el.shadowRoot!.querySelector('[role="alert"]')?.textContent.trim()).to.equal(
      'Your recent contacts could not be loaded: Amazon Connect had an internal error.',
    );
    await expect(el).to.be.accessible();
    history.pages = [{ contacts: [], nextToken: undefined, since }];
    [...el.shadowRoot!.querySelectorAll('button')].find((button) => button.textContent.trim() === 'Refresh')!.click();
    await until(() => el.shadowRoot!.querySelector('[role="alert"]') === null, 'the alert to go');
    expect(el.shadowRoot!.querySelector('.message')?.textContent.trim()).to.equal(
      'None of your contacts ended within the time you can still edit them.',
    );
  });

  it('speaks the language it is given', async () => {
    const history = new FakeHistory([{ contacts: [summary('c-1', 10)], nextToken: undefined, since }]);
    const el = await fixture<CcpRecentContacts>(
      html`<ccp-recent-contacts locale="de" .history=${history}></ccp-recent-contacts>`,
    );
    await until(() => el.shadowRoot!.querySelector('h2')?.textContent === 'Letzte Kontakte', 'German');
    await until(() => rows(el).length === 1, 'the list');
    expect(rows(el)[0]!.querySelector('button')?.textContent.trim()).to.equal('Öffnen');
    await expect(el).to.be.accessible();
  });

  it('has its own words in each of the ten languages, and stays accessible in each', async () => {
    const history = new FakeHistory([{ contacts: [summary('c-1', 10)], nextToken: undefined, since }]);
    const seen = new Map<string, string>();
    for (const locale of LOCALES) {
      const el = await fixture<CcpRecentContacts>(
        html`<ccp-recent-contacts locale=${locale} .history=${history}></ccp-recent-contacts>`,
      );
      await until(() => activeLocale() === locale, `${locale} to load`);
      await until(() => rows(el).length === 1, 'the list');
      await el.updateComplete;
      const words = [el.shadowRoot!.querySelector('h2')!.textContent, ...cells(rows(el)[0]!).slice(4)].join(' | ');
      expect([...seen.values()], `${locale} repeats another language`).to.not.include(words);
      seen.set(locale, words);
      await expect(el).to.be.accessible();
    }
  });
});
