// Handing the sending over to another outbox of the origin (an agent workspace service taking over from an app):
// the yielding outbox lets its request on the wire end, gives the flusher lock up and stays out until it resumes;
// every value is sent once, by whoever holds the lock.
import { expect } from '@open-wc/testing';
import { Outbox } from '../../src/outbox/index.ts';
import { until } from '../helpers/until.ts';
import { contact, freshDatabase, ScriptedSender, settle } from './fakes.ts';

describe('Outbox hand-over (yieldSending / resumeSending)', () => {
  const db = freshDatabase('outbox-hand-over');

  async function tab(sender: ScriptedSender): Promise<Outbox> {
    const outbox = new Outbox({ store: await db.open(), sender: sender.send, lockName: db.name, debounceMs: 0 });
    db.outboxes.push(outbox);
    await outbox.ready;
    return outbox;
  }

  it('lets the request on the wire land, then gives the lock to the waiting outbox, which sends the rest once', async () => {
    const appSender = new ScriptedSender();
    appSender.gated = true;
    const app = await tab(appSender);
    await until(() => app.flusher, 'the app to become the flusher');
    const serviceSender = new ScriptedSender();
    const service = await tab(serviceSender);
    const first = app.write(contact('c1'), { first: '1' });
    await until(() => appSender.requests.length === 1, 'the first request on the wire');

    const yielded = app.yieldSending();
    await settle();
    expect(service.flusher, 'no hand-over while a request is on the wire').to.equal(false);
    appSender.release();
    await yielded;
    await first;
    await until(() => service.flusher, 'the service to take the lock');
    expect(app.flusher).to.equal(false);

    await app.write(contact('c1'), { second: '2' });
    expect(appSender.requests).to.have.length(1);
    expect(serviceSender.requests.map((request) => request.attributes)).to.deep.equal([{ second: '2' }]);
  });

  it('stays out of the competition while yielded, and competes again after resumeSending()', async () => {
    const appSender = new ScriptedSender();
    const app = await tab(appSender);
    await until(() => app.flusher, 'the app to become the flusher');
    await app.yieldSending();
    const service = await tab(new ScriptedSender());
    await until(() => service.flusher, 'the service to take the lock');
    // Another page that yielded before the service came does not take the lock when the service goes.
    void service.close();
    await settle(50);
    expect(app.flusher, 'a yielded outbox does not take the lock').to.equal(false);
    app.resumeSending();
    await until(() => app.flusher, 'the app to take the lock again');
    await app.write(contact('c2'), { again: '1' });
    expect(appSender.storedFor(contact('c2'))).to.deep.equal({ again: '1' });
  });
});
