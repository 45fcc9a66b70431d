// The WriteId a queued relay deduplicates by: the same for the same content of one entry, different for newer
// values, another entry (nonce) or another contact, and always within the relay's 1..128 of [A-Za-z0-9_.:-].
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newWriteNonce, writeIdOf } from '../../src/outbox/write-id.ts';

const entry = { id: 'inst-1/c1#agent:arn:agent/1', writeNonce: 'n-1', createdAt: 1_000 };
const FORMAT = /^[A-Za-z0-9_.:-]{1,128}$/;

describe('writeIdOf', () => {
  it('is the same for the same entry and revisions, whatever the order of the keys', async () => {
    const a = await writeIdOf(entry, { A: 3, B: 5 });
    assert.match(a ?? '', FORMAT);
    assert.equal(await writeIdOf({ ...entry }, { B: 5, A: 3 }), a);
  });

  it('differs once a key carries a newer value, a key is added, or another entry, nonce or contact sends it', async () => {
    const base = await writeIdOf(entry, { A: 3, B: 5 });
    const others = await Promise.all([
      writeIdOf(entry, { A: 3, B: 6 }),
      writeIdOf(entry, { A: 3, B: 5, C: 6 }),
      writeIdOf(entry, { A: 3 }),
      writeIdOf({ ...entry, writeNonce: 'n-2' }, { A: 3, B: 5 }),
      writeIdOf({ ...entry, id: 'inst-1/c2#agent:arn:agent/1' }, { A: 3, B: 5 }),
      // Key and revision are kept apart: {"A1": 2} is not {"A": 12}.
      writeIdOf(entry, { A1: 2, B: 5 }),
    ]);
    for (const other of others) assert.notEqual(other, base);
    assert.equal(new Set(others).size, others.length);
  });

  it('fits the relay for keys of any length and character, and falls back to the creation time without a nonce', async () => {
    const long = await writeIdOf(entry, { ['k'.repeat(32_767)]: 1, __proto__x: 2, 'ü é': 3 });
    assert.match(long ?? '', FORMAT);
    const legacy = { id: entry.id, createdAt: 1_000 };
    assert.equal(await writeIdOf(legacy, { A: 1 }), await writeIdOf({ ...legacy }, { A: 1 }));
    assert.notEqual(await writeIdOf(legacy, { A: 1 }), await writeIdOf({ ...legacy, createdAt: 2_000 }, { A: 1 }));
  });

  it('makes nonces that differ', () => {
    const nonces = new Set(Array.from({ length: 100 }, newWriteNonce));
    assert.equal(nonces.size, 100);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
  });
});
