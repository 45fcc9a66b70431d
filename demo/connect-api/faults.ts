/**
 * Injected faults: token-bucket request-rate quotas, one bucket per Connect action (Connect's throttling limits "are
 * defined for each API separately at the AWS account level": Amazon Connect API Reference, "Best practices for using
 * Amazon Connect APIs"), failures of the next N requests, added latency, dropped
 * connections, requests never answered, ambiguous failures of the next N writes (stored, then the connection dropped,
 * a 500 answered, or no answer ever) and the lifetime of newly issued Cognito credentials and user pool tokens.
 */
import { isRecord } from './json.ts';
import type { Faults, MeteredAction, Quota } from './types.ts';

const meteredActions: readonly MeteredAction[] = [
  'UpdateContactAttributes',
  'GetContactAttributes',
  'DescribeContact',
  'SearchUsers',
  'SearchContacts',
  'GetCurrentUserData',
];

/**
 * Connect's default quotas as far as public listings tell (unconfirmed; check your account's in Service Quotas):
 * UpdateContactAttributes and DescribeContact about 10 requests/s each (bursts of 15 assumed), the other actions
 * Connect's general default of 2 requests/s, burst 5 (for GetCurrentUserData, Service Quotas lists "Rate of
 * GetCurrentUserData API requests", quota code L-9E54B88B, at 2 by default). Inject them with
 * `setFaults({quotas: connectDefaultQuotas})`.
 */
export const connectDefaultQuotas: Readonly<Record<MeteredAction, Quota>> = {
  UpdateContactAttributes: { ratePerSecond: 10, burst: 15 },
  DescribeContact: { ratePerSecond: 10, burst: 15 },
  GetContactAttributes: { ratePerSecond: 2, burst: 5 },
  SearchUsers: { ratePerSecond: 2, burst: 5 },
  SearchContacts: { ratePerSecond: 2, burst: 5 },
  GetCurrentUserData: { ratePerSecond: 2, burst: 5 },
};

/** A failure to answer instead of the real one. */
export interface Failure {
  status: number;
  type: string;
}

/** What happens to a write after it was stored: its connection is dropped, it is answered 500, or never answered. */
export type AfterStore = 'drop' | 'fail' | 'hang';

/** The current faults and the state they need (each action's bucket, the countdowns). */
export class FaultState {
  #faults: Faults = {};
  #buckets = new Map<MeteredAction, { tokens: number; atMs: number }>();

  /** The faults in force. */
  current(): Faults {
    return structuredClone(this.#faults);
  }

  /**
   * Merges a patch: a field set to null is cleared, a field left out is kept. Setting `quota` or `quotas` refills every
   * bucket.
   */
  merge(patch: Faults, nowMs: number): void {
    const next = new Map<string, unknown>(Object.entries(this.#faults));
    for (const [name, value] of Object.entries(patch)) {
      if (value === null) next.delete(name);
      else if (value !== undefined) next.set(name, value);
    }
    this.#faults = Object.fromEntries(next);
    if (patch.quota !== undefined || patch.quotas !== undefined) {
      this.#buckets.clear();
      for (const action of meteredActions) {
        const quota = this.#quotaOf(action);
        if (quota) this.#buckets.set(action, { tokens: quota.burst, atMs: nowMs });
      }
    }
  }

  /** Clears every fault. */
  clear(): void {
    this.#faults = {};
  }

  /** True when this connection is to be dropped (counts down dropNext). */
  takeDrop(): boolean {
    return this.#countDown('dropNext');
  }

  /** True when this request is to be left unanswered and unprocessed (counts down hangNext). */
  takeHang(): boolean {
    return this.#countDown('hangNext');
  }

  /**
   * The ambiguous failure of a write just stored, if one is due (counts down dropAfterStoreNext, then
   * failAfterStoreNext, then hangAfterStoreNext).
   */
  takeAfterStore(): AfterStore | undefined {
    if (this.#countDown('dropAfterStoreNext')) return 'drop';
    if (this.#countDown('failAfterStoreNext')) return 'fail';
    if (this.#countDown('hangAfterStoreNext')) return 'hang';
    return undefined;
  }

  /** True when the countdown was above 0; takes one from it (and clears it at 0). */
  #countDown(name: Countdown): boolean {
    const left = this.#faults[name] ?? 0;
    if (left <= 0) return false;
    if (left === 1) this.#faults = withoutField(this.#faults, name);
    else this.#faults[name] = left - 1;
    return true;
  }

  /** Milliseconds to wait before answering. */
  latencyMs(): number {
    return this.#faults.latencyMs ?? 0;
  }

  /** Lifetime of newly issued credentials, when overridden. */
  credentialTtlSeconds(): number | undefined {
    return this.#faults.credentialTtlSeconds ?? undefined;
  }

  /** Lifetime of newly issued user pool tokens, when overridden. */
  tokenTtlSeconds(): number | undefined {
    return this.#faults.tokenTtlSeconds ?? undefined;
  }

  /** Takes a token from `action`'s bucket; true when there is none left (the request is throttled). */
  takeThrottle(action: string, nowMs: number): boolean {
    if (!isMetered(action)) return false;
    const quota = this.#quotaOf(action);
    if (!quota) return false;
    const bucket = this.#buckets.get(action) ?? { tokens: quota.burst, atMs: nowMs };
    const elapsedMs = Math.max(0, nowMs - bucket.atMs);
    const tokens = Math.min(quota.burst, bucket.tokens + (elapsedMs * quota.ratePerSecond) / 1000);
    const throttled = tokens < 1;
    this.#buckets.set(action, { tokens: throttled ? tokens : tokens - 1, atMs: nowMs });
    return throttled;
  }

  /** The quota of `action`: its own in `quotas` (null: none), else `quota`. */
  #quotaOf(action: MeteredAction): Quota | undefined {
    const own = this.#faults.quotas?.[action];
    if (own !== undefined) return own ?? undefined;
    return this.#faults.quota ?? undefined;
  }

  /** The failure to answer with when failNext is counting down (500 InternalServiceException unless set). */
  takeFailure(): Failure | undefined {
    const failNext = this.#faults.failNext;
    if (!failNext || failNext.count <= 0) return undefined;
    if (failNext.count === 1) delete this.#faults.failNext;
    else this.#faults.failNext = { ...failNext, count: failNext.count - 1 };
    return { status: failNext.status ?? 500, type: failNext.type ?? 'InternalServiceException' };
  }
}

function isMetered(action: string): action is MeteredAction {
  return (meteredActions as readonly string[]).includes(action);
}

/** The faults that count down one request at a time. */
type Countdown = 'dropNext' | 'hangNext' | 'dropAfterStoreNext' | 'failAfterStoreNext' | 'hangAfterStoreNext';

/** The faults without one field: a copy, instead of deleting a computed key. */
function withoutField(faults: Faults, name: keyof Faults): Faults {
  return Object.fromEntries(Object.entries(faults).filter(([key]) => key !== name));
}

/** Checks a Faults patch received as JSON; throws a TypeError naming the bad field. */
export function parseFaults(value: unknown): Faults {
  if (!isRecord(value)) throw new TypeError('faults: expected an object');
  const faults: Faults = {};
  for (const [name, field] of Object.entries(value)) {
    switch (name) {
      case 'quota':
        faults.quota = field === null ? null : parseQuota(field, 'faults.quota');
        break;
      case 'quotas':
        faults.quotas = field === null ? null : parseQuotas(field);
        break;
      case 'failNext':
        faults.failNext = parseFailNext(field);
        break;
      case 'latencyMs':
        faults.latencyMs = nullOr(field, (v) => count(v), 'faults.latencyMs: expected a number >= 0 or null');
        break;
      case 'dropNext':
      case 'hangNext':
      case 'dropAfterStoreNext':
      case 'failAfterStoreNext':
      case 'hangAfterStoreNext':
        faults[name] = nullOr(
          field,
          (v) => count(v) && Number.isInteger(v),
          `faults.${name}: expected an integer >= 0 or null`,
        );
        break;
      case 'credentialTtlSeconds':
      case 'tokenTtlSeconds':
        faults[name] = nullOr(field, positive, `faults.${name}: expected a number > 0 or null`);
        break;
      default:
        throw new TypeError(`faults: unknown field ${name}`);
    }
  }
  return faults;
}

function parseQuota(field: unknown, name: string): Quota {
  if (isRecord(field) && positive(field['ratePerSecond']) && positive(field['burst']))
    return { ratePerSecond: field['ratePerSecond'], burst: field['burst'] };
  throw new TypeError(`${name}: expected {ratePerSecond > 0, burst > 0} or null`);
}

function parseQuotas(field: unknown): NonNullable<Faults['quotas']> {
  if (!isRecord(field)) throw new TypeError(`faults.quotas: expected an object keyed by ${meteredActions.join(', ')}`);
  const quotas: NonNullable<Faults['quotas']> = {};
  for (const [action, quota] of Object.entries(field)) {
    if (!isMetered(action))
      throw new TypeError(`faults.quotas: unknown action ${action} (one of ${meteredActions.join(', ')})`);
    quotas[action] = quota === null ? null : parseQuota(quota, `faults.quotas.${action}`);
  }
  return quotas;
}

function parseFailNext(field: unknown): Faults['failNext'] {
  if (field === null) return null;
  if (!isRecord(field) || !count(field['count']) || !Number.isInteger(field['count'])) {
    throw new TypeError('faults.failNext: expected {count: integer >= 0, status?, type?} or null');
  }
  const { status, type } = field;
  if (status !== undefined && !(Number.isInteger(status) && Number(status) >= 400 && Number(status) <= 599)) {
    throw new TypeError('faults.failNext.status: expected an HTTP error status (400..599)');
  }
  if (type !== undefined && (typeof type !== 'string' || !/^[A-Za-z]+$/.test(type))) {
    throw new TypeError('faults.failNext.type: expected an error type name');
  }
  return {
    count: field['count'],
    ...(status === undefined ? {} : { status: Number(status) }),
    ...(type === undefined ? {} : { type }),
  };
}

/** The number, or null, or a TypeError when the value is neither null nor accepted by the check. */
function nullOr(value: unknown, check: (value: number) => boolean, message: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !check(value)) throw new TypeError(message);
  return value;
}

function positive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function count(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
