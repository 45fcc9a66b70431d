// The editor benchmark's page script: runs in Chromium (bundled by bench/editor.ts with code splitting,
// Lit in production mode, served over HTTP) and measures <ccp-attributes> with a contact of 500
// attributes close to the 32,768-byte cap. The element paints a placeholder frame at once and loads its
// implementation (a lazy chunk) on connect: `?cold` measures one element on a fresh page (the
// placeholder, then the editor once the chunk arrived); the default run measures the editor with the
// implementation loaded (first render, all rows, keystrokes). Results go to `window.__editorBench`;
// nothing is asserted.
import '../components/ccp-attributes.ts';
import type { CcpAttributes } from '../components/ccp-attributes.ts';
import type { ContactModel, ContactTrackerLike } from '../src/tracker/types.ts';
import { attributesBytes, type Attributes } from '../src/validate.ts';
import type { AttributeWriter } from '../src/writer.ts';

export interface EditorBenchResult {
  attributes: number;
  storedBytes: number;
  /** Until the editor is painted with its first rows and usable. */
  renders: number[];
  /** Until all 500 rows are rendered. */
  allRows: number[];
  keystrokes: number[];
  keystrokesDeep: number[];
}

/** One element on a fresh page, its implementation not loaded yet. */
export interface EditorColdResult {
  /** Until the placeholder frame (heading, contact line, loading line) is rendered, style and layout done. */
  placeholder: number;
  /** Until the editor is rendered with its first rows, the implementation's chunk fetched on connect. */
  editor: number;
}

declare global {
  interface Window {
    __editorBench?: EditorBenchResult | EditorColdResult | { error: string };
  }
}

const ATTRIBUTES = 500;
const RENDER_RUNS = 25;
const KEYSTROKES = 200;

function attributes(): Attributes {
  const result: Attributes = {};
  // 500 x (13-byte key + 50-byte value) = 31,500 bytes: close to the cap, with room to type.
  for (let i = 0; i < ATTRIBUTES; i++)
    result[`attribute_${String(i).padStart(3, '0')}`] = `value ${i} `.padEnd(50, 'x');
  return result;
}

function tracker(model: ContactModel): ContactTrackerLike {
  return {
    agent: undefined,
    contacts: new Map([[model.contactId, model]]),
    viewed: model,
    on: () => () => {},
    recordWrite: () => {},
    dispose: () => {},
  };
}

const writer: AttributeWriter = { write: async () => {} };

const model: ContactModel = {
  contactId: 'bench',
  initialContactId: 'bench',
  instanceId: 'instance',
  region: 'us-east-1',
  arnSource: 'routing-profile',
  instanceError: undefined,
  channel: 'chat',
  state: 'connected',
  queue: { name: 'Support', arn: undefined },
  attributes: attributes(),
  monitoring: false,
  ended: false,
};

/** First paint-ready render: the element and its first rows rendered, style and layout done. */
async function firstRendered(el: CcpAttributes): Promise<void> {
  await el.updateComplete;
  const rows = el.shadowRoot!.querySelectorAll('ccp-attribute-field');
  await Promise.all([...rows].map((row) => row.updateComplete));
  if (rows.length === 0) throw new Error('no rows rendered');
  el.getBoundingClientRect();
}

/** Every one of the 500 rows rendered (long lists render in chunks, one per frame, after the first paint). */
async function allRendered(el: CcpAttributes): Promise<void> {
  await el.allRowsRendered();
  const rows = el.shadowRoot!.querySelectorAll('ccp-attribute-field');
  if (rows.length !== ATTRIBUTES) throw new Error(`expected ${ATTRIBUTES} rows, got ${rows.length}`);
  el.getBoundingClientRect();
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** Types one character per sample (alternately adding and removing one) into the given row. */
async function keystrokes(el: CcpAttributes, key: string, count: number): Promise<number[]> {
  const row = [...el.shadowRoot!.querySelectorAll('ccp-attribute-field')].find(
    (candidate) => candidate.fieldKey === key,
  )!;
  const input = row.querySelector<HTMLInputElement>('input')!;
  const original = input.value;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    input.value = i % 2 === 0 ? `${original}y` : original;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await row.updateComplete;
    await el.updateComplete;
    el.getBoundingClientRect();
    times.push(performance.now() - start);
    if (i % 20 === 0) await nextFrame();
  }
  return times;
}

async function run(): Promise<EditorBenchResult> {
  const column = document.createElement('div');
  column.style.cssText = 'width: 320px; height: 900px;';
  document.body.append(column);
  // Load the implementation first (the cold case is measured by `?cold` on a fresh page): the figures
  // below are the full editor's render with its code present, as the targets were set.
  const warm = document.createElement('ccp-attributes');
  column.append(warm);
  await warm.updateComplete;
  warm.remove();
  const renders: number[] = [];
  const allRows: number[] = [];
  for (let i = 0; i < RENDER_RUNS; i++) {
    const el = document.createElement('ccp-attributes');
    el.tracker = tracker({ ...model, contactId: `bench-${i}` });
    el.writer = writer;
    const start = performance.now();
    column.append(el);
    await firstRendered(el);
    renders.push(performance.now() - start);
    await allRendered(el);
    allRows.push(performance.now() - start);
    el.remove();
    await nextFrame();
  }
  const el = document.createElement('ccp-attributes');
  el.tracker = tracker(model);
  el.writer = writer;
  column.append(el);
  await allRendered(el);
  await nextFrame();
  const visible = await keystrokes(el, 'attribute_002', KEYSTROKES);
  const deep = await keystrokes(el, 'attribute_480', KEYSTROKES);
  return {
    attributes: ATTRIBUTES,
    storedBytes: attributesBytes(model.attributes),
    renders,
    allRows,
    keystrokes: visible,
    keystrokesDeep: deep,
  };
}

/** A fresh page: the placeholder paints before the implementation's chunk can arrive (a fetch takes a task; the render only microtasks). */
async function cold(): Promise<EditorColdResult> {
  const column = document.createElement('div');
  column.style.cssText = 'width: 320px; height: 900px;';
  document.body.append(column);
  const el = document.createElement('ccp-attributes');
  el.tracker = tracker(model);
  el.writer = writer;
  const start = performance.now();
  column.append(el);
  for (let i = 0; i < 1000 && !el.shadowRoot?.querySelector('.base'); i++) await Promise.resolve();
  if (el.shadowRoot?.querySelector('.base')?.getAttribute('aria-busy') !== 'true')
    throw new Error('no placeholder rendered before the implementation');
  el.getBoundingClientRect();
  const placeholder = performance.now() - start;
  await firstRendered(el);
  return { placeholder, editor: performance.now() - start };
}

(new URLSearchParams(location.search).has('cold') ? cold() : run()).then(
  (result) => (window.__editorBench = result),
  (error: unknown) =>
    (window.__editorBench = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
);
