/**
 * What the CDK stack tests share: one-line stand-in Lambda bundles, a resource found by its logical id, the routes of
 * one protocol's API, every IAM statement of a synthesized template or of one role, and CloudFormation joins read back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Template } from 'aws-cdk-lib/assertions';

/** The Connect instance the stack tests deploy for. */
export const instanceArn = 'arn:aws:connect:eu-west-2:111122223333:instance/4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71';

/** The stack's settings in queued mode, as `-c` context strings, with a user pool. */
export const queuedSettings = {
  instanceArn,
  userPoolId: 'eu-west-2_AbCdEf123',
  audience: '4example5client6id7',
  allowedOrigins: 'https://agents.example.com',
  queued: 'true',
};

/** A folder of one-line relay, worker and socket bundles for the test file's stacks (made before its tests, removed after). */
export function standInBundles(): () => string {
  let dir: string | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-bundle-'));
    for (const file of ['index.mjs', 'worker.mjs', 'socket.mjs'])
      writeFileSync(join(dir, file), 'export const handler = async () => ({});\n');
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error('standInBundles: used before the tests started');
    return dir;
  };
}

/** One IAM statement as CloudFormation holds it. */
export interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

/** Every IAM statement of the template, from policies and inline role policies. */
export function statements(template: Template): Statement[] {
  const found: Statement[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    found.push(
      ...(policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
  }
  for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
    for (const inline of (role as { Properties: { Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }> } })
      .Properties.Policies ?? []) {
      found.push(...inline.PolicyDocument.Statement);
    }
  }
  return found;
}

/**
 * A value as text: a string as it is, an `Fn::Join` with `''` with each `Ref` or `Fn::GetAtt` shown as `<LogicalId>`
 * (so a configuration that names the queue can be parsed as JSON).
 */
export function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return `<${logicalId(value)}>`;
  return join[1].map((part) => joined(part)).join(join[0]);
}

/** The logical id a `Ref` or `Fn::GetAtt` points at. */
export function logicalId(value: unknown): string {
  const { Ref: ref, 'Fn::GetAtt': getAtt } = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = ref ?? getAtt?.[0];
  if (id === undefined) throw new TypeError(`not a reference: ${JSON.stringify(value)}`);
  return id;
}

/** The one resource of a type whose logical id matches. */
export function resource(template: Template, type: string, id: RegExp): { id: string; props: Record<string, unknown> } {
  const found = Object.entries(template.findResources(type)).filter(([name]) => id.test(name));
  assert.equal(found.length, 1, `one ${type} matching ${String(id)}: ${found.map(([name]) => name).join(', ')}`);
  const [name, value] = found[0]!;
  return { id: name, props: (value as { Properties: Record<string, unknown> }).Properties };
}

/** The statements of the policy attached to the role whose logical id matches, as [actions sorted, resource]. */
export function permissions(template: Template, role: RegExp): Array<[string[], string]> {
  const roleId = resource(template, 'AWS::IAM::Role', role).id;
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy as { Properties: { Roles: unknown[] } }).Properties.Roles.some((ref) => logicalId(ref) === roleId),
  );
  return policies
    .flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties)
    .flatMap((props) => props.PolicyDocument.Statement)
    .map((statement) => {
      assert.equal(statement.Effect, 'Allow');
      return [[statement.Action].flat().sort(), [statement.Resource].flat().map(joined).join(' ')];
    });
}

/** One API Gateway route as CloudFormation holds it. */
export interface Route {
  ApiId: unknown;
  RouteKey: string;
  AuthorizationType: string;
  AuthorizerId?: unknown;
  Target?: unknown;
}

/** The routes of the template's APIs of one protocol (`HTTP`: the relay's; `WEBSOCKET`: the outcome socket's). */
export function routesOf(template: Template, protocol: 'HTTP' | 'WEBSOCKET'): Route[] {
  const apis = Object.entries(template.findResources('AWS::ApiGatewayV2::Api'))
    .filter(([, api]) => (api as { Properties: { ProtocolType: string } }).Properties.ProtocolType === protocol)
    .map(([id]) => id);
  return Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
    .map((route) => (route as { Properties: Route }).Properties)
    .filter((route) => apis.includes(logicalId(route.ApiId)));
}
