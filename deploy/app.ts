/**
 * The CDK app: `npx cdk deploy` in deploy/ (cdk.json runs this file). Settings come from context (`-c name=value`)
 * or the environment; see deploy/settings.ts and the README's "Deploying the relay".
 */
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { parseInstanceArn } from '../src/relay/config.ts';
import { RelayStack } from './relay-stack.ts';
import { readSettings } from './settings.ts';

const app = new App();
let settings;
try {
  settings = readSettings((key) => app.node.tryGetContext(key), process.env);
} catch (error) {
  // The list of settings to fix, without a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const arn = parseInstanceArn(settings.instanceArn);
new RelayStack(app, String(app.node.tryGetContext('stackName') ?? 'CcpAttributesRelay'), {
  settings,
  bundleDir: process.env['RELAY_BUNDLE'] ?? fileURLToPath(new URL('../dist/relay-lambda/', import.meta.url)),
  // The relay runs in the instance's account and Region.
  env: { account: arn?.account, region: arn?.region },
});
app.synth();
