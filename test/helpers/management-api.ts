// A stand-in for API Gateway's WebSocket management API, for the outcome socket's Lambda tests: `POST
// /{stage}/@connections/{connectionId}` with the frame as the body, SigV4-signed for service `execute-api` (verified by
// recomputation, demo/connect-api/sigv4.ts). A connection the test opened gets the frame (kept, in order); any other
// gets 410 GoneException, as API Gateway answers for a connection that is gone ("Use @connections commands in your
// backend service", API Gateway Developer Guide). Also the connections table those tests create, of the shape
// src/relay/socket-aws.ts documents.
import { createServer } from 'node:http';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../../demo/connect-api/errors.ts';
import { verifySigV4 } from '../../demo/connect-api/sigv4.ts';

/** A running stand-in. */
export interface ManagementApiStandIn {
  /** The management endpoint, `http://127.0.0.1:<port>/<stage>`. */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** A client connected: frames posted to it are kept. */
  open(connectionId: string): void;
  /** The client went away: posts to it get 410. */
  drop(connectionId: string): void;
  /** Frames posted to `connectionId`, parsed, in order. */
  framesOf(connectionId: string): unknown[];
  /** Every post, in order, with its answer's status. */
  posts: Array<{ connectionId: string; status: number }>;
  close(): Promise<void>;
}

const stage = 'production';

/** Starts the stand-in on a free loopback port; it accepts calls signed with `credentials`. */
export async function startManagementApi(
  credentials = { accessKeyId: 'AKIDSOCKETSTANDIN', secretAccessKey: 'socket-stand-in-secret' },
): Promise<ManagementApiStandIn> {
  const region = 'us-east-1';
  const frames = new Map<string, unknown[]>();
  const posts: ManagementApiStandIn['posts'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const [path = '', query = ''] = (req.url ?? '/').split('?');
      const answer = async (): Promise<string> => {
        await verifySigV4(
          { method: req.method ?? 'GET', path, query, headers: req.headers, body },
          {
            region,
            service: 'execute-api',
            nowMs: Date.now(),
            lookup: (id) =>
              id === credentials.accessKeyId ? { secretAccessKey: credentials.secretAccessKey } : undefined,
          },
        );
        const match = new RegExp(`^/${stage}/@connections/([^/]+)$`).exec(path);
        if (req.method !== 'POST' || !match?.[1])
          throw new ApiError(404, 'NotFoundException', `No route for ${req.method ?? ''} ${path}`);
        const connectionId = decodeURIComponent(match[1]);
        const kept = frames.get(connectionId);
        if (!kept) {
          posts.push({ connectionId, status: 410 });
          throw new ApiError(410, 'GoneException', '');
        }
        kept.push(JSON.parse(body.toString('utf8')));
        posts.push({ connectionId, status: 200 });
        return '';
      };
      answer().then(
        (text) => {
          res.writeHead(200, { 'content-length': String(Buffer.byteLength(text)) });
          res.end(text);
        },
        (error: unknown) => {
          const failure =
            error instanceof ApiError ? error : new ApiError(500, 'InternalServerErrorException', 'error');
          // restJson1: the SDK reads the type from x-amzn-errortype (as demo/connect-api/errors.ts explains).
          const text = JSON.stringify({ message: failure.message });
          res.writeHead(failure.status, {
            'content-type': 'application/json',
            'x-amzn-errortype': failure.type,
            'content-length': String(Buffer.byteLength(text)),
          });
          res.end(text);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/${stage}`,
    region,
    credentials,
    open: (connectionId) => {
      frames.set(connectionId, frames.get(connectionId) ?? []);
    },
    drop: (connectionId) => {
      frames.delete(connectionId);
    },
    framesOf: (connectionId) => [...(frames.get(connectionId) ?? [])],
    posts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Creates the connections table: key `connectionId`, index `bySub` projecting `expiresAt`. */
export async function createConnectionsTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'connectionId', AttributeType: 'S' },
        { AttributeName: 'sub', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'connectionId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'bySub',
          KeySchema: [{ AttributeName: 'sub', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['expiresAt'] },
        },
      ],
    }),
  );
}
