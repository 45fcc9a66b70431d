/**
 * Queued mode's resources: the FIFO queue the relay sends accepted writes to and its dead-letter queue (both
 * encrypted: SQS-managed keys, or a customer KMS key when one is set), the worker Lambda that drains it through an SQS
 * event source (maximum concurrency, partial batch responses), the outcomes table (DynamoDB, TTL) the worker writes
 * and the relay reads, and the alarms on dead letters and on the age of the oldest message.
 *
 * Pacing: the worker's pace is per execution environment, and the event source runs at most `workerConcurrency` of
 * them at once, so each is given the fleet's pace divided by the concurrency:
 * `workerConcurrency x (describeContactPerSecond / workerConcurrency) = describeContactPerSecond <= the quota`, and the
 * same for UpdateContactAttributes. A worker's token bucket holds one call (no burst), so an environment that starts
 * while another winds down adds at most one call above the pace.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { defaultNotifyBudgetMs } from '../src/relay/outcome-push.ts';
import type { QueuedSettings } from './settings.ts';

/** Props of the queued writes. */
export interface QueuedWritesProps {
  settings: QueuedSettings;
  /** The instance's contacts: `<instanceArn>/contact/*`. */
  contacts: string;
  /** The folder holding the Lambda bundles; the worker's is worker.mjs. */
  bundleDir: string;
  /** The audit log both functions write. */
  logGroup: ILogGroup;
  /** The relay's deadline on Connect for one request (ms); the worker's timeout allows for it. */
  connectTimeoutMs: number;
  /** The worker's environment (its configuration), given once the queue and the table exist. */
  environment: (names: { queueUrl: string; table: string }) => Record<string, string>;
}

/** The pace each worker environment keeps: the fleet's pace shared among the event source's maximum concurrency. */
export function workerPace(settings: QueuedSettings): {
  describeContactPerSecond: number;
  updateAttributesPerSecond: number;
} {
  return {
    describeContactPerSecond: settings.describeContactPerSecond / settings.workerConcurrency,
    updateAttributesPerSecond: settings.updateAttributesPerSecond / settings.workerConcurrency,
  };
}

/**
 * The worker's timeout (s): a whole batch at its pace (one DescribeContact and one UpdateContactAttributes per
 * message at worst), plus, with the outcome socket, one push's budget per message (each recorded outcome is pushed
 * before the next: src/relay/outcome-push.ts), plus the deadline on Connect, plus 5 s; at least 30 s.
 */
export function workerTimeoutSeconds(settings: QueuedSettings, connectTimeoutMs: number): number {
  const pace = workerPace(settings);
  const perMessage =
    1 / pace.describeContactPerSecond +
    1 / pace.updateAttributesPerSecond +
    (settings.socket ? defaultNotifyBudgetMs / 1000 : 0);
  return Math.max(30, Math.ceil(settings.workerBatchSize * perMessage + connectTimeoutMs / 1000 + 5));
}

/** The queue, its dead letters, the worker, the outcomes table and the alarms. */
export class QueuedWrites extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly table: Table;
  readonly worker: LambdaFunction;
  readonly #key: IKey | undefined;

  constructor(scope: Construct, id: string, props: QueuedWritesProps) {
    super(scope, id);
    const { settings } = props;
    const timeout = workerTimeoutSeconds(settings, props.connectTimeoutMs);
    if (timeout > 900)
      throw new Error(
        `The worker would need ${timeout} s for a batch of ${settings.workerBatchSize} at its pace, over Lambda's 900 s: lower workerConcurrency or workerBatchSize`,
      );
    const key = settings.kmsKeyArn ? Key.fromKeyArn(this, 'QueueKey', settings.kmsKeyArn) : undefined;
    this.#key = key;
    const encryption: Pick<QueueProps, 'encryption' | 'encryptionMasterKey' | 'dataKeyReuse'> = key
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: key, dataKeyReuse: Duration.minutes(5) }
      : { encryption: QueueEncryption.SQS_MANAGED };

    // Kept 14 days (SQS's longest) so there is time to look at a dead letter and decide; see the README on redriving.
    this.deadLetters = new Queue(this, 'DeadLetters', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      ...encryption,
    });
    this.queue = new Queue(this, 'Writes', {
      fifo: true,
      // The relay sets MessageDeduplicationId from the request's content; no content-based deduplication.
      contentBasedDeduplication: false,
      // AWS's advice for a Lambda event source: at least six times the function's timeout.
      visibilityTimeout: Duration.seconds(6 * timeout),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: settings.maxReceiveCount },
      enforceSSL: true,
      ...encryption,
    });

    // The outcomes of writes after 202, per caller (`sub`), for the browser's status read; kept until expiresAt.
    this.table = new Table(this, 'Outcomes', {
      partitionKey: { name: 'sub', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const role = new Role(this, 'WorkerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description:
        'ccp-attributes relay worker: drains the write queue into one Amazon Connect instance, records outcomes',
    });
    props.logGroup.grantWrite(role);
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['connect:DescribeContact', 'connect:UpdateContactAttributes'],
        resources: [props.contacts],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:PutItem'], resources: [this.table.tableArn] }),
    );
    const pace = workerPace(settings);
    this.worker = new LambdaFunction(this, 'Worker', {
      description: 'ccp-attributes relay worker: checks ownership and writes queued attributes at the paced rate',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'worker.handler',
      code: Code.fromAsset(props.bundleDir),
      role,
      logGroup: props.logGroup,
      memorySize: 256,
      timeout: Duration.seconds(timeout),
      environment: {
        ...props.environment({ queueUrl: this.queue.queueUrl, table: this.table.tableName }),
        RELAY_WORKER_PACING: JSON.stringify({ ...pace, maxReceiveCount: settings.maxReceiveCount }),
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    // Adds receive, delete, change visibility and the attribute reads the poller makes, on this queue only (and
    // kms:Decrypt on the customer key, if any).
    this.worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: settings.workerBatchSize,
        maxConcurrency: settings.workerConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    const actions: IAlarmAction[] = settings.alarmTopicArn
      ? [new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn))]
      : [];
    const deadLetterAlarm = new Alarm(this, 'DeadLettersAlarm', {
      alarmDescription:
        'ccp-attributes relay: a queued write went to the dead-letter queue (it did not land; see the README on redriving)',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const ageAlarm = new Alarm(this, 'OldestMessageAlarm', {
      alarmDescription: `ccp-attributes relay: a queued write has waited over ${settings.oldestMessageAlarmSeconds} s (the worker is behind, stopped or throttled)`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1) }),
      threshold: settings.oldestMessageAlarmSeconds,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [deadLetterAlarm, ageAlarm]) for (const action of actions) alarm.addAlarmAction(action);
  }

  /** What the relay needs in queued mode: sending to the queue, reading the caller's outcomes. */
  grantAccept(role: IRole): void {
    // SendMessage alone (CDK's grantSendMessages adds GetQueueAttributes and GetQueueUrl, which the relay never calls).
    role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
    );
    // What a producer needs on a customer key: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
    if (this.#key)
      role.addToPrincipalPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [this.#key.keyArn],
        }),
      );
    role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Query'], resources: [this.table.tableArn] }),
    );
  }
}
