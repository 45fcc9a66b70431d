import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import {
  attributesBytes,
  checkKey,
  checkUpdate,
  checkValue,
  assertValidUpdate,
  attributesFrom,
  mergeAttributes,
  utf8Length,
  MAX_TOTAL_BYTES,
} from '../../src/validate.ts';
import { AttributesError } from '../../src/errors.ts';

const valid = { instanceId: 'inst-1', initialContactId: 'contact-1' };

describe('utf8Length', () => {
  it('counts one-, two-, three- and four-byte characters like TextEncoder', () => {
    expect(utf8Length('a')).to.equal(1);
    expect(utf8Length('é')).to.equal(2);
    expect(utf8Length('日本')).to.equal(6);
    expect(utf8Length('😀')).to.equal(4);
    expect(utf8Length('\ud800')).to.equal(3);
  });

  it('agrees with TextEncoder on any string, lone surrogates included', () => {
    const encoder = new TextEncoder();
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => utf8Length(text) === encoder.encode(text).length));
  });
});

describe('checkKey', () => {
  it('accepts letters, digits, dash and underscore', () => {
    expect(checkKey('Handled_By-2')).to.equal(undefined);
  });

  for (const key of ['has space', 'dot.ted', 'ümlaut', 'slash/', 'emoji😀', 'colon:']) {
    it(`refuses the key ${JSON.stringify(key)} for its charset`, () => {
      expect(checkKey(key)?.code).to.equal('charset');
    });
  }

  it('refuses an empty key', () => {
    expect(checkKey('')?.code).to.equal('empty');
  });

  it('accepts 32,767 characters and refuses 32,768', () => {
    expect(checkKey('k'.repeat(32_767))).to.equal(undefined);
    expect(checkKey('k'.repeat(32_768))?.code).to.equal('too-long');
  });
});

describe('checkValue', () => {
  it('accepts an empty string', () => {
    expect(checkValue('k', '')).to.equal(undefined);
  });

  it('accepts 32,767 characters and refuses 32,768', () => {
    expect(checkValue('k', 'v'.repeat(32_767))).to.equal(undefined);
    expect(checkValue('k', 'v'.repeat(32_768))?.code).to.equal('too-long');
  });

  for (const value of [1, true, null, undefined, { a: 1 }, ['x']]) {
    it(`refuses the non-string value ${JSON.stringify(value)}`, () => {
      expect(checkValue('k', value)?.code).to.equal('not-string');
    });
  }
});

describe('checkUpdate', () => {
  it('accepts a valid update', () => {
    expect(checkUpdate({ ...valid, attributes: { a: 'b' } })).to.deep.equal([]);
  });

  it('names each missing input', () => {
    const problems = checkUpdate({ instanceId: '', initialContactId: '', attributes: null as never });
    expect(problems.map((p) => p.field)).to.deep.equal(['instanceId', 'initialContactId', 'attributes']);
  });

  it('refuses an InstanceId longer than 100 characters, with a message naming the limit', () => {
    expect(checkUpdate({ ...valid, instanceId: 'i'.repeat(100), attributes: {} })).to.deep.equal([]);
    const problems = checkUpdate({ ...valid, instanceId: 'i'.repeat(101), attributes: {} });
    expect(problems.map((p) => [p.field, p.code])).to.deep.equal([['instanceId', 'too-long']]);
    expect(problems[0]?.message).to.equal('An Amazon Connect instance id can have at most 100 characters.');
  });

  it('refuses an InitialContactId longer than 256 characters', () => {
    expect(checkUpdate({ ...valid, initialContactId: 'c'.repeat(256), attributes: {} })).to.deep.equal([]);
    expect(checkUpdate({ ...valid, initialContactId: 'c'.repeat(257), attributes: {} })[0]?.code).to.equal('too-long');
  });

  it('counts the budget in UTF-8 bytes of keys and values: exactly 32,768 passes, one more fails', () => {
    // key 'k' (1 byte) + value of 32,767 bytes made of 2-, 3- and 4-byte characters.
    const value = '😀'.repeat(8000) + '日'.repeat(255) + 'é'.repeat(1) + 'x'.repeat(0);
    expect(utf8Length(value)).to.equal(32_000 + 765 + 2);
    expect(attributesBytes({ k: value })).to.equal(32_768);
    expect(checkUpdate({ ...valid, attributes: { k: value } })).to.deep.equal([]);
    const problems = checkUpdate({ ...valid, attributes: { k: `${value}a` } });
    expect(problems[0]?.code).to.equal('over-budget');
  });

  it('counts the budget on the merged result when the stored attributes are known', () => {
    const stored = { big: 'x'.repeat(MAX_TOTAL_BYTES - 3 - 10) };
    expect(checkUpdate({ ...valid, attributes: { ab: 'cdefghij' }, stored })).to.deep.equal([]);
    expect(checkUpdate({ ...valid, attributes: { ab: 'cdefghijkl' }, stored })[0]?.code).to.equal('over-budget');
    // Overwriting a stored key frees its old bytes.
    expect(checkUpdate({ ...valid, attributes: { big: 'small' }, stored })).to.deep.equal([]);
  });

  it('assertValidUpdate throws a validation AttributesError listing every problem', () => {
    let caught: unknown;
    try {
      assertValidUpdate({ ...valid, attributes: { 'bad key': 'v', ok: 1 as unknown as string } });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(AttributesError);
    const error = caught as AttributesError;
    expect(error.kind).to.equal('validation');
    expect(error.retryable).to.equal(false);
    expect(error.problems.map((p) => p.code)).to.deep.equal(['charset', 'not-string']);
    expect(error.message).to.contain('and 1 more problem');
  });
});

describe('attributesFrom', () => {
  const objectKeys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it('keeps every valid key as an own property of a plain object, __proto__ included, through JSON and structuredClone', () => {
    const attributes = attributesFrom(objectKeys.map((key) => [key, `v-${key}`]));
    expect(Object.getPrototypeOf(attributes)).to.equal(Object.prototype);
    const expected = objectKeys.map((key) => [key, `v-${key}`]);
    expect(Object.entries(attributes)).to.deep.equal(expected);
    expect(Object.entries(JSON.parse(JSON.stringify(attributes)) as object)).to.deep.equal(expected);
    expect(Object.entries(structuredClone(attributes))).to.deep.equal(expected);
    expect(Object.entries(mergeAttributes(attributes, attributesFrom([['__proto__', 'later']])))[0]).to.deep.equal([
      '__proto__',
      'later',
    ]);
    expect(attributesBytes(attributes)).to.equal(
      attributesBytes(Object.fromEntries(expected) as Record<string, string>),
    );
    expect(checkUpdate({ ...valid, attributes })).to.deep.equal([]);
  });

  it('lets a later pair win over an earlier one with the same key', () => {
    expect(
      attributesFrom([
        ['a', '1'],
        ['b', '2'],
        ['a', '3'],
      ]),
    ).to.deep.equal({ a: '3', b: '2' });
  });

  it('holds exactly the pairs given, for any valid keys', () => {
    const key = fc.oneof(fc.constantFrom(...objectKeys), fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/));
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, fc.string()), { selector: ([k]) => k }), (pairs) => {
        const attributes = attributesFrom(pairs);
        return (
          Object.keys(attributes).length === pairs.length &&
          pairs.every(([k, v]) => Object.hasOwn(attributes, k) && attributes[k] === v)
        );
      }),
    );
  });
});

describe('mergeAttributes', () => {
  it('is a merge: later values win per key and no key is lost', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.string()),
        fc.dictionary(fc.string(), fc.string()),
        (stored, update) => {
          const merged = mergeAttributes(stored, update);
          for (const [key, value] of Object.entries(update)) if (merged[key] !== value) return false;
          for (const key of Object.keys(stored)) if (!(key in merged)) return false;
          return Object.keys(merged).length === new Set([...Object.keys(stored), ...Object.keys(update)]).size;
        },
      ),
    );
  });
});
