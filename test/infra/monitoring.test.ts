import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { LAMBDA_SERVICES } from '../../infra/constructs/bundle-options';
import { ALARM_METRICS } from '../../infra/constructs/monitoring';
import { METRICS_NAMESPACE as INFRA_NAMESPACE } from '../../infra/constructs/news-function';
import { METRICS_NAMESPACE } from '../../lambdas/shared/metrics';
import { asList, resourcesOf, synthStage } from './synth';

type Json = Record<string, unknown>;

function alarmsByName(stage: 'dev' | 'prod') {
  const { template, stack } = synthStage(stage);
  const alarms = new Map(
    resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => [
      String(alarm.Properties.AlarmName).replace(`${stack.stackName}-`, ''),
      alarm.Properties,
    ]),
  );
  return { template, alarms };
}

function handlerSource(service: string): string {
  return readFileSync(
    new URL(`../../lambdas/handlers/${service}.handler.ts`, import.meta.url),
    'utf8',
  );
}

describe('Monitoring', () => {
  it('alarms as soon as any dead-letter queue holds a message', () => {
    // Prepare
    const { template, alarms } = alarmsByName('dev');
    const queueIds = new Set(resourcesOf(template, 'AWS::SQS::Queue').map(([id]) => id));

    // Act
    const dlqAlarms = [...alarms].filter(([name]) => name.startsWith('dlq-'));

    // Assess
    expect(dlqAlarms.map(([name]) => name).sort()).toEqual([
      'dlq-email-dlq',
      'dlq-match-dlq',
      'dlq-poll-dlq',
      'dlq-schedules-dlq',
      'dlq-ses-events-dlq',
    ]);
    for (const [name, alarm] of dlqAlarms) {
      expect(alarm.MetricName, name).toBe('ApproximateNumberOfMessagesVisible');
      expect(alarm.Threshold, name).toBe(1);
      expect(alarm.ComparisonOperator, name).toBe('GreaterThanOrEqualToThreshold');
      const queue = asList(alarm.Dimensions as Json[])[0]?.Value as Json;
      expect(queueIds.has(String((queue['Fn::GetAtt'] as string[])[0])), name).toBe(true);
    }
  });

  it('alarms on errors and on throttles of every function', () => {
    // Prepare
    const { alarms } = alarmsByName('dev');

    // Act / Assess
    for (const service of LAMBDA_SERVICES) {
      for (const kind of ['errors', 'throttles']) {
        const alarm = alarms.get(`${kind}-${service}`);
        expect(alarm?.MetricName, `${kind}-${service}`).toBe(
          kind === 'errors' ? 'Errors' : 'Throttles',
        );
        expect(alarm?.Threshold).toBe(1);
      }
    }
  });

  it('alarms when half the feed polls fail for half an hour', () => {
    // Prepare
    const { alarms } = alarmsByName('dev');

    // Act
    const alarm = alarms.get('poll-failures');
    const metrics = asList(alarm?.Metrics as Json[]);

    // Assess
    expect(alarm?.Threshold).toBe(50);
    expect(alarm?.EvaluationPeriods).toBe(2);
    const names = metrics
      .map(
        (metric) =>
          ((metric.MetricStat as Json | undefined)?.Metric as Json | undefined)?.MetricName,
      )
      .filter(Boolean)
      .sort();
    expect(names).toEqual(['FeedsPolled', 'PollFailures']);
  });

  it('alarms when a feed has been failing for over 24 hours', () => {
    // Prepare
    const { alarms } = alarmsByName('dev');

    // Act
    const alarm = alarms.get('feed-failing-24h');

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'NewsAlerts',
      MetricName: 'FeedsFailingOver24h',
      Dimensions: [{ Name: 'service', Value: 'schedule-polls' }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms when no relevant article arrived in 24 hours, silence included', () => {
    // Prepare
    const { alarms } = alarmsByName('dev');

    // Act
    const alarm = alarms.get('no-relevant-article-24h');

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'NewsAlerts',
      MetricName: 'RelevantArticles',
      Dimensions: [{ Name: 'service', Value: 'poll-feed' }],
      Statistic: 'Sum',
      Period: 86_400,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('alarms on an SES bounce rate of 2% and a complaint rate of 0.05%, under SES review levels', () => {
    // Prepare
    const { alarms } = alarmsByName('dev');

    // Act
    const bounce = alarms.get('ses-bounce-rate');
    const complaint = alarms.get('ses-complaint-rate');

    // Assess
    expect(bounce).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Threshold: 0.02,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(complaint).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.0005,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('notifies the alarm topic of every alarm and of its recovery, by email when configured', () => {
    // Prepare
    const { template, alarms } = alarmsByName('prod');
    const [[topicId] = []] = resourcesOf(template, 'AWS::SNS::Topic').filter(([id]) =>
      id.startsWith('MonitoringAlarmTopic'),
    );

    // Act / Assess
    for (const [name, alarm] of alarms) {
      expect(
        asList(alarm.AlarmActions as Json[]).map((action) => action.Ref),
        name,
      ).toEqual([topicId]);
      expect(
        asList(alarm.OKActions as Json[]).map((action) => action.Ref),
        name,
      ).toEqual([topicId]);
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.org',
      TopicArn: { Ref: topicId },
    });
  });

  it('draws one dashboard', () => {
    // Prepare
    const { template } = synthStage('dev');

    // Act
    const dashboards = resourcesOf(template, 'AWS::CloudWatch::Dashboard');

    // Assess
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.[1].Properties.DashboardName).toBe('NewsAlerts-dev');
    const body = JSON.stringify(dashboards[0]?.[1].Properties.DashboardBody);
    for (const title of ['Feeds polled and failed', 'Dead-letter queues', 'SES bounce rate'])
      expect(body).toContain(title);
  });

  it('reads only metrics the Lambda code publishes, in the namespace it publishes to', () => {
    // Prepare
    const runtime = readFileSync(
      new URL('../../lambdas/handlers/aws-runtime.ts', import.meta.url),
      'utf8',
    );

    // Act / Assess
    expect(INFRA_NAMESPACE).toBe(METRICS_NAMESPACE);
    for (const { service, name } of Object.values(ALARM_METRICS)) {
      const handler = handlerSource(service);
      // The handler publishes under its service name (the `service` dimension)…
      expect(handler, service).toContain(`'${service}'`);
      // …and the metric is emitted by it or by the observer it builds.
      expect(`${handler}\n${runtime}`, `${service} ${name}`).toContain(`'${name}'`);
    }
  });
});
