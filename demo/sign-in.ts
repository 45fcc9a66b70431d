/**
 * Browser-side sign-in to the stand-in's Cognito user pool, as an agent desktop signs in to a real one: InitiateAuth
 * (`USER_PASSWORD_AUTH`, awsJson1.1) returns an id token with its lifetime. `tokenSource` gives a function that returns
 * the current id token and signs in again shortly before it expires, so a page open for hours keeps writing.
 * Tokens are kept in memory only.
 */

/** Where and as whom to sign in. */
export interface SignInOptions {
  /** The user pool's endpoint (the Connect API stand-in's URL). */
  endpoint: string;
  /** The app client id (the stand-in's `userPoolClientId`). */
  clientId: string;
  /** The agent (default `agent.smith`, the stand-in CCP's default agent). */
  username?: string;
  /** Default the stand-in's demo password. */
  password?: string;
}

/** One sign-in: the id token and when it expires (ms since the epoch). */
export async function signIn(options: SignInOptions): Promise<{ idToken: string; expiresAt: number }> {
  const response = await fetch(options.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: options.clientId,
      AuthParameters: { USERNAME: options.username ?? 'agent.smith', PASSWORD: options.password ?? 'demo-password' },
    }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    AuthenticationResult?: { IdToken?: string; ExpiresIn?: number };
    message?: string;
  };
  const result = body.AuthenticationResult;
  if (!response.ok || !result?.IdToken)
    throw new Error(
      `sign-in as ${options.username ?? 'agent.smith'} failed: ${body.message ?? `HTTP ${response.status}`}`,
    );
  return { idToken: result.IdToken, expiresAt: Date.now() + (result.ExpiresIn ?? 3600) * 1000 };
}

/** A token function: the current id token, signing in again when less than `marginMs` (default 5 min) is left. */
export function tokenSource(options: SignInOptions & { marginMs?: number }): () => Promise<string> {
  let current: Promise<{ idToken: string; expiresAt: number }> | undefined;
  const margin = options.marginMs ?? 5 * 60_000;
  return async () => {
    const held = current ? await current.catch(() => undefined) : undefined;
    if (!held || held.expiresAt - margin <= Date.now()) {
      // One sign-in at a time; a failed one is not kept.
      current = signIn(options);
      current.catch(() => (current = undefined));
      return (await current).idToken;
    }
    return held.idToken;
  };
}
