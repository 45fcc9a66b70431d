/**
 * What the CDK stack tests share: one-line stand-in Lambda bundles, every IAM statement of a synthesized template, and
 * CloudFormation joins read back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Template } from 'aws-cdk-lib/assertions';

/** A folder of one-line relay and worker bundles for the test file's stacks (made before its tests, removed after). */
export function standInBundles(): () => string {
  let dir: string | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-bundle-'));
    for (const file of ['index.mjs', 'worker.mjs'])
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
