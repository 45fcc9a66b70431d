/**
 * Which addresses may carry the agent's login token or AWS credentials: `https:` anywhere, and plain `http:` only to
 * a loopback address (the request never leaves the machine, as with the local stand-ins). Browsers treat the same
 * hosts as potentially trustworthy (https://www.w3.org/TR/secure-contexts/#is-origin-trustworthy).
 */

/** Whether `hostname` (a URL's, as the URL parser normalizes it) is localhost, in 127.0.0.0/8, or [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  // The URL parser writes every IPv4 form (0x7f.1, 2130706433) as four decimal numbers.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether a request to `url` may carry secrets: `https:`, or `http:` to a loopback host. */
export function isSecureTransport(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/**
 * Whether a WebSocket to `url` may carry secrets (its first message carries the login token): `wss:`, or `ws:` to a
 * loopback host, the same rule as isSecureTransport's for requests.
 */
export function isSecureSocket(url: URL): boolean {
  return url.protocol === 'wss:' || (url.protocol === 'ws:' && isLoopbackHost(url.hostname));
}

/**
 * Fails fast with a `TypeError` naming `owner` and its `option` when `value` is not a URL, or not one that may carry
 * secrets (see isSecureTransport). Returns the parsed URL.
 */
export function secureEndpoint(owner: string, option: string, value: string): URL {
  const url = urlOf(owner, option, value);
  if (!isSecureTransport(url)) {
    throw new TypeError(
      `${owner}: the \`${option}\` option must be an https: URL (plain http: only to a loopback address: localhost, 127.0.0.0/8, [::1]), ` +
        `since its requests carry the login token or AWS credentials: ${value}`,
    );
  }
  return url;
}

/** Like secureEndpoint, for a WebSocket URL (see isSecureSocket). Returns the parsed URL. */
export function secureSocketEndpoint(owner: string, option: string, value: string): URL {
  const url = urlOf(owner, option, value);
  if (!isSecureSocket(url)) {
    throw new TypeError(
      `${owner}: the \`${option}\` option must be a wss: URL (plain ws: only to a loopback address: localhost, 127.0.0.0/8, [::1]), ` +
        `since its first message carries the login token: ${value}`,
    );
  }
  return url;
}

function urlOf(owner: string, option: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new TypeError(`${owner}: the \`${option}\` option is not a URL: ${value}`);
  }
}
