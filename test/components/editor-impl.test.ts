// The editor's implementation as a controller of a throwaway host element that provides only the EditorHost
// interface: no <ccp-attributes>, and no updated() forwarding focus moves or chunks of rows by hand.
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement, type TemplateResult } from 'lit';
import type { SchemaInput } from '../../components/schema.ts';
import { EditorImpl, type EditorHost } from '../../components/internal/editor-impl.ts';
import type { ContactTrackerLike } from '../../src/tracker/types.ts';
import type { WrapUpActions } from '../../src/wrap-up/wrap-up.ts';
import type { AttributeWriter } from '../../src/writer.ts';
import { contact, fakeWriter, FakeTracker } from './fakes.ts';

class EditorTestHost extends LitElement implements EditorHost {
  tracker: ContactTrackerLike | undefined;
  writer: AttributeWriter | undefined;
  schema: SchemaInput | undefined;
  unknownKeys: 'show' | 'hide' | undefined;
  readOnly = false;
  setupError: string | undefined;
  wrapUp: WrapUpActions | undefined;
  finish = false;
  readonly impl = new EditorImpl(this);

  save(): Promise<void> {
    return this.impl.save();
  }

  revert(): void {
    this.impl.controller.revert();
  }

  protected override render(): TemplateResult {
    return this.impl.render();
  }
}
customElements.define('test-editor-host', EditorTestHost);

async function host(
  attributes: Record<string, string>,
): Promise<{ el: EditorTestHost; writer: ReturnType<typeof fakeWriter> }> {
  const tracker = new FakeTracker(contact({ attributes }));
  const writer = fakeWriter(tracker);
  const el = new EditorTestHost();
  el.tracker = tracker;
  el.writer = writer;
  await fixture(html`<div></div>`).then((parent) => parent.append(el));
  await el.impl.allRowsRendered();
  return { el, writer };
}

function button(el: EditorTestHost, name: string): HTMLButtonElement {
  const found = [...el.shadowRoot!.querySelectorAll('button')].find(
    (candidate) => candidate.textContent.replace(/\s+/g, ' ').trim() === name,
  );
  if (!found) throw new Error(`no button "${name}"`);
  return found;
}

describe('EditorImpl on a host that only implements EditorHost', () => {
  it('renders every row of a long list in chunks, and moves focus to a new key after the update', async () => {
    const attributes = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`k${i}`, `v${i}`]));
    const { el } = await host(attributes);
    expect(el.shadowRoot!.querySelectorAll('ccp-attribute-field')).to.have.length(130);
    button(el, 'Add attribute').click();
    await el.updateComplete;
    const id = el.impl.controller.newFields[0]!.id;
    expect(el.shadowRoot!.activeElement?.id).to.equal(`n${id}-key`);
  });

  it('saves and reverts through its host, as the footer buttons do', async () => {
    const { el, writer } = await host({ a: '1' });
    el.impl.controller.setValue('a', '2');
    await el.updateComplete;
    button(el, 'Revert').click();
    expect(el.impl.controller.dirty).to.equal(false);
    el.impl.controller.setValue('a', '3');
    await el.updateComplete;
    button(el, 'Save').click();
    await writer.write.firstCall.returnValue;
    expect(writer.write).to.have.been.calledOnce;
    expect(writer.write.firstCall.args[1]).to.deep.equal({ a: '3' });
    expect(el.impl.controller.status).to.equal('saved');
  });
});
