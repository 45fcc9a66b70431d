/**
 * A loopback stand-in for the Amazon Connect API (UpdateContactAttributes, GetContactAttributes, SearchContacts and
 * DescribeQueue, and the DescribeContact, GetCurrentUserData and SearchUsers an owner-checking relay needs), a Cognito
 * user pool (JWKS, InitiateAuth, UpdateUserAttributes) and the two Cognito Identity actions a browser needs for
 * credentials, with real SigV4 verification, the API's rules, Connect's CORS, fault injection and a control surface
 * under /_standin/ (control.ts). The reads are answered in connect-actions.ts; the write stays here, where its
 * injected after-store faults reach the connection.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CognitoPool, type CognitoAction } from './cognito.ts';
import { answerRead, connectActionOf, labelEntry, type LogEntry } from './connect-actions.ts';
import { handleControl } from './control.ts';
import { ApiError, awsJsonError, restJsonError } from './errors.ts';
import { FaultState, parseFaults } from './faults.ts';
import { asApiError, ClientAborted, readBody } from './http-body.ts';
import { parseJson } from './json.ts';
import { parseContactRecords } from './records.ts';
import type { ConnectApiHandle, ConnectApiOptions } from './api.ts';
import { ContactStore, validateUpdate } from './rules.ts';
import { verifySigV4 } from './sigv4.ts';
import type { LoggedRequest, StandInConfigAnswer } from './types.ts';
import { demoUsers, UserPool } from './user-pool.ts';

export type {
  ContactChannel,
  ContactRecord,
  Faults,
  LoggedRequest,
  MeteredAction,
  Quota,
  StandInConfigAnswer,
} from './types.ts';
export { connectDefaultQuotas } from './faults.ts';

export type { ConnectApiHandle, ConnectApiOptions } from './api.ts';

/**
 * Connect's CORS answer: these request headers and no others, no exposed response headers.
 * The browser SDK sends content-type, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request, x-amz-date,
 * x-amz-security-token, x-amz-content-sha256 and authorization (test/node/connect-api-browser.test.ts checks it).
 */
export const connectAllowHeaders =
  'Content-Type, X-Amz-Date, Authorization, X-Api-Key, X-Amz-Security-Token, X-Amz-Content-Sha256, X-Amz-User-Agent, amz-sdk-invocation-id, amz-sdk-request';
/**
 * Cognito Identity's CORS allows what its browser client sends (x-amz-target, x-amz-user-agent, content-type,
 * amz-sdk-*); the stand-in answers with this list, which covers them and SigV4 headers for signed actions.
 */
export const cognitoAllowHeaders =
  'Content-Type, X-Amz-Target, X-Amz-User-Agent, X-Amz-Date, Authorization, X-Amz-Security-Token, X-Amz-Content-Sha256, amz-sdk-invocation-id, amz-sdk-request';
const allowMethods = 'GET, POST, PUT, DELETE, PATCH, OPTIONS';
const preflightMaxAgeSeconds = '600';

/** Starts the stand-in and resolves once it listens. */
export async function startConnectApi(options: ConnectApiOptions = {}): Promise<ConnectApiHandle> {
  const region = options.region ?? 'us-east-1';
  const accessKeyId = options.accessKeyId ?? 'AKIDSTANDINDEMO';
  const secretAccessKey = options.secretAccessKey ?? 'standin-demo-secret';
  const pool = options.identityPool ?? {};
  const identityPoolId = pool.identityPoolId ?? 'us-east-1:00000000-0000-4000-8000-000000000000';
  const loginProvider = pool.loginProvider ?? 'cognito-idp.us-east-1.amazonaws.com/us-east-1_STANDIN';
  const userPoolOptions = options.userPool ?? {};
  const userPoolId = userPoolOptions.userPoolId ?? 'us-east-1_STANDIN';
  const clientIds = [...(userPoolOptions.clientIds ?? ['standin-agent-desktop'])];
  const users = [...(userPoolOptions.users ?? demoUsers)];
  const defaultTtlSeconds = pool.credentialTtlSeconds ?? 3600;
  const now = options.now ?? Date.now;
  const emit = options.log ?? (() => undefined);

  const store = new ContactStore();
  store.register(options.contacts ?? []);
  const userPool = new UserPool({
    region,
    userPoolId,
    clientIds,
    users,
    writeAttributes: userPoolOptions.writeAttributes ?? { [clientIds[0] ?? '']: ['email'] },
    tokenTtlSeconds: userPoolOptions.tokenTtlSeconds ?? 3600,
    issuer: () => `${url}/${userPoolId}`,
  });
  const verifyLogin = async (token: string): Promise<string> => (await userPool.verifyIdToken(token)).sub ?? '';
  const cognito = new CognitoPool({
    region,
    identityPoolId,
    loginProvider,
    verifyLogin,
    authenticatedOnly: pool.authenticatedOnly ?? true,
  });
  const faults = new FaultState();
  const searchableKeys = options.searchableAttributeKeys && new Set(options.searchableAttributeKeys);
  let requests: LoggedRequest[] = [];

  const record = (entry: LogEntry): void => {
    const logged: LoggedRequest = { time: new Date(now()).toISOString(), ...entry };
    requests.push(logged);
    const where = entry.instanceId ? ` ${entry.instanceId}/${entry.initialContactId ?? '-'}` : '';
    const storedAnyway = entry.stored && entry.status !== 200 ? ' (stored)' : '';
    emit(
      `${logged.time} ${entry.action}${where} -> ${entry.status}${entry.errorType ? ` ${entry.errorType}` : ''}${storedAnyway}`,
    );
  };

  /** Headers every API answer carries: CORS origin, request id and a Date from the injected clock (the SDK corrects skew from it). */
  const apiHeaders = (): Record<string, string> => ({
    'access-control-allow-origin': '*',
    'x-amzn-requestid': randomUUID(),
    date: new Date(now()).toUTCString(),
  });

  const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: string): void => {
    res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  };

  const handleConnect = async (
    action: LoggedRequest['action'],
    req: IncomingMessage,
    res: ServerResponse,
    target: RawTarget,
    body: Buffer,
  ): Promise<void> => {
    const entry: LogEntry = { action, status: 200 };
    try {
      labelEntry(entry, target.path, body);
      await verifySigV4(
        { method: req.method ?? 'GET', path: target.path, query: target.query, headers: req.headers, body },
        {
          region,
          service: 'connect',
          nowMs: now(),
          lookup: (id) => (id === accessKeyId ? { secretAccessKey } : cognito.lookup(id)),
        },
      );
      if (action === 'Unknown')
        throw new ApiError(
          404,
          'UnknownOperationException',
          `No operation matches ${req.method ?? ''} ${target.path}.`,
        );
      // Quota and injected failures come after authentication: AWS meters an authenticated account.
      if (faults.takeThrottle(action, now())) throw new ApiError(429, 'ThrottlingException', 'Rate exceeded');
      const failure = faults.takeFailure();
      if (failure) throw new ApiError(failure.status, failure.type, 'Injected failure (stand-in fault).');
      let payload: Record<string, unknown>;
      if (action === 'UpdateContactAttributes') {
        store.update(validateUpdate(parseJson(body)));
        entry.stored = true;
        const after = faults.takeAfterStore();
        if (after === 'drop') {
          record({ ...entry, status: 0, errorType: 'ConnectionDropped' });
          req.socket.destroy();
          return;
        }
        if (after === 'hang') {
          // Stored, and never answered: the connection stays open until the client gives up (or the stand-in closes).
          record({ ...entry, status: 0, errorType: 'Unanswered' });
          return;
        }
        if (after === 'fail')
          throw new ApiError(
            500,
            'InternalServiceException',
            'Injected failure after the write was stored (stand-in fault).',
          );
        payload = {};
      } else {
        payload = answerRead(action, { store, users, region, search: { searchableKeys } }, target.path, body);
      }
      send(res, 200, { ...apiHeaders(), 'content-type': 'application/json' }, JSON.stringify(payload));
    } catch (error) {
      const apiError = asApiError(error, emit);
      const { headers, body: errorBody } = restJsonError(apiError);
      entry.status = apiError.status;
      entry.errorType = apiError.type;
      send(res, apiError.status, { ...apiHeaders(), ...headers }, errorBody);
    }
    record(entry);
  };

  const handleCognito = async (
    action: CognitoAction | PoolAction,
    res: ServerResponse,
    body: Buffer,
  ): Promise<void> => {
    try {
      const payload =
        action === 'InitiateAuth'
          ? userPool.initiateAuth(parseJson(body), now(), faults.tokenTtlSeconds())
          : action === 'UpdateUserAttributes'
            ? await userPool.updateUserAttributes(parseJson(body))
            : await cognito.handle(action, parseJson(body), now(), faults.credentialTtlSeconds() ?? defaultTtlSeconds);
      send(res, 200, { ...apiHeaders(), 'content-type': 'application/x-amz-json-1.1' }, JSON.stringify(payload));
      record({ action, status: 200 });
    } catch (error) {
      const apiError = asApiError(error, emit);
      const { headers, body: errorBody } = awsJsonError(apiError);
      send(res, apiError.status, { ...apiHeaders(), ...headers }, errorBody);
      record({ action, status: apiError.status, errorType: apiError.type });
    }
  };

  const control = {
    store,
    faults,
    now,
    requests: () => requests,
    reset: () => reset(),
    // validTokens: an id token of the first demo agent, issued for each request (it expires like any other).
    config: (): StandInConfigAnswer => ({
      url,
      region,
      accessKeyId,
      secretAccessKey,
      identityPoolId,
      loginProvider,
      userPoolId,
      userPoolClientId: clientIds[0],
      issuer: `${url}/${userPoolId}`,
      validTokens: [userPool.issue(users[0]?.username ?? '', now(), undefined, faults.tokenTtlSeconds()).idToken],
    }),
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const target: RawTarget =
      queryAt < 0 ? { path: rawUrl, query: '' } : { path: rawUrl.slice(0, queryAt), query: rawUrl.slice(queryAt + 1) };
    if (target.path.startsWith('/_standin/')) return handleControl(control, req, res, target.path);
    if (req.method === 'GET' && target.path === `/${userPoolId}/.well-known/jwks.json`) {
      send(
        res,
        200,
        { 'access-control-allow-origin': '*', 'content-type': 'application/json' },
        JSON.stringify(userPool.jwks()),
      );
      return;
    }

    const cognitoAction = cognitoActionOf(req, target.path);
    if (req.method === 'OPTIONS') {
      res.writeHead(200, {
        ...apiHeaders(),
        'access-control-allow-methods': allowMethods,
        'access-control-allow-headers': target.path === '/' ? cognitoAllowHeaders : connectAllowHeaders,
        'access-control-max-age': preflightMaxAgeSeconds,
      });
      res.end();
      record({ action: 'Preflight', status: 200 });
      return;
    }
    const action: LoggedRequest['action'] = cognitoAction ?? connectActionOf(req.method, target.path);
    if (faults.takeDrop()) {
      record({ action, status: 0, errorType: 'ConnectionDropped' });
      req.socket.destroy();
      return;
    }
    if (faults.takeHang()) {
      // Never processed, never answered: the connection stays open until the client gives up (or the stand-in closes).
      record({ action, status: 0, errorType: 'Unanswered' });
      return;
    }
    const latency = faults.latencyMs();
    if (latency > 0) await sleep(latency);
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof ClientAborted) {
        record({ action, status: 0, errorType: 'ClientAborted' });
        return;
      }
      const apiError = asApiError(error, emit);
      const answer = cognitoAction ? awsJsonError(apiError) : restJsonError(apiError);
      // The body was read to its end, so the answer reaches the client; the connection then closes, as servers do
      // after refusing a body, and a keep-alive client opens a new one for its next request.
      send(res, apiError.status, { ...apiHeaders(), ...answer.headers, connection: 'close' }, answer.body);
      record({ action, status: apiError.status, errorType: apiError.type });
      return;
    }
    if (cognitoAction) await handleCognito(cognitoAction, res, body);
    else await handleConnect(action, req, res, target, body);
  };

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      emit(`stand-in error: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent)
        send(
          res,
          500,
          { 'access-control-allow-origin': '*', 'content-type': 'application/json' },
          '{"message":"stand-in error"}',
        );
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostPart}:${address.port}`;

  function reset(): void {
    store.clearAttributes();
    requests = [];
    faults.clear();
    cognito.revokeCredentials();
    userPool.resetAttributes();
  }

  return {
    url,
    region,
    accessKeyId,
    secretAccessKey,
    identityPoolId,
    loginProvider,
    userPoolId,
    userPoolClientId: clientIds[0] ?? '',
    issuer: `${url}/${userPoolId}`,
    jwksUri: `${url}/${userPoolId}/.well-known/jwks.json`,
    signIn: (username = users[0]?.username ?? '', clientId) =>
      userPool.issue(username, now(), clientId, faults.tokenTtlSeconds()),
    registerContacts: (records) => store.register(parseContactRecords(records)),
    attributesOf: (instanceId, initialContactId) => store.attributesOf(instanceId, initialContactId),
    setFaults: (patch) => faults.merge(parseFaults(patch), now()),
    requestLog: () => structuredClone(requests),
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The raw (percent-encoded) path and query of a request. */
interface RawTarget {
  path: string;
  query: string;
}

/** The user pool's actions. */
type PoolAction = 'InitiateAuth' | 'UpdateUserAttributes';

/** Cognito Identity and the user pool's actions are served at `POST /` and chosen by X-Amz-Target, as awsJson1.1 services are. */
function cognitoActionOf(req: IncomingMessage, path: string): CognitoAction | PoolAction | undefined {
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || path !== '/' || typeof target !== 'string') return undefined;
  if (target === 'AWSCognitoIdentityService.GetId') return 'GetId';
  if (target === 'AWSCognitoIdentityService.GetCredentialsForIdentity') return 'GetCredentialsForIdentity';
  if (target === 'AWSCognitoIdentityProviderService.InitiateAuth') return 'InitiateAuth';
  if (target === 'AWSCognitoIdentityProviderService.UpdateUserAttributes') return 'UpdateUserAttributes';
  return undefined;
}
