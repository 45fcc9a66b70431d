/**
 * Queued mode's outcome socket settings (deploy/outcome-socket.ts): whether the stack makes the WebSocket API that
 * pushes outcomes to the browsers (on unless `socket=false`), its stage throttle, and where the socket finds the keys
 * of another OIDC issuer. Read like the others (deploy/settings.ts), which refuses them outside queued mode.
 */

/** The socket's settings; absent from the queued settings when the socket is off. */
export interface SocketSettings {
  /** Messages per second the socket's stage lets through, connections included. */
  throttleRateLimit: number;
  /** Burst the socket's stage lets through. */
  throttleBurstLimit: number;
  /**
   * With another OIDC issuer: its JWKS URL (its discovery document's `jwks_uri`); default `<issuer>/.well-known/jwks.json`.
   * The socket verifies tokens itself (they arrive in a message, where API Gateway's JWT authorizer does not look).
   */
  jwksUri?: string;
}

/** Each setting's context key and environment variable. */
export const socketSettingNames = {
  socket: ['socket', 'RELAY_SOCKET'],
  socketThrottleRateLimit: ['socketThrottleRateLimit', 'RELAY_SOCKET_THROTTLE_RATE_LIMIT'],
  socketThrottleBurstLimit: ['socketThrottleBurstLimit', 'RELAY_SOCKET_THROTTLE_BURST_LIMIT'],
  socketJwksUri: ['socketJwksUri', 'RELAY_SOCKET_JWKS_URI'],
} as const;

type SocketSettingName = keyof typeof socketSettingNames;

/**
 * A fleet of 1,000 agents pings every 5 minutes (3.3 messages/s) and renews its subscriptions about hourly; after an
 * outage every browser reconnects and subscribes again (2 messages each), which 100/s with a burst of 200 admits
 * within about 10 s, well under API Gateway's 500 new WebSocket connections per second per account and Region
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html).
 * A throttled browser polls meanwhile and reconnects with backoff.
 */
export const defaultSocketThrottle = { rateLimit: 100, burstLimit: 200 };

/** What deploy/settings.ts hands over: each setting's text (undefined when unset) and how to name it. */
export interface SocketSettingsInput {
  raw: (name: SocketSettingName) => string | undefined;
  describe: (name: SocketSettingName) => string;
  /** Whether another OIDC issuer (not a user pool) signs the tokens. */
  oidcIssuer: boolean;
}

/** Reads and checks the socket's settings; adds every problem to `problems`; undefined when the socket is off. */
export function readSocketSettings(input: SocketSettingsInput, problems: string[]): SocketSettings | undefined {
  const { raw, describe } = input;
  const onText = raw('socket');
  if (onText !== undefined && onText !== 'true' && onText !== 'false')
    problems.push(`${describe('socket')} must be true or false; got '${onText}'`);
  if (onText === 'false') {
    for (const name of ['socketThrottleRateLimit', 'socketThrottleBurstLimit', 'socketJwksUri'] as const)
      if (raw(name) !== undefined) problems.push(`${describe(name)} is a socket setting: leave socket on`);
    return undefined;
  }
  const limit = (name: SocketSettingName, fallback: number): number => {
    const text = raw(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      problems.push(`${describe(name)} must be a whole number, at least 1; got '${text}'`);
    return value;
  };
  const jwksUri = raw('socketJwksUri');
  if (jwksUri !== undefined && !input.oidcIssuer)
    problems.push(`${describe('socketJwksUri')} is for another OIDC issuer: a user pool's keys are found from its id`);
  else if (jwksUri !== undefined && !/^https:\/\/[^\s]+$/.test(jwksUri))
    problems.push(`${describe('socketJwksUri')} must be an https URL; got '${jwksUri}'`);
  return {
    throttleRateLimit: limit('socketThrottleRateLimit', defaultSocketThrottle.rateLimit),
    throttleBurstLimit: limit('socketThrottleBurstLimit', defaultSocketThrottle.burstLimit),
    ...(jwksUri !== undefined ? { jwksUri } : {}),
  };
}
