/**
 * The relay's CDK stack with reviewers and a search pace, in both modes, synthesized offline: the reviewers' routes
 * behind the JWT authorizer, the settings reaching the function (and the relay, run on the synthesized configuration,
 * serving reviewers and refusing agents), the permissions the reviewers' routes need and nothing more; and the two
 * settings' errors. The Lambda assets are one-line stand-in bundles.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectClient } from '@aws-sdk/client-connect';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RelayStack } from '../../deploy/relay-stack.ts';
import { readSettings } from '../../deploy/settings.ts';
import { resolveRelayConfig, type RelayConfig } from '../../src/relay/config.ts';
import { createLambdaHandler, type RelayEvent } from '../../src/relay/lambda.ts';
import { joined, routesOf, standInBundles, statements } from '../helpers/cdk.ts';

const instanceId = '4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71';
const instanceArn = `arn:aws:connect:eu-west-2:111122223333:instance/${instanceId}`;
const reviewers = { claim: 'cognito:groups', values: ['reviewers'], allowKeyPrefixes: ['Review', 'Legal'] };
const bundleDir = standInBundles();

const base = {
  instanceArn,
  userPoolId: 'eu-west-2_AbCdEf123',
  audience: '4example5client6id7',
  allowedOrigins: 'https://agents.example.com',
};
const withReviewers = { ...base, reviewers: JSON.stringify(reviewers), searchesPerSecond: '0.5' };

function synth(context: Record<string, unknown>, env: Record<string, string> = {}): Template {
  const settings = readSettings((key) => context[key], env);
  const stack = new RelayStack(new App(), 'Relay', {
    settings,
    bundleDir: bundleDir(),
    env: { account: '111122223333', region: 'eu-west-2' },
  });
  return Template.fromStack(stack);
}

/** Each route as `<route key> <authorization> <authorizer>`. */
function routes(template: Template): string[] {
  return routesOf(template, 'HTTP').map(
    (props) => `${props.RouteKey} ${props.AuthorizationType} ${props.AuthorizerId ? joined(props.AuthorizerId) : '-'}`,
  );
}

/** A function's configuration: the relay's (handler index.handler) or the worker's. */
function relayConfig(template: Template, handler = 'index.handler'): Record<string, unknown> {
  const relay = Object.values(template.findResources('AWS::Lambda::Function'))
    .map((fn) => (fn as { Properties: Record<string, unknown> }).Properties)
    .find((props) => props['Handler'] === handler);
  const variables = (relay?.['Environment'] as { Variables: Record<string, unknown> }).Variables;
  return JSON.parse(joined(variables['RELAY_CONFIG'])) as Record<string, unknown>;
}

/** The Connect actions granted, each as `<action> <resources>`, sorted. */
function connectGrants(template: Template, role: RegExp): string[] {
  const roleIds = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => role.test(id));
  assert.equal(roleIds.length, 1);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy as { Properties: { Roles: Array<{ Ref: string }> } }).Properties.Roles.some(
      (ref) => ref.Ref === roleIds[0],
    ),
  );
  return policies
    .flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties)
    .flatMap((props) => props.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>)
    .flatMap((statement) =>
      [statement.Action]
        .flat()
        .filter((action) => action.startsWith('connect:'))
        .map((action) => `${action} ${[statement.Resource].flat().map(joined).join(' ')}`),
    )
    .sort();
}

const contacts = `${instanceArn}/contact/*`;
const reads = [
  `connect:DescribeContact ${contacts}`,
  `connect:DescribeQueue ${instanceArn}/queue/*`,
  `connect:GetContactAttributes ${contacts}`,
  `connect:SearchContacts ${instanceArn} ${contacts}`,
  `connect:SearchUsers ${instanceArn} ${instanceArn}/agent/*`,
];
const write = `connect:UpdateContactAttributes ${contacts}`;
const reviewRoutes = ['POST /review/contacts/search', 'POST /review/contact', 'POST /review/contact/attributes'];

describe('the relay stack with reviewers', () => {
  it('routes the reviewers’ three paths behind the same JWT authorizer as the others, in both modes', () => {
    for (const context of [withReviewers, { ...withReviewers, queued: 'true' }]) {
      const found = routes(synth(context)).map((route) => route.split(' '));
      // One authorizer, the agents' token, on every route.
      assert.deepEqual(new Set(found.map(([, , type, authorizer]) => `${type} ${authorizer}`)).size, 1);
      assert.match(`${found[0]?.[2]} ${found[0]?.[3]}`, /^JWT <ApiAgentToken/);
      assert.deepEqual(
        found.map(([method, path]) => `${method} ${path}`),
        [
          'POST /contact/attributes',
          'POST /contacts/search',
          'POST /contact/attributes/read',
          ...reviewRoutes,
          ...(context === withReviewers ? [] : ['GET /contact/attributes/outcomes']),
        ],
      );
    }
    // Without the setting the paths are not routed at all.
    for (const context of [base, { ...base, queued: 'true' }])
      assert.ok(!routes(synth(context)).some((route) => route.includes('/review/')));
  });

  it('hands the function reviewers and searchesPerSecond, in both modes, as the relay accepts them', () => {
    for (const context of [withReviewers, { ...withReviewers, queued: 'true' }]) {
      const config = relayConfig(synth(context));
      assert.deepEqual(config['reviewers'], reviewers);
      assert.equal(config['searchesPerSecond'], 0.5);
      // Queued mode's queue URL and table name are CloudFormation references here.
      const { queue, outcomes, ...rest } = config;
      assert.equal(queue !== undefined && outcomes !== undefined, context !== withReviewers);
      const resolved = resolveRelayConfig(rest);
      if (context !== withReviewers) {
        const worker = relayConfig(synth(context), 'worker.handler');
        assert.ok(!('reviewers' in worker) && !('searchesPerSecond' in worker), 'the worker needs neither');
      }
      assert.deepEqual(resolved.reviewers, reviewers);
      assert.equal(resolved.searchesPerSecond, 0.5);
    }
    // Unset: left to the relay's defaults (1 search/s, no reviewers).
    const config = relayConfig(synth(base));
    assert.ok(!('reviewers' in config) && !('searchesPerSecond' in config));
    // From the environment, and from cdk.json's context as an object.
    const fromEnv = relayConfig(
      synth(base, { RELAY_REVIEWERS: JSON.stringify(reviewers), RELAY_SEARCHES_PER_SECOND: '2' }),
    );
    assert.deepEqual([fromEnv['reviewers'], fromEnv['searchesPerSecond']], [reviewers, 2]);
    assert.deepEqual(relayConfig(synth({ ...base, reviewers }))['reviewers'], reviewers);
  });

  it('gives synchronous mode no permission beyond the reads and the write it had', () => {
    assert.deepEqual(connectGrants(synth(withReviewers), /^RelayRole/), [...reads, write].sort());
    assert.deepEqual(connectGrants(synth(base), /^RelayRole/), [...reads, write].sort());
  });

  it('keeps UpdateContactAttributes on the contacts for the relay in queued mode only with reviewers (their writes are not queued)', () => {
    assert.deepEqual(
      connectGrants(synth({ ...withReviewers, queued: 'true' }), /^RelayRole/),
      [...reads, write].sort(),
    );
    assert.deepEqual(connectGrants(synth({ ...base, queued: 'true' }), /^RelayRole/), [...reads].sort());
    for (const statement of statements(synth({ ...withReviewers, queued: 'true' })))
      assert.notEqual(statement.Resource, '*');
  });

  it('runs the relay on the synthesized configuration: a reviewer searches and writes a Review key, an agent is refused', async () => {
    const sent: string[] = [];
    // Connect's answers, recorded by command: the relay's own Connect side is what is under test, not Connect.
    const answers: Record<string, unknown> = {
      SearchContactsCommand: { Contacts: [] },
      DescribeContactCommand: { Contact: { Id: 'c-1', InitialContactId: 'c-1', Channel: 'VOICE' } },
    };
    const connect = {
      send: (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return Promise.resolve(answers[command.constructor.name] ?? {});
      },
    } as unknown as ConnectClient;
    const handler = createLambdaHandler(relayConfig(synth(withReviewers)) as unknown as RelayConfig, {
      connect,
      audit: () => undefined,
    });
    const call = (path: string, body: unknown, groups: string) =>
      handler({
        version: '2.0',
        rawPath: path,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        requestContext: {
          requestId: 'r',
          http: { method: 'POST', path },
          authorizer: {
            jwt: {
              claims: {
                'cognito:username': 'qa.lee',
                'cognito:groups': groups,
                exp: String(Math.floor(Date.now() / 1000) + 600),
              },
            },
          },
        },
      } as unknown as RelayEvent);
    const search = { TimeRange: { Type: 'DISCONNECT_TIMESTAMP', StartTime: 0, EndTime: 600 } };
    const flag = { InstanceId: instanceId, InitialContactId: 'c-1', ContactId: 'c-1', Attributes: { Review: 'legal' } };
    assert.equal((await call('/review/contacts/search', search, '[agents]')).statusCode, 403);
    assert.equal((await call('/review/contact/attributes', flag, '[agents]')).statusCode, 403);
    assert.deepEqual(sent, []);
    assert.equal((await call('/review/contacts/search', search, '[agents reviewers]')).statusCode, 200);
    assert.equal((await call('/review/contact/attributes', flag, '[reviewers]')).statusCode, 200);
    const other = { ...flag, Attributes: { disposition: 'x' } };
    assert.equal((await call('/review/contact/attributes', other, '[reviewers]')).statusCode, 403);
    assert.deepEqual(sent, ['SearchContactsCommand', 'DescribeContactCommand', 'UpdateContactAttributesCommand']);
  });
});

describe('reviewers and searchesPerSecond settings', () => {
  const problems = (context: Record<string, unknown>): string => {
    try {
      readSettings((key) => context[key], {});
    } catch (error) {
      return (error as Error).message;
    }
    assert.fail(`accepted ${JSON.stringify(context)}`);
  };

  it('refuses a pace out of range, naming the setting with its context key and environment variable', () => {
    for (const value of ['fast', '0', '0.05', '101', '-1'])
      assert.match(
        problems({ ...base, searchesPerSecond: value }),
        /searchesPerSecond \(context -c searchesPerSecond=\.\.\. or RELAY_SEARCHES_PER_SECOND\) must be a number from 0\.1 to 100/,
      );
  });

  it('refuses reviewers that are not JSON, incomplete, or on a claim users may change, saying why', () => {
    const named = /reviewers \(context -c reviewers=\.\.\. or RELAY_REVIEWERS\)/;
    const notJson = problems({ ...base, reviewers: 'cognito:groups=reviewers' });
    assert.match(notJson, named);
    assert.match(notJson, /must be a JSON object like/);
    assert.match(
      problems({ ...base, reviewers: JSON.stringify({ claim: 'cognito:groups', values: ['reviewers'] }) }),
      /reviewers\.allowKeyPrefixes must be a non-empty list/,
    );
    assert.match(
      problems({ ...base, reviewers: JSON.stringify({ ...reviewers, allowKeyPrefixes: ['Review*'] }) }),
      /reviewers\.allowKeyPrefixes/,
    );
    assert.match(
      problems({ ...base, reviewers: JSON.stringify({ ...reviewers, claim: 'custom:role' }) }),
      /may be a claim users can change/,
    );
    // Another issuer's cognito:groups is whatever its directory puts there: confirmed, or refused.
    const oidc = {
      ...base,
      userPoolId: undefined,
      issuer: 'https://login.example.com',
      usernameClaim: 'preferred_username',
      agentsCannotChangeClaim: 'true',
    };
    assert.match(problems({ ...oidc, reviewers: JSON.stringify(reviewers) }), /claimCannotChange": true/);
    const confirmed = { ...reviewers, claimCannotChange: true };
    assert.deepEqual(
      readSettings((key) => ({ ...oidc, reviewers: JSON.stringify(confirmed) })[key], {}).reviewers,
      confirmed,
    );
  });
});
