// ccp-attributes/react end to end: CcpAttributesComponent rendered by real react and react-dom, with the REAL
// amazon-connect-streams on the stand-in CCP (demo/ccp/), the real contact tracker, and the real AWS SDK
// (AttributesClient) against the Connect API stand-in. One CCP per file. React.createElement keeps the file free of JSX.
import { expect } from '@open-wc/testing';
import { createElement, createRef, type ReactElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import sinon from 'sinon';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import type { BeforeSaveDetail, ErrorDetail, SavedDetail } from '../../components/events.ts';
import { CcpAttributesComponent, type CcpAttributesProps } from '../../components/react.ts';
import type { StandInCcp } from '../../demo/ccp/scenario.ts';
import { AttributesClient } from '../../src/client.ts';
import { isAttributesError } from '../../src/errors.ts';
import { createStreamsTracker } from '../../src/tracker/streams-source.ts';
import type { ContactTracker } from '../../src/tracker/tracker.ts';
import { button, control, row, settle, typeInto } from '../components/fakes.ts';
import { requestLog, setFaults, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { ccpOptions, container, scenario, until } from '../tracker/helpers.ts';

describe('ccp-attributes/react: <CcpAttributesComponent> end to end (React + Streams + stand-in CCP + SDK + API stand-in)', () => {
  let tracker: ContactTracker;
  let ccp: StandInCcp;
  let client: AttributesClient;
  let host: HTMLElement;
  let root: Root;

  before(async () => {
    tracker = createStreamsTracker({ container: container(), initCCP: await ccpOptions() });
    ccp = await scenario();
    await until(() => tracker.agent, 'the agent');
    const config = await standInConfig();
    client = new AttributesClient({
      region: config.region,
      endpoint: config.url,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      maxAttempts: 1,
    });
  });

  beforeEach(() => {
    host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
  });

  afterEach(async () => {
    root.unmount();
    host.remove();
    sinon.restore();
    await setFaults({ failNext: null });
    for (const contact of ccp.contacts()) await ccp.clear(contact.contactId);
    await until(() => tracker.contacts.size === 0, 'no contacts');
  });

  /** Renders (or re-renders) the component with the tracker, the client and `props`; commits synchronously. */
  function render(props: CcpAttributesProps = {}): void {
    const element: ReactElement = createElement(CcpAttributesComponent, { tracker, writer: client, ...props });
    flushSync(() => root.render(element));
  }

  /** A connected chat with attributes set by the flow, viewed by the agent. */
  async function viewedChat(attributes: Record<string, string>): Promise<{ id: string; instanceId: string }> {
    const id = await ccp.startChat({ attributes });
    await ccp.accept(id);
    await until(
      () => tracker.viewed?.contactId === id && tracker.viewed.state === 'connected',
      'the chat, viewed and connected',
    );
    return { id, instanceId: tracker.contacts.get(id)!.instanceId };
  }

  /** The element React rendered, once its editor shows the viewed contact. */
  async function rendered(contactId: string): Promise<CcpAttributes> {
    const el = host.querySelector('ccp-attributes');
    expect(el, 'React rendered <ccp-attributes>').to.be.instanceOf(customElements.get('ccp-attributes')!);
    await settle(el!);
    await until(() => el!.contact?.contactId === contactId, 'the viewed contact in the editor');
    await settle(el!);
    return el!;
  }

  function updates(log: Awaited<ReturnType<typeof requestLog>>): number {
    return log.filter((entry) => entry.action === 'UpdateContactAttributes').length;
  }

  it('sets its props as element properties: the tracker and writer objects, the schema, theme and read-only', async () => {
    const { id } = await viewedChat({ topic: 'billing' });
    const ref = createRef<CcpAttributes>();
    render({
      ref,
      schema: [{ key: 'topic', label: 'Topic of the call' }],
      theme: 'dark',
      unknownKeys: 'hide',
      className: 'in-react',
    });
    const el = await rendered(id);
    expect(ref.current, 'the ref holds the element').to.equal(el);
    expect(el.tracker).to.equal(tracker);
    expect(el.writer).to.equal(client);
    expect(el.theme).to.equal('dark');
    expect(el.getAttribute('theme'), 'theme reflects').to.equal('dark');
    expect(el.unknownKeys).to.equal('hide');
    expect(el.className).to.equal('in-react');
    expect(row(el, 'topic').querySelector('[part~="label"]')?.textContent).to.contain('Topic of the call');
    expect(control(el, 'topic').value).to.equal('billing');

    render({ ref, readOnly: true });
    await settle(el);
    expect(el.readOnly, 'a re-render with new props updates the element').to.equal(true);
    expect(el.readOnlyReason).to.equal('read-only');
  });

  it('a prop left out of a later render returns the element to its default', async () => {
    const { id } = await viewedChat({ topic: 'billing', other: 'kept' });
    const schema = [{ key: 'topic' }];
    render({ schema, unknownKeys: 'hide', theme: 'dark', readOnly: true });
    const el = await rendered(id);
    const shown = (): string[] =>
      [...el.shadowRoot!.querySelectorAll('ccp-attribute-field')].map((field) => field.fieldKey);
    expect(shown()).to.deep.equal(['topic']);
    render({ schema });
    await settle(el);
    expect(el.unknownKeys).to.equal('show');
    expect(shown()).to.have.members(['topic', 'other']);
    expect(el.theme).to.equal('auto');
    expect(el.readOnly).to.equal(false);
  });

  it("a parent re-render with an equal new schema array keeps the agent's unsaved edit", async () => {
    const { id } = await viewedChat({ topic: 'billing' });
    render({ schema: [{ key: 'topic', label: 'Topic' }] });
    const el = await rendered(id);
    await typeInto(el, control(el, 'topic'), 'refund');
    render({ schema: [{ key: 'topic', label: 'Topic' }] });
    await settle(el);
    expect(control(el, 'topic').value).to.equal('refund');
    expect(el.dirty).to.equal(true);
  });

  it('an edit saved through the component: the stand-in stores it and onSaved gets the detail', async () => {
    const { id, instanceId } = await viewedChat({ topic: 'billing' });
    const onSaved = sinon.spy((event: CustomEvent<SavedDetail>) => event.detail);
    const onError = sinon.spy();
    render({ onSaved, onError });
    const el = await rendered(id);
    await typeInto(el, control(el, 'topic'), 'refund');
    button(el, 'Save').click();
    await until(() => onSaved.calledOnce, 'onSaved', 10_000);
    const detail = onSaved.firstCall.returnValue;
    expect(detail.contact.initialContactId).to.equal(id);
    expect(detail.contact.instanceId).to.equal(instanceId);
    expect(detail.attributes).to.deep.equal({ topic: 'refund' });
    expect(onSaved.firstCall.args[0].type).to.equal('ccp-attributes-saved');
    expect(await storedAttributes(instanceId, id)).to.deep.include({ topic: 'refund' });
    expect(el.status).to.equal('saved');
    expect(onError.called).to.equal(false);
  });

  it('onBeforeSave vetoes a save with preventDefault: nothing is sent, the edits are kept', async () => {
    const { id, instanceId } = await viewedChat({ topic: 'billing' });
    const onBeforeSave = sinon.spy((event: CustomEvent<BeforeSaveDetail>) => event.preventDefault());
    const onSaved = sinon.spy();
    render({ onBeforeSave, onSaved });
    const el = await rendered(id);
    const before = updates(await requestLog());
    await typeInto(el, control(el, 'topic'), 'refund');
    button(el, 'Save').click();
    await until(() => el.status === 'blocked', 'blocked');
    expect(onBeforeSave.calledOnce).to.equal(true);
    expect(onBeforeSave.firstCall.args[0].detail.attributes).to.deep.equal({ topic: 'refund' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(updates(await requestLog()), 'no UpdateContactAttributes request').to.equal(before);
    expect((await storedAttributes(instanceId, id))?.['topic']).to.equal('billing');
    expect(onSaved.called).to.equal(false);
    expect(control(el, 'topic').value).to.equal('refund');
    expect(el.dirty).to.equal(true);
  });

  it('onBeforeSave amends what is written; a re-render swaps the handlers', async () => {
    const { id, instanceId } = await viewedChat({ topic: 'billing' });
    const first = sinon.spy();
    render({ onBeforeSave: first });
    const el = await rendered(id);
    const amend = sinon.spy((event: CustomEvent<BeforeSaveDetail>) => {
      event.detail.attributes['reviewedBy'] = 'supervisor';
    });
    render({ onBeforeSave: amend });
    await typeInto(el, control(el, 'topic'), 'refund');
    button(el, 'Save').click();
    await until(() => el.status === 'saved', 'saved', 10_000);
    expect(first.called, 'the replaced handler is not called').to.equal(false);
    expect(amend.calledOnce).to.equal(true);
    expect(await storedAttributes(instanceId, id)).to.deep.include({ topic: 'refund', reviewedBy: 'supervisor' });
  });

  it('onError on a save Amazon Connect refuses (403 AccessDeniedException): the error in the detail, the edits kept', async () => {
    const { id, instanceId } = await viewedChat({ reason: 'unknown' });
    const onError = sinon.spy((event: CustomEvent<ErrorDetail>) => event.detail);
    const onSaved = sinon.spy();
    render({ onError, onSaved });
    const el = await rendered(id);
    await setFaults({ failNext: { count: 1, status: 403, type: 'AccessDeniedException' } });
    await typeInto(el, control(el, 'reason'), 'billing');
    button(el, 'Save').click();
    await until(() => onError.calledOnce, 'onError', 10_000);
    const detail = onError.firstCall.returnValue;
    expect(detail.contact.initialContactId).to.equal(id);
    expect(detail.attributes).to.deep.equal({ reason: 'billing' });
    expect(isAttributesError(detail.error)).to.equal(true);
    expect(detail.error.kind).to.equal('auth');
    expect(detail.error.status).to.equal(403);
    expect(onSaved.called).to.equal(false);
    expect(el.status).to.equal('failed');
    expect(control(el, 'reason').value).to.equal('billing');
    expect((await storedAttributes(instanceId, id))?.['reason']).to.equal('unknown');
  });

  it('an event prop left out of a re-render stops listening; unmounting removes the element', async () => {
    const { id } = await viewedChat({ topic: 'billing' });
    const onSaved = sinon.spy();
    render({ onSaved });
    const el = await rendered(id);
    const saved = (): boolean =>
      el.dispatchEvent(
        new CustomEvent('ccp-attributes-saved', {
          detail: { contact: { instanceId: 'i', initialContactId: id }, attributes: {} },
        }),
      );
    saved();
    expect(onSaved.callCount, 'listening while the prop is given').to.equal(1);
    render({});
    saved();
    expect(onSaved.callCount, 'not called once the prop is gone').to.equal(1);
    root.unmount();
    expect(el.isConnected).to.equal(false);
    expect(host.childElementCount).to.equal(0);
    root = createRoot(host);
  });

  it('types: the read-only getters and methods are not props, the event props are typed', () => {
    const props: CcpAttributesProps[] = [
      // @ts-expect-error status is a read-only getter of the element, not a prop
      { status: 'saved' },
      // @ts-expect-error save is a method, reached through a ref
      { save: () => Promise.resolve() },
      // @ts-expect-error unknownKeys takes 'show' | 'hide'
      { unknownKeys: 'all' },
      // @ts-expect-error onSaved receives the saved event, whose detail has no `error`
      { onSaved: (event) => event.detail.error === undefined },
      {
        onError: (event) => event.detail.error.kind,
        onSaved: (event) => event.detail.attributes,
        onBeforeSave: (event) => event.preventDefault(),
      },
    ];
    expect(props).to.have.length(5);
  });
});
