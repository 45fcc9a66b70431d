/**
 * The relay's CDK stack's outcome socket (queued mode), synthesized offline and asserted with aws-cdk-lib/assertions:
 * the WebSocket API, its routes to the one socket function and its stage (throttled, nothing logged), the connections
 * table (its key, index and time to live), the functions' environment, each role's exact permissions, the SocketUrl
 * output, the off switch and its absence in synchronous mode; and the settings' errors. The Lambda assets are one-line
 * stand-in bundles.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readSettings } from '../../deploy/settings.ts';
import { RelayStack } from '../../deploy/relay-stack.ts';
import { resolveRelayConfig, type ResolvedRelayConfig } from '../../src/relay/config.ts';
import {
  instanceArn,
  joined,
  logicalId,
  permissions,
  queuedSettings,
  resource,
  routesOf,
  standInBundles,
  statements,
} from '../helpers/cdk.ts';

const bundleDir = standInBundles();

const queued = queuedSettings;

function synth(context: Record<string, string>, dir = bundleDir()): Template {
  const settings = readSettings((key) => context[key], {});
  const stack = new RelayStack(new App(), 'Relay', {
    settings,
    bundleDir: dir,
    env: { account: '111122223333', region: 'eu-west-2' },
  });
  return Template.fromStack(stack);
}

/** A function's environment variables. */
function environment(template: Template, id: RegExp): Record<string, unknown> {
  return (
    resource(template, 'AWS::Lambda::Function', id).props['Environment'] as { Variables: Record<string, unknown> }
  ).Variables;
}

/** A synthesized configuration as the relay resolves it (its table's name is a token in the template). */
function resolves(config: Record<string, unknown>): ResolvedRelayConfig {
  return resolveRelayConfig({ ...config, outcomes: { table: 'relay-outcomes' } });
}

/** A stack output, or undefined when the stack has none of that name. */
function output(template: Template, name: string): { Value: unknown; Description: string } | undefined {
  return (template.findOutputs(name) as Record<string, { Value: unknown; Description: string }>)[name];
}

/** Every action any statement of the template grants. */
function actions(template: Template): string[] {
  return statements(template).flatMap((statement) => [statement.Action].flat());
}

describe("the relay stack's outcome socket", () => {
  let template: Template;
  let api: string;
  let connections: string;
  let outcomes: string;
  let stageConnections: string;
  before(() => {
    template = synth(queued);
    api = resource(template, 'AWS::ApiGatewayV2::Api', /^SocketApi/).id;
    connections = resource(template, 'AWS::DynamoDB::Table', /^SocketConnections/).id;
    outcomes = resource(template, 'AWS::DynamoDB::Table', /^QueuedOutcomes/).id;
    stageConnections = `arn:<AWS::Partition>:execute-api:eu-west-2:111122223333:<${api}>/outcomes/POST/@connections/*`;
  });

  it('routes $connect, $disconnect, subscribe, ping and $default, chosen by the action, to one socket function', () => {
    const props = resource(template, 'AWS::ApiGatewayV2::Api', /^SocketApi/).props;
    assert.equal(props['ProtocolType'], 'WEBSOCKET');
    assert.equal(props['RouteSelectionExpression'], '$request.body.action');
    const routes = routesOf(template, 'WEBSOCKET');
    assert.deepEqual(routes.map((route) => route.RouteKey).sort(), [
      '$connect',
      '$default',
      '$disconnect',
      'ping',
      'subscribe',
    ]);
    // No authorizer: the token comes in the subscribe message, which the function verifies.
    assert.ok(routes.every((route) => route.AuthorizationType === 'NONE'));
    const targets = new Set(routes.map((route) => joined(route.Target)));
    assert.equal(targets.size, 1, 'one integration');
    const integrationId = [...targets][0]!.replace(/^integrations\/<(.*)>$/, '$1');
    const integration = resource(template, 'AWS::ApiGatewayV2::Integration', new RegExp(`^${integrationId}$`)).props;
    const socket = resource(template, 'AWS::Lambda::Function', /^SocketFunction/);
    assert.equal(integration['IntegrationType'], 'AWS_PROXY');
    assert.match(joined(integration['IntegrationUri']), new RegExp(`functions/<${socket.id}>/invocations$`));
    assert.equal(socket.props['Handler'], 'socket.handler');
    assert.equal(socket.props['Runtime'], 'nodejs24.x');
    // API Gateway may invoke it for this API's routes only.
    const invokers = Object.values(template.findResources('AWS::Lambda::Permission'))
      .map((permission) => (permission as { Properties: { FunctionName: unknown; SourceArn: unknown } }).Properties)
      .filter((permission) => logicalId(permission.FunctionName) === socket.id)
      .map((permission) => joined(permission.SourceArn));
    assert.equal(invokers.length, 5);
    for (const source of invokers)
      assert.match(source, new RegExp(`^arn:<AWS::Partition>:execute-api:eu-west-2:111122223333:<${api}>/\\*`));
  });

  it('deploys a throttled stage that logs no message: no access log, no data trace', () => {
    const stage = resource(template, 'AWS::ApiGatewayV2::Stage', /^SocketStage/).props;
    assert.deepEqual(stage['ApiId'], { Ref: api });
    assert.equal(stage['StageName'], 'outcomes');
    assert.equal(stage['AutoDeploy'], true);
    assert.deepEqual(stage['DefaultRouteSettings'], { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
    for (const key of ['AccessLogSettings', 'RouteSettings']) assert.equal(stage[key], undefined, key);
    const t = synth({ ...queued, socketThrottleRateLimit: '20', socketThrottleBurstLimit: '40' });
    assert.deepEqual(resource(t, 'AWS::ApiGatewayV2::Stage', /^SocketStage/).props['DefaultRouteSettings'], {
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 40,
    });
  });

  it('keeps connections in an on-demand table keyed by connectionId, expiring with the token, with a bySub index', () => {
    const table = resource(template, 'AWS::DynamoDB::Table', /^SocketConnections/).props;
    assert.deepEqual(table['KeySchema'], [{ AttributeName: 'connectionId', KeyType: 'HASH' }]);
    assert.equal(table['BillingMode'], 'PAY_PER_REQUEST');
    assert.deepEqual(table['TimeToLiveSpecification'], { AttributeName: 'expiresAt', Enabled: true });
    assert.deepEqual(table['GlobalSecondaryIndexes'], [
      {
        IndexName: 'bySub',
        KeySchema: [{ AttributeName: 'sub', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['expiresAt'] },
      },
    ]);
    assert.deepEqual(
      table['SSESpecification'],
      resource(template, 'AWS::DynamoDB::Table', /^QueuedOutcomes/).props['SSESpecification'],
      'encrypted as the outcomes table is',
    );
  });

  it("gives the socket its table and a configuration that verifies the agents' tokens, the worker the table and the stage's endpoint", () => {
    const socket = environment(template, /^SocketFunction/);
    assert.equal(joined(socket['RELAY_CONNECTIONS_TABLE']), `<${connections}>`);
    const config = JSON.parse(joined(socket['RELAY_CONFIG'])) as Record<string, unknown>;
    // API Gateway's authorizer is not on the socket's routes: a configuration of 'api-gateway-jwt-authorizer' would
    // refuse every token.
    assert.deepEqual(config['auth'], {
      type: 'cognito',
      userPoolId: 'eu-west-2_AbCdEf123',
      clientId: ['4example5client6id7'],
      tokenUse: 'id',
    });
    assert.deepEqual(config['outcomes'], { table: `<${outcomes}>` });
    assert.equal(config['queue'], undefined);
    assert.equal(resolves(config).instanceArn, instanceArn);

    const worker = environment(template, /^QueuedWorker[0-9A-F]{8}$/);
    assert.equal(joined(worker['RELAY_CONNECTIONS_TABLE']), `<${connections}>`);
    assert.equal(
      joined(worker['RELAY_SOCKET_ENDPOINT']),
      `https://<${api}>.execute-api.eu-west-2.<AWS::URLSuffix>/outcomes`,
    );
    const relay = environment(template, /^Relay[0-9A-F]{8}$/);
    assert.equal(relay['RELAY_CONNECTIONS_TABLE'], undefined);
  });

  it("verifies access tokens when usernames come from them, and another issuer's tokens against its JWKS", () => {
    const socketConfig = (t: Template) =>
      JSON.parse(joined(environment(t, /^SocketFunction/)['RELAY_CONFIG'])) as Record<string, unknown>;
    const access = socketConfig(synth({ ...queued, usernameClaim: 'username' }));
    assert.deepEqual(access['auth'], {
      type: 'cognito',
      userPoolId: 'eu-west-2_AbCdEf123',
      clientId: ['4example5client6id7'],
      tokenUse: 'access',
    });
    assert.doesNotThrow(() => resolves(access));
    const oidc = { ...queued, userPoolId: '', issuer: 'https://login.example.com/oauth2/default', audience: 'api://a' };
    const claim = { usernameClaim: 'preferred_username', agentsCannotChangeClaim: 'true' };
    const keys = socketConfig(synth({ ...oidc, ...claim, socketJwksUri: 'https://login.example.com/oauth2/v1/keys' }));
    assert.deepEqual(keys['auth'], {
      type: 'oidc',
      issuer: 'https://login.example.com/oauth2/default',
      audience: ['api://a'],
      jwksUri: 'https://login.example.com/oauth2/v1/keys',
    });
    assert.equal(resolves(keys).auth.type, 'oidc');
    const wellKnown = resolves(socketConfig(synth({ ...oidc, ...claim }))).auth;
    assert.equal(
      'jwksUri' in wellKnown && wellKnown.jwksUri,
      'https://login.example.com/oauth2/default/.well-known/jwks.json',
    );
  });

  it('grants the socket and the worker exactly what they call, on their own table, index and stage; nothing on *', () => {
    assert.deepEqual(
      permissions(template, /^SocketRole/).sort(),
      [
        [['dynamodb:DeleteItem', 'dynamodb:PutItem'], `<${connections}>`],
        // The backlog sent at subscribe.
        [['dynamodb:Query'], `<${outcomes}>`],
        [['execute-api:ManageConnections'], stageConnections],
        [['logs:CreateLogStream', 'logs:PutLogEvents'], '<AuditLogA5B7094E>'],
      ].sort(),
    );
    const socketGrants = (role: RegExp) =>
      permissions(template, role).filter(
        ([granted, on]) => granted.some((action) => action.startsWith('execute-api:')) || on.includes(connections),
      );
    assert.deepEqual(
      socketGrants(/^QueuedWorkerRole/).sort(),
      [
        [['dynamodb:DeleteItem'], `<${connections}>`],
        [['dynamodb:Query'], `<${connections}>/index/bySub`],
        [['execute-api:ManageConnections'], stageConnections],
      ].sort(),
    );
    assert.deepEqual(socketGrants(/^RelayRole/), []);
    for (const statement of statements(template))
      for (const value of [statement.Resource].flat().map(joined)) {
        assert.notEqual(value, '*');
        assert.ok(!/execute-api:.*:\*/.test(value) && !/\/\*\/\*\/@connections/.test(value), value);
      }
  });

  it('outputs the wss URL for the plugin', () => {
    const url = output(template, 'SocketUrl');
    assert.equal(joined(url?.Value), `wss://<${api}>.execute-api.eu-west-2.<AWS::URLSuffix>/outcomes`);
    assert.match(url?.Description ?? '', /relay\.socketUrl/);
  });

  it('is left out with socket=false (the worker then pushes nothing, and needs no socket bundle), and in synchronous mode', () => {
    const noSocketBundle = mkdtempSync(join(tmpdir(), 'relay-bundle-'));
    try {
      for (const file of ['index.mjs', 'worker.mjs']) writeFileSync(join(noSocketBundle, file), '');
      assert.throws(() => synth(queued, noSocketBundle), /socket\.mjs does not exist: run npm run build:relay/);
      const off = synth({ ...queued, socket: 'false' }, noSocketBundle);
      const sync = synth({ ...queued, queued: 'false' }, noSocketBundle);
      for (const t of [off, sync]) {
        assert.deepEqual(routesOf(t, 'WEBSOCKET'), []);
        assert.equal(Object.keys(t.findResources('AWS::ApiGatewayV2::Api')).length, 1);
        assert.ok(!Object.keys(t.findResources('AWS::DynamoDB::Table')).some((id) => id.startsWith('Socket')));
        assert.ok(!Object.keys(t.findResources('AWS::Lambda::Function')).some((id) => id.startsWith('Socket')));
        assert.equal(output(t, 'SocketUrl'), undefined);
        assert.ok(!actions(t).some((action) => action.startsWith('execute-api:') || action === 'dynamodb:DeleteItem'));
      }
      const worker = environment(off, /^QueuedWorker[0-9A-F]{8}$/);
      assert.equal(worker['RELAY_CONNECTIONS_TABLE'], undefined);
      assert.equal(worker['RELAY_SOCKET_ENDPOINT'], undefined);
      assert.equal(output(sync, 'QueueUrl'), undefined);
    } finally {
      rmSync(noSocketBundle, { recursive: true, force: true });
    }
  });
});

describe('outcome socket settings', () => {
  const read = (context: Record<string, string>) => readSettings((key) => context[key], {});

  it('is on by default in queued mode, off with socket=false, absent in synchronous mode', () => {
    assert.deepEqual(read(queued).queued?.socket, { throttleRateLimit: 100, throttleBurstLimit: 200 });
    assert.equal(read({ ...queued, socket: 'false' }).queued?.socket, undefined);
    assert.equal(read({ ...queued, queued: 'false' }).queued, undefined);
  });

  it('refuses a socket setting in synchronous mode or with the socket off, and wrong values, naming each', () => {
    assert.throws(
      () => read({ ...queued, queued: 'false', socket: 'true' }),
      /socket \(context -c socket=\.\.\. or RELAY_SOCKET\) is a queued mode setting: set queued=true too/,
    );
    assert.throws(
      () => read({ ...queued, socket: 'false', socketThrottleRateLimit: '20' }),
      /socketThrottleRateLimit \(context -c socketThrottleRateLimit=\.\.\. or RELAY_SOCKET_THROTTLE_RATE_LIMIT\) is a socket setting: leave socket on/,
    );
    assert.throws(
      () =>
        read({
          ...queued,
          socket: 'maybe',
          socketThrottleRateLimit: '0',
          socketThrottleBurstLimit: 'lots',
          socketJwksUri: 'https://login.example.com/keys',
        }),
      (error: Error) =>
        /socket .* must be true or false; got 'maybe'/.test(error.message) &&
        /socketThrottleRateLimit .* at least 1; got '0'/.test(error.message) &&
        /socketThrottleBurstLimit .* at least 1; got 'lots'/.test(error.message) &&
        /socketJwksUri .* is for another OIDC issuer/.test(error.message),
    );
    assert.throws(
      () =>
        read({
          ...queued,
          userPoolId: '',
          issuer: 'https://login.example.com',
          userIdClaim: 'uid',
          agentsCannotChangeClaim: 'true',
          socketJwksUri: 'http://login.example.com/keys',
        }),
      /socketJwksUri .* must be an https URL/,
    );
  });
});
