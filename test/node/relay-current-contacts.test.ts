/**
 * The GetCurrentUserData batcher (src/relay/current-contacts.ts) over a recording Connect client and a pacer whose
 * slots the test hands out: which users each call asks about, and what each question gets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectClient, GetCurrentUserDataCommand } from '@aws-sdk/client-connect';
import { createCurrentContacts } from '../../src/relay/current-contacts.ts';
import type { Pacer } from '../../src/relay/pacer.ts';

/** A pacer that gives a slot only when the test calls `grant`. */
function handPacer() {
  const waiting: Array<() => void> = [];
  const pacer: Pacer = {
    take: () => new Promise<void>((resolve) => waiting.push(resolve)),
    holdOff: () => undefined,
    ratePerSecond: 1,
  };
  return {
    pacer,
    /** Grants the next slot once a call waits for it. */
    async grant(): Promise<void> {
      while (waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
      waiting.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
    waiting: () => waiting.length,
  };
}

/** A Connect client answering every GetCurrentUserData with one contact per user asked about. */
function recordingConnect() {
  const asked: string[][] = [];
  const connect = {
    send: (command: GetCurrentUserDataCommand) => {
      const agents = command.input.Filters?.Agents ?? [];
      asked.push([...agents]);
      return Promise.resolve({
        UserDataList: agents.map((id) => ({ User: { Id: id }, Contacts: [{ ContactId: `contact-of-${id}` }] })),
      });
    },
  } as unknown as ConnectClient;
  return { connect, asked };
}

describe('current contacts: an aborted question', () => {
  it('leaves the queue: the next call does not ask about its user, the others still get their answers', async () => {
    const hand = handPacer();
    const { connect, asked } = recordingConnect();
    const contacts = createCurrentContacts({ connect, pacer: hand.pacer, timeoutMs: 1_000 });
    const gone = new AbortController();
    const smith = contacts.of('inst', 'smith');
    const jones = contacts.of('inst', 'jones', gone.signal);
    const jonesAgain = contacts.of('inst', 'jones');
    const brown = contacts.of('inst', 'brown', gone.signal);
    gone.abort(new Error('the message was given up'));
    await assert.rejects(jones, /given up/);
    await assert.rejects(brown, /given up/);
    await hand.grant();
    assert.deepEqual(await smith, [{ ContactId: 'contact-of-smith' }]);
    assert.deepEqual(await jonesAgain, [{ ContactId: 'contact-of-jones' }]);
    assert.deepEqual(asked, [['smith', 'jones']], 'brown, asked about only by an aborted question, is left out');
  });

  it('makes no call when every question was aborted before its slot', async () => {
    const hand = handPacer();
    const { connect, asked } = recordingConnect();
    const contacts = createCurrentContacts({ connect, pacer: hand.pacer, timeoutMs: 1_000 });
    const gone = new AbortController();
    const smith = contacts.of('inst', 'smith', gone.signal);
    gone.abort(new Error('given up'));
    await assert.rejects(smith, /given up/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(hand.waiting(), 0, 'no slot is taken for it');
    assert.deepEqual(asked, []);
  });
});
