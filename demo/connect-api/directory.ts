/**
 * DescribeContact and SearchUsers, the two reads an owner-checking relay makes (restJson1, as
 * @aws-sdk/client-connect serializes them: `GET /contacts/{InstanceId}/{ContactId}` and `POST /search-users`).
 *
 * Timestamps go out as epoch seconds in JSON numbers, restJson1's default for `timestamp` members
 * (client-connect dist-es/schemas/schemas_0.js declares them without a format trait). A disconnected contact with an
 * agent was in after-contact work from its disconnect until `afterContactWorkEndedAt` (the agent closed it).
 */
import { ApiError } from './errors.ts';
import { isRecord } from './json.ts';
import { initiationMethodOf, type ContactStore } from './rules.ts';
import type { PoolUser } from './user-pool.ts';

/** The AWS account of the stand-in's ARNs (the stand-in CCP's default account). */
export const standInAccount = '123456789012';

const describePath = /^\/contacts\/([^/]+)\/([^/]+)$/;

/** Whether a request is DescribeContact. */
export function isDescribeContact(method: string | undefined, path: string): boolean {
  return method === 'GET' && describePath.test(path);
}

/** The instance and contact labels of a DescribeContact path, percent-decoded. */
export function describeLabels(path: string): [string, string] {
  const match = describePath.exec(path);
  try {
    return [decodeURIComponent(match?.[1] ?? ''), decodeURIComponent(match?.[2] ?? '')];
  } catch {
    throw new ApiError(400, 'InvalidParameterException', 'The path labels are not valid percent-encoding.');
  }
}

const seconds = (iso: string | undefined): number | undefined =>
  iso === undefined ? undefined : Date.parse(iso) / 1000;

/** DescribeContact's answer for a registered contact; 404 ResourceNotFoundException for an unknown one. */
export function describeContact(
  store: ContactStore,
  region: string,
  instanceId: string,
  contactId: string,
): Record<string, unknown> {
  if (!store.hasInstance(instanceId))
    throw new ApiError(404, 'ResourceNotFoundException', `Instance ${instanceId} not found.`);
  const contact = store.contact(instanceId, contactId);
  if (!contact) throw new ApiError(404, 'ResourceNotFoundException', `Contact ${contactId} not found.`);
  const started = seconds(contact.startedAt);
  const disconnected = seconds(contact.disconnectedAt);
  const agentInfo: Record<string, unknown> | undefined = contact.agentId
    ? {
        Id: contact.agentId,
        ConnectedToAgentTimestamp: started,
        AfterContactWorkStartTimestamp: disconnected,
        AfterContactWorkEndTimestamp: disconnected === undefined ? undefined : seconds(contact.afterContactWorkEndedAt),
      }
    : undefined;
  const body = {
    Contact: {
      Arn: `arn:aws:connect:${region}:${standInAccount}:instance/${instanceId}/contact/${contactId}`,
      Id: contact.contactId,
      InitialContactId: contact.initialContactId,
      PreviousContactId: contact.previousContactId,
      InitiationMethod: initiationMethodOf(contact),
      Channel: contact.channel ?? 'VOICE',
      QueueInfo: contact.queueId ? { Id: contact.queueId, EnqueueTimestamp: started } : undefined,
      AgentInfo: agentInfo,
      InitiationTimestamp: started,
      DisconnectTimestamp: disconnected,
      LastUpdateTimestamp: Math.max(started ?? 0, disconnected ?? 0, seconds(contact.afterContactWorkEndedAt) ?? 0),
    },
  };
  // JSON.stringify drops the undefined members, as Connect leaves out what a contact does not have.
  return body;
}

/** SearchUsers with a single `Username` EXACT string condition (the one the relay sends); other criteria are refused. */
export function searchUsers(users: readonly PoolUser[], region: string, body: unknown): Record<string, unknown> {
  if (!isRecord(body) || typeof body['InstanceId'] !== 'string' || body['InstanceId'].length === 0) {
    throw new ApiError(
      400,
      'InvalidParameterException',
      "1 validation error detected: Value null at 'instanceId' failed to satisfy constraint: Member must not be null",
    );
  }
  const instanceId = body['InstanceId'];
  const criteria = body['SearchCriteria'];
  const condition = isRecord(criteria) ? criteria['StringCondition'] : undefined;
  if (
    !isRecord(condition) ||
    condition['FieldName'] !== 'Username' ||
    condition['ComparisonType'] !== 'EXACT' ||
    typeof condition['Value'] !== 'string'
  ) {
    throw new ApiError(
      400,
      'InvalidParameterException',
      'The stand-in supports SearchCriteria.StringCondition {FieldName: Username, ComparisonType: EXACT, Value} only.',
    );
  }
  const value = condition['Value'];
  const found = users.filter((user) => user.username === value);
  return {
    Users: found.map((user) => ({
      Arn: `arn:aws:connect:${region}:${standInAccount}:instance/${instanceId}/agent/${user.connectUserId}`,
      Id: user.connectUserId,
      Username: user.username,
    })),
    ApproximateTotalCount: found.length,
  };
}
