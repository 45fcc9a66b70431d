/**
 * Who is calling: the verified claims of the caller's token, by aws-jwt-verify (`JwtVerifier` for any OIDC issuer with
 * its JWKS, `CognitoJwtVerifier` for a user pool), or read from an API Gateway JWT authorizer that already verified
 * it. aws-jwt-verify checks the signature against the issuer's JWKS (a key outside it is refused, `alg: none` is not
 * among its supported algorithms, node_modules/aws-jwt-verify/dist/esm/jwt-verifier.js `supportedSignatureAlgorithms`),
 * the issuer, the audience or client id, the token use and the expiry.
 *
 * aws-jwt-verify checks `exp` only when a token has one (node_modules/aws-jwt-verify/dist/esm/jwt.js,
 * `validateJwtFields`), so a token without it would never expire: every mode here refuses it ('no-expiry'). The expiry
 * is judged by the system clock (`Date.now()` in that same function); aws-jwt-verify takes no clock option.
 */
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import {
  FetchError,
  JwksNotAvailableInCacheError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  KidNotFoundInJwksError,
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { SimpleFetcher, type Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Claims } from './claims.ts';
import type { RelayAuth } from './config.ts';

export type { Claims };

/** Why a token was refused, for the audit line (never the token itself). */
export type TokenRefusal =
  | 'no-token'
  | 'malformed'
  | 'expired'
  | 'no-expiry'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'wrong-token-use'
  | 'bad-signature'
  | 'unsupported-algorithm'
  | 'unknown-key'
  | 'no-authorizer-claims';

/** A refused token (401), or keys that could not be fetched (503). */
export class AuthFailure extends Error {
  readonly reason: TokenRefusal | 'jwks-unavailable';
  constructor(reason: TokenRefusal | 'jwks-unavailable') {
    super(reason);
    this.name = 'AuthFailure';
    this.reason = reason;
  }
}

/** Turns a request's credentials into verified claims. */
export interface Authenticator {
  /** Resolves to the caller's verified claims; rejects with AuthFailure. */
  authenticate(input: { authorization: string | undefined; authorizerClaims: Claims | undefined }): Promise<Claims>;
}

/**
 * aws-jwt-verify's own fetcher speaks https only (node_modules/aws-jwt-verify/dist/esm/https-node.js uses
 * `https.request`); a loopback stand-in issuer serves its JWKS over http, so http URIs go through `fetch`.
 * The configuration admits http only on loopback hosts.
 */
class LoopbackAwareFetcher implements Fetcher {
  readonly #https = new SimpleFetcher({ defaultRequestOptions: { responseTimeout: 3000 } });

  async fetch(uri: string, requestOptions?: Record<string, unknown>, data?: ArrayBuffer): Promise<ArrayBuffer> {
    if (!uri.startsWith('http:')) return this.#https.fetch(uri, requestOptions, data);
    const response = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    if (response.status !== 200) throw new FetchError(uri, `Status code is ${response.status}, expected 200`);
    return response.arrayBuffer();
  }
}

/** An authenticator for the configured mode. */
export function createAuthenticator(auth: RelayAuth): Authenticator {
  if (auth.type === 'api-gateway-jwt-authorizer') {
    return {
      // eslint-disable-next-line @typescript-eslint/require-await -- one of two implementations of an async interface
      async authenticate({ authorizerClaims }) {
        // Claims only come from the authorizer: a route without one (a misconfigured API) is refused, never trusted.
        if (!authorizerClaims || Object.keys(authorizerClaims).length === 0)
          throw new AuthFailure('no-authorizer-claims');
        // API Gateway checked the expiry against its clock; a token without one is refused here as well.
        if (!hasExpiry(authorizerClaims)) throw new AuthFailure('no-expiry');
        return authorizerClaims;
      },
    };
  }
  const jwksCache = new SimpleJwksCache({ fetcher: new LoopbackAwareFetcher() });
  const verifier: { verify(token: string): Promise<Claims> } =
    auth.type === 'oidc'
      ? JwtVerifier.create(
          {
            issuer: auth.issuer,
            audience: auth.audience,
            jwksUri: auth.jwksUri ?? `${auth.issuer}/.well-known/jwks.json`,
          },
          { jwksCache },
        )
      : CognitoJwtVerifier.create(
          { userPoolId: auth.userPoolId, clientId: auth.clientId, tokenUse: auth.tokenUse },
          { jwksCache },
        );
  return {
    async authenticate({ authorization }) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!match?.[1]) throw new AuthFailure('no-token');
      let claims: Claims;
      try {
        claims = await verifier.verify(match[1]);
      } catch (error) {
        throw new AuthFailure(refusalOf(error));
      }
      if (!hasExpiry(claims)) throw new AuthFailure('no-expiry');
      return claims;
    },
  };
}

/** An `exp` claim: a number of seconds (API Gateway passes claims as strings, so digits count too). */
function hasExpiry(claims: Claims): boolean {
  const exp = claims['exp'];
  return (typeof exp === 'number' && Number.isFinite(exp)) || (typeof exp === 'string' && /^\d+$/.test(exp));
}

function refusalOf(error: unknown): TokenRefusal | 'jwks-unavailable' {
  if (error instanceof JwtExpiredError) return 'expired';
  if (error instanceof JwtNotBeforeError) return 'not-yet-valid';
  if (error instanceof JwtInvalidIssuerError) return 'wrong-issuer';
  if (error instanceof JwtInvalidAudienceError || error instanceof CognitoJwtInvalidClientIdError)
    return 'wrong-audience';
  if (error instanceof CognitoJwtInvalidTokenUseError) return 'wrong-token-use';
  if (error instanceof JwtInvalidSignatureAlgorithmError) return 'unsupported-algorithm';
  if (error instanceof JwtInvalidSignatureError) return 'bad-signature';
  if (error instanceof KidNotFoundInJwksError || error instanceof WaitPeriodNotYetEndedJwkError) return 'unknown-key';
  if (error instanceof FetchError || error instanceof JwksNotAvailableInCacheError) return 'jwks-unavailable';
  return 'malformed';
}
