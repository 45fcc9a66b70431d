/**
 * The relay's `queue` setting (queued mode): the SQS FIFO queue the relay hands accepted writes to, and an endpoint
 * for an SQS-compatible server (fauxqs) offline. Also read from the environment: RELAY_QUEUE_URL and
 * RELAY_SQS_ENDPOINT, for the Lambda functions and the worker.
 */
import { isSecureTransport } from '../secure-url.ts';

/** Queued mode: present means the relay answers 202 once SQS holds the write, and a worker lands it. */
export interface RelayQueue {
  /** The FIFO queue's URL, `https://sqs.<region>.amazonaws.com/<account>/<name>.fifo`. */
  url: string;
  /** The SQS endpoint, for an SQS-compatible server (https, or http on a loopback host); default: the queue URL's. */
  endpoint?: string;
}

/** Checks a `queue` setting, adding its problems to `problems`; undefined when absent or wrong. */
export function checkQueue(value: unknown, problems: string[]): RelayQueue | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('queue must be an object {"url": "<FIFO queue URL>", "endpoint"?: "<SQS endpoint>"}');
    return undefined;
  }
  const { url, endpoint, ...rest } = value as Record<string, unknown>;
  for (const key of Object.keys(rest)) problems.push(`unknown setting queue.${key}`);
  const before = problems.length;
  const parsed = typeof url === 'string' ? parse(url) : undefined;
  if (!parsed || !parsed.pathname.endsWith('.fifo'))
    problems.push('queue.url must be the URL of an SQS FIFO queue (its name ends in .fifo)');
  if (endpoint !== undefined) {
    const target = typeof endpoint === 'string' ? parse(endpoint) : undefined;
    if (!target || !isSecureTransport(target))
      problems.push('queue.endpoint must be an https URL (http only on a loopback host)');
  } else if (parsed && parsed.protocol !== 'https:') {
    // The SDK sends to the queue URL's host when no endpoint is set: writes carry attribute values.
    problems.push('queue.url must be https (or name a loopback queue.endpoint)');
  }
  if (problems.length > before || typeof url !== 'string') return undefined;
  return { url, ...(typeof endpoint === 'string' ? { endpoint: endpoint.replace(/\/+$/, '') } : {}) };
}

/** The queue named by RELAY_QUEUE_URL (and RELAY_SQS_ENDPOINT), or undefined when RELAY_QUEUE_URL is not set. */
export function queueFromEnvironment(env: Readonly<Record<string, string | undefined>>): RelayQueue | undefined {
  const url = env['RELAY_QUEUE_URL'];
  if (!url) return undefined;
  const endpoint = env['RELAY_SQS_ENDPOINT'];
  return { url, ...(endpoint ? { endpoint } : {}) };
}

/** The region of an SQS queue URL (`https://sqs.<region>.amazonaws.com/...`, fauxqs's `http://sqs.<region>.localhost:<port>/...`). */
export function queueRegion(url: string): string | undefined {
  return /^https?:\/\/sqs\.([a-z0-9-]+)\./.exec(url)?.[1];
}

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
