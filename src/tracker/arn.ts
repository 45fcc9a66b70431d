/**
 * Amazon Connect ARNs: `arn:<partition>:connect:<region>:<account>:instance/<instanceId>[/<type>/<id>]`.
 * No Connect API returns the instance id, so the tracker reads it (and the region) from the ARNs Streams
 * gives: the routing profile's, the agent's, then the contact queue's (the ARN formats: "Actions, resources, and
 * condition keys for Amazon Connect", https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html).
 */
import { AttributesError } from '../errors.ts';
import type { ArnSource } from './types.ts';

/** The parts of a Connect ARN. */
export interface ConnectArn {
  partition: string;
  region: string;
  accountId: string;
  instanceId: string;
  /** What follows `instance/<id>/`, e.g. `agent/<id>`; empty for the instance ARN itself. */
  resource: string;
}

/** Where a contact's instance lives, and which ARN said so. */
export interface InstanceLocation {
  instanceId: string;
  region: string;
  accountId: string;
  source: ArnSource;
}

/** One ARN to try, labelled with where it came from. */
export interface ArnCandidate {
  source: ArnSource;
  arn: string | null | undefined;
}

const CONNECT_ARN =
  /^arn:(aws[a-z-]*):connect:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):instance\/([A-Za-z0-9-]+)(?:\/(.*))?$/;

/** Parses a Connect ARN, or returns undefined when `value` is not one. */
export function parseConnectArn(value: unknown): ConnectArn | undefined {
  if (typeof value !== 'string') return undefined;
  const match = CONNECT_ARN.exec(value.trim());
  if (!match) return undefined;
  const [, partition, region, accountId, instanceId, resource] = match;
  if (!partition || !region || !accountId || !instanceId) return undefined;
  return { partition, region, accountId, instanceId, resource: resource ?? '' };
}

/**
 * The instance and region from the first candidate that parses (callers list them most trusted first),
 * or a `validation` AttributesError naming every candidate tried.
 */
export function resolveInstance(candidates: readonly ArnCandidate[]): InstanceLocation | AttributesError {
  for (const { source, arn } of candidates) {
    const parsed = parseConnectArn(arn);
    if (parsed) return { instanceId: parsed.instanceId, region: parsed.region, accountId: parsed.accountId, source };
  }
  const tried = candidates
    .map(({ source, arn }) => `${source} ARN ${arn ? JSON.stringify(arn) : '(missing)'}`)
    .join(', ');
  return new AttributesError(
    'validation',
    `No Amazon Connect instance id could be read for this contact: no ARN of the form ` +
      `arn:aws:connect:<region>:<account>:instance/<instanceId>/... was found (tried ${tried || 'none'}).`,
  );
}
