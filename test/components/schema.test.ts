import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import {
  checkFieldValue,
  descriptionOf,
  labelOf,
  optionLabelOf,
  parseSchema,
  SchemaError,
  type FieldSchemaInput,
} from '../../components/schema.ts';
import {
  $,
  button,
  contact,
  control,
  fakeWriter,
  FakeTracker,
  row,
  rows,
  selectControl,
  settle,
  text,
  typeInto,
} from './fakes.ts';

function problemsOf(input: unknown): readonly string[] {
  try {
    parseSchema(input);
  } catch (error) {
    expect(error).to.be.instanceOf(SchemaError);
    return (error as SchemaError).problems;
  }
  throw new Error('expected a SchemaError');
}

describe('parseSchema', () => {
  it('accepts a list of fields and resolves defaults', () => {
    const schema = parseSchema([
      { key: 'reason', label: 'Reason', type: 'enum', options: ['a', { value: 'b', label: 'Bee' }] },
      { key: 'note' },
    ]);
    expect(schema.fields.map((field) => field.key)).to.deep.equal(['reason', 'note']);
    expect(schema.byKey.get('reason')!.options).to.deep.equal([
      { value: 'a', label: 'a' },
      { value: 'b', label: 'Bee' },
    ]);
    expect(schema.byKey.get('note')).to.include({
      label: 'note',
      type: 'text',
      readOnly: false,
      hidden: false,
      required: false,
      masked: false,
    });
  });

  it('accepts an object keyed by attribute name, and JSON text', () => {
    expect(parseSchema({ tier: { label: 'Tier', required: true } }).byKey.get('tier')).to.include({
      label: 'Tier',
      required: true,
    });
    expect(parseSchema('[{"key":"x","type":"boolean"}]').byKey.get('x')!.type).to.equal('boolean');
  });

  it('names every mistake with its field and property', () => {
    const problems = problemsOf([
      { key: 'bad key' },
      { key: 'a', type: 'dropdown' },
      { key: 'b', lable: 'typo' },
      { key: 'c', type: 'enum' },
      { key: 'd', options: ['x'] },
      { key: 'e', required: 'yes' },
      { key: 'f', type: 'enum', options: ['x', 'x'] },
      { key: 'g' },
      { key: 'g' },
      'nope',
    ]);
    expect(problems[0]).to.match(/^schema\[0\]\.key: "bad key" can use only letters/);
    expect(problems).to.include(
      'schema[1].type: "dropdown" is not one of text, multiline, enum, boolean, number, date.',
    );
    expect(problems.some((problem) => problem.startsWith('schema[2]: unknown property "lable"'))).to.equal(true);
    expect(problems.some((problem) => problem.startsWith('schema[3].options must list the choices'))).to.equal(true);
    expect(problems).to.include('schema[4].options is only for fields of type "enum".');
    expect(problems).to.include('schema[5].required must be true or false.');
    expect(problems).to.include('schema[6].options[1]: the choice "x" appears twice.');
    expect(problems).to.include('schema[8]: the key "g" appears twice.');
    expect(problems.some((problem) => problem.startsWith('schema[9] must be an object'))).to.equal(true);
  });

  it('rejects text that is not JSON, and values that are not a schema', () => {
    expect(problemsOf('{oops')[0]).to.match(/^It is not JSON/);
    expect(problemsOf(42)[0]).to.equal('It must be a list of fields or an object keyed by attribute name.');
  });

  it('takes labels, descriptions and choice labels per language, picking the language shown, then its language alone', () => {
    const [reason, note] = parseSchema([
      {
        key: 'reason',
        type: 'enum',
        label: { en: 'Reason', de_DE: 'Grund', pt: 'Motivo', 'zh-TW': '原因' },
        description: { en: 'Why they called', ja: '問い合わせの理由' },
        options: [{ value: 'billing', label: { en: 'Billing', de: 'Abrechnung' } }, 'other'],
      },
      { key: 'note', label: 'Note' },
    ]).fields;
    expect(reason?.label, 'the English one where no language is asked for').to.equal('Reason');
    expect(labelOf(reason!, 'de')).to.equal('Grund');
    expect(labelOf(reason!, 'pt-BR')).to.equal('Motivo');
    expect(labelOf(reason!, 'zh-TW')).to.equal('原因');
    expect(labelOf(reason!, 'zh-CN'), 'never the other Chinese script').to.equal('Reason');
    expect(labelOf(reason!, 'fr')).to.equal('Reason');
    expect(descriptionOf(reason!, 'ja')).to.equal('問い合わせの理由');
    expect(descriptionOf(reason!, 'ko')).to.equal('Why they called');
    expect(optionLabelOf(reason!.options[0]!, 'de')).to.equal('Abrechnung');
    expect(optionLabelOf(reason!.options[1]!, 'de')).to.equal('other');
    expect(labelOf(note!, 'de'), 'one text for every language').to.equal('Note');
    expect(
      problemsOf([
        { key: 'a', label: { 'not a tag!': 'x' } },
        { key: 'b', description: {} },
        { key: 'c', label: { en: 3 } },
      ]),
    ).to.deep.equal([
      'schema[0].label: "not a tag!" must be a language tag (like "en" or "pt-BR") with a string.',
      'schema[1].description must be a string, or an object of strings by language tag like {"en": "Reason", "de": "Grund"}.',
      'schema[2].label: "en" must be a language tag (like "en" or "pt-BR") with a string.',
    ]);
  });

  it('checks number, date and boolean values; empty always fits', () => {
    const spec = (type: FieldSchemaInput['type']) => parseSchema([{ key: 'k', label: 'K', type }]).byKey.get('k')!;
    expect(checkFieldValue(spec('number'), '3.5')).to.equal(undefined);
    expect(checkFieldValue(spec('number'), '-1e3')).to.equal(undefined);
    expect(checkFieldValue(spec('number'), '12abc')).to.equal('K must be a number, like 42 or 3.5.');
    expect(checkFieldValue(spec('date'), '2024-02-29')).to.equal(undefined);
    expect(checkFieldValue(spec('date'), '2023-02-29')).to.equal('K must be a date written YYYY-MM-DD.');
    expect(checkFieldValue(spec('boolean'), 'yes')).to.equal('K must be true or false.');
    expect(checkFieldValue(spec('number'), '')).to.equal(undefined);
    expect(checkFieldValue(spec('text'), 'anything')).to.equal(undefined);
  });
});

describe('<ccp-attributes> with a schema', () => {
  afterEach(() => sinon.restore());

  const schema: FieldSchemaInput[] = [
    { key: 'reason', label: 'Reason', type: 'enum', options: ['billing', 'tech'], required: true },
    { key: 'notes', label: 'Notes', type: 'multiline' },
    { key: 'vip', label: 'VIP', type: 'boolean' },
    { key: 'amount', label: 'Amount', type: 'number' },
    { key: 'due', label: 'Due date', type: 'date' },
    { key: 'accountId', label: 'Account', readOnly: true },
    { key: 'cardLast4', label: 'Card', masked: true },
    { key: 'internal', hidden: true },
  ];
  const stored = { accountId: 'AC-1', cardLast4: '4242', internal: 'x', other: 'o' };

  async function withSchema(attributes = stored, overrides: Partial<Parameters<typeof contact>[0]> = {}) {
    const writer = fakeWriter();
    const tracker = new FakeTracker(contact({ attributes, ...overrides }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${writer} .schema=${schema}></ccp-attributes>`,
    );
    await settle(el);
    return { el, writer, tracker };
  }

  it('shows schema fields in order with labels and types; hidden fields stay hidden; unknown keys after them', async () => {
    const { el } = await withSchema();
    const keys = rows(el).map((node) => node.fieldKey);
    expect(keys).to.deep.equal(['reason', 'notes', 'vip', 'amount', 'due', 'accountId', 'cardLast4', 'other']);
    expect(text(el, `label[for="${control(el, 'reason').id}"]`)).to.equal('Reason');
    expect(control(el, 'reason').tagName).to.equal('SELECT');
    expect(control(el, 'notes').tagName).to.equal('TEXTAREA');
    expect(control(el, 'vip').type).to.equal('checkbox');
    expect(control(el, 'due').type).to.equal('date');
    expect(control(el, 'accountId').readOnly).to.equal(true);
    expect(el.shadowRoot!.textContent).not.to.contain('internal');
    await expect(el).to.be.accessible();
  });

  it('hides keys outside the schema with unknown-keys="hide", still counting their bytes', async () => {
    const { el } = await withSchema();
    const before = text(el, '.meter-text');
    el.unknownKeys = 'hide';
    await settle(el);
    expect(() => row(el, 'other')).to.throw();
    expect(text(el, '.meter-text')).to.equal(before);
  });

  it('writes enum, boolean and number values as strings, and flags a bad number', async () => {
    const { el, writer } = await withSchema();
    const select = selectControl(el, 'reason');
    select.value = 'tech';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    const vip = control(el, 'vip');
    vip.click();
    await settle(el);
    await typeInto(el, control(el, 'amount'), '12x');
    expect(control(el, 'amount').getAttribute('aria-invalid')).to.equal('true');
    expect(text(el, `#${control(el, 'amount').getAttribute('aria-describedby')}`)).to.equal(
      'Amount must be a number, like 42 or 3.5.',
    );
    await el.save();
    expect(writer.write).not.to.have.been.called;
    await typeInto(el, control(el, 'amount'), '12.5');
    await el.save();
    expect(writer.write.firstCall.args[1]).to.deep.equal({ reason: 'tech', vip: 'true', amount: '12.5' });
  });

  it('masks sensitive values until the agent reveals them', async () => {
    const { el } = await withSchema();
    expect(control(el, 'cardLast4').type).to.equal('password');
    const show = button(el, 'Show Card');
    expect(show.getAttribute('aria-pressed')).to.equal('false');
    show.click();
    await settle(el);
    expect(control(el, 'cardLast4').type).to.equal('text');
    expect(control(el, 'cardLast4').value).to.equal('4242');
    expect(button(el, 'Show Card').getAttribute('aria-pressed')).to.equal('true');
  });

  it('flags empty required fields during after-contact work only', async () => {
    const { el, tracker } = await withSchema();
    expect(row(el, 'reason').querySelector('[part~="error"]')).to.equal(null);
    expect($(el, '.warn-notice')).to.equal(null);
    tracker.update('c-1', { state: 'ended', ended: true });
    await settle(el);
    const select = selectControl(el, 'reason');
    expect(select.getAttribute('aria-invalid')).to.equal('true');
    expect(text(el, `#${select.getAttribute('aria-describedby')}`)).to.contain('Reason is required');
    expect(text(el, '.warn-notice')).to.equal('Required for after contact work: Reason.');
    await expect(el).to.be.accessible();
    select.value = 'billing';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await settle(el);
    expect($(el, '.warn-notice')).to.equal(null);
  });

  it('takes the schema as a JSON attribute, and shows why a bad one is ignored', async () => {
    const error = sinon.stub(console, 'error');
    const tracker = new FakeTracker(contact({ attributes: { tier: 'gold' } }));
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes schema='[{"key":"tier","label":"Customer tier"}]' .tracker=${tracker} .writer=${fakeWriter()}></ccp-attributes>`,
    );
    await settle(el);
    expect(text(el, `label[for="${control(el, 'tier').id}"]`)).to.equal('Customer tier');
    el.setAttribute('schema', '[{"key":"tier","type":"dropdown"}]');
    await settle(el);
    expect(text(el, '[part~="notice"][role="alert"]')).to.contain('schema[0].type: "dropdown" is not one of');
    expect(error).to.have.been.calledOnce;
    expect(text(el, `label[for="${control(el, 'tier').id}"]`)).to.equal('tier');
    await expect(el).to.be.accessible();
  });
});
