// The relay fleet bench's counts and how they are printed (bench/relay-fleet.ts runs the fleet).
import type { LoggedRequest } from '../demo/connect-api/types.ts';
import type { SocketCounts } from './relay-fleet-sockets.ts';

/** What one run of the fleet through the relay counted. */
export interface FleetCounts {
  mode: 'synchronous' | 'queued';
  /** Queued mode: how the worker checked ownership. */
  ownershipCheck?: string;
  contacts: number;
  /**
   * The browsers' requests to the relay, by method (POST: writes; GET: the outbox's polls of the outcomes route after
   * a 202) and by the status they got.
   */
  browser: { posts: number; gets: number; statuses: Map<number, number> };
  /** Queued mode with outcomes pushed: the browsers' outcome sockets. */
  sockets?: SocketCounts;
  /** Requests the modelled API Gateway stage throttle answered 429 (they never reached the relay). */
  stageThrottled: number;
  /** The stand-in's log: each Connect action's calls and 429s. */
  connect: LoggedRequest[];
  /** Per contact: from the tracker's ACW event (the rules fire) to the write's 200 at the stand-in. */
  eventToLanded: number[];
  /** Queued mode: from the relay's 202 to the write's 200 at the stand-in. */
  acceptToLanded: number[];
  /** Queued mode: from the relay's 202 to the browser's `landed` event (pushed, or its poll found it). */
  acceptToHeard: number[];
  /** Writes whose landing (or failure) the browser had not heard of when the run ended. */
  unheard: number;
  drainS: number;
  /** Seconds over which the contacts ended: the drain cannot be shorter. */
  spreadS: number;
  /** The pace the drain is measured against (requests/s): the quota (synchronous), the workers' pace (queued). */
  paceFor: { perSecond: number; what: string };
  lost: number;
  extra: string[];
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const per = (count: number, of: number): string => (of === 0 ? '-' : (count / of).toFixed(2));
const ms = (values: readonly number[]): string =>
  values.length === 0
    ? 'n/a'
    : `median ${(percentile(values, 50) / 1000).toFixed(2)} s, p99 ${(percentile(values, 99) / 1000).toFixed(2)} s`;

/** Calls and 429s of one Connect action. */
function action(log: readonly LoggedRequest[], name: LoggedRequest['action']): { calls: number; throttled: number } {
  const calls = log.filter((request) => request.action === name);
  return { calls: calls.length, throttled: calls.filter((request) => request.status === 429).length };
}

/** Prints one run's figures, per landed request and per contact. */
export function printFleet(counts: FleetCounts): void {
  const update = action(counts.connect, 'UpdateContactAttributes');
  const describe = action(counts.connect, 'DescribeContact');
  const search = action(counts.connect, 'SearchUsers');
  const userData = action(counts.connect, 'GetCurrentUserData');
  const landed = counts.connect.filter(
    (request) => request.action === 'UpdateContactAttributes' && request.status === 200,
  ).length;
  const relay429 = counts.browser.statuses.get(429) ?? 0;
  const statuses = [...counts.browser.statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status} x${count}`)
    .join(', ');
  // The ideal: every request at the pace, or, when the contacts end more slowly than that, the last one's end.
  const idealS = Math.max(landed / counts.paceFor.perSecond, counts.spreadS);
  const line = (name: string, value: number): string =>
    `      ${name.padEnd(42)} ${String(value).padStart(6)}   per landed ${per(value, landed).padStart(5)}   per contact ${per(value, counts.contacts).padStart(5)}`;
  const how = counts.ownershipCheck ? ` (ownership: ${counts.ownershipCheck})` : '';
  console.log(`  ${counts.mode}${how}: ${landed} requests landed for ${counts.contacts} contacts`);
  console.log(line('browser calls: writes (POST)', counts.browser.posts));
  console.log(line('browser calls: outcome polls (GET)', counts.browser.gets));
  console.log(line('browser calls: all', counts.browser.posts + counts.browser.gets));
  if (counts.sockets) {
    const { opened, subscribed, sent, pushes, backlogs } = counts.sockets;
    const sentText = [...sent.entries()].map(([what, count]) => `${count} ${what}`).join(', ');
    console.log(
      `      outcome sockets: ${opened} opened (one per agent, at its outbox's start, before the burst), ${subscribed} subscribed; ` +
        `sent ${sentText || 'nothing'}; received ${pushes} pushed outcome frames and ${backlogs} backlogs`,
    );
  }
  console.log(line('UpdateContactAttributes calls', update.calls));
  console.log(line('DescribeContact calls', describe.calls));
  if (counts.ownershipCheck) console.log(line('GetCurrentUserData calls', userData.calls));
  if (search.calls > 0) console.log(line('SearchUsers calls', search.calls));
  console.log(line('429s from Connect: UpdateContactAttributes', update.throttled));
  console.log(line('429s from Connect: DescribeContact', describe.throttled));
  if (counts.ownershipCheck) console.log(line('429s from Connect: GetCurrentUserData', userData.throttled));
  console.log(line('429s from the relay to the browser', relay429 - counts.stageThrottled));
  // The relay's retryable 503: Connect gave no answer within its deadline (connectTimeoutMs), or the queue was down.
  console.log(line('503s from the relay to the browser', counts.browser.statuses.get(503) ?? 0));
  console.log(line('429s from the stage throttle (modelled)', counts.stageThrottled));
  console.log(`      browser answers: ${statuses}`);
  console.log(`      rule event -> landed: ${ms(counts.eventToLanded)}`);
  if (counts.mode === 'queued') {
    console.log(`      accept (202) -> landed: ${ms(counts.acceptToLanded)}`);
    console.log(
      `      accept (202) -> the browser heard of it (${counts.sockets ? 'pushed' : 'its poll found the outcome'}): ${ms(counts.acceptToHeard)}; ` +
        `${counts.unheard} never heard of`,
    );
  }
  console.log(
    `      drain ${counts.drainS.toFixed(1)} s against an ideal of ${idealS.toFixed(1)} s at ${counts.paceFor.what} ${counts.paceFor.perSecond}/s (${(counts.drainS / idealS).toFixed(3)}x); lost ${counts.lost} (attribute values missing from the stand-in's store)`,
  );
  if (counts.mode === 'queued') {
    // Where a queued drain loses time against the ideal: the gaps between consecutive UpdateContactAttributes calls.
    const times = counts.connect
      .filter((request) => request.action === 'UpdateContactAttributes')
      .map((request) => Date.parse(request.time))
      .sort((a, b) => a - b);
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    const interval = 1000 / counts.paceFor.perSecond;
    const lostS = gaps.reduce((sum, gap) => sum + Math.max(0, gap - interval), 0) / 1000;
    console.log(
      `      gaps between UpdateContactAttributes calls: median ${percentile(gaps, 50)} ms, p99 ${percentile(gaps, 99)} ms, ` +
        `longest ${Math.max(...gaps)} ms (the pace's interval: ${interval} ms; ${lostS.toFixed(1)} s over it in all)`,
    );
  }
  for (const extra of counts.extra) console.log(`      ${extra}`);
}
