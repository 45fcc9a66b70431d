// Properties of the outbox's coalescing: whatever the interleaving of writes, origins, clock steps and
// retryable failures, every write lands, later values win per key, and a burst costs one request per contact.
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { MemoryOutboxStore, Outbox } from '../../src/outbox/index.ts';
import type { Attributes } from '../../src/validate.ts';
import { contact, FakeClock, ScriptedSender } from './fakes.ts';

const keyArb = fc.constantFrom('a', 'b', 'c', 'd');
const writeArb = fc.record({
  contact: fc.integer({ min: 0, max: 2 }),
  attributes: fc.dictionary(keyArb, fc.string({ maxLength: 4 }), { minKeys: 1, maxKeys: 3 }),
  origin: fc.constantFrom('agent' as const, 'rule' as const),
  wait: fc.constantFrom(0, 0, 5, 50, 250, 1000),
});

describe('Outbox coalescing (properties)', () => {
  it('lands every write with later values winning per key, through retryable failures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(writeArb, { minLength: 1, maxLength: 25 }),
        fc.array(fc.constantFrom('ok' as const, 'throttled' as const, 'server' as const, 'network' as const), {
          maxLength: 15,
        }),
        async (writes, script) => {
          const clock = new FakeClock();
          const sender = new ScriptedSender(clock);
          sender.script = [...script];
          const outbox = new Outbox({
            store: new MemoryOutboxStore(),
            sender: sender.send,
            clock,
            random: () => 0.5,
            debounceMs: 200,
            backoff: { baseMs: 100, capMs: 1000 },
            rate: { ratePerSecond: 20, burst: 5 },
          });
          const expected = new Map<number, Attributes>();
          const results: Promise<unknown>[] = [];
          try {
            for (const write of writes) {
              results.push(outbox.write(contact(`c${write.contact}`), write.attributes, { origin: write.origin }));
              expected.set(write.contact, { ...(expected.get(write.contact) ?? {}), ...write.attributes });
              await clock.advance(write.wait);
            }
            await clock.advance(60_000);
            await Promise.all(results);
            for (const [id, attributes] of expected)
              expect(sender.storedFor(contact(`c${id}`))).to.deep.equal(attributes);
            const successes = sender.requests.length - script.filter((s) => s !== 'ok').length;
            expect(successes).to.be.at.most(writes.length);
            expect(outbox.state.pending).to.equal(0);
          } finally {
            void outbox.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sends one request per contact for any burst of rule writes within the debounce', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(writeArb, { minLength: 1, maxLength: 30 }), async (writes) => {
        const clock = new FakeClock();
        const sender = new ScriptedSender(clock);
        const outbox = new Outbox({
          store: new MemoryOutboxStore(),
          sender: sender.send,
          clock,
          debounceMs: 200,
          rate: { ratePerSecond: 100, burst: 100 },
        });
        try {
          const results = writes.map((w) => outbox.write(contact(`c${w.contact}`), w.attributes, { origin: 'rule' }));
          await clock.advance(200);
          await Promise.all(results);
          const contacts = new Set(writes.map((w) => w.contact));
          expect(sender.requests).to.have.length(contacts.size);
        } finally {
          void outbox.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
