// Each kind of configuration mistake, through the drop-in's plan (what start() hands createCcpAttributes): the CCP
// is still created whenever its own settings are valid, every mistake is named by its attribute, the editor of
// data-target is still made, and nothing writes (no credentials, no relay, no rules).
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes as CcpAttributesElement } from '../../components/ccp-attributes.ts';
import { plan, type DropInPlan } from '../../components/drop-in-setup.ts';

const ccpUrl = 'https://example.my.connect.aws/ccp-v2/';
const token = { loginTokenFunction: 'getIdToken' };

interface Planned extends DropInPlan {
  editors: CcpAttributesElement[];
  script: HTMLScriptElement;
}

/** Plans a drop-in with `dataset` on a page with `<div id="attributes">` and `<div id="ccp">`. */
async function planWith(dataset: Record<string, string>): Promise<Planned> {
  for (const id of ['attributes', 'ccp']) {
    const div = document.createElement('div');
    div.id = id;
    div.className = 'plan-fixture';
    document.body.append(div);
  }
  const script = document.createElement('script');
  Object.assign(script.dataset, dataset);
  document.body.append(script);
  const editors: CcpAttributesElement[] = [];
  return { ...(await plan(script, editors)), editors, script };
}

/** A blob: URL of `text` on the page's own origin. */
function ownUrl(text: string): string {
  return URL.createObjectURL(new Blob([text], { type: 'application/json' }));
}

describe("the drop-in's plan for each kind of mistake", () => {
  afterEach(() => {
    sinon.restore();
    for (const element of document.querySelectorAll('.plan-fixture, .ccp-attributes-ccp, body > script'))
      element.remove();
  });

  const mistakes: [string, Record<string, string>, string[]][] = [
    ['an unknown attribute (a misspelt name)', { ccpUrl, relayUrl: '/relay', ...token, colour: 'blue' }, ['data-*']],
    [
      'a mistyped rule event',
      { ccpUrl, relayUrl: '/relay', ...token, rules: '[{"on": "conected", "set": {"a": "b"}}]' },
      ['data-rules'],
    ],
    ['rules that are not JSON', { ccpUrl, relayUrl: '/relay', ...token, rules: '[{on: connected}]' }, ['data-rules']],
    ['an http: relay URL', { ccpUrl, relayUrl: 'http://relay.example.com', ...token }, ['data-relay-url']],
    [
      'an http: endpoint',
      {
        ccpUrl,
        identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000',
        loginProvider: 'p',
        ...token,
        endpoint: 'http://connect.example.com',
      },
      ['data-endpoint'],
    ],
    [
      'an identity pool id that is not one',
      { ccpUrl, identityPoolId: 'pool', loginProvider: 'p', ...token },
      ['data-identity-pool-id'],
    ],
    ['no login token source', { ccpUrl, relayUrl: '/relay' }, ['data-login-token-function']],
    ['a region that is not one', { ccpUrl, region: 'moon-1' }, ['data-region']],
    ['a language that is not one', { ccpUrl, locale: 'not a language' }, ['data-locale']],
    ['a rate that is not a number', { ccpUrl, outboxRate: 'fast' }, ['data-outbox-rate']],
    [
      'a rules URL on another origin',
      { ccpUrl, relayUrl: '/relay', ...token, rulesUrl: 'https://rules.example.com/r.json' },
      ['data-rules-url'],
    ],
    ['a target that matches nothing', { ccpUrl, relayUrl: '/relay', ...token, target: '#nothing' }, ['data-target']],
    ['a target that is not a selector', { ccpUrl, target: '#' }, ['data-target']],
  ];
  for (const [name, dataset, attributes] of mistakes) {
    it(`${name}: names ${attributes.join(', ')}, creates the CCP, writes nothing`, async () => {
      const planned = await planWith({ target: '#attributes', ...dataset });
      expect(planned.problems.map((problem) => problem.attribute)).to.deep.equal(attributes);
      const { tracker, credentials, relay, rules } = planned.options;
      expect(tracker?.initCCP?.ccpUrl).to.equal(ccpUrl);
      expect(tracker?.initCCP?.softphone).to.deep.equal({ allowFramedSoftphone: true });
      expect((tracker?.container as Element | undefined)?.isConnected, 'a container in the page').to.equal(true);
      expect([credentials, relay, rules]).to.deep.equal([undefined, undefined, undefined]);
      if (!attributes.includes('data-target'))
        expect(planned.editors.map((e) => e.parentElement?.id)).to.deep.equal(['attributes']);
    });
  }

  it('a rules file with a mistyped event: named, and the CCP created', async () => {
    const planned = await planWith({ ccpUrl, rulesUrl: ownUrl('[{"on": "conected", "set": {"a": "b"}}]') });
    expect(planned.problems.map((problem) => problem.attribute)).to.deep.equal(['data-rules-url']);
    expect(planned.options.tracker?.initCCP?.ccpUrl).to.equal(ccpUrl);
    expect(planned.options.rules).to.equal(undefined);
  });

  it('a rules file is read and named even when another setting has a mistake', async () => {
    const planned = await planWith({ ccpUrl, region: 'moon-1', rulesUrl: ownUrl('not json') });
    expect(planned.problems.map((problem) => problem.attribute)).to.deep.equal(['data-region', 'data-rules-url']);
  });

  const ccpMistakes: [string, Record<string, string>, string[]][] = [
    ['a CCP container that matches nothing', { ccpUrl, ccpContainer: '#nowhere' }, ['data-ccp-container']],
    ['a CCP URL that is not one', { ccpUrl: 'http://' }, ['data-ccp-url']],
    [
      'a softphone choice that is neither true nor false',
      { ccpUrl, allowFramedSoftphone: 'yes' },
      ['data-allow-framed-softphone'],
    ],
  ];
  for (const [name, dataset, attributes] of ccpMistakes) {
    it(`${name} (a setting of the CCP itself): named, and no CCP is created`, async () => {
      const planned = await planWith({ target: '#attributes', ...dataset });
      expect(planned.problems.map((problem) => problem.attribute)).to.deep.equal(attributes);
      expect(planned.options.tracker).to.deep.equal({});
      expect(document.querySelector('.ccp-attributes-ccp')).to.equal(null);
      expect(planned.editors).to.have.length(1);
    });
  }

  it('with no mistake: the full options, the container given, and the softphone the page chose', async () => {
    const container = await planWith({
      ccpUrl,
      ccpContainer: '#ccp',
      allowFramedSoftphone: 'false',
      relayUrl: '/relay',
      ...token,
      rules: '[{"on": "connected", "set": {"a": "b"}}]',
    });
    expect(container.problems).to.deep.equal([]);
    expect(container.options.tracker?.container).to.equal(document.querySelector('#ccp'));
    expect(container.options.tracker?.initCCP?.softphone).to.deep.equal({ allowFramedSoftphone: false });
    expect(container.options.relay?.url).to.equal(new URL('/relay', location.href).href);
    expect(container.options.rules).to.have.length(1);
  });
});
