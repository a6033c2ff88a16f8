import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  Charset,
  NodejsFunction,
  type NodejsFunctionProps,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeNag, iamWildcardResource } from '../nag';
import { BUNDLE, handlerEntry, type LambdaService, REPO_ROOT } from './bundle-options';

/** The metrics namespace the Lambdas write to (lambdas/shared/metrics.ts); alarms read it. */
export const METRICS_NAMESPACE = 'NewsAlerts';

/** Pinned, not "latest": a runtime change is a reviewed commit, not a side effect of an upgrade. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

export interface NewsFunctionProps
  extends Omit<
    NodejsFunctionProps,
    'entry' | 'handler' | 'runtime' | 'architecture' | 'bundling' | 'logGroup' | 'role'
  > {
  /** Names the entry (`lambdas/handlers/<service>.handler.ts`), logs and metrics dimension. */
  service: LambdaService;
  logRetention: RetentionDays;
  /** RETAIN keeps the log group when the stack is deleted. */
  logRemovalPolicy: RemovalPolicy;
}

/** Where the email-sending helpers need to point. */
export interface EmailSender {
  /** `News Alerts <news@alerts.example.org>` */
  readonly sender: string;
  readonly senderAddress: string;
  readonly configurationSetName: string;
  /** The SES identities `ses:SendRawEmail` is allowed on (domain, and the address itself). */
  readonly identityArns: string[];
  /** In the SES sandbox only: the verified recipient identities SES also authorises against. */
  readonly recipientIdentityArns: string[];
  readonly configurationSetArn: string;
}

/**
 * Every Lambda of the product: Node 24 on arm64, one ESM bundle (AWS SDK included) with source
 * maps, JSON logs into its own log group with a retention, Powertools settings, and a role that
 * starts with nothing but writing to that log group. The `bind*` helpers set an env var and grant
 * exactly the access it implies, so the stack reads as wiring.
 *
 * @example
 * new NewsFunction(this, 'MatchArticle', { service: 'match-article', ...defaults })
 *   .bindTable(table, 'RW')
 *   .bindQueue('EMAIL_QUEUE_URL', emailQueue.queue)
 *   .consume(matchQueue.queue, { batchSize: 10, maxConcurrency: 10 });
 */
export class NewsFunction extends NodejsFunction {
  readonly service: LambdaService;

  constructor(scope: Construct, id: string, props: NewsFunctionProps) {
    const { service, logRetention, logRemovalPolicy, environment, ...rest } = props;
    // Created beside the function (not inside: nothing may precede super()). An explicit group
    // has a retention and a removal policy; the role has no managed policy, only this group.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: logRetention,
      removalPolicy: logRemovalPolicy,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `news-alerts ${service} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      memorySize: 256,
      timeout: Duration.seconds(30),
      ...rest,
      entry: handlerEntry(service),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE.target,
        mainFields: [...BUNDLE.mainFields],
        minify: BUNDLE.minify,
        keepNames: BUNDLE.keepNames,
        sourceMap: BUNDLE.sourcemap,
        sourcesContent: BUNDLE.sourcesContent,
        charset: Charset.UTF8,
        // Passed as one argv entry (local esbuild is spawned without a shell): no quoting.
        banner: BUNDLE.banner,
        externalModules: [...BUNDLE.external],
      },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: service,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...environment,
      },
    });
    this.service = service;
  }

  /** Sets `TABLE_NAME` and grants item reads (`R`) or reads and writes (`RW`) on the table. */
  bindTable(table: ITable, access: 'R' | 'RW'): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (access === 'RW') table.grantReadWriteData(this);
    else table.grantReadData(this);
    acknowledgeNag(
      this.role ?? this,
      iamWildcardResource(this, `${table.tableArn}/index/*`),
      'Item actions only (no wildcard action); the wildcard names the indexes of this one table (gsi1, gsi2), which Query needs.',
    );
    return this;
  }

  /** Sets `envVar` to the queue's URL and allows sending to it (nothing else). */
  bindQueue(envVar: string, queue: IQueue): this {
    this.addEnvironment(envVar, queue.queueUrl);
    queue.grantSendMessages(this);
    return this;
  }

  /** Sets `envVar` to the secret's ARN and allows reading that one secret. */
  bindSecret(envVar: string, secret: ISecret): this {
    this.addEnvironment(envVar, secret.secretArn);
    secret.grantRead(this);
    return this;
  }

  /**
   * Sets SENDER, SES_CONFIGURATION_SET and SEND_RATE_PER_SECOND and allows `ses:SendRawEmail`
   * from the sender address only, through the product's identity and configuration set.
   */
  bindEmailSending(sending: EmailSender, sendRatePerSecond: number): this {
    this.addEnvironment('SENDER', sending.sender);
    this.addEnvironment('SES_CONFIGURATION_SET', sending.configurationSetName);
    this.addEnvironment('SEND_RATE_PER_SECOND', String(sendRatePerSecond));
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          ...sending.identityArns,
          sending.configurationSetArn,
          ...sending.recipientIdentityArns,
        ],
        conditions: { StringEquals: { 'ses:FromAddress': sending.senderAddress } },
      }),
    );
    for (const recipients of sending.recipientIdentityArns)
      acknowledgeNag(
        this.role ?? this,
        iamWildcardResource(this, recipients),
        'SES sandbox only (email.sandbox): SES checks the send against each recipient identity, which must be a verified identity of this account; still only ses:SendRawEmail from the configured sender.',
      );
    return this;
  }

  /**
   * Consumes an SQS queue, reporting partial batch failures so one bad message is retried alone.
   * `maxConcurrency` caps the pollers' parallel invocations (2–1000).
   */
  consume(
    queue: IQueue,
    options: { batchSize: number; maxConcurrency: number; maxBatchingWindow?: Duration },
  ): this {
    this.addEventSource(
      new SqsEventSource(queue, {
        batchSize: options.batchSize,
        maxConcurrency: options.maxConcurrency,
        reportBatchItemFailures: true,
        ...(options.maxBatchingWindow ? { maxBatchingWindow: options.maxBatchingWindow } : {}),
      }),
    );
    return this;
  }
}
