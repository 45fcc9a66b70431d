/**
 * Outcome push on AWS: the connections registry in DynamoDB and the poster on API Gateway's management API, shared by
 * the WebSocket API's Lambda (src/relay/socket-lambda.ts) and the worker Lambda (src/relay/worker-lambda.ts).
 *
 * The connections table (made by the deployment): partition key `connectionId` (S); `sub` (S); `expiresAt` (N, epoch
 * seconds: the token's `exp`, the table's time to live attribute); a global secondary index `bySub` (partition key
 * `sub`) that projects `expiresAt` (INCLUDE or ALL; KEYS_ONLY leaves it out, and the registry then refuses to guess). DynamoDB deletes expired items only eventually ("typically within a few days": Amazon
 * DynamoDB Developer Guide, "Working with Time to Live") and a global secondary index is read eventually consistent, so
 * `connectionsOf` filters on `expiresAt` itself and deletes the expired items it meets.
 * PostToConnection (`POST https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/@connections/{connection_id}`,
 * "Use @connections commands in your backend service", API Gateway Developer Guide) answers 410 GoneException for a
 * connection that no longer exists (node_modules/@aws-sdk/client-apigatewaymanagementapi/dist-types/models/errors.d.ts).
 */
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { withTimeout } from '../deadline.ts';
import type { ConnectionPoster, ConnectionRegistry } from './outcome-push.ts';
import { createOutcomeNotifier, type OutcomeNotifier } from './outcome-push.ts';

/** The index of the connections table by subject. */
export const connectionsBySubIndex = 'bySub';

/** The registry in `table`. */
export function createDynamoConnectionRegistry(client: DynamoDBClient, table: string): ConnectionRegistry {
  const remove = (connectionId: string) =>
    client.send(new DeleteItemCommand({ TableName: table, Key: { connectionId: { S: connectionId } } }));
  return {
    async put(connectionId, sub, expiresAtMs) {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            connectionId: { S: connectionId },
            sub: { S: sub },
            expiresAt: { N: String(Math.ceil(expiresAtMs / 1000)) },
          },
        }),
      );
    },
    async remove(connectionId) {
      await remove(connectionId);
    },
    async connectionsOf(sub, nowMs, signal) {
      const now = Math.floor(nowMs / 1000);
      const live: string[] = [];
      const expired: string[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page: QueryCommandOutput = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: connectionsBySubIndex,
            KeyConditionExpression: '#sub = :sub',
            ExpressionAttributeNames: { '#sub': 'sub' },
            ExpressionAttributeValues: { ':sub': { S: sub } },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
          signal ? { abortSignal: signal } : {},
        );
        for (const item of page.Items ?? []) {
          const id = item['connectionId']?.S;
          if (id === undefined) continue;
          const expiresAt = item['expiresAt']?.N;
          if (expiresAt === undefined)
            throw new TypeError(
              `the ${connectionsBySubIndex} index of ${table} must project expiresAt (INCLUDE or ALL)`,
            );
          if (Number(expiresAt) > now) live.push(id);
          else expired.push(id);
        }
        start = page.LastEvaluatedKey;
      } while (start);
      await Promise.all(expired.map((id) => removeExpired(client, table, id, now)));
      return live;
    },
  };
}

/**
 * Deletes an expired registration unless it was renewed meanwhile (the condition), so a re-subscribe racing this
 * delete keeps its registration.
 */
async function removeExpired(client: DynamoDBClient, table: string, connectionId: string, now: number): Promise<void> {
  try {
    await client.send(
      new DeleteItemCommand({
        TableName: table,
        Key: { connectionId: { S: connectionId } },
        ConditionExpression: '#expiresAt <= :now',
        ExpressionAttributeNames: { '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':now': { N: String(now) } },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Posts through the management API at `endpoint` (`https://{domainName}/{stage}`); 410 GoneException is 'gone'. */
export function createManagementApiPoster(client: ApiGatewayManagementApiClient): ConnectionPoster {
  return {
    async post(connectionId, text, signal) {
      try {
        await client.send(
          new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(text) }),
          { abortSignal: withTimeout(signal, 5_000) },
        );
        return 'sent';
      } catch (error) {
        if (error instanceof GoneException) return 'gone';
        throw error;
      }
    },
  };
}

/** A management API client for `endpoint`, in `region`, with one attempt per call (a lost push is polled for). */
export function createManagementApiClient(endpoint: string, region: string): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({ endpoint, region, maxAttempts: 1 });
}

/** A DynamoDB client in `region`, at `endpoint` when given (a local server). */
export function createConnectionsClient(region: string, endpoint: string | undefined): DynamoDBClient {
  return new DynamoDBClient({ region, ...(endpoint ? { endpoint } : {}) });
}

/**
 * The worker's notifier from RELAY_CONNECTIONS_TABLE (with RELAY_DYNAMODB_ENDPOINT) and RELAY_SOCKET_ENDPOINT (the
 * WebSocket API's https management endpoint); undefined unless both are set.
 */
export function socketNotifierFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  region: string,
): OutcomeNotifier | undefined {
  const table = env['RELAY_CONNECTIONS_TABLE'];
  const endpoint = env['RELAY_SOCKET_ENDPOINT'];
  if (!table || !endpoint) return undefined;
  return createOutcomeNotifier({
    registry: createDynamoConnectionRegistry(createConnectionsClient(region, env['RELAY_DYNAMODB_ENDPOINT']), table),
    poster: createManagementApiPoster(createManagementApiClient(endpoint, region)),
  });
}
