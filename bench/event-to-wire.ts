// Benchmark (b) of issue 6, the faithful one: time from a Streams contact event to the request on the wire, in
// headless Chromium with the REAL amazon-connect-streams driving the stand-in CCP, the real tracker, tagging rules,
// IndexedDB outbox and AWS SDK (createCcpAttributes) against the Connect API stand-in (demo/server.ts).
// What is timed, and where, is in bench/event-to-wire.page.ts. "Debounce excluded" is measured two ways, each pass
// in a fresh browser context (its own IndexedDB):
//   - outbox debounce 0 ms (the smallest the outbox takes: the rule write is due at once, no timer), 3 rules and 1;
//   - the default debounce (200 ms), 3 rules, minus those 200 ms: the same path plus the timer's lateness.
// Each pass runs a warm-up contact first (the SDK bundle's import, the first signing, IndexedDB's first
// transactions), left out of the figures; credentials are static (no Cognito round trip to leave out).
// Prints figures; asserts nothing. Run alone: `npx tsx bench/event-to-wire.ts`; bench/run.ts calls it.
// Knobs (environment): EVENT_TO_WIRE_CONTACTS (30).
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import type { LoggedRequest } from '../demo/connect-api/server.ts';
import { startDemo, type DemoHandle } from '../demo/server.ts';
import { chromiumArgs, findChromium } from '../test/chromium.ts';
import type { EventToWireSample, WireTimes } from './event-to-wire.page.ts';

const DEFAULT_DEBOUNCE_MS = 200; // the outbox's default (src/outbox/outbox.ts)

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;
const figures = (values: number[]): string =>
  `median ${ms(quantile(values, 0.5))}, p90 ${ms(quantile(values, 0.9))}, max ${ms(Math.max(...values))}`;

interface PassResult {
  debounceMs: number;
  rules: number;
  samples: EventToWireSample[];
  /** UpdateContactAttributes calls per measured contact: rule ones, agent ones. */
  calls: { rule: number; agent: number }[];
}

async function pass(
  browser: Browser,
  demo: DemoHandle,
  debounceMs: number,
  rules: number,
  contacts: number,
): Promise<PassResult> {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
    await page.goto(`${demo.url}/bench/event-to-wire.html?debounce=${debounceMs}&rules=${rules}`, {
      waitUntil: 'load',
    });
    await page.waitForFunction(() => window.eventToWire !== undefined, { timeout: 15_000 });
    const info = await page.evaluate(() => window.eventToWire!.ready);
    await page.evaluate(() => window.eventToWire!.run(1)); // warm-up: not measured
    const samples = await page.evaluate((count) => window.eventToWire!.run(count), contacts);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);

    const { requests } = (await (await fetch(`${info.apiUrl}/_standin/log`)).json()) as { requests: LoggedRequest[] };
    const calls = samples.map(({ contactId }) => {
      const updates = requests.filter(
        (r) => r.action === 'UpdateContactAttributes' && r.initialContactId === contactId,
      );
      const agent = updates.filter((r) => r.attributes && 'Note' in r.attributes).length;
      return { rule: updates.length - agent, agent };
    });
    return { debounceMs: info.debounceMs, rules: info.rules, samples, calls };
  } finally {
    await context.close();
  }
}

/** Median milestones after t0: tracker and tagging, the outbox's IndexedDB write, its read-back, the SDK's fetch. */
function stages(times: WireTimes[], debounceMs: number): string {
  const median = (values: number[]): string => quantile(values, 0.5).toFixed(2);
  const tracked = times.flatMap((t) => (t.tracked === undefined ? [] : [t.tracked]));
  const minus = debounceMs ? ` - ${debounceMs}` : '';
  return (
    'medians after t0 (ms): ' +
    (tracked.length ? `tracker+tagging ${median(tracked)}, ` : '') +
    `queued (IndexedDB write done) ${median(times.map((t) => t.queued))}, ` +
    `sending${minus} ${median(times.map((t) => t.sending - debounceMs))}, ` +
    `fetch${minus} ${median(times.map((t) => t.wire - debounceMs))}`
  );
}

function report(result: PassResult): void {
  const { debounceMs, samples, calls } = result;
  const rule = samples.map((s) => s.rule.wire - debounceMs);
  const agent = samples.map((s) => s.agent.wire);
  const total = calls.map((c) => c.rule + c.agent);
  const range = (values: number[]): string => {
    const min = Math.min(...values);
    const max = Math.max(...values);
    return min === max ? String(min) : `${min}-${max}`;
  };
  const mean = (values: number[]): string => (values.reduce((a, b) => a + b, 0) / values.length).toFixed(2);
  console.log(
    `  outbox debounce ${debounceMs} ms, ${result.rules} rule${result.rules === 1 ? '' : 's'} on connected, ${samples.length} contacts:`,
  );
  console.log(
    `    (1) Streams contact::connected -> rule request on the wire, minus the ${debounceMs} ms debounce: ${figures(rule)}`,
  );
  console.log(
    `        ${stages(
      samples.map((s) => s.rule),
      debounceMs,
    )}`,
  );
  if (debounceMs > 0) {
    console.log(
      '        (the debounce starts when the outbox takes the write, before its IndexedDB write: that write is hidden inside it)',
    );
  }
  console.log(`    (2) agent plugin.write() -> request on the wire: ${figures(agent)}`);
  console.log(
    `        ${stages(
      samples.map((s) => s.agent),
      0,
    )}`,
  );
  console.log(
    `    UpdateContactAttributes calls per contact: ${mean(total)} on average (${range(total)}) = rules ${range(calls.map((c) => c.rule))}` +
      ` (${result.rules} rule${result.rules === 1 ? '' : 's'} on connected) + agent save ${range(calls.map((c) => c.agent))}`,
  );
}

/** Runs both passes in headless Chromium and prints their figures. */
export async function benchEventToWire(): Promise<void> {
  const contacts = Number(process.env['EVENT_TO_WIRE_CONTACTS'] ?? 30);
  console.log(
    'Streams event -> request on the wire (headless Chromium: real Streams + stand-in CCP, createCcpAttributes, real SDK, API stand-in)',
  );
  const chromium = findChromium();
  if (!chromium) {
    console.log("  skipped: no Chromium found (install Debian's chromium, or set CHROME_PATH)");
    return;
  }
  console.log(
    '  t0 = Streams triggers the event on its bus (or plugin.write() is called), t1 = the POST /contact/attributes enters',
  );
  console.log(
    "  window.fetch (the SDK's fetch handler): tracker, tagging, IndexedDB outbox, SigV4 signing in between. One warm-up contact",
  );
  console.log(
    '  per pass (SDK import, first signing) left out; static credentials (no Cognito); token bucket opened wide.',
  );
  const demo = await startDemo({ port: 0, apiPort: 0 });
  let browser: Browser | undefined;
  try {
    // The dev server bundles each AWS SDK package on its first request (seconds): warm it while Chromium starts.
    const warm = ['@aws-sdk__client-connect', '@aws-sdk__credential-providers'].map(async (name) => {
      const response = await fetch(`${demo.url}/__sdk__/${name}.js`);
      if (!response.ok) throw new Error(`the dev server did not bundle ${name}: ${response.status}`);
      await response.arrayBuffer();
    });
    [browser] = await Promise.all([
      puppeteer.launch({ executablePath: chromium, headless: true, args: chromiumArgs }),
      ...warm,
    ]);
    for (const [debounceMs, rules] of [
      [0, 3],
      [DEFAULT_DEBOUNCE_MS, 3],
      [0, 1],
    ] as const) {
      report(await pass(browser, demo, debounceMs, rules, contacts));
    }
  } finally {
    await browser?.close();
    await demo.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchEventToWire();
}
