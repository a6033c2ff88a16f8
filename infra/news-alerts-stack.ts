import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { EmailSending } from './constructs/email-sending';
import { deadLetterQueue, JobQueue } from './constructs/job-queue';
import { Monitoring } from './constructs/monitoring';
import { NewsApi } from './constructs/news-api';
import { NewsFunction, type NewsFunctionProps } from './constructs/news-function';
import { emailConsumerSizing } from './email-throughput';
import { acknowledgeNag, iamWildcardResource } from './nag';
import type { StageConfig } from './stage-config';

export interface NewsAlertsStackProps extends StackProps {
  config: StageConfig;
}

/** Function timeouts; each queue's visibility timeout is six times its consumer's. */
const TIMEOUT = {
  schedulePolls: Duration.seconds(60),
  // A poll fetches (≤ 30 s, guarded-fetcher) then parses and tags; a batch of 5 runs in parallel.
  pollFeed: Duration.seconds(90),
  matchArticle: Duration.seconds(60),
  sendDigests: Duration.minutes(5),
  sesEvents: Duration.seconds(30),
  httpApi: Duration.seconds(15),
} as const;

/**
 * The whole product in one stack per stage: the table, the queues, the seven Lambdas, their
 * schedules, SES, the HTTP API and the monitoring. Read top to bottom, it is the data flow in
 * DESIGN.md.
 */
export class NewsAlertsStack extends Stack {
  readonly functions: NewsFunction[] = [];

  constructor(scope: Construct, id: string, props: NewsAlertsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retain = config.retainData;
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const fnDefaults = {
      logRetention: config.logRetentionDays as RetentionDays,
      logRemovalPolicy: removalPolicy,
    };
    const fn = (id: string, props: Omit<NewsFunctionProps, keyof typeof fnDefaults>) => {
      const created = new NewsFunction(this, id, { ...fnDefaults, ...props });
      this.functions.push(created);
      return created;
    };

    // ── Data: the one table of lambdas/adapters/dynamodb/table.ts ──
    const table = new Table(this, 'Table', {
      // A known name, so `newsalert … --stage <stage>` finds the table with the operator's credentials.
      tableName: `news-alerts-${config.stage}`,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A KMS key AWS manages for the account: key use shows in CloudTrail, no key to look after.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: retain,
      removalPolicy,
    });
    for (const index of ['gsi1', 'gsi2'] as const)
      table.addGlobalSecondaryIndex({
        indexName: index,
        partitionKey: { name: `${index}pk`, type: AttributeType.STRING },
        sortKey: { name: `${index}sk`, type: AttributeType.STRING },
      });

    // Link tokens are HMACs keyed by `current`; `previous` still verifies during a rotation.
    const tokenSecret = new Secret(this, 'TokenSecret', {
      description: 'News Alerts link-token keys: {"current": "…", "previous": "…"}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ previous: '' }),
        generateStringKey: 'current',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy,
    });
    acknowledgeNag(
      tokenSecret,
      'AwsSolutions-SMG4',
      'Rotated by hand (README.md, "Rotating the token secret"): current moves to previous so links already emailed keep working; a rotation Lambda would need the same two-slot logic and is not worth it for a key that only signs links.',
    );

    const email = new EmailSending(this, 'Email', {
      email: config.email,
      ...(config.hostedZone ? { hostedZone: config.hostedZone } : {}),
    });
    const sizing = emailConsumerSizing(config.email.sendRatePerSecond);

    // ── Queues (each with its DLQ) ──
    const pollQueue = new JobQueue(this, 'PollQueue', {
      consumerTimeout: TIMEOUT.pollFeed,
      // A poll job older than an hour is superseded by later schedule runs.
      retentionPeriod: Duration.hours(1),
    });
    const matchQueue = new JobQueue(this, 'MatchQueue', { consumerTimeout: TIMEOUT.matchArticle });
    const emailQueue = new JobQueue(this, 'EmailQueue', {
      consumerTimeout: Duration.seconds(sizing.timeoutSeconds),
    });
    const schedulesDlq = deadLetterQueue(this, 'SchedulesDlq');
    const sesEventsDlq = deadLetterQueue(this, 'SesEventsDlq');

    // ── Functions, in data-flow order ──
    const schedulePolls = fn('SchedulePolls', {
      service: 'schedule-polls',
      timeout: TIMEOUT.schedulePolls,
      // Async invocations from the scheduler: one retry, then the DLQ; a stale run is useless.
      retryAttempts: 1,
      maxEventAge: Duration.minutes(10),
      deadLetterQueue: schedulesDlq,
    })
      .bindTable(table, 'RW')
      .bindQueue('POLL_QUEUE_URL', pollQueue.queue);

    fn('PollFeed', { service: 'poll-feed', timeout: TIMEOUT.pollFeed, memorySize: 512 })
      .bindTable(table, 'RW')
      .bindQueue('MATCH_QUEUE_URL', matchQueue.queue)
      .consume(pollQueue.queue, { batchSize: 5, maxConcurrency: 20 });

    fn('MatchArticle', {
      service: 'match-article',
      timeout: TIMEOUT.matchArticle,
      environment: { ALERT_DELAY_SECONDS: String(config.alertDelaySeconds) },
    })
      .bindTable(table, 'RW')
      .bindQueue('EMAIL_QUEUE_URL', emailQueue.queue)
      .consume(matchQueue.queue, { batchSize: 10, maxConcurrency: 10 });

    const sendEmail = fn('SendEmail', {
      service: 'send-email',
      timeout: Duration.seconds(sizing.timeoutSeconds),
    })
      .bindTable(table, 'RW')
      .bindEmailSending(email, sizing.perInstanceRate)
      .bindSecret('TOKEN_SECRET_ARN', tokenSecret)
      .consume(emailQueue.queue, {
        batchSize: sizing.batchSize,
        maxConcurrency: sizing.maxConcurrency,
      });

    const sendDigests = fn('SendDigests', {
      service: 'send-digests',
      timeout: TIMEOUT.sendDigests,
      retryAttempts: 1,
      maxEventAge: Duration.minutes(30),
      deadLetterQueue: schedulesDlq,
    })
      .bindTable(table, 'RW')
      .bindQueue('EMAIL_QUEUE_URL', emailQueue.queue);

    const sesEvents = fn('SesEvents', {
      service: 'ses-events',
      timeout: TIMEOUT.sesEvents,
      // SNS invokes asynchronously: Lambda retries twice, then parks the event here.
      deadLetterQueue: sesEventsDlq,
    }).bindTable(table, 'RW');
    email.eventsTopic.addSubscription(
      new LambdaSubscription(sesEvents, { deadLetterQueue: sesEventsDlq }),
    );

    const adminRoleName = `NewsAlerts-${config.stage}-admin`;
    const httpHandler = fn('HttpApi', {
      service: 'http-api',
      timeout: TIMEOUT.httpApi,
      environment: {
        SUBSCRIBE_LIMIT_PER_HOUR: String(config.subscribeLimitPerHour),
        ADMIN_ROLE_NAME: adminRoleName,
      },
    })
      .bindTable(table, 'RW')
      .bindEmailSending(email, sizing.perInstanceRate)
      .bindSecret('TOKEN_SECRET_ARN', tokenSecret);

    const api = new NewsApi(this, 'Api', {
      handler: httpHandler,
      adminRoleName,
      api: config.api,
      ...(config.hostedZone ? { hostedZone: config.hostedZone } : {}),
      adminPrincipals: config.adminPrincipals,
      logRetention: fnDefaults.logRetention,
      logRemovalPolicy: removalPolicy,
    });
    for (const linked of [httpHandler, sendEmail])
      linked.addEnvironment('PUBLIC_BASE_URL', api.publicBaseUrl);

    // ── Schedules (EventBridge Scheduler): retries, then the schedules DLQ ──
    const schedule = (
      id: string,
      description: string,
      every: Duration,
      target: NewsFunction,
      retry: { retryAttempts: number; maxEventAge: Duration },
    ) => {
      const role = new Role(this, `${id}Role`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
        description: `news-alerts scheduler: ${description}`,
      });
      new Schedule(this, id, {
        description,
        schedule: ScheduleExpression.rate(every),
        target: new LambdaInvoke(target, { ...retry, role, deadLetterQueue: schedulesDlq }),
      });
      acknowledgeNag(
        role,
        iamWildcardResource(role, `${target.functionArn}:*`),
        `lambda:InvokeFunction on the ${target.service} function only; the wildcard covers its versions and aliases (CDK's grantInvoke).`,
      );
    };
    schedule(
      'PollSchedule',
      'queue the feeds that are due',
      Duration.minutes(config.schedules.pollEveryMinutes),
      schedulePolls,
      // A run later than the next one is pointless.
      { retryAttempts: 2, maxEventAge: Duration.minutes(config.schedules.pollEveryMinutes) },
    );
    schedule(
      'DigestSchedule',
      'queue the digests whose local hour has come',
      Duration.minutes(config.schedules.digestEveryMinutes),
      sendDigests,
      { retryAttempts: 3, maxEventAge: Duration.minutes(30) },
    );

    const monitoring = new Monitoring(this, 'Monitoring', {
      functions: this.functions,
      queues: [
        { name: 'poll-queue', queue: pollQueue.queue },
        { name: 'match-queue', queue: matchQueue.queue },
        { name: 'email-queue', queue: emailQueue.queue },
      ],
      deadLetterQueues: [
        { name: 'poll-dlq', queue: pollQueue.deadLetterQueue },
        { name: 'match-dlq', queue: matchQueue.deadLetterQueue },
        { name: 'email-dlq', queue: emailQueue.deadLetterQueue },
        { name: 'schedules-dlq', queue: schedulesDlq },
        { name: 'ses-events-dlq', queue: sesEventsDlq },
      ],
      httpApi: api.httpApi,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });

    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'TokenSecretArn', { value: tokenSecret.secretArn });
    new CfnOutput(this, 'ConfigurationSetName', { value: email.configurationSetName });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: monitoring.dashboard.dashboardName });
  }
}
