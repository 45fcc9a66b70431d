/**
 * The relay's CDK stack (deploy/), synthesized offline and asserted with aws-cdk-lib/assertions: the authorizer on
 * the route, the role's exact actions and resources, no wildcard resource, the stage throttling, CORS, the function's
 * runtime and environment; and the settings' errors. The Lambda asset is a one-line stand-in bundle in a temporary
 * folder, so the test needs no build.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RelayStack } from '../../deploy/relay-stack.ts';
import { readSettings, settingNames, type RelaySettings } from '../../deploy/settings.ts';
import { resolveRelayConfig } from '../../src/relay/config.ts';
import { instanceArn, statements } from '../helpers/cdk.ts';

let bundleDir: string;

before(() => {
  bundleDir = mkdtempSync(join(tmpdir(), 'relay-bundle-'));
  writeFileSync(join(bundleDir, 'index.mjs'), 'export const handler = async () => ({ statusCode: 503 });\n');
});
after(() => rmSync(bundleDir, { recursive: true, force: true }));

const cognito = {
  instanceArn,
  userPoolId: 'eu-west-2_AbCdEf123',
  audience: '4example5client6id7',
  allowedOrigins: 'https://agents.example.com,https://ccp.example.com',
};

function synth(context: Record<string, string>): Template {
  const settings = readSettings((key) => context[key], {});
  const app = new App();
  const stack = new RelayStack(app, 'Relay', {
    settings,
    bundleDir,
    env: { account: '111122223333', region: 'eu-west-2' },
  });
  return Template.fromStack(stack);
}

describe('the relay stack', () => {
  let template: Template;
  before(() => {
    template = synth(cognito);
  });

  it('puts the JWT authorizer of the user pool on the only route', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123',
        Audience: ['4example5client6id7'],
      },
    });
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    assert.deepEqual(
      Object.values(routes)
        .map((route) => (route as { Properties: { RouteKey: string; AuthorizationType: string } }).Properties)
        .map(({ RouteKey, AuthorizationType }) => [RouteKey, AuthorizationType]),
      [
        ['POST /contact/attributes', 'JWT'],
        ['POST /contacts/search', 'JWT'],
        ['POST /contact/attributes/read', 'JWT'],
      ],
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /contact/attributes',
      AuthorizerId: { Ref: Match.stringLikeRegexp('AgentToken') },
    });
  });

  it("gives the function exactly DescribeContact, GetContactAttributes and UpdateContactAttributes on the instance's contacts, SearchContacts on the instance, DescribeQueue on its queues, SearchUsers on the instance and its users, and nothing on *", () => {
    const connect = statements(template).filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('connect:')),
    );
    assert.deepEqual(
      connect.map((statement) => [statement.Effect, [statement.Action].flat().sort(), statement.Resource]),
      [
        [
          'Allow',
          ['connect:DescribeContact', 'connect:GetContactAttributes', 'connect:UpdateContactAttributes'],
          `${instanceArn}/contact/*`,
        ],
        ['Allow', ['connect:SearchContacts'], [instanceArn, `${instanceArn}/contact/*`]],
        ['Allow', ['connect:DescribeQueue'], `${instanceArn}/queue/*`],
        ['Allow', ['connect:SearchUsers'], [instanceArn, `${instanceArn}/agent/*`]],
      ],
    );
    for (const statement of statements(template)) {
      for (const resource of [statement.Resource].flat())
        assert.notEqual(resource, '*', `a statement on * : ${JSON.stringify(statement)}`);
      for (const action of [statement.Action].flat())
        assert.ok(!action.endsWith(':*') && action !== '*', `a wildcard action: ${action}`);
    }
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      assert.equal(
        (role as { Properties: { ManagedPolicyArns?: unknown } }).Properties.ManagedPolicyArns,
        undefined,
        'no managed policy (AWSLambdaBasicExecutionRole writes logs on *)',
      );
    }
  });

  it('lets the function write its audit log group only', () => {
    const logs = statements(template).filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('logs:')),
    );
    assert.equal(logs.length, 1);
    assert.deepEqual([logs[0]?.Action].flat().sort(), ['logs:CreateLogStream', 'logs:PutLogEvents']);
    assert.match(JSON.stringify(logs[0]?.Resource), /AuditLog/);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it("throttles the stage below Connect's quota", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 8, ThrottlingBurstLimit: 10 },
    });
  });

  it('allows CORS from the configured origins only', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['https://agents.example.com', 'https://ccp.example.com'],
        AllowMethods: ['POST', 'OPTIONS'],
        AllowHeaders: Match.arrayWith(['authorization', 'content-type']),
        ExposeHeaders: ['x-amzn-errortype', 'x-amzn-requestid'],
      },
    });
  });

  it('runs the bundle on Node 24 with a configuration the relay accepts, in authorizer mode', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) => (fn as { Properties: Record<string, unknown> }).Properties,
    );
    assert.equal(functions.length, 1);
    const [relay] = functions;
    assert.equal(relay?.['Runtime'], 'nodejs24.x');
    assert.equal(relay['Handler'], 'index.handler');
    const environment = (relay['Environment'] as { Variables: Record<string, string> }).Variables;
    const config = JSON.parse(environment['RELAY_CONFIG'] ?? '{}') as Record<string, unknown>;
    assert.deepEqual(config, {
      instanceArn,
      auth: { type: 'api-gateway-jwt-authorizer' },
      user: { usernameClaim: 'cognito:username' },
      ownershipWindowSeconds: 3600,
      allowedOrigins: ['https://agents.example.com', 'https://ccp.example.com'],
      connectTimeoutMs: 8000,
    });
    assert.equal(resolveRelayConfig(config).instanceId, '4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71');
    // The relay answers by its deadline on Connect (8 s), within the function's timeout and API Gateway's 30 s.
    assert.equal(relay['Timeout'], 10);
  });
});

describe('the relay stack, other settings', () => {
  it('takes another OIDC issuer, a user id claim (no SearchUsers), key lists, the window and the throttle', () => {
    const template = synth({
      instanceArn,
      issuer: 'https://login.example.com/oauth2/default',
      audience: 'api://agents',
      allowedOrigins: 'https://agents.example.com',
      userIdClaim: 'connect_user_id',
      agentsCannotChangeClaim: 'true',
      ownershipWindowSeconds: '900',
      throttleRateLimit: '5',
      throttleBurstLimit: '6',
      denyKeyPrefixes: 'routing_,flow_',
      connectTimeoutMs: '20000',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://login.example.com/oauth2/default', Audience: ['api://agents'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 6 },
    });
    const actions = statements(template).flatMap((statement) => [statement.Action].flat());
    assert.ok(!actions.includes('connect:SearchUsers'), 'SearchUsers only when usernames are resolved');
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: Record<string, string> } };
    };
    const config = JSON.parse(fn.Properties.Environment.Variables['RELAY_CONFIG'] ?? '{}') as Record<string, unknown>;
    assert.deepEqual(config['user'], { userIdClaim: 'connect_user_id', agentsCannotChangeClaim: true });
    assert.doesNotThrow(() => resolveRelayConfig(config));
    assert.equal(config['ownershipWindowSeconds'], 900);
    assert.deepEqual(config['denyKeyPrefixes'], ['routing_', 'flow_']);
    assert.equal(config['connectTimeoutMs'], 20_000);
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 22 });
    assert.throws(
      () => synth({ ...cognito, connectTimeoutMs: '28000' }),
      /connectTimeoutMs \(context -c connectTimeoutMs=\.\.\. or RELAY_CONNECT_TIMEOUT_MS\) must be a whole number from 100 to 27000/,
    );
  });

  it('reads the environment when the context does not say, the context first', () => {
    const env = {
      RELAY_INSTANCE_ARN: instanceArn,
      RELAY_USER_POOL_ID: 'eu-west-2_AbCdEf123',
      RELAY_AUDIENCE: 'a,b',
      RELAY_ALLOWED_ORIGINS: 'https://agents.example.com',
    };
    const settings: RelaySettings = readSettings((key) => (key === 'audience' ? 'from-context' : undefined), env);
    assert.deepEqual(settings.audience, ['from-context']);
    assert.equal(settings.instanceArn, instanceArn);
    assert.deepEqual(readSettings(() => undefined, env).audience, ['a', 'b']);
  });

  it('names every missing or wrong setting, with its context key and environment variable', () => {
    assert.throws(
      () => readSettings(() => undefined, {}),
      (error: Error) =>
        [
          'instanceArn (context -c instanceArn=... or RELAY_INSTANCE_ARN) is missing',
          'userPoolId',
          'RELAY_ISSUER',
          'audience',
          'RELAY_ALLOWED_ORIGINS',
          'userIdClaim',
        ].every((part) => error.message.includes(part)),
    );
    assert.throws(
      () =>
        readSettings(
          (key) =>
            ({
              ...cognito,
              issuer: 'http://idp.example.com',
              allowedOrigins: 'http://agents.example.com',
              throttleRateLimit: 'fast',
            })[key],
          {},
        ),
      (error: Error) =>
        /not both/.test(error.message) && /https origin/.test(error.message) && /throttleRateLimit/.test(error.message),
    );
  });

  it('takes the claim that names the agent from the username, or from another claim only once agents cannot change it', () => {
    const read = (context: Record<string, string>, env: Record<string, string> = {}) =>
      readSettings((key) => context[key], env);
    // A user pool: cognito:username (id tokens) by default, or username (access tokens), as they are.
    assert.deepEqual(read(cognito).user, { usernameClaim: 'cognito:username' });
    assert.deepEqual(read({ ...cognito, usernameClaim: 'username' }).user, { usernameClaim: 'username' });
    // A custom attribute, email, or any claim of another issuer: refused with the reason and the way out.
    const otherIssuer = { ...cognito, userPoolId: '', issuer: 'https://login.example.com' };
    for (const context of [
      { ...cognito, userIdClaim: 'custom:connect_user_id' },
      { ...cognito, usernameClaim: 'email' },
      { ...otherIssuer, usernameClaim: 'username' },
      { ...cognito, userIdClaim: 'custom:connect_user_id', agentsCannotChangeClaim: 'yes' },
    ]) {
      assert.throws(
        () => read(context),
        (error: Error) =>
          /may be able to change/.test(error.message) &&
          /-c agentsCannotChangeClaim=true or RELAY_AGENTS_CANNOT_CHANGE_CLAIM=true/.test(error.message),
        JSON.stringify(context),
      );
    }
    assert.deepEqual(
      read({ ...cognito, userIdClaim: 'custom:connect_user_id' }, { RELAY_AGENTS_CANNOT_CHANGE_CLAIM: 'true' }).user,
      { userIdClaim: 'custom:connect_user_id', agentsCannotChangeClaim: true },
    );
    assert.deepEqual(
      read({ ...otherIssuer, usernameClaim: 'preferred_username', agentsCannotChangeClaim: 'true' }).user,
      {
        usernameClaim: 'preferred_username',
        agentsCannotChangeClaim: true,
      },
    );
  });

  it("is documented in the README's table of settings, each with its environment variable", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const missing = Object.values(settingNames).filter(
      ([key, variable]) => !readme.includes(`| \`${key}\` | \`${variable}\` |`),
    );
    assert.deepEqual(missing, []);
  });

  it('refuses to synthesize without the Lambda bundle, saying how to build it', () => {
    const settings = readSettings((key) => (cognito as Record<string, string>)[key], {});
    assert.throws(
      () => new RelayStack(new App(), 'NoBundle', { settings, bundleDir: join(bundleDir, 'missing') }),
      /npm run build:relay/,
    );
  });
});
