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
