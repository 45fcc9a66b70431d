/**
 * The outcome store on DynamoDB, for a relay and workers in separate processes (Lambda). The table (made by the
 * deployment, not here): partition key `sub` (S), sort key `sk` (S), time to live on `expiresAt` (epoch seconds).
 * `sk` is the outcome's time, zero-padded, then its write id, so one Query reads a caller's outcomes since a time,
 * oldest first. DynamoDB deletes expired items only eventually ("typically within a few days": Amazon DynamoDB
 * Developer Guide, "Working with Time to Live"), and until then reads return them, so `recent` filters them out.
 */
import {
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { RelayOutcomes } from './outcomes-config.ts';
import type { OutcomeStore, WriteOutcome } from './outcomes.ts';

/** Settings of the DynamoDB store. */
export interface DynamoOutcomeStoreOptions {
  client: DynamoDBClient;
  table: string;
  /** How long an outcome is kept (s): its `expiresAt` is this far after its time; default 86,400 (a day). */
  ttlSeconds?: number;
  /** The most outcomes one `recent` returns (the oldest since the time asked); default 1,000. */
  maxItems?: number;
  /** The clock (ms since the epoch); default Date.now. */
  now?: () => number;
}

const states = new Set<WriteOutcome['state']>(['landed', 'refused', 'failed', 'dead-letter']);

/** The store over `table`. */
export function createDynamoOutcomeStore(options: DynamoOutcomeStoreOptions): OutcomeStore {
  const { client, table, ttlSeconds = 86_400, maxItems = 1_000, now = Date.now } = options;
  return {
    async record(outcome) {
      const item: Record<string, AttributeValue> = {
        sub: { S: outcome.sub },
        sk: { S: sortKey(outcome.at, outcome.writeId) },
        writeId: { S: outcome.writeId },
        requestId: { S: outcome.requestId },
        instanceId: { S: outcome.instanceId },
        initialContactId: { S: outcome.initialContactId },
        contactId: { S: outcome.contactId },
        keys: { L: outcome.keys.map((key) => ({ S: key })) },
        state: { S: outcome.state },
        status: { N: String(outcome.status) },
        at: { N: String(outcome.at) },
        expiresAt: { N: String(Math.ceil(outcome.at / 1000) + ttlSeconds) },
      };
      if (outcome.errorType !== undefined) item['errorType'] = { S: outcome.errorType };
      if (outcome.message !== undefined) item['message'] = { S: outcome.message };
      await client.send(new PutItemCommand({ TableName: table, Item: item }));
    },

    async recent(sub, sinceMs) {
      const found: WriteOutcome[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page: QueryCommandOutput = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: '#sub = :sub AND #sk >= :since',
            FilterExpression: '#expiresAt > :now',
            ExpressionAttributeNames: { '#sub': 'sub', '#sk': 'sk', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: {
              ':sub': { S: sub },
              ':since': { S: sortKey(Math.max(0, sinceMs), '') },
              ':now': { N: String(Math.floor(now() / 1000)) },
            },
            ScanIndexForward: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          const outcome = fromItem(item);
          if (outcome) found.push(outcome);
          else
            console.error(
              `ccp-attributes relay: outcome item ${item['sk']?.S ?? '?'} of ${table} is not an outcome; skipped`,
            );
        }
        start = page.LastEvaluatedKey;
      } while (start && found.length < maxItems);
      return found.slice(0, maxItems);
    },
  };
}

/** A DynamoDB client for the `outcomes` setting, in the relay's region. */
export function createOutcomesClient(outcomes: RelayOutcomes, region: string): DynamoDBClient {
  return new DynamoDBClient({ region, ...(outcomes.endpoint ? { endpoint: outcomes.endpoint } : {}) });
}

/** The store the `outcomes` setting names. */
export function outcomeStoreFor(outcomes: RelayOutcomes, region: string): OutcomeStore {
  return createDynamoOutcomeStore({ client: createOutcomesClient(outcomes, region), table: outcomes.table });
}

/** The time, zero-padded so text order is time order, then the write id. */
function sortKey(at: number, writeId: string): string {
  return `${String(Math.floor(at)).padStart(15, '0')}#${writeId}`;
}

/** An item as an outcome; undefined for one that is not (not thrown: one bad item does not hide the others). */
function fromItem(item: Record<string, AttributeValue>): WriteOutcome | undefined {
  const text = (name: string): string | undefined => item[name]?.S;
  const number = (name: string): number => Number(item[name]?.N);
  const state = text('state') as WriteOutcome['state'] | undefined;
  const fields = {
    sub: text('sub'),
    writeId: text('writeId'),
    requestId: text('requestId'),
    instanceId: text('instanceId'),
    initialContactId: text('initialContactId'),
    contactId: text('contactId'),
  };
  const { sub, writeId, requestId, instanceId, initialContactId, contactId } = fields;
  const status = number('status');
  const at = number('at');
  if (
    sub === undefined ||
    writeId === undefined ||
    requestId === undefined ||
    instanceId === undefined ||
    initialContactId === undefined ||
    contactId === undefined ||
    !state ||
    !states.has(state) ||
    !Number.isFinite(status) ||
    !Number.isFinite(at)
  )
    return undefined;
  const errorType = text('errorType');
  const message = text('message');
  return {
    sub,
    writeId,
    requestId,
    instanceId,
    initialContactId,
    contactId,
    keys: (item['keys']?.L ?? []).flatMap((key) => (key.S === undefined ? [] : [key.S])),
    state,
    status,
    at,
    ...(errorType === undefined ? {} : { errorType }),
    ...(message === undefined ? {} : { message }),
  };
}
