/**
 * The drop-in script tag's vocabulary: the data-* attributes it reads, the configuration they make, and the error
 * that names each problem by its attribute. Read and checked by `src/drop-in-config.ts`.
 */
import type { CognitoCredentialsOptions } from './client.ts';
import type { TagRule } from './tagging/rules.ts';

/**
 * The data-* attributes the drop-in script reads (names without `data-`). What each sets is told in the README's
 * drop-in table (test/node/readme.test.ts checks that it names them all); only the names ship in the script.
 */
export const DROP_IN_ATTRIBUTES = [
  'ccp-url',
  'ccp-container',
  'allow-framed-softphone',
  'region',
  'instance-id',
  'endpoint',
  'relay-url',
  'relay-socket-url',
  'identity-pool-id',
  'login-provider',
  'login-token-function',
  'login-token-storage',
  'cognito-endpoint',
  'rules',
  'rules-url',
  'rules-origin',
  'target',
  'locale',
  'outbox-debounce-ms',
  'outbox-max-age-ms',
  'outbox-rate',
] as const;

export type DropInAttribute = (typeof DROP_IN_ATTRIBUTES)[number];

/** Configuration read from the script element. */
export interface DropInConfig {
  ccpUrl: string | undefined;
  ccpContainer: string | undefined;
  /** Streams' `softphone.allowFramedSoftphone` for the CCP the drop-in creates (default true). */
  allowFramedSoftphone: boolean;
  region: string | undefined;
  instanceId: string | undefined;
  endpoint: string | undefined;
  cognito: (Omit<CognitoCredentialsOptions, 'logins'> & { loginProvider: string; token: TokenSource }) | undefined;
  /** Relay mode: the relay's URL, its WebSocket URL for pushed outcomes (queued mode), where the agent's token comes from. */
  relay: { url: string; socketUrl?: string; token: TokenSource } | undefined;
  /** The inline rules, parsed and checked. */
  rules: TagRule[] | undefined;
  rulesUrl: string | undefined;
  /** The origins `rulesUrl` may be fetched from (after redirects): the page's own, and the one data-rules-origin allows. */
  rulesOrigins: readonly string[];
  target: string | undefined;
  /** The editors' language tag, as given (the editor picks the nearest of its languages, else English). */
  locale: string | undefined;
  outbox: { debounceMs?: number; maxAgeMs?: number; rate?: { ratePerSecond: number; burst: number } };
}

/** Where the login token comes from. */
export type TokenSource = { function: string } | { storage: string };

/** One problem of the configuration. */
export interface DropInProblem {
  attribute: `data-${DropInAttribute}` | 'data-*';
  message: string;
}

/** The data-* settings of the CCP itself: while they are valid, the drop-in creates the CCP whatever else is wrong. */
export const CCP_ATTRIBUTES: readonly DropInProblem['attribute'][] = [
  'data-ccp-url',
  'data-ccp-container',
  'data-allow-framed-softphone',
];

/** Thrown with every configuration problem. */
export class DropInConfigError extends Error {
  override readonly name = 'DropInConfigError';
  readonly problems: readonly DropInProblem[];
  constructor(problems: readonly DropInProblem[]) {
    super(`ccp-attributes: bad configuration:\n${problems.map((p) => `- ${p.attribute}: ${p.message}`).join('\n')}`);
    this.problems = problems;
  }
}
