// The editor's draft model (components/internal/draft.ts), without Lit or a DOM: building from a contact and a
// schema, edits, keys being added, revert, rebuilding under the agent's edits, and totals that always equal what a
// pass over the rows (and the validator's byte count) says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { budgetLevel, Draft, WARN_BYTES } from '../../components/internal/draft.ts';
import { parseSchema, type AttributesSchema } from '../../components/schema.ts';
import { attributesBytes, mergeAttributes, MAX_TOTAL_BYTES, type Attributes } from '../../src/validate.ts';

function draftOf(attributes: Attributes, schema?: AttributesSchema, unknownKeys?: 'show' | 'hide'): Draft {
  return Draft.from({ contactId: 'c-1', attributes }, schema, { unknownKeys });
}

/** The totals counted afresh from what the draft shows (rows, keys being added), not from its running totals. */
function recount(draft: Draft, stored: Attributes, schema?: AttributesSchema): { changes: number; problems: number } {
  let changes = 0;
  let problems = 0;
  const keys = new Set([...(schema?.fields.map((spec) => spec.key) ?? []), ...Object.keys(stored)]);
  for (const key of keys) {
    const field = draft.field(key);
    if (!field) continue;
    if (field.value !== (field.stored ?? '')) changes++;
    if (field.problem !== undefined) problems++;
  }
  for (const row of draft.newFields) {
    if (row.key !== '' || row.value !== '') changes++;
    if (row.keyProblem !== undefined || row.valueProblem !== undefined) problems++;
  }
  return { changes, problems };
}

describe('Draft.from', () => {
  it('shows the schema fields first (hidden ones kept but not shown), then the other stored keys', () => {
    const schema = parseSchema([{ key: 'reason', label: 'Reason' }, { key: 'secret', hidden: true }, { key: 'tier' }]);
    const draft = draftOf({ zeta: 'z', secret: 's', reason: 'billing' }, schema);
    assert.deepEqual(draft.keys, ['reason', 'tier', 'zeta']);
    assert.equal(draft.field('secret')?.value, 's');
    assert.equal(draft.field('tier')?.stored, undefined);
    assert.equal(draft.bytesUsed, attributesBytes({ zeta: 'z', secret: 's', reason: 'billing' }));
    assert.equal(draft.changeCount, 0);
  });

  it("hides keys outside the schema only for 'hide'; undefined (a dropped framework prop) shows them, as 'show' does", () => {
    const schema = parseSchema([{ key: 'reason' }]);
    const stored = { reason: 'billing', other: 'x' };
    assert.deepEqual(draftOf(stored, schema, 'hide').keys, ['reason']);
    assert.deepEqual(draftOf(stored, schema, 'show').keys, ['reason', 'other']);
    assert.deepEqual(Draft.from({ contactId: 'c', attributes: stored }, schema, { unknownKeys: undefined }).keys, [
      'reason',
      'other',
    ]);
    assert.deepEqual(draftOf(stored, undefined, 'hide').keys, ['reason', 'other'], 'without a schema every key shows');
  });

  it('keeps keys named like Object.prototype members as fields, and writes them as own keys', () => {
    const stored = Object.fromEntries<string>([
      ['__proto__', 'p0'],
      ['constructor', 'c0'],
    ]);
    const draft = draftOf(stored);
    assert.deepEqual(draft.keys, ['__proto__', 'constructor']);
    assert.equal(draft.setValue('__proto__', 'p1'), true);
    const changes = draft.changes();
    assert.deepEqual(Object.entries(changes), [['__proto__', 'p1']]);
    assert.equal(Object.getPrototypeOf(changes), Object.prototype);
  });
});

describe('Draft edits', () => {
  it('counts bytes, changes and problems as the agent edits a field, and reverts to what is stored', () => {
    const draft = draftOf({ a: '1', b: 'é' });
    assert.equal(draft.setValue('a', '1'), false, 'the same value is no edit');
    assert.equal(draft.setValue('missing', 'x'), false);
    draft.setValue('b', '日本');
    assert.equal(draft.bytesUsed, attributesBytes({ a: '1', b: '日本' }));
    assert.equal(draft.changeCount, 1);
    draft.setValue('b', 'é');
    assert.equal(draft.changeCount, 0, 'typed back to what is stored: no change');
    assert.equal(draft.bytesUsed, attributesBytes({ a: '1', b: 'é' }));
    draft.setValue('a', 'x'.repeat(40_000));
    assert.match(draft.field('a')?.problem ?? '', /at most 32,767 characters/);
    assert.equal(draft.problemCount, 1);
    assert.equal(draft.budgetLevel, 'over');
    draft.revert();
    assert.deepEqual(
      [draft.changeCount, draft.problemCount, draft.bytesUsed],
      [0, 0, attributesBytes({ a: '1', b: 'é' })],
    );
    assert.deepEqual(draft.changes(), {});
  });

  it("checks a schema field's value by its type, only once edited", () => {
    const schema = parseSchema([{ key: 'age', type: 'number', label: 'Age' }]);
    const draft = draftOf({ age: 'not a number' }, schema);
    assert.equal(draft.problemCount, 0, 'what is stored is not the agent’s problem');
    draft.setValue('age', 'forty');
    assert.equal(draft.field('age')?.problem, 'Age must be a number, like 42 or 3.5.');
    assert.equal(draft.firstInvalidId, draft.field('age')?.id);
    draft.setValue('age', '40');
    assert.equal(draft.problemCount, 0);
  });

  it('checks keys being added: blank rows count for nothing, then charset, duplicates and existing keys', () => {
    const schema = parseSchema([{ key: 'planned' }]);
    const draft = draftOf({ a: '1' }, schema);
    const first = draft.addField();
    const second = draft.addField();
    assert.deepEqual([draft.changeCount, draft.problemCount, draft.bytesUsed], [0, 0, attributesBytes({ a: '1' })]);
    draft.setNewKey(first, 'bad key');
    assert.match(draft.newFields[0]?.keyProblem ?? '', /can use only letters/);
    draft.setNewKey(first, 'note');
    draft.setNewKey(second, 'note');
    assert.equal(draft.newFields[0]?.keyProblem, '"note" is entered more than once.');
    assert.equal(draft.problemCount, 2);
    draft.setNewKey(second, 'a');
    assert.equal(draft.newFields[0].keyProblem, undefined, 'the duplicate went with the other row’s change');
    assert.equal(draft.newFields[1]?.keyProblem, '"a" already exists: edit its field above instead.');
    draft.setNewKey(second, 'planned');
    assert.equal(
      draft.newFields[1].keyProblem,
      '"planned" already exists: edit its field above instead.',
      'a schema key not stored yet',
    );
    assert.equal(draft.firstInvalidId, second);
    draft.removeNewField(second);
    draft.setNewValue(first, 'héllo');
    assert.deepEqual([draft.changeCount, draft.problemCount], [1, 0]);
    assert.equal(draft.bytesUsed, attributesBytes({ a: '1', note: 'héllo' }));
    assert.deepEqual(draft.changes(), { note: 'héllo' });
    assert.equal(draft.setNewKey(9_999_999, 'x'), false);
    assert.equal(draft.removeNewField(9_999_999), false);
  });

  it('lists required schema fields left empty', () => {
    const schema = parseSchema([
      { key: 'wrap', label: 'Wrap code', required: true },
      { key: 'gone', required: true, hidden: true },
    ]);
    const draft = draftOf({}, schema);
    assert.deepEqual(
      draft.missingRequired.map((spec) => spec.label),
      ['Wrap code'],
    );
    draft.setValue('wrap', 'done');
    assert.deepEqual(draft.missingRequired, []);
  });
});

describe('Draft.from with the previous draft (the stored attributes changed)', () => {
  it("keeps the agent's edits, with the value stored elsewhere meanwhile as a conflict", () => {
    const before = draftOf({ a: '1', b: '1' });
    before.setValue('a', 'mine');
    const after = Draft.from({ contactId: 'c-1', attributes: { a: 'theirs', b: '2' } }, undefined, {
      previous: before,
    });
    assert.equal(after.field('a')?.value, 'mine');
    assert.equal(after.field('a')?.conflict, 'theirs');
    assert.equal(after.field('a')?.id, before.field('a')?.id, 'the same row');
    assert.equal(after.field('b')?.value, '2', 'an untouched field follows what is stored');
    assert.equal(after.bytesUsed, attributesBytes({ a: 'mine', b: '2' }));
    after.setValue('a', 'mine again');
    assert.equal(after.field('a')?.conflict, undefined, 'editing the field settles the conflict');
  });

  it('drops edits of a field the schema makes read-only', () => {
    const before = draftOf({ a: '1' });
    before.setValue('a', 'edited');
    const after = Draft.from(
      { contactId: 'c-1', attributes: { a: '1' } },
      parseSchema([{ key: 'a', readOnly: true }]),
      { previous: before },
    );
    assert.deepEqual([after.field('a')?.value, after.changeCount], ['1', 0]);
  });

  it('turns a key being added into a field once it is stored with the value typed, and keeps the others', () => {
    const before = draftOf({ a: '1' });
    const landed = before.addField();
    before.setNewKey(landed, 'note');
    before.setNewValue(landed, 'hello');
    const pending = before.addField();
    before.setNewKey(pending, 'later');
    before.setNewValue(pending, 'soon');
    const after = Draft.from({ contactId: 'c-1', attributes: { a: '1', note: 'hello' } }, undefined, {
      previous: before,
    });
    assert.deepEqual(after.keys, ['a', 'note']);
    assert.equal(after.field('note')?.id, landed, 'the row keeps its id (and focus)');
    assert.deepEqual(
      after.newFields.map((row) => row.key),
      ['later'],
    );
    assert.deepEqual(
      [after.changeCount, after.bytesUsed],
      [1, attributesBytes({ a: '1', note: 'hello', later: 'soon' })],
    );
    // The old draft is left as it was: a rebuild never moves its totals.
    assert.deepEqual(
      [before.changeCount, before.bytesUsed],
      [2, attributesBytes({ a: '1', note: 'hello', later: 'soon' })],
    );
  });
});

describe('budgetLevel', () => {
  it('warns from 90 % of the cap and is over past it', () => {
    assert.deepEqual(
      [
        budgetLevel(WARN_BYTES - 1),
        budgetLevel(WARN_BYTES),
        budgetLevel(MAX_TOTAL_BYTES),
        budgetLevel(MAX_TOTAL_BYTES + 1),
      ],
      ['ok', 'warn', 'warn', 'over'],
    );
  });
});

type Step =
  | { op: 'set'; key: number; value: string }
  | { op: 'add' }
  | { op: 'newKey'; row: number; key: string }
  | { op: 'newValue'; row: number; value: string }
  | { op: 'remove'; row: number }
  | { op: 'revert' };

const values = fc.constantFrom('', 'a', 'ü', '日本', '🙂x', '\ud800', 'long'.repeat(30));
const newKeys = fc.constantFrom('', 'k0', 'k1', 'note', 'n2', 'bad key', '__proto__', 'req');
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.nat(9), value: values }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('add' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('newKey' as const), row: fc.nat(3), key: newKeys }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('newValue' as const), row: fc.nat(3), value: values }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), row: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('revert' as const) }) },
);

describe('Draft totals', () => {
  it('after any edits equal a recount of the rows, a fresh build, and (when it can be saved) the validator’s bytes of the result', () => {
    const schema = parseSchema([
      { key: 'req', required: true },
      { key: 'k0', type: 'number' },
    ]);
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.boolean(), (steps, withSchema) => {
        const stored: Attributes = { k0: '1', k1: 'é', k2: '', k3: '日本語' };
        const used = withSchema ? schema : undefined;
        const draft = draftOf(stored, used);
        const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'req', '__proto__', 'constructor', 'note', 'k9'];
        for (const s of steps) {
          const rows = draft.newFields;
          if (s.op === 'set') draft.setValue(keys[s.key]!, s.value);
          else if (s.op === 'add') draft.addField();
          else if (s.op === 'revert') draft.revert();
          else {
            const id = rows[s.row % Math.max(1, rows.length)]?.id;
            if (id === undefined) continue;
            if (s.op === 'newKey') draft.setNewKey(id, s.key);
            else if (s.op === 'newValue') draft.setNewValue(id, s.value);
            else draft.removeNewField(id);
          }
          const counted = recount(draft, stored, used);
          assert.equal(draft.changeCount, counted.changes);
          assert.equal(draft.problemCount, counted.problems);
          const fresh = Draft.from({ contactId: 'c-1', attributes: stored }, used, { previous: draft });
          assert.deepEqual(
            [fresh.bytesUsed, fresh.changeCount, fresh.problemCount],
            [draft.bytesUsed, draft.changeCount, draft.problemCount],
          );
          if (draft.problemCount === 0)
            assert.equal(draft.bytesUsed, attributesBytes(mergeAttributes(stored, draft.changes())));
        }
      }),
      { numRuns: 300 },
    );
  });
});
