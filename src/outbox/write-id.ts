/**
 * The id of one request's content (`WriteId`): a queued relay derives its SQS deduplication id from it, so a retry of
 * the same request is dropped there and a request carrying newer merged values is not; after the relay accepted a
 * request (202) the browser finds its outcome by it.
 *
 * It hashes the entry's random nonce (made when the entry is created, stored with it: every tab and a reload read the
 * same one), the entry's id (the contact and the agent) and, per key sent, the store revision of its value. A value
 * at a revision never changes, so the same values give the same id; a newer value of any key has a higher revision,
 * so a request carrying it gets another id. The nonce keeps two stores (two browsers of one agent, or a store deleted
 * and made again, whose revisions start over) from giving one id to different content. SHA-256 (Web Crypto), written
 * in base64url: 43 characters of `[A-Za-z0-9_-]`, within the relay's 1..128 of `[A-Za-z0-9_.:-]`.
 */
import type { Revisions } from './entry.ts';
import type { OutboxEntry } from './types.ts';

/** A new random nonce for an entry (16 bytes, base64url). `crypto.getRandomValues` works in every context. */
export function newWriteNonce(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * The WriteId of a request carrying `revisions` (per key, the revision of the value sent) from `entry`; undefined
 * where Web Crypto's digest is missing (a page served over plain http from another host than localhost is not a
 * secure context: https://developer.mozilla.org/docs/Web/API/SubtleCrypto): the relay then derives one itself and
 * answers with it.
 */
export async function writeIdOf(
  entry: Pick<OutboxEntry, 'id' | 'writeNonce' | 'createdAt'>,
  revisions: Readonly<Revisions>,
): Promise<string | undefined> {
  const subtle = (globalThis.crypto as Crypto | undefined)?.subtle;
  if (!subtle) return undefined;
  // An entry stored without a nonce (by an earlier version) is told apart by its creation time.
  const nonce = entry.writeNonce ?? `t${entry.createdAt}`;
  // Keys sorted by code unit, each with its revision; JSON keeps keys holding any character apart.
  const pairs = Object.entries(revisions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = JSON.stringify([nonce, entry.id, pairs]);
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return base64url(new Uint8Array(digest));
}

/** Bytes in base64url without padding (RFC 4648, section 5). */
function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
