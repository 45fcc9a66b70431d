/**
 * The stand-in's public surface: the options of startConnectApi (server.ts) and the handle it resolves with.
 */
import type { ContactRecord, Faults, LoggedRequest } from './types.ts';
import type { IssuedTokens, PoolUser } from './user-pool.ts';

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
