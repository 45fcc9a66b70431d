import { expect } from '@open-wc/testing';
import { mergeReported, normalizeAttributes, sameAttributes } from '../../src/tracker/attributes.ts';

/** Keys the API accepts that plain-object assignment mishandles (`__proto__` is dropped, the others shadow inherited members). */
const OBJECT_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

describe('normalizeAttributes', () => {
  it('flattens Streams {name, value} entries', () => {
    expect(normalizeAttributes({ a: { name: 'a', value: '1' }, b: { name: 'b', value: '' } })).to.deep.equal({
      a: '1',
      b: '',
    });
  });

  it('keeps plain string values (Agent Workspace SDK shape)', () => {
    expect(normalizeAttributes({ a: '1', b: 'two' })).to.deep.equal({ a: '1', b: 'two' });
  });

  it('turns numbers and booleans into strings and drops everything else', () => {
    expect(
      normalizeAttributes({ n: { name: 'n', value: 3 }, t: true, x: { name: 'x' }, y: null, z: { value: undefined } }),
    ).to.deep.equal({
      n: '3',
      t: 'true',
    });
  });

  it('uses the entry name when present, the key otherwise', () => {
    expect(normalizeAttributes({ key: { name: 'Name', value: 'v' }, other: { value: 'w' } })).to.deep.equal({
      Name: 'v',
      other: 'w',
    });
  });

  it('keeps every valid key, __proto__ and Object.prototype names included, as plain own properties', () => {
    // Streams hands over its snapshot after a JSON round trip (connect.deepcopy), which keeps an own "__proto__".
    const streams: unknown = JSON.parse(
      JSON.stringify(Object.fromEntries(OBJECT_KEYS.map((key) => [key, { name: key, value: `v-${key}` }]))),
    );
    const plain: unknown = JSON.parse(JSON.stringify(Object.fromEntries(OBJECT_KEYS.map((key) => [key, `p-${key}`]))));
    for (const [raw, prefix] of [
      [streams, 'v'],
      [plain, 'p'],
    ] as const) {
      const out = normalizeAttributes(raw);
      expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
      expect(Object.entries(out)).to.deep.equal(OBJECT_KEYS.map((key) => [key, `${prefix}-${key}`]));
    }
  });

  it('gives {} for null (monitoring), undefined, arrays and primitives', () => {
    for (const raw of [null, undefined, [], 'text', 5]) expect(normalizeAttributes(raw)).to.deep.equal({});
  });
});

describe('mergeReported', () => {
  it('keeps local writes over reported values that did not change', () => {
    expect(mergeReported({ a: '0' }, { a: '0', b: '1' }, { a: 'mine' })).to.deep.equal({
      merged: { a: 'mine', b: '1' },
      local: { a: 'mine' },
    });
  });

  it('lets a later write at the source win and drops the local override', () => {
    expect(mergeReported({ a: '0' }, { a: 'flow' }, { a: 'mine' })).to.deep.equal({ merged: { a: 'flow' }, local: {} });
  });

  it('keeps a local write that the source reflects', () => {
    expect(mergeReported({}, { a: 'mine' }, { a: 'mine' })).to.deep.equal({
      merged: { a: 'mine' },
      local: { a: 'mine' },
    });
  });

  it('keeps a local write of __proto__ (and other Object.prototype names) in both results', () => {
    const local = Object.fromEntries(OBJECT_KEYS.map((key) => [key, `mine-${key}`]));
    const { merged, local: kept } = mergeReported({}, { a: '1' }, local);
    expect(Object.entries(kept)).to.deep.equal(Object.entries(local));
    expect(Object.entries(merged)).to.deep.equal([['a', '1'], ...Object.entries(local)]);
  });

  it('keeps local writes on the first report', () => {
    expect(mergeReported(undefined, { a: 'flow' }, { a: 'mine' }).merged).to.deep.equal({ a: 'mine' });
  });
});

describe('sameAttributes', () => {
  it('compares keys and values', () => {
    expect(sameAttributes({ a: '1' }, { a: '1' })).to.equal(true);
    expect(sameAttributes({ a: '1' }, { a: '2' })).to.equal(false);
    expect(sameAttributes({ a: '1' }, { b: '1' })).to.equal(false);
    expect(sameAttributes({ a: '1' }, { a: '1', b: '2' })).to.equal(false);
  });
});
