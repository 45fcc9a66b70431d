// What a write costs as kept failures pile up: the median time from `write()` to its promise resolving (an
// instant sender, an in-memory store, the outbox's `change` and `status` events listened to), with 0 and with
// 2,000 kept failures of the agent in the store (kept by earlier sessions, one per contact). The outbox indexes
// failures per contact and computes `state.contacts` only when read, so the cost should not grow with their number.
// Run alone: `npx tsx bench/kept-failures.ts`; bench/run.ts calls benchKeptFailures().
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { MemoryOutboxStore, Outbox, type OutboxEntry } from '../src/outbox/index.ts';

const AGENT = 'arn:aws:connect:us-east-1:111122223333:instance/bench/agent/bench-agent';
const WRITES = 300;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A store holding `count` kept failures of the agent, one per contact, as earlier sessions left them. */
async function storeWithFailures(count: number): Promise<MemoryOutboxStore> {
  const store = new MemoryOutboxStore();
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const contactKey = `bench/failed-${i}`;
    const id = `${contactKey}#failed:${i + 1}`;
    await store.update(id, (_, revision): OutboxEntry => ({
      id,
      contactKey,
      agent: AGENT,
      contact: { contactId: `failed-${i}`, initialContactId: `failed-${i}`, instanceId: 'bench' },
      attributes: { Status: `refused ${i}` },
      revisions: { Status: revision },
      queuedAt: { Status: now },
      origin: 'agent',
      revision,
      attempts: 1,
      lastError: { kind: 'validation', message: 'refused', status: 400 },
      createdAt: now,
      updatedAt: now,
      dueAt: now,
      notBefore: 0,
      failed: true,
    }));
  }
  return store;
}

/** Median ms per write (write() to resolved), one write at a time, over `WRITES` writes to distinct contacts. */
async function writeCost(failures: number): Promise<{ medianMs: number; p90Ms: number; shown: number }> {
  const store = await storeWithFailures(failures);
  const outbox = new Outbox({
    store,
    sender: async () => {},
    agent: AGENT,
    maxFailures: Math.max(failures, 1),
    rate: { ratePerSecond: 1e6, burst: 1e6 },
  });
  let changes = 0;
  outbox.on('change', (state) => (changes += state.pending));
  outbox.on('status', () => undefined);
  await outbox.ready;
  const shown = outbox.state.failed;
  const times: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    const contact = { contactId: `c-${i}`, initialContactId: `c-${i}`, instanceId: 'bench' };
    const start = performance.now();
    await outbox.write(contact, { Note: `n${i}` });
    times.push(performance.now() - start);
  }
  await outbox.close();
  const sorted = [...times].sort((a, b) => a - b);
  return { medianMs: median(times), p90Ms: sorted[Math.floor(sorted.length * 0.9)]!, shown };
}

export async function benchKeptFailures(): Promise<void> {
  console.log('\n== outbox: a write with kept failures in the store ==');
  for (const failures of [0, 500, 2_000]) {
    const { medianMs, p90Ms, shown } = await writeCost(failures);
    console.log(
      `kept failures ${String(failures).padStart(5)} (shown ${shown}): a write costs ${medianMs.toFixed(3)} ms median, ` +
        `${p90Ms.toFixed(3)} ms p90 (${WRITES} writes)`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchKeptFailures();
