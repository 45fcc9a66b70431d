/**
 * SearchContacts' own request-rate quota in the Connect API stand-in (server.ts): a token bucket apart from the other
 * actions'.
 */
export class SearchQuota {
  #rate: { ratePerSecond: number; burst: number } | null;
  #bucket: { tokens: number; atMs: number };

  constructor(rate: { ratePerSecond: number; burst: number } | null, nowMs: number) {
    this.#rate = rate;
    this.#bucket = { tokens: rate?.burst ?? 0, atMs: nowMs };
  }

  /** Takes a token; true when none is left (the request is throttled). */
  take(nowMs: number): boolean {
    const rate = this.#rate;
    if (!rate) return false;
    const elapsedMs = Math.max(0, nowMs - this.#bucket.atMs);
    const tokens = Math.min(rate.burst, this.#bucket.tokens + (elapsedMs * rate.ratePerSecond) / 1000);
    this.#bucket = { tokens: tokens >= 1 ? tokens - 1 : tokens, atMs: nowMs };
    return tokens < 1;
  }
}
