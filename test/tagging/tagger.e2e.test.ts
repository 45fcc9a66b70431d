// End to end: a tagging rule through the real outbox and the real AWS SDK (AttributesClient) to the Connect API
// stand-in, with the landed write recorded into the tracker as the plugin wires it.
import { expect } from '@open-wc/testing';
import { AttributesClient } from '../../src/client.ts';
import { createOutbox, MemoryOutboxStore } from '../../src/outbox/index.ts';
import { createTagger, recordLandedWrites } from '../../src/tagging/index.ts';
import { newContactId, registerContacts, resetStandIn, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { FakeTracker, model } from './fake-tracker.ts';

/** Resolves once `check` holds; the tagger queues its write asynchronously, so waiting for idle is not enough. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

const instanceId = '11111111-2222-4333-8444-555555555555';

describe('a tagging rule end to end (outbox, SDK, API stand-in)', () => {
  it('a rule that sets __proto__ (and constructor) stores them as own keys and records them in the tracker', async () => {
    await resetStandIn();
    const config = await standInConfig();
    const id = newContactId();
    await registerContacts([{ instanceId, contactId: id, startedAt: new Date().toISOString() }]);
    const client = new AttributesClient({
      region: config.region,
      endpoint: config.url,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      maxAttempts: 1,
    });
    const outbox = createOutbox({ store: new MemoryOutboxStore(), client, locks: null, debounceMs: 0 });
    const tracker = new FakeTracker();
    const unwire = recordLandedWrites(outbox, tracker);
    const tagger = createTagger({
      tracker,
      outbox,
      rules:
        '[{"id": "odd", "on": "connected", "set": {"__proto__": "{{agent.username}}", "constructor": "{{contact.channel}}"}}]',
    });
    try {
      tracker.emit('connected', model(id, { instanceId }));
      await until(() => tracker.recorded.length > 0, 'the landed write');
      const stored = (await storedAttributes(instanceId, id))!;
      expect(Object.entries(stored)).to.deep.equal([
        ['__proto__', 'jdoe'],
        ['constructor', 'voice'],
      ]);
      expect(tracker.recorded.map((entry) => [entry.initialContactId, Object.entries(entry.attributes)])).to.deep.equal(
        [
          [
            id,
            [
              ['__proto__', 'jdoe'],
              ['constructor', 'voice'],
            ],
          ],
        ],
      );
    } finally {
      tagger.dispose();
      unwire();
      outbox.close();
    }
  });
});
