// The stand-in workspace's interceptors (demo/workspace/interceptors.ts) on their own: what a frame registers, what
// the workspace publishes when its own action runs, and when the action goes on. The protocol with the real SDK and
// the plugin runs in test/workspace/workspace-clear.e2e.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostError, type RequestingFrame } from '../../demo/workspace/frame-requests.ts';
import { EXTENSIBILITY_NAMESPACE, Interceptors } from '../../demo/workspace/interceptors.ts';

interface Published {
  namespace: string;
  key: string;
  data: { interceptorId: string; invocationId: string; context: { contactId: string } };
  parameter: string | undefined;
}

/** A frame that records what is published to it. */
function frame(name: string): RequestingFrame & { published: Published[] } {
  const published: Published[] = [];
  return {
    name,
    instanceId: `${name}-instance`,
    attributeShape: 'string',
    published,
    publish(namespace, key, data, parameter) {
      published.push({ namespace, key, data: data as Published['data'], parameter });
    },
  };
}

async function register(
  interceptors: Interceptors,
  from: RequestingFrame,
  data: Record<string, unknown>,
): Promise<string> {
  const answer = await interceptors.answer({
    namespace: EXTENSIBILITY_NAMESPACE,
    command: 'ui-extensibility.registerInterceptor',
    data: { interceptorKey: 'clearContact', options: {}, ...data },
    from,
  });
  assert.equal(typeof answer['interceptorId'], 'string');
  return answer['interceptorId'] as string;
}

function result(interceptors: Interceptors, from: RequestingFrame, data: Record<string, unknown>): Promise<unknown> {
  return interceptors.answer({
    namespace: EXTENSIBILITY_NAMESPACE,
    command: 'ui-extensibility.sendInterceptorResult',
    data,
    from,
  });
}

/** Waits until `f` has been published to `count` times. */
async function publishedTo(f: { published: Published[] }, count: number): Promise<Published> {
  for (let i = 0; i < 200 && f.published.length < count; i++) await new Promise((r) => setTimeout(r, 5));
  const last = f.published.at(-1);
  assert.ok(last && f.published.length === count, `published ${f.published.length} times, not ${count}`);
  return last;
}

describe('stand-in workspace interceptors', () => {
  it("asks the interceptor with the contact's id and holds the action when it answers continue: false", async () => {
    const interceptors = new Interceptors();
    const app = frame('app');
    const id = await register(interceptors, app, {});
    const run = interceptors.run('clearContact', 'c-1', [app]);
    const invoked = await publishedTo(app, 1);
    assert.deepEqual(
      { namespace: invoked.namespace, key: invoked.key, parameter: invoked.parameter },
      { namespace: EXTENSIBILITY_NAMESPACE, key: 'interceptorInvoked', parameter: id },
    );
    assert.equal(invoked.data.interceptorId, id);
    assert.deepEqual(invoked.data.context, { contactId: 'c-1' });
    await result(interceptors, app, { success: true, continue: false, invocationId: invoked.data.invocationId });
    assert.equal(await run, false);
    assert.deepEqual(interceptors.log, [{ interceptorKey: 'clearContact', contactId: 'c-1', continue: false }]);
  });

  it('goes on when every interceptor answered continue: true, or failed, or did not answer in its timeout', async () => {
    const interceptors = new Interceptors();
    const [yes, failing, silent] = [frame('yes'), frame('failing'), frame('silent')];
    await register(interceptors, yes, {});
    await register(interceptors, failing, {});
    await register(interceptors, silent, { options: { timeout: 50 } });
    const run = interceptors.run('clearContact', 'c-1', [yes, failing, silent]);
    const asked = await Promise.all([publishedTo(yes, 1), publishedTo(failing, 1), publishedTo(silent, 1)]);
    await result(interceptors, yes, { success: true, continue: true, invocationId: asked[0].data.invocationId });
    await result(interceptors, failing, {
      success: false,
      error: 'InterceptorError',
      invocationId: asked[1].data.invocationId,
    });
    assert.equal(await run, true);
  });

  it('asks an interceptor registered for a contact only for that contact, and forgets those of frames gone', async () => {
    const interceptors = new Interceptors();
    const [scoped, gone] = [frame('scoped'), frame('gone')];
    await register(interceptors, scoped, { parameter: 'c-1' });
    await register(interceptors, gone, {});
    assert.equal(await interceptors.run('clearContact', 'c-2', [scoped]), true);
    assert.equal(scoped.published.length, 0);
    assert.equal(gone.published.length, 0);
    assert.equal(interceptors.count('clearContact', [scoped, gone]), 1);
  });

  it('refuses a result for no invocation, and a registration without a key; unregistering stops the asking', async () => {
    const interceptors = new Interceptors();
    const app = frame('app');
    await assert.rejects(
      async () => result(interceptors, app, { success: true, continue: true, invocationId: 'none' }),
      (error: unknown) => error instanceof HostError && error.errorKey === 'noResult',
    );
    await assert.rejects(
      async () =>
        interceptors.answer({
          namespace: EXTENSIBILITY_NAMESPACE,
          command: 'ui-extensibility.registerInterceptor',
          data: {},
          from: app,
        }),
      (error: unknown) => error instanceof HostError && error.errorKey === 'invalidRequest',
    );
    const id = await register(interceptors, app, {});
    await interceptors.answer({
      namespace: EXTENSIBILITY_NAMESPACE,
      command: 'ui-extensibility.unregisterInterceptor',
      data: { interceptorKey: 'clearContact', interceptorId: id },
      from: app,
    });
    assert.equal(await interceptors.run('clearContact', 'c-1', [app]), true);
    assert.equal(app.published.length, 0);
  });
});
