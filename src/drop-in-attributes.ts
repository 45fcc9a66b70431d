/**
 * The drop-in script tag's vocabulary: the data-* attributes it reads, the configuration they make, and the error
 * that names each problem by its attribute. Read and checked by `src/drop-in-config.ts`.
 */
import type { CognitoCredentialsOptions } from './client.ts';
import type { TagRule } from './tagging/rules.ts';

/** The data-* attributes the drop-in script reads (names without `data-`). */
export const DROP_IN_ATTRIBUTES = {
  'ccp-url': 'URL of your CCP; when the page has no CCP yet, one is created in `ccp-container`.',
  'ccp-container':
    'CSS selector of the element that receives the CCP iframe (default: a new element after the script).',
  'allow-framed-softphone':
    'Whether the CCP the drop-in creates runs the softphone in its frame: true (default) or false (the page runs it).',
  region: "AWS region of the Amazon Connect instance (default: read from the agent's ARN).",
  'instance-id': 'Amazon Connect instance id, when it cannot be read from the ARNs Streams gives.',
  endpoint:
    'Another Amazon Connect endpoint: your own proxy, or the local stand-in (direct mode). https:, or http: to a loopback address only.',
  'relay-url':
    'Relay mode: URL of the owner-checking relay; writes go there with the login token, and the AWS SDK is never loaded. https:, or http: to a loopback address only.',
  'identity-pool-id': 'Direct mode: Cognito identity pool id (region:uuid), for the credentials.',
  'login-provider': "The identity pool's login provider name, e.g. cognito-idp.<region>.amazonaws.com/<user pool id>.",
  'login-token-function':
    'Name of a global function that returns (a promise of) the login token (a fresh one when it expires).',
  'login-token-storage': 'Key in sessionStorage (then localStorage) that holds the login token.',
  'cognito-endpoint':
    'Another Cognito Identity endpoint (the local stand-in). https:, or http: to a loopback address only.',
  rules: 'Tagging rules as inline JSON (a list of rules).',
  'rules-url': "URL of a JSON file of tagging rules, on the page's own origin unless data-rules-origin allows another.",
  'rules-origin':
    'The one other origin data-rules-url may be on (e.g. https://config.example.com); https:, or http: to a loopback address only.',
  target:
    'CSS selector of the element that receives a <ccp-attributes> editor (default: none; place the element yourself).',
  locale:
    "Language of the editors' words (de, pt-BR, de_DE, ...), for editors without their own locale attribute (default: the agent's CCP language).",
  'outbox-debounce-ms': 'How long rule tags wait to coalesce (ms).',
  'outbox-max-age-ms': 'Pending writes older than this are expired with an event (ms).',
  'outbox-rate': 'Client-side request rate limit, requests per second.',
} as const;

export type DropInAttribute = keyof typeof DROP_IN_ATTRIBUTES;

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
  /** Relay mode: the relay's URL and where the agent's token comes from. */
  relay: { url: string; token: TokenSource } | undefined;
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
