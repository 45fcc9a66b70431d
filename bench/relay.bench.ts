// The relay's added latency per write, warm: the same UpdateContactAttributes sent directly (the signed client, the
// AWS SDK, static credentials) and through the relay (the relay client's fetch with the agent's JWT; the relay verifies
// the token against cached keys, decides ownership from its cache, DescribeContact only on the leg's first write, then
// calls UpdateContactAttributes), both against the Connect API stand-in on loopback. Writes alternate between the two paths one by one, so machine load weighs on both alike
// (tinybench would run one task's samples, then the other's). Prints medians; asserts nothing.
// Run alone: `npx tsx bench/relay.bench.ts` (RELAY_BENCH_WRITES, default 200 per path); bench/run.ts calls benchRelay().
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DEFAULT_INSTANCE_ID } from '../demo/ccp/scenario.ts';
import { startConnectApi } from '../demo/connect-api/server.ts';
import { startStandInRelay } from '../demo/relay.ts';
import { AttributesClient } from '../src/client.ts';
import { RelayClient } from '../src/relay-client.ts';
import type { ContactRef } from '../src/writer.ts';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Measures and prints the relay's added latency per write. */
export async function benchRelay(writes = Number(process.env['RELAY_BENCH_WRITES'] ?? 200)): Promise<void> {
  const contact: ContactRef = {
    contactId: 'bench-1',
    initialContactId: 'bench-1',
    instanceId: DEFAULT_INSTANCE_ID,
    region: 'us-east-1',
  };
  const api = await startConnectApi({
    contacts: [
      {
        instanceId: DEFAULT_INSTANCE_ID,
        contactId: contact.contactId,
        startedAt: new Date().toISOString(),
        agentId: 'agent-agent-smith',
      },
    ],
  });
  const relay = await startStandInRelay(api);
  try {
    const direct = new AttributesClient({
      region: api.region,
      endpoint: api.url,
      credentials: { accessKeyId: api.accessKeyId, secretAccessKey: api.secretAccessKey },
      maxAttempts: 1,
    });
    // One sign-in, as an agent desktop holds its token for the hour it is valid.
    const token = api.signIn('agent.smith').idToken;
    const viaRelay = new RelayClient({ url: relay.url, token });
    const times = { direct: [] as number[], relay: [] as number[] };
    const once = async (path: 'direct' | 'relay', index: number): Promise<number> => {
      const attributes = { BenchWrite: String(index) };
      const started = performance.now();
      if (path === 'direct') await direct.update(contact.instanceId, contact.initialContactId, attributes);
      else await viaRelay.update(contact, attributes);
      return performance.now() - started;
    };
    // Warm: the SDK loaded and its connection open, the relay's JWKS fetched and its connections to the stand-in open.
    for (let i = 0; i < 20; i++) {
      await once('direct', i);
      await once('relay', i);
    }
    for (let i = 0; i < writes; i++) {
      const first = i % 2 === 0 ? 'direct' : 'relay';
      const second = first === 'direct' ? 'relay' : 'direct';
      times[first].push(await once(first, i));
      times[second].push(await once(second, i));
    }
    const line = (name: string, values: number[]): string =>
      `  ${name.padEnd(44)} median ${median(values).toFixed(2).padStart(6)} ms   p90 ${quantile(values, 0.9).toFixed(2).padStart(6)} ms`;
    // The machine's load shows how much of the figures is waiting for a core (several test runs share one machine).
    const load = loadavg()[0]?.toFixed(1) ?? '?';
    console.log(
      `\nRelay latency per write (warm, ${writes} writes per path, interleaved; Connect API stand-in on loopback; load average ${load})`,
    );
    console.log(line('direct: signed client -> stand-in', times.direct));
    console.log(line('relay: fetch -> relay -> stand-in', times.relay));
    console.log(
      `  added by the relay (median of relay - median of direct): ${(median(times.relay) - median(times.direct)).toFixed(2)} ms per write`,
    );
    const describes = api.requestLog().filter((entry) => entry.action === 'DescribeContact').length;
    console.log(
      `  DescribeContact calls for the relay's ${writes + 20} writes to one leg: ${describes} (the ownership cache remembers the leg for 60 s)`,
    );
  } finally {
    await relay.close();
    await api.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchRelay();
