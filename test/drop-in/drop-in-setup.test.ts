// The drop-in setup's data-rules-url: fetched only from the allowed origins (after redirects too); a bad file's error
// names the attribute, and nothing is assembled.
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { pluginOptions, start } from '../../components/drop-in-setup.ts';
import { DropInConfigError, readDropInConfig } from '../../src/drop-in-config.ts';

/** A URL of `text` on this page's own origin (a blob: URL's origin is its creator's). */
function ownUrl(text: string): string {
  return URL.createObjectURL(new Blob([text], { type: 'application/json' }));
}

async function startWith(rulesUrl: string, rulesOrigin?: string): Promise<DropInConfigError> {
  const script = document.createElement('script');
  script.dataset['rulesUrl'] = rulesUrl;
  if (rulesOrigin !== undefined) script.dataset['rulesOrigin'] = rulesOrigin;
  try {
    await start(script, []);
  } catch (error) {
    expect(error).to.be.instanceOf(DropInConfigError);
    return error as DropInConfigError;
  }
  throw new Error('expected start() to reject');
}

describe('the drop-in setup with a bad data-rules-url', () => {
  afterEach(() => sinon.restore());

  it('names data-rules-url when the file is not JSON', async () => {
    const error = await startWith(ownUrl('[{on: connected}]'));
    expect(error.problems.map((p) => p.attribute)).to.deep.equal(['data-rules-url']);
    expect(error.message).to.contain('is not valid JSON');
  });

  it('names data-rules-url and the rule when the file holds invalid rules', async () => {
    const error = await startWith(ownUrl('[{"id":"wrap","on":"hung-up","set":{"a":"b"}}]'));
    expect(error.problems.map((p) => p.attribute)).to.deep.equal(['data-rules-url']);
    expect(error.message).to.contain('rules[0] "wrap" on');
  });

  it("fetches nothing from another origin than the page's unless data-rules-origin allows it", async () => {
    const fetched = sinon.spy(window, 'fetch');
    const error = await startWith('https://rules.example.com/rules.json');
    expect(error.problems).to.deep.equal([
      {
        attribute: 'data-rules-url',
        message: `https://rules.example.com/rules.json is not on this page's origin (${location.origin}): to fetch rules from https://rules.example.com, allow it with data-rules-origin="https://rules.example.com".`,
      },
    ]);
    expect(fetched.called).to.equal(false);
  });

  it('fetches from the origin data-rules-origin allows', async () => {
    const fetched = sinon
      .stub(window, 'fetch')
      .resolves(new Response('[{"id":"wrap","on":"hung-up","set":{"a":"b"}}]'));
    const error = await startWith('https://rules.example.com/rules.json', 'https://rules.example.com');
    expect(fetched.firstCall.args[0]).to.equal('https://rules.example.com/rules.json');
    expect(error.message, 'the rules were fetched and read').to.contain('rules[0] "wrap" on');
  });

  it('refuses rules a redirect brought from an origin that is not allowed', async () => {
    const response = new Response('[]');
    Object.defineProperty(response, 'url', { value: 'https://elsewhere.example.net/rules.json' });
    sinon.stub(window, 'fetch').resolves(response);
    const error = await startWith('https://rules.example.com/rules.json', 'https://rules.example.com');
    expect(error.problems).to.deep.equal([
      {
        attribute: 'data-rules-url',
        message:
          'https://rules.example.com/rules.json was redirected to https://elsewhere.example.net, which is not an allowed origin (see data-rules-origin).',
      },
    ]);
  });
});

describe('the drop-in setup in relay mode', () => {
  it('passes data-relay-socket-url to the plugin as relay.socketUrl', async () => {
    const dataset = {
      relayUrl: 'https://relay.example.com/prod',
      relaySocketUrl: 'wss://push.example.com/prod',
      loginTokenFunction: 'agentToken',
    };
    const options = await pluginOptions(readDropInConfig(dataset, 'https://agents.example.com/'));
    expect([options.relay?.url, options.relay?.socketUrl]).to.deep.equal([
      'https://relay.example.com/prod',
      dataset.relaySocketUrl,
    ]);
  });
});
