/**
 * The relay's `outcomes` setting: the DynamoDB table where the outcomes of queued writes are kept
 * (src/relay/outcomes-dynamodb.ts), and an endpoint for a local DynamoDB-compatible server. Also read from the
 * environment: RELAY_OUTCOMES_TABLE and RELAY_DYNAMODB_ENDPOINT, for the Lambda functions and the worker.
 */
import { isSecureTransport } from '../secure-url.ts';

/** Where outcomes are kept. */
export interface RelayOutcomes {
  /** The DynamoDB table's name. */
  table: string;
  /** The DynamoDB endpoint, for a local server (https, or http on a loopback host); default the region's. */
  endpoint?: string;
}

/** Checks an `outcomes` setting, adding its problems to `problems`; undefined when absent or wrong. */
export function checkOutcomes(value: unknown, problems: string[]): RelayOutcomes | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('outcomes must be an object {"table": "<DynamoDB table>", "endpoint"?: "<DynamoDB endpoint>"}');
    return undefined;
  }
  const { table, endpoint, ...rest } = value as Record<string, unknown>;
  for (const key of Object.keys(rest)) problems.push(`unknown setting outcomes.${key}`);
  const before = problems.length;
  // DynamoDB's table names: 3 to 255 of letters, digits, '_', '-', '.'.
  if (typeof table !== 'string' || !/^[A-Za-z0-9_.-]{3,255}$/.test(table))
    problems.push('outcomes.table must be a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ - .)');
  if (endpoint !== undefined) {
    const target = typeof endpoint === 'string' ? parse(endpoint) : undefined;
    if (!target || !isSecureTransport(target))
      problems.push('outcomes.endpoint must be an https URL (http only on a loopback host)');
  }
  if (problems.length > before || typeof table !== 'string') return undefined;
  return { table, ...(typeof endpoint === 'string' ? { endpoint: endpoint.replace(/\/+$/, '') } : {}) };
}

/** The table named by RELAY_OUTCOMES_TABLE (and RELAY_DYNAMODB_ENDPOINT), or undefined when it is not set. */
export function outcomesFromEnvironment(env: Readonly<Record<string, string | undefined>>): RelayOutcomes | undefined {
  const table = env['RELAY_OUTCOMES_TABLE'];
  if (!table) return undefined;
  const endpoint = env['RELAY_DYNAMODB_ENDPOINT'];
  return { table, ...(endpoint ? { endpoint } : {}) };
}

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
