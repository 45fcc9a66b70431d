// <ccp-review-contacts> over a fake ReviewClient: the criteria the form sends, the results, finding by id into the
// editor and saving through the reviewers' writer, and what an unknown id or a refusal says.
import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import '../../components/ccp-review-contacts.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import type { CcpReviewContacts } from '../../components/ccp-review-contacts.ts';
import { AttributesError } from '../../src/errors.ts';
import type { ReviewClient } from '../../src/history/review-client.ts';
import type { ContactPage, ContactSearch, ContactSummary } from '../../src/history/types.ts';
import type { Attributes } from '../../src/validate.ts';
import { until } from '../helpers/until.ts';
import { control, fakeWriter, settle, typeInto } from './fakes.ts';

const daysAgo = (days: number): Date => new Date(Date.now() - days * 86_400_000);
const lastWeek: ContactSummary = {
  contactId: 'c-7',
  initialContactId: 'c-7',
  channel: 'CHAT',
  initiationMethod: 'INBOUND',
  queueId: 'q-support',
  queueName: 'Support',
  agentId: 'agent-jones',
  initiatedAt: daysAgo(7),
  disconnectedAt: daysAgo(7),
};

function fakeClient(stored: Attributes = { reason: 'complaint' }) {
  const writer = fakeWriter();
  const client = {
    instanceId: 'inst-1',
    search: sinon
      .stub<[ContactSearch, AbortSignal?], Promise<ContactPage>>()
      .resolves({ contacts: [lastWeek], nextToken: undefined }),
    find: sinon.spy((contactId: string) =>
      Promise.resolve(contactId === 'c-7' ? { contact: lastWeek, attributes: { ...stored } } : undefined),
    ),
    writer,
  } satisfies ReviewClient;
  return client;
}

async function element(client: ReviewClient): Promise<{ el: CcpReviewContacts; editor: CcpAttributes }> {
  const container = await fixture(html`<div>
    <ccp-review-contacts .client=${client}></ccp-review-contacts>
    <ccp-attributes></ccp-attributes>
  </div>`);
  const el = container.querySelector('ccp-review-contacts')!;
  const editor = container.querySelector('ccp-attributes')!;
  el.editor = editor;
  await el.updateComplete;
  return { el, editor };
}

function fill(el: CcpReviewContacts, name: string, value: string): void {
  const field = el.shadowRoot!.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)!;
  field.value = value;
}

const button = (el: CcpReviewContacts, name: string): HTMLButtonElement =>
  [...el.shadowRoot!.querySelectorAll('button')].find((candidate) => candidate.textContent.trim() === name)!;

afterEach(() => sinon.restore());

describe('<ccp-review-contacts>', () => {
  it('searches by time range, agent, queue, channel and a searchable attribute, and lists what it found', async () => {
    const client = fakeClient();
    const { el } = await element(client);
    await expect(el).to.be.accessible();
    fill(el, 'agent', 'agent-jones');
    fill(el, 'queue', 'q-support');
    fill(el, 'channel', 'CHAT');
    fill(el, 'attribute', 'Sentiment');
    fill(el, 'value', 'negative');
    button(el, 'Search').click();
    await until(() => el.shadowRoot!.querySelector('tbody tr'), 'the results');
    const search = client.search.firstCall.args[0];
    expect(search.agentIds).to.deep.equal(['agent-jones']);
    expect(search.queueIds).to.deep.equal(['q-support']);
    expect(search.channels).to.deep.equal(['CHAT']);
    expect(search.attributes).to.deep.equal([{ key: 'Sentiment', values: ['negative'] }]);
    expect(search.timeRange.type).to.equal('DISCONNECT_TIMESTAMP');
    // The default range: the last seven days.
    expect(Math.round((search.timeRange.end.getTime() - search.timeRange.start.getTime()) / 86_400_000)).to.equal(7);
    const cells = [...el.shadowRoot!.querySelectorAll('tbody td')].map((cell) => cell.textContent.trim());
    expect(cells.slice(0, 3)).to.deep.equal(['Chat', 'Support', 'agent-jones']);
    await expect(el).to.be.accessible();
  });

  it('finds a contact of last week by id and saves a review flag through the reviewers’ writer', async () => {
    const client = fakeClient();
    const { el, editor } = await element(client);
    fill(el, 'contact-id', ' c-7 ');
    button(el, 'Find').click();
    await until(() => editor.contact?.contactId === 'c-7', 'the editor to show the contact');
    expect(client.find.firstCall.args[0]).to.equal('c-7');
    await settle(editor);
    await typeInto(editor, control(editor, 'reason'), 'complaint (reviewed)');
    await editor.save();
    expect(client.writer.write.callCount).to.equal(1);
    expect(client.writer.write.firstCall.args[0]).to.include({ instanceId: 'inst-1', initialContactId: 'c-7' });
    expect(client.writer.write.firstCall.args[1]).to.deep.equal({ reason: 'complaint (reviewed)' });
  });

  it('says when no contact has the id, and why a search failed', async () => {
    const client = fakeClient();
    const { el } = await element(client);
    expect(await el.find('nobody')).to.equal(false);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')?.textContent.trim()).to.equal('No contact has this id.');
    client.search.rejects(new AttributesError('auth', 'Only reviewers may do this.', { status: 403 }));
    await el.search();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')?.textContent.trim()).to.match(/^The search failed: /);
    await expect(el).to.be.accessible();
  });
});
