import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type HorizontalAnnotation,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, type NewsFunction } from './news-function';

/** SES puts an account under review at 5% bounces / 0.1% complaints; we want to hear far sooner. */
export const SES_BOUNCE_RATE_ALARM = 0.02;
export const SES_COMPLAINT_RATE_ALARM = 0.0005;

/**
 * Every custom metric an alarm reads, with the service that publishes it (the Powertools
 * `service` dimension). A test checks each name is emitted by the Lambda code.
 */
export const ALARM_METRICS = {
  pollFailures: { service: 'poll-feed', name: 'PollFailures' },
  feedsPolled: { service: 'poll-feed', name: 'FeedsPolled' },
  relevantArticles: { service: 'poll-feed', name: 'RelevantArticles' },
  feedsFailingOver24h: { service: 'schedule-polls', name: 'FeedsFailingOver24h' },
} as const;

export interface MonitoringProps {
  functions: readonly NewsFunction[];
  /** Work queues, by the name shown on the dashboard. */
  queues: ReadonlyArray<{ name: string; queue: IQueue }>;
  deadLetterQueues: ReadonlyArray<{ name: string; queue: IQueue }>;
  httpApi: HttpApi;
  alarmEmail?: string;
}

/** A metric the Lambdas publish through Powertools (namespace NewsAlerts, dimension service). */
export function productMetric(
  service: string,
  name: string,
  statistic: 'Sum' | 'Maximum' | 'Average',
  period: Duration = Duration.minutes(5),
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service },
    statistic,
    period,
  });
}

function sesReputation(name: 'Reputation.BounceRate' | 'Reputation.ComplaintRate'): Metric {
  return new Metric({
    namespace: 'AWS/SES',
    metricName: name,
    statistic: 'Maximum',
    period: Duration.minutes(15),
  });
}

/**
 * The operators' view: alarms to an SNS topic (email subscription from the stage config) and one
 * dashboard. Every alarm's description says what it means and where the runbook says what to do.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'News Alerts alarms',
      enforceSSL: true,
    });
    // The topic policy (TLS-only) replaces SNS's default one: say explicitly that this account's
    // alarms may publish.
    const stack = Stack.of(this);
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.alarmTopic);

    const alarm = (
      alarmId: string,
      slug: string,
      options: ConstructorParameters<typeof Alarm>[2],
    ): Alarm => {
      const created = new Alarm(this, alarmId, {
        ...options,
        alarmName: `${stackName}-${slug}`,
        alarmDescription: `${options.alarmDescription} Runbook: README.md, "Alarms: what each means and what to do" › ${slug}.`,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const { name, queue } of props.deadLetterQueues)
      alarm(`Dlq${pascal(name)}`, `dlq-${name}`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period: Duration.minutes(5),
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // An empty, idle queue publishes nothing; a queue holding messages always publishes.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `${name}: messages were given up on after their retries.`,
      });

    for (const fn of props.functions) {
      alarm(`Errors${pascal(fn.service)}`, `errors-${fn.service}`, {
        metric: fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `${fn.service}: an invocation failed (crash, timeout or out of memory).`,
      });
      alarm(`Throttles${pascal(fn.service)}`, `throttles-${fn.service}`, {
        metric: fn.metricThrottles({ statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `${fn.service}: invocations were throttled (account concurrency exhausted).`,
      });
    }

    const m = ALARM_METRICS;
    const pollFailureRate = new MathExpression({
      expression: 'IF(polled > 0, 100 * failures / polled, 0)',
      usingMetrics: {
        failures: productMetric(m.pollFailures.service, m.pollFailures.name, 'Sum'),
        polled: productMetric(m.feedsPolled.service, m.feedsPolled.name, 'Sum'),
      },
      period: Duration.minutes(15),
      label: 'Poll failures (% of polls)',
    });
    alarm('PollFailures', 'poll-failures', {
      metric: pollFailureRate,
      threshold: 50,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'Half or more of feed polls failed for 30 minutes: egress, DNS or a parser problem, not one bad feed.',
    });
    alarm('FeedFailingOver24h', 'feed-failing-24h', {
      metric: productMetric(
        m.feedsFailingOver24h.service,
        m.feedsFailingOver24h.name,
        'Maximum',
        Duration.minutes(15),
      ),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'At least one feed has failed every poll for over 24 hours.',
    });
    alarm('NoRelevantArticle24h', 'no-relevant-article-24h', {
      metric: productMetric(
        m.relevantArticles.service,
        m.relevantArticles.name,
        'Sum',
        Duration.hours(24),
      ),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means no polls at all: as bad as polls that find nothing.
      treatMissingData: TreatMissingData.BREACHING,
      alarmDescription:
        'No relevant article was stored in 24 hours (polling stopped, or the tagger).',
    });
    alarm('SesBounceRate', 'ses-bounce-rate', {
      metric: sesReputation('Reputation.BounceRate'),
      threshold: SES_BOUNCE_RATE_ALARM,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `SES bounce rate ≥ ${SES_BOUNCE_RATE_ALARM * 100}% (SES reviews the account at 5%).`,
    });
    alarm('SesComplaintRate', 'ses-complaint-rate', {
      metric: sesReputation('Reputation.ComplaintRate'),
      threshold: SES_COMPLAINT_RATE_ALARM,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `SES complaint rate ≥ ${SES_COMPLAINT_RATE_ALARM * 100}% (SES reviews the account at 0.1%).`,
    });

    this.dashboard = this.buildDashboard(props, pollFailureRate);
  }

  private buildDashboard(props: MonitoringProps, pollFailureRate: MathExpression): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', {
      // "NewsAlerts-prod": the name operators look for in the console.
      dashboardName: Stack.of(this).stackName,
      defaultInterval: Duration.days(1),
    });
    const sum = (service: string, name: string, label?: string) => {
      const metric = productMetric(service, name, 'Sum');
      return label ? metric.with({ label }) : metric;
    };
    const fns = props.functions;
    const byFunction = (pick: (fn: NewsFunction) => Metric) => fns.map(pick);

    dashboard.addWidgets(
      new TextWidget({
        markdown: [
          '# News Alerts',
          'Top: is news flowing (polls → articles → emails)? Middle: are queues draining and functions healthy? Bottom: is SES reputation safe?',
          'Each alarm is explained in README.md, section "Alarms: what each means and what to do".',
        ].join('\n\n'),
        width: 24,
        height: 3,
      }),
    );
    dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Feeds polled and failed',
        left: [
          sum('poll-feed', 'PollSuccesses', 'succeeded'),
          sum('poll-feed', 'PollFailures', 'failed'),
          sum('poll-feed', 'EmptyFeedAnswers', 'answered with no items'),
        ],
        right: [pollFailureRate],
        rightYAxis: { min: 0, max: 100, label: '%', showUnits: false },
        width: 8,
      }),
      new GraphWidget({
        title: 'Articles',
        left: [
          sum('poll-feed', 'NewItems', 'new items'),
          sum('poll-feed', 'ArticlesStored', 'stored'),
          sum('poll-feed', 'RelevantArticles', 'relevant'),
          sum('poll-feed', 'ArticleFailures', 'failed'),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Emails',
        left: [
          sum('match-article', 'Recipients', 'recipients matched'),
          sum('send-email', 'EmailsSent', 'sent'),
          sum('send-email', 'EmailsSkipped', 'skipped (already sent, unsubscribed)'),
        ],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new SingleValueWidget({
        title: 'Feeds failing for over 24 h (latest)',
        metrics: [productMetric('schedule-polls', 'FeedsFailingOver24h', 'Maximum')],
        width: 6,
      }),
      new SingleValueWidget({
        title: 'Relevant articles, last 24 h',
        metrics: [productMetric('poll-feed', 'RelevantArticles', 'Sum', Duration.hours(24))],
        width: 6,
      }),
      new GraphWidget({
        title: 'Feeds queued per run',
        left: [sum('schedule-polls', 'FeedsQueued', 'queued')],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Queue backlog (messages visible)',
        left: props.queues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: name }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Oldest message age (s)',
        left: props.queues.map(({ name, queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: name }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead-letter queues (must be 0)',
        left: props.deadLetterQueues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: name }),
        ),
        leftAnnotations: [{ value: 1, label: 'alarm', color: '#d13212' }],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors',
        left: byFunction((fn) => fn.metricErrors({ statistic: 'Sum', label: fn.service })),
        width: 6,
      }),
      new GraphWidget({
        title: 'Lambda throttles',
        left: byFunction((fn) => fn.metricThrottles({ statistic: 'Sum', label: fn.service })),
        width: 6,
      }),
      new GraphWidget({
        title: 'Lambda duration p95 (ms)',
        left: byFunction((fn) => fn.metricDuration({ statistic: 'p95', label: fn.service })),
        width: 6,
      }),
      new GraphWidget({
        title: 'Lambda invocations',
        left: byFunction((fn) => fn.metricInvocations({ statistic: 'Sum', label: fn.service })),
        width: 6,
      }),
    );
    const bounceAnnotation: HorizontalAnnotation = {
      value: SES_BOUNCE_RATE_ALARM,
      label: 'bounce alarm',
      color: '#ff7f0e',
    };
    const complaintAnnotation: HorizontalAnnotation = {
      value: SES_COMPLAINT_RATE_ALARM,
      label: 'complaint alarm',
      color: '#d13212',
    };
    const apiMetric = (metricName: string, statistic: string, label: string) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.httpApi.apiId },
        statistic,
        label,
      });
    dashboard.addWidgets(
      new GraphWidget({
        title: 'SES bounce rate',
        left: [sesReputation('Reputation.BounceRate').with({ label: 'bounce rate' })],
        leftAnnotations: [bounceAnnotation],
        leftYAxis: { min: 0 },
        width: 6,
      }),
      new GraphWidget({
        title: 'SES complaint rate',
        left: [sesReputation('Reputation.ComplaintRate').with({ label: 'complaint rate' })],
        leftAnnotations: [complaintAnnotation],
        leftYAxis: { min: 0 },
        width: 6,
      }),
      new GraphWidget({
        title: 'Subscriber pages and admin API',
        left: [
          apiMetric('Count', 'Sum', 'requests'),
          apiMetric('4xx', 'Sum', '4xx'),
          apiMetric('5xx', 'Sum', '5xx'),
        ],
        right: [apiMetric('Latency', 'p95', 'latency p95 (ms)')],
        width: 12,
      }),
    );
    return dashboard;
  }
}

function pascal(kebab: string): string {
  return kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
