/**
 * The relay's CDK stack in queued mode, synthesized offline and asserted with aws-cdk-lib/assertions: the FIFO queue
 * and its dead-letter queue (encrypted), the worker and its event source (maximum concurrency, partial batch
 * responses), the pacing each worker gets, the outcomes table (TTL), each function's exact permissions, the alarms, the
 * outcomes route and the stage throttle; and the settings' errors. The Lambda assets are one-line stand-in bundles.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { workerTimeoutSeconds } from '../../deploy/queued-writes.ts';
import { readSettings } from '../../deploy/settings.ts';
import { RelayStack } from '../../deploy/relay-stack.ts';
import {
  instanceArn,
  joined,
  permissions,
  queuedSettings,
  resource,
  routesOf,
  standInBundles,
  statements,
} from '../helpers/cdk.ts';

const keyArn = 'arn:aws:kms:eu-west-2:111122223333:key/0f8a3c52-5d7e-4b1a-9c36-2e4d6f8a1b3c';
const bundleDir = standInBundles();

const queued = queuedSettings;

function synth(context: Record<string, string>): Template {
  const settings = readSettings((key) => context[key], {});
  const stack = new RelayStack(new App(), 'Relay', {
    settings,
    bundleDir: bundleDir(),
    env: { account: '111122223333', region: 'eu-west-2' },
  });
  return Template.fromStack(stack);
}

describe('the relay stack in queued mode', () => {
  let template: Template;
  let queue: string;
  let deadLetters: string;
  let table: string;
  before(() => {
    template = synth(queued);
    queue = resource(template, 'AWS::SQS::Queue', /^QueuedWrites/).id;
    deadLetters = resource(template, 'AWS::SQS::Queue', /^QueuedDeadLetters/).id;
    table = resource(template, 'AWS::DynamoDB::Table', /^QueuedOutcomes/).id;
  });

  it('makes a FIFO queue and a FIFO dead-letter queue, both encrypted with SQS-managed keys and refusing plain HTTP', () => {
    const writes = resource(template, 'AWS::SQS::Queue', /^QueuedWrites/).props;
    assert.equal(writes['FifoQueue'], true);
    assert.equal(writes['ContentBasedDeduplication'], false, 'the relay sets MessageDeduplicationId');
    assert.equal(writes['SqsManagedSseEnabled'], true);
    assert.deepEqual(writes['RedrivePolicy'], {
      deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] },
      maxReceiveCount: 10,
    });
    const dlq = resource(template, 'AWS::SQS::Queue', /^QueuedDeadLetters/).props;
    assert.equal(dlq['FifoQueue'], true);
    assert.equal(dlq['SqsManagedSseEnabled'], true);
    assert.equal(dlq['MessageRetentionPeriod'], 14 * 86_400);
    for (const id of [queue, deadLetters])
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
        },
      });
    assert.equal(JSON.stringify(template.toJSON()).includes('kms:'), false, 'no KMS permission without a customer key');
  });

  it('drains the queue with a Node 24 worker: maximum concurrency, partial batch responses, visibility 6x its timeout', () => {
    const worker = resource(template, 'AWS::Lambda::Function', /^QueuedWorker/);
    assert.equal(worker.props['Runtime'], 'nodejs24.x');
    assert.equal(worker.props['Handler'], 'worker.handler');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: worker.id },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    const writes = resource(template, 'AWS::SQS::Queue', /^QueuedWrites/).props;
    assert.equal(writes['VisibilityTimeout'], 6 * (worker.props['Timeout'] as number));
  });

  it("paces each worker at the fleet's pace over the concurrency, so all workers together stay within it", () => {
    for (const [concurrency, describeContact, update] of [
      ['2', '8', '8'],
      ['4', '8', '6'],
      ['5', '10', '10'],
    ] as const) {
      const t = synth({
        ...queued,
        workerConcurrency: concurrency,
        describeContactPerSecond: describeContact,
        updateAttributesPerSecond: update,
      });
      const env = (
        resource(t, 'AWS::Lambda::Function', /^QueuedWorker/).props['Environment'] as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      const pacing = JSON.parse(joined(env['RELAY_WORKER_PACING'])) as Record<string, number>;
      assert.ok(Number(concurrency) * pacing['describeContactPerSecond']! <= Number(describeContact) + 1e-9);
      assert.ok(Number(concurrency) * pacing['updateAttributesPerSecond']! <= Number(update) + 1e-9);
      assert.equal(pacing['describeContactPerSecond'], Number(describeContact) / Number(concurrency));
      assert.equal(pacing['maxReceiveCount'], 10);
      t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        ScalingConfig: { MaximumConcurrency: Number(concurrency) },
      });
    }
  });

  it('keeps outcomes in a DynamoDB table with a time to live', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it("gives the relay SendMessage, Query on the outcomes and the reads' Connect actions, never the write; the worker the queue, the contacts, SearchUsers and PutItem", () => {
    const contacts = `${instanceArn}/contact/*`;
    const connections = resource(template, 'AWS::DynamoDB::Table', /^SocketConnections/).id;
    const api = resource(template, 'AWS::ApiGatewayV2::Api', /^SocketApi/).id;
    const socketConnections = `arn:<AWS::Partition>:execute-api:eu-west-2:111122223333:<${api}>/outcomes/POST/@connections/*`;
    assert.deepEqual(
      permissions(template, /^RelayRole/).sort(),
      [
        // The recent contacts' and the reviews' reads answer in the relay in both modes; the write is the worker's.
        [['connect:DescribeContact', 'connect:GetContactAttributes'], contacts],
        [['connect:SearchContacts'], `${instanceArn} ${contacts}`],
        [['connect:DescribeQueue'], `${instanceArn}/queue/*`],
        [['connect:SearchUsers'], `${instanceArn} ${instanceArn}/agent/*`],
        [['dynamodb:Query'], `<${table}>`],
        [['logs:CreateLogStream', 'logs:PutLogEvents'], `<AuditLogA5B7094E>`],
        [['sqs:SendMessage'], `<${queue}>`],
      ].sort(),
    );
    assert.deepEqual(
      permissions(template, /^QueuedWorkerRole/).sort(),
      [
        [['connect:DescribeContact', 'connect:UpdateContactAttributes'], contacts],
        // The worker resolves the username claim itself (the queued relay does not resolve it for a write).
        [['connect:SearchUsers'], `${instanceArn} ${instanceArn}/agent/*`],
        [['dynamodb:PutItem'], `<${table}>`],
        [['logs:CreateLogStream', 'logs:PutLogEvents'], `<AuditLogA5B7094E>`],
        // Pushing outcomes (deploy/outcome-socket.ts; test/node/deploy-socket.test.ts).
        [['execute-api:ManageConnections'], socketConnections],
        [['dynamodb:Query'], `<${connections}>/index/bySub`],
        [['dynamodb:DeleteItem'], `<${connections}>`],
        [
          [
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:GetQueueUrl',
            'sqs:ReceiveMessage',
          ],
          `<${queue}>`,
        ],
      ].sort(),
    );
    for (const statement of statements(template))
      for (const value of [statement.Resource].flat()) assert.notEqual(value, '*');
    const userId = synth({
      ...queued,
      userPoolId: '',
      issuer: 'https://login.example.com',
      userIdClaim: 'connect_user_id',
      agentsCannotChangeClaim: 'true',
    });
    for (const role of [/^RelayRole/, /^QueuedWorkerRole/])
      assert.ok(!permissions(userId, role).some(([actions]) => actions.includes('connect:SearchUsers')));
  });

  it('with a customer KMS key: both queues use it, the relay may encrypt with it and the worker decrypt, nothing more', () => {
    const t = synth({ ...queued, queueKmsKeyArn: keyArn });
    for (const id of [/^QueuedWrites/, /^QueuedDeadLetters/]) {
      const props = resource(t, 'AWS::SQS::Queue', id).props;
      assert.equal(props['KmsMasterKeyId'], keyArn);
      assert.equal(props['SqsManagedSseEnabled'], undefined);
    }
    const kms = (role: RegExp) =>
      permissions(t, role).filter(([actions]) => actions.some((action) => action.startsWith('kms:')));
    assert.deepEqual(kms(/^RelayRole/), [[['kms:Decrypt', 'kms:GenerateDataKey'], keyArn]]);
    assert.deepEqual(kms(/^QueuedWorkerRole/), [[['kms:Decrypt'], keyArn]]);
  });

  it('alarms on any dead letter and on the age of the oldest message, notifying the topic when one is set', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetters, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 300,
    });
    const topic = 'arn:aws:sns:eu-west-2:111122223333:relay-alarms';
    const t = synth({ ...queued, alarmTopicArn: topic, oldestMessageAlarmSeconds: '120' });
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => (alarm as { Properties: { AlarmActions?: unknown; Threshold: number } }).Properties,
    );
    assert.deepEqual(
      alarms.map((alarm) => alarm.AlarmActions),
      [[topic], [topic]],
    );
    assert.ok(alarms.some((alarm) => alarm.Threshold === 120));
  });

  it('serves the outcomes route behind the same authorizer, allows GET in CORS, and throttles for accepting, not for Connect', () => {
    const routes = routesOf(template, 'HTTP');
    assert.deepEqual(routes.map(({ RouteKey, AuthorizationType }) => [RouteKey, AuthorizationType]).sort(), [
      ['GET /contact/attributes/outcomes', 'JWT'],
      ['POST /contact/attributes', 'JWT'],
      ['POST /contact/attributes/read', 'JWT'],
      ['POST /contacts/search', 'JWT'],
    ]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowMethods: ['GET', 'POST', 'OPTIONS'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });

  it('configures the relay and the worker with the queue and the outcomes table', () => {
    for (const id of [/^Relay[0-9A-F]{8}$/, /^QueuedWorker[0-9A-F]{8}$/]) {
      const env = (
        resource(template, 'AWS::Lambda::Function', id).props['Environment'] as { Variables: Record<string, unknown> }
      ).Variables;
      const config = JSON.parse(joined(env['RELAY_CONFIG'])) as Record<string, unknown>;
      assert.deepEqual(config['queue'], { url: `<${queue}>` });
      assert.deepEqual(config['outcomes'], { table: `<${table}>` });
      assert.equal(config['instanceArn'], instanceArn);
    }
  });
});

describe('queued mode settings', () => {
  it('refuses queued settings without queued=true, and out-of-range values, naming each', () => {
    assert.throws(
      () => readSettings((key) => ({ ...queued, queued: 'false', workerConcurrency: '4' })[key], {}),
      /workerConcurrency \(context -c workerConcurrency=\.\.\. or RELAY_WORKER_CONCURRENCY\) is a queued mode setting: set queued=true too/,
    );
    assert.throws(
      () =>
        readSettings(
          (key) =>
            ({
              ...queued,
              workerConcurrency: '1',
              workerBatchSize: '11',
              queueKmsKeyArn: 'alias/mine',
              alarmTopicArn: 'ops',
            })[key],
          {},
        ),
      (error: Error) =>
        /workerConcurrency .* at least 2/.test(error.message) &&
        /workerBatchSize .* at most 10/.test(error.message) &&
        /queueKmsKeyArn .* must look like arn:aws:kms/.test(error.message) &&
        /alarmTopicArn .* must look like arn:aws:sns/.test(error.message),
    );
    assert.throws(() => readSettings((key) => ({ ...queued, queued: 'yes' })[key], {}), /queued .* true or false/);
    assert.equal(readSettings((key) => ({ ...queued, queued: 'false' })[key], {}).queued, undefined);
  });

  it("sizes the worker's timeout for a batch at its pace, and refuses a pace too slow for Lambda's 15 minutes", () => {
    const settings = readSettings((key) => (queued as Record<string, string>)[key], {}).queued!;
    // With the outcome socket (on by default), each message's outcome may wait a push's budget (2 s):
    // 10 messages x (1/4 + 1/4 + 2) s + 8 s deadline + 5 s = 38 s.
    assert.ok(settings.socket);
    assert.equal(workerTimeoutSeconds(settings, 8000), 38);
    assert.equal(workerTimeoutSeconds({ ...settings, workerConcurrency: 40 }, 8000), 10 * (5 + 5 + 2) + 8 + 5);
    // Without it: 10 x (1/4 + 1/4) s + 8 s + 5 s = 18 s: Lambda gets at least 30.
    const noSocket = readSettings((key) => ({ ...queued, socket: 'false' })[key], {}).queued!;
    assert.equal(workerTimeoutSeconds(noSocket, 8000), 30);
    assert.equal(workerTimeoutSeconds({ ...noSocket, workerConcurrency: 40 }, 8000), 10 * (5 + 5) + 8 + 5);
    assert.throws(
      () => synth({ ...queued, workerConcurrency: '400', describeContactPerSecond: '1' }),
      /over Lambda's 900 s: lower workerConcurrency or workerBatchSize/,
    );
  });

  it('refuses to synthesize without the worker bundle', () => {
    const settings = readSettings((key) => (queued as Record<string, string>)[key], {});
    const onlyRelay = mkdtempSync(join(tmpdir(), 'relay-bundle-'));
    writeFileSync(join(onlyRelay, 'index.mjs'), '');
    try {
      assert.throws(
        () => new RelayStack(new App(), 'NoWorker', { settings, bundleDir: onlyRelay }),
        /worker\.mjs does not exist: run npm run build:relay/,
      );
    } finally {
      rmSync(onlyRelay, { recursive: true, force: true });
    }
  });
});
