/**
 * TEMPORARY (the contract's shapes) until relay-sync's outcome store arrives; replaced by theirs at the merge.
 */
export interface WriteOutcome {
  sub: string;
  writeId: string;
  requestId: string;
  instanceId: string;
  initialContactId: string;
  contactId: string;
  keys: string[];
  state: 'landed' | 'refused' | 'failed' | 'dead-letter';
  status: number;
  errorType?: string;
  message?: string;
  at: number;
}
export interface OutcomeStore {
  record(outcome: WriteOutcome): Promise<void>;
  recent(sub: string, sinceMs: number): Promise<WriteOutcome[]>;
}
export function createMemoryOutcomeStore(): OutcomeStore {
  const all: WriteOutcome[] = [];
  return {
    // eslint-disable-next-line @typescript-eslint/require-await
    async record(outcome) {
      all.push(outcome);
    },
    // eslint-disable-next-line @typescript-eslint/require-await
    async recent(sub, sinceMs) {
      return all.filter((o) => o.sub === sub && o.at >= sinceMs);
    },
  };
}
