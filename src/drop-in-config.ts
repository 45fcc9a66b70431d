/**
 * The drop-in script tag's configuration: read from the script element's data-* attributes,
 * checked, and turned into plugin options. Every problem names the attribute it comes from; a setting with a problem
 * is left out, so the valid rest (the CCP's own settings above all) can still be used.
 */
import {
  DROP_IN_ATTRIBUTES,
  DropInConfigError,
  type DropInAttribute,
  type DropInConfig,
  type DropInProblem,
  type TokenSource,
} from './drop-in-attributes.ts';
import { isSecureSocket, isSecureTransport } from './secure-url.ts';
import { parseRules, TagRuleError, type TagRule } from './tagging/rules.ts';

export * from './drop-in-attributes.ts';

/**
 * Reads and checks the drop-in configuration from a script element's dataset; throws a DropInConfigError naming
 * every problem. Relative URLs resolve against `base` (the document's base URL); `pageOrigin` is the page's own origin
 * (`location.origin`, which a `<base>` element cannot change), the one data-rules-url may be on without
 * data-rules-origin.
 */
export function readDropInConfig(
  dataset: DOMStringMap,
  base: string,
  pageOrigin: string = new URL(base).origin,
): DropInConfig {
  const { config, problems } = inspectDropInConfig(dataset, base, pageOrigin);
  if (problems.length > 0) throw new DropInConfigError(problems);
  return config;
}

/**
 * Reads and checks the drop-in configuration like `readDropInConfig`, without throwing: every problem, and the
 * configuration with each setting that has a problem left out (undefined; the softphone then at its default).
 */
export function inspectDropInConfig(
  dataset: DOMStringMap,
  base: string,
  pageOrigin: string = new URL(base).origin,
): { config: DropInConfig; problems: DropInProblem[] } {
  const problems: DropInProblem[] = [];
  const known = new Set<string>(DROP_IN_ATTRIBUTES.map(camel));
  for (const key of Object.keys(dataset)) {
    if (!known.has(key))
      problems.push({ attribute: 'data-*', message: `data-${kebab(key)} is not a ccp-attributes setting.` });
  }
  const text = (name: DropInAttribute): string | undefined => {
    const value = dataset[camel(name)]?.trim();
    return value === '' ? undefined : value;
  };
  const url = (name: DropInAttribute): string | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    try {
      return new URL(value, base).href;
    } catch {
      problems.push({ attribute: `data-${name}`, message: `${JSON.stringify(value)} is not a URL.` });
      return undefined;
    }
  };
  // These carry the login token or AWS credentials (data-endpoint: signed requests with the session token; the
  // socket: in its first message), or decide what is written (data-rules-origin): never in clear text over a network.
  const secureUrl = (
    name: 'endpoint' | 'cognito-endpoint' | 'relay-url' | 'relay-socket-url' | 'rules-origin',
  ): string | undefined => {
    const value = url(name);
    if (value === undefined) return undefined;
    const parsed = new URL(value);
    const socket = name === 'relay-socket-url';
    if (socket ? isSecureSocket(parsed) : isSecureTransport(parsed)) return value;
    const what =
      name === 'endpoint' ? 'AWS credentials' : name === 'rules-origin' ? 'the tagging rules' : 'the login token';
    const [secure, plain] = socket ? ['wss:', 'ws:'] : ['https:', 'http:'];
    problems.push({
      attribute: `data-${name}`,
      message:
        parsed.protocol === plain
          ? `${JSON.stringify(value)} would carry ${what} in clear text: use ${secure} (${plain} only to a loopback address: localhost, 127.0.0.0/8, [::1]).`
          : `${JSON.stringify(value)} is not ${socket ? 'a' : 'an'} ${secure} URL.`,
    });
    return undefined;
  };
  const number = (name: DropInAttribute): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) {
      problems.push({ attribute: `data-${name}`, message: `${JSON.stringify(value)} is not a positive number.` });
      return undefined;
    }
    return parsed;
  };

  let region = text('region');
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    problems.push({
      attribute: 'data-region',
      message: `${JSON.stringify(region)} is not an AWS region (like us-east-1).`,
    });
    region = undefined;
  }

  let cognito: DropInConfig['cognito'];
  const identityPoolId = text('identity-pool-id');
  const loginProvider = text('login-provider');
  const tokenFunction = text('login-token-function');
  const tokenStorage = text('login-token-storage');
  const cognitoEndpoint = secureUrl('cognito-endpoint');
  const relayUrl = secureUrl('relay-url');
  const relaySocketUrl = secureUrl('relay-socket-url');
  if (relaySocketUrl !== undefined && text('relay-url') === undefined)
    problems.push({ attribute: 'data-relay-socket-url', message: 'needs data-relay-url.' });
  const tokenSource = (): TokenSource | undefined => {
    if ((tokenFunction === undefined) === (tokenStorage === undefined)) {
      problems.push({
        attribute: 'data-login-token-function',
        message: 'give exactly one of data-login-token-function and data-login-token-storage.',
      });
      return undefined;
    }
    return tokenFunction !== undefined ? { function: tokenFunction } : { storage: tokenStorage ?? '' };
  };
  let relay: DropInConfig['relay'];
  // Relay mode is chosen by the attribute being there, even when its URL is wrong (that problem is reported above).
  if (text('relay-url') !== undefined) {
    if (identityPoolId !== undefined)
      problems.push({
        attribute: 'data-relay-url',
        message: 'give data-relay-url (relay mode) or data-identity-pool-id (direct mode), not both.',
      });
    for (const name of ['login-provider', 'cognito-endpoint', 'endpoint'] as const) {
      if (text(name) !== undefined)
        problems.push({
          attribute: `data-${name}`,
          message: 'is for direct mode; with data-relay-url the relay calls Amazon Connect.',
        });
    }
    const token = tokenSource();
    if (token && relayUrl !== undefined && identityPoolId === undefined)
      relay = { url: relayUrl, ...(relaySocketUrl === undefined ? {} : { socketUrl: relaySocketUrl }), token };
  } else if (identityPoolId !== undefined) {
    const poolIdValid = /^[a-z]{2}(-[a-z]+)+-\d+:[0-9a-f-]+$/.test(identityPoolId);
    if (!poolIdValid) {
      problems.push({
        attribute: 'data-identity-pool-id',
        message: `${JSON.stringify(identityPoolId)} is not an identity pool id (region:uuid).`,
      });
    }
    if (loginProvider === undefined) {
      problems.push({
        attribute: 'data-login-provider',
        message: 'is required with data-identity-pool-id (unauthenticated identities are not supported).',
      });
    }
    const token = tokenSource();
    if (poolIdValid && loginProvider !== undefined && token) {
      cognito = {
        identityPoolId,
        loginProvider,
        token,
        ...(cognitoEndpoint === undefined ? {} : { endpoint: cognitoEndpoint }),
      };
    }
  } else {
    for (const name of ['login-provider', 'login-token-function', 'login-token-storage', 'cognito-endpoint'] as const) {
      if (text(name) !== undefined)
        problems.push({
          attribute: `data-${name}`,
          message:
            name === 'login-token-function' || name === 'login-token-storage'
              ? 'needs data-relay-url or data-identity-pool-id.'
              : 'needs data-identity-pool-id.',
        });
    }
  }

  let rules: TagRule[] | undefined;
  const inlineRules = text('rules');
  if (inlineRules !== undefined) {
    let parsed: unknown;
    let problem: DropInProblem | undefined;
    try {
      parsed = JSON.parse(inlineRules);
    } catch (error) {
      problem = { attribute: 'data-rules', message: `is not valid JSON (${(error as Error).message}).` };
    }
    if (!problem) {
      const checked = checkRules(parsed, 'data-rules');
      if ('problem' in checked) problem = checked.problem;
      else rules = checked.rules;
    }
    if (problem) problems.push(problem);
  }
  const rulesUrl = url('rules-url');
  if (inlineRules !== undefined && rulesUrl !== undefined) {
    problems.push({ attribute: 'data-rules-url', message: 'give data-rules or data-rules-url, not both.' });
  }
  // An opaque origin ('null': a sandboxed frame, a data: URL) is no origin to trust; a data: rules URL has one too.
  const rulesOrigins = pageOrigin === 'null' ? [] : [pageOrigin];
  const rulesOrigin = secureUrl('rules-origin');
  if (rulesOrigin !== undefined) {
    const origin = new URL(rulesOrigin).origin;
    if (rulesOrigin !== `${origin}/`) {
      problems.push({
        attribute: 'data-rules-origin',
        message: `${JSON.stringify(text('rules-origin'))} is not an origin (scheme://host[:port], like https://config.example.com).`,
      });
    } else if (rulesUrl === undefined) {
      problems.push({ attribute: 'data-rules-origin', message: 'needs data-rules-url.' });
    } else {
      rulesOrigins.push(origin);
    }
  }
  if (rulesUrl !== undefined && !rulesOrigins.includes(new URL(rulesUrl).origin)) {
    const origin = new URL(rulesUrl).origin;
    problems.push({
      attribute: 'data-rules-url',
      message:
        origin === 'null'
          ? `${rulesUrl} has no origin to allow: give the rules inline in data-rules, or serve them from this page's origin.`
          : `${rulesUrl} is not on this page's origin (${pageOrigin}): to fetch rules from ${origin}, allow it with data-rules-origin="${origin}".`,
    });
  }

  const ccpUrl = url('ccp-url');
  let locale = text('locale');
  if (locale !== undefined && !isLanguageTag(locale)) {
    problems.push({
      attribute: 'data-locale',
      message: `${JSON.stringify(locale)} is not a language tag (like de, pt-BR or de_DE).`,
    });
    locale = undefined;
  }
  const softphone = text('allow-framed-softphone');
  if (softphone !== undefined && softphone !== 'true' && softphone !== 'false') {
    problems.push({
      attribute: 'data-allow-framed-softphone',
      message: `${JSON.stringify(softphone)} is neither true nor false.`,
    });
  }

  const ccpContainer = text('ccp-container');
  if (ccpContainer !== undefined && ccpUrl === undefined) {
    problems.push({ attribute: 'data-ccp-container', message: 'needs data-ccp-url.' });
  }

  const endpoint = secureUrl('endpoint');
  const debounceMs = number('outbox-debounce-ms');
  const maxAgeMs = number('outbox-max-age-ms');
  const rate = number('outbox-rate');
  // A rules URL with a problem (its own, or its allowed origin's) is not fetched.
  const rulesUrlUsable = !problems.some((p) => p.attribute === 'data-rules-url' || p.attribute === 'data-rules-origin');
  const config: DropInConfig = {
    ccpUrl,
    ccpContainer,
    allowFramedSoftphone: softphone !== 'false',
    region,
    instanceId: text('instance-id'),
    endpoint,
    cognito,
    relay,
    rules,
    rulesUrl: rulesUrlUsable ? rulesUrl : undefined,
    rulesOrigins,
    target: text('target'),
    locale,
    outbox: {
      ...(debounceMs === undefined ? {} : { debounceMs }),
      ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
      ...(rate === undefined ? {} : { rate: { ratePerSecond: rate, burst: Math.max(1, Math.ceil(rate * 2)) } }),
    },
  };
  return { config, problems };
}

/** A tagging rule list read from `attribute`, parsed, or its problem. */
export function checkRules(
  rules: unknown,
  attribute: 'data-rules' | 'data-rules-url',
): { rules: TagRule[] } | { problem: DropInProblem } {
  try {
    return { rules: parseRules(rules) };
  } catch (error) {
    if (!(error instanceof TagRuleError)) throw error;
    return { problem: { attribute, message: error.message } };
  }
}

/** True for a BCP 47 language tag, or a CCP one with an underscore (`de_DE`). */
function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag.replace(/_/g, '-')).length === 1;
  } catch {
    return false;
  }
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
