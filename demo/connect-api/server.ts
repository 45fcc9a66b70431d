/**
 * A loopback stand-in for the Amazon Connect API (UpdateContactAttributes, GetContactAttributes, SearchContacts and
 * DescribeQueue, and the DescribeContact and SearchUsers an owner-checking relay needs), a Cognito user pool (JWKS, InitiateAuth,
 * UpdateUserAttributes) and the two
 * Cognito Identity actions a browser needs for credentials, with real SigV4 verification, the API's rules, Connect's CORS,
 * fault injection and a control surface under /_standin/.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CognitoPool, type CognitoAction } from './cognito.ts';
import { describeContact, describeLabels, isDescribeContact, searchUsers } from './directory.ts';
import { ApiError, awsJsonError, restJsonError } from './errors.ts';
import { FaultState, parseFaults } from './faults.ts';
import { isRecord, parseJson } from './json.ts';
import { parseContactRecords } from './records.ts';
import { ContactStore, validateGet, validateUpdate } from './rules.ts';
import { describeQueue, isDescribeQueue, isSearchContacts, searchContacts } from './search.ts';
import { verifySigV4 } from './sigv4.ts';
import type { ContactRecord, Faults, LoggedRequest, StandInConfigAnswer } from './types.ts';
import { demoUsers, UserPool, type IssuedTokens, type PoolUser } from './user-pool.ts';

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

/** Options of startConnectApi; every field is optional. */
export interface ConnectApiOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 'us-east-1'. */
  region?: string;
  /** Static demo credentials, default 'AKIDSTANDINDEMO'. */
  accessKeyId?: string;
  /** Default 'standin-demo-secret'. */
  secretAccessKey?: string;
  /** Contacts known from the start. */
  contacts?: ContactRecord[];
  /** The Cognito identity pool served at `POST /`. */
  identityPool?: {
    /** Default 'us-east-1:00000000-0000-4000-8000-000000000000'. */
    identityPoolId?: string;
    /** Default 'cognito-idp.us-east-1.amazonaws.com/us-east-1_STANDIN'; its logins are id tokens of the user pool. */
    loginProvider?: string;
    /** Default true: GetId without a login is refused. */
    authenticatedOnly?: boolean;
    /** Default 3600. */
    credentialTtlSeconds?: number;
  };
  /** The Cognito user pool whose id tokens the identity pool accepts. */
  userPool?: {
    /** Default 'us-east-1_STANDIN'. */
    userPoolId?: string;
    /** App clients; the first (default 'standin-agent-desktop') is the agent desktop's, a second one may be added. */
    clientIds?: string[];
    /** Default: agent.smith and agent.jones, password 'demo-password'. */
    users?: PoolUser[];
    /**
     * Per app client, the attributes its users may write with UpdateUserAttributes (a client left out may write every
     * attribute but `sub`). Default: the agent desktop's client (the first) may write `email` only, so agents cannot
     * change their `custom:connect_user_id`.
     */
    writeAttributes?: Record<string, string[]>;
    /** Default 3600. */
    tokenTtlSeconds?: number;
  };
  /** Attribute keys an administrator made searchable (SearchableContactAttributes); default every key. */
  searchableAttributeKeys?: string[];
  /** Injectable clock in milliseconds (SigV4 skew, credential expiry, the quota, log times, the Date header). */
  now?: () => number;
  /** Receives one line per API request; never given secrets. */
  log?: (line: string) => void;
}

/** A running stand-in. */
export interface ConnectApiHandle {
  /** Base URL, e.g. 'http://127.0.0.1:8787'; use it as the SDK's endpoint. */
  url: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  identityPoolId: string;
  loginProvider: string;
  userPoolId: string;
  /** The app client id of the agent desktop. */
  userPoolClientId: string;
  /** The user pool's issuer URL (`<url>/<userPoolId>`), the `iss` of its tokens. */
  issuer: string;
  /** `<issuer>/.well-known/jwks.json`. */
  jwksUri: string;
  /** Tokens for a user of the pool (default the first), issued now by the injected clock, for an app client (default the first). */
  signIn(username?: string, clientId?: string): IssuedTokens;
  /** Registers more contacts (attributes already stored for a contact are kept). */
  registerContacts(records: ContactRecord[]): void;
  /** The stored attributes of a contact chain, or undefined when no contact has that InitialContactId. */
  attributesOf(instanceId: string, initialContactId: string): Record<string, string> | undefined;
  /** Merges faults into the current ones (a field set to null is cleared). */
  setFaults(faults: Faults): void;
  /** API requests received so far (not /_standin/ ones), refused ones included. */
  requestLog(): LoggedRequest[];
  /** Clears stored attributes, the request log, faults and issued credentials, and puts the pool users' attributes back; registered contacts are kept. */
  reset(): void;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

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
const maxBodyBytes = 1024 * 1024;

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

  const record = (entry: Omit<LoggedRequest, 'time'>): void => {
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
    const entry: Omit<LoggedRequest, 'time'> = { action, status: 200 };
    try {
      if (action === 'UpdateContactAttributes') describeUpdate(entry, body);
      if (action === 'GetContactAttributes') describeGet(entry, target.path);
      if (action === 'DescribeContact') [entry.instanceId, entry.contactId] = describeLabels(target.path);
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
      } else if (action === 'DescribeContact') {
        const [instanceId, contactId] = describeLabels(target.path);
        validateGet(instanceId, contactId);
        payload = describeContact(store, region, instanceId, contactId);
      } else if (action === 'SearchContacts') {
        payload = searchContacts(store, region, parseJson(body), { searchableKeys });
      } else if (action === 'DescribeQueue') {
        payload = describeQueue(store, region, target.path);
      } else if (action === 'SearchUsers') {
        const request = parseJson(body);
        if (!isRecord(request) || !store.hasInstance(String(request['InstanceId']))) {
          throw new ApiError(
            404,
            'ResourceNotFoundException',
            `Instance ${isRecord(request) ? String(request['InstanceId']) : ''} not found.`,
          );
        }
        payload = searchUsers(users, region, request);
      } else {
        const [instanceId, initialContactId] = getLabels(target.path);
        validateGet(instanceId, initialContactId);
        payload = { Attributes: store.get(instanceId, initialContactId) };
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

  const handleControl = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const cors = { 'access-control-allow-origin': '*' };
    const json = (status: number, value: unknown): void =>
      send(res, status, { ...cors, 'content-type': 'application/json' }, JSON.stringify(value));
    const noContent = (): void => {
      res.writeHead(204, cors);
      res.end();
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'Content-Type',
        'access-control-max-age': preflightMaxAgeSeconds,
      });
      res.end();
      return;
    }
    const route = `${req.method ?? ''} ${path}`;
    try {
      if (route === 'POST /_standin/contacts') {
        store.register(parseContactRecords(parseJson(await readBody(req))));
        noContent();
      } else if (route === 'GET /_standin/contacts') {
        json(200, { contacts: store.list() });
      } else if (route === 'POST /_standin/faults') {
        faults.merge(parseFaults(parseJson(await readBody(req))), now());
        noContent();
      } else if (route === 'GET /_standin/faults') {
        json(200, { faults: faults.current() });
      } else if (route === 'GET /_standin/log') {
        json(200, { requests });
      } else if (route === 'POST /_standin/reset') {
        reset();
        noContent();
      } else if (route === 'GET /_standin/config') {
        // validTokens: an id token of the first demo agent, issued for each request (it expires like any other).
        const validTokens = [
          userPool.issue(users[0]?.username ?? '', now(), undefined, faults.tokenTtlSeconds()).idToken,
        ];
        const answer: StandInConfigAnswer = {
          url,
          region,
          accessKeyId,
          secretAccessKey,
          identityPoolId,
          loginProvider,
          userPoolId,
          userPoolClientId: clientIds[0],
          issuer: `${url}/${userPoolId}`,
          validTokens,
        };
        json(200, answer);
      } else if (req.method === 'GET' && path.startsWith('/_standin/attributes/')) {
        const [instanceId, initialContactId, ...rest] = path
          .slice('/_standin/attributes/'.length)
          .split('/')
          .map(decodeURIComponent);
        const attributes =
          instanceId && initialContactId && rest.length === 0
            ? store.attributesOf(instanceId, initialContactId)
            : undefined;
        if (attributes) json(200, { attributes });
        else json(404, { message: 'No contact with that instance and InitialContactId.' });
      } else {
        json(404, { message: `No control route ${route}.` });
      }
    } catch (error) {
      json(400, { message: error instanceof Error ? error.message : String(error) });
    }
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const target: RawTarget =
      queryAt < 0 ? { path: rawUrl, query: '' } : { path: rawUrl.slice(0, queryAt), query: rawUrl.slice(queryAt + 1) };
    if (target.path.startsWith('/_standin/')) return handleControl(req, res, target.path);
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

const getPath = /^\/contact\/attributes\/([^/]+)\/([^/]+)$/;

function connectActionOf(method: string | undefined, path: string): LoggedRequest['action'] {
  if (method === 'POST' && path === '/contact/attributes') return 'UpdateContactAttributes';
  if (method === 'GET' && getPath.test(path)) return 'GetContactAttributes';
  if (isDescribeContact(method, path)) return 'DescribeContact';
  if (method === 'POST' && path === '/search-users') return 'SearchUsers';
  if (isSearchContacts(method, path)) return 'SearchContacts';
  if (isDescribeQueue(method, path)) return 'DescribeQueue';
  return 'Unknown';
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

/** The two labels of GetContactAttributes, percent-decoded. */
function getLabels(path: string): [string, string] {
  const match = getPath.exec(path);
  try {
    return [decodeURIComponent(match?.[1] ?? ''), decodeURIComponent(match?.[2] ?? '')];
  } catch {
    throw new ApiError(400, 'InvalidParameterException', 'The path labels are not valid percent-encoding.');
  }
}

/** Fills the log entry of an UpdateContactAttributes request from its body, as far as it can be read. */
function describeUpdate(entry: Omit<LoggedRequest, 'time'>, body: Buffer): void {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return;
  }
  if (!isRecord(value)) return;
  const { InstanceId, InitialContactId, Attributes } = value;
  if (typeof InstanceId === 'string') entry.instanceId = InstanceId;
  if (typeof InitialContactId === 'string') entry.initialContactId = InitialContactId;
  if (isRecord(Attributes)) {
    entry.attributes = Object.fromEntries(
      Object.entries(Attributes).filter((pair): pair is [string, string] => typeof pair[1] === 'string'),
    );
  }
}

function describeGet(entry: Omit<LoggedRequest, 'time'>, path: string): void {
  try {
    [entry.instanceId, entry.initialContactId] = getLabels(path);
  } catch {
    // Undecodable labels: logged without them.
  }
}

/** The client went away before its request's body was read: there is no one to answer. */
class ClientAborted extends Error {}

/**
 * Reads a request body of at most maxBodyBytes. A longer one is read to its end and discarded before the 413 is
 * thrown: stopping early would destroy the request and its socket, so a client still sending would get ECONNRESET
 * instead of the answer, and a keep-alive client would lose its next request on that socket. Rejects with
 * ClientAborted when the client went away first (then the request emits 'error', ECONNRESET 'aborted', and 'close').
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  if (req.destroyed) return Promise.reject(new ClientAborted('The client closed the connection.'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBodyBytes) reject(new ApiError(413, 'RequestEntityTooLargeException', 'Request body too large.'));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', () => reject(new ClientAborted('The client closed the connection.')));
    req.on('close', () => reject(new ClientAborted('The client closed the connection.')));
  });
}

/** Unexpected errors become a 500 InternalServiceException (and a log line). */
function asApiError(error: unknown, emit: (line: string) => void): ApiError {
  if (error instanceof ApiError) return error;
  emit(`stand-in error: ${error instanceof Error ? error.message : String(error)}`);
  return new ApiError(500, 'InternalServiceException', 'Internal service error.');
}
