/**
 * The caller's Amazon Connect user id, from a claim that holds it or from a claim that holds the Connect username,
 * resolved with SearchUsers (Username, EXACT) and remembered for a while. Nothing here lets a write through on a
 * miss: no claim, no user, two users or a failed lookup all end without an id.
 */
import { SearchUsersCommand, type ConnectClient } from '@aws-sdk/client-connect';
import type { Claims } from './auth.ts';
import type { RelayUserMapping } from './config.ts';

/** The caller's Connect user id, or why there is none. */
export type UserLookup =
  { userId: string; username?: string } | { refused: 'no-user-claim' | 'unknown-user' | 'ambiguous-user' };

/** Maps verified claims to a Connect user id. */
export interface UserResolver {
  /** Rejects only when Connect could not be asked (the error is Connect's); `signal` ends the call to Connect. */
  resolve(claims: Claims, signal?: AbortSignal): Promise<UserLookup>;
}

/** A resolver for the configured mapping; `now` is the clock of the cache. */
export function createUserResolver(
  mapping: RelayUserMapping,
  connect: ConnectClient,
  instanceId: string,
  now: () => number,
): UserResolver {
  if ('userIdClaim' in mapping) {
    return {
      // eslint-disable-next-line @typescript-eslint/require-await -- one of two implementations of an async interface
      async resolve(claims) {
        const id = claims[mapping.userIdClaim];
        return typeof id === 'string' && id.length > 0 ? { userId: id } : { refused: 'no-user-claim' };
      },
    };
  }
  const ttlMs = (mapping.cacheTtlSeconds ?? 300) * 1000;
  const cache = new Map<string, { userId: string; expiresAtMs: number }>();
  return {
    async resolve(claims, signal) {
      const username = claims[mapping.usernameClaim];
      if (typeof username !== 'string' || username.length === 0) return { refused: 'no-user-claim' };
      const cached = cache.get(username);
      if (cached && cached.expiresAtMs > now()) return { userId: cached.userId, username };
      cache.delete(username);
      const { Users = [] } = await connect.send(
        new SearchUsersCommand({
          InstanceId: instanceId,
          SearchCriteria: { StringCondition: { FieldName: 'Username', Value: username, ComparisonType: 'EXACT' } },
          MaxResults: 2,
        }),
        { abortSignal: signal },
      );
      // EXACT is compared here too: the relay's decision must not depend on how the search service matches.
      const matches = Users.filter((user) => user.Username === username && typeof user.Id === 'string');
      if (matches.length === 0) return { refused: 'unknown-user' };
      if (matches.length > 1) return { refused: 'ambiguous-user' };
      const userId = matches[0]?.Id ?? '';
      cache.set(username, { userId, expiresAtMs: now() + ttlMs });
      return { userId, username };
    },
  };
}
