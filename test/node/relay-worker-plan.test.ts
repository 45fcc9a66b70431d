// The worker's plan as pure functions: messages by group in delivery order, and a group's writes merged into runs
// that land the same values as the writes one by one, each run within the budget.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { attributesBytes, mergeAttributes, type Attributes } from '../../src/validate.ts';
import { byGroup, mergeInOrder } from '../../src/relay/worker-plan.ts';

const key = fc.constantFrom('a', 'b', 'c', '__proto__');
const write = fc.record({ attributes: fc.dictionary(key, fc.string({ maxLength: 8 }), { minKeys: 1 }) });

describe('worker plan', () => {
  it('keeps each group in delivery order, groups in order of their first message, a message without a group alone', () => {
    const messages = [
      { id: '1', groupId: 'x' },
      { id: '2', groupId: 'y' },
      { id: '3', groupId: undefined },
      { id: '4', groupId: 'x' },
      { id: '5', groupId: undefined },
    ];
    assert.deepEqual(
      byGroup(messages).map((group) => group.map((m) => m.id)),
      [['1', '4'], ['2'], ['3'], ['5']],
    );
  });

  it('lands what the writes one by one would, in runs within the budget, every write once and in order', () => {
    fc.assert(
      fc.property(
        fc.array(write, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 40 }),
        (writes, budget) => {
          const runs = mergeInOrder(writes, budget);
          let oneByOne: Attributes = {};
          for (const each of writes) oneByOne = mergeAttributes(oneByOne, each.attributes);
          let merged: Attributes = {};
          for (const run of runs) merged = mergeAttributes(merged, run.attributes);
          assert.deepEqual(merged, oneByOne);
          assert.deepEqual(
            runs.flatMap((run) => run.writes),
            writes,
          );
          for (const run of runs)
            assert.ok(run.writes.length === 1 || attributesBytes(run.attributes) <= budget, 'a merged run fits');
        },
      ),
    );
  });

  it('merges a whole group into one call when it fits', () => {
    const runs = mergeInOrder([
      { attributes: { a: '1' } },
      { attributes: { a: '2', b: '1' } },
      { attributes: { a: '3' } },
    ]);
    assert.deepEqual(
      runs.map((run) => run.attributes),
      [{ a: '3', b: '1' }],
    );
  });
});
