import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export { MetricUnit };

/** The metrics namespace every function writes to; the dashboard and alarms read it. */
export const METRICS_NAMESPACE = 'NewsAlerts';

/**
 * CloudWatch metrics through the Embedded Metric Format: one log line, no API call.
 *
 * @example const metrics = createMetrics('poll-feed'); metrics.addMetric('FeedsPolled', MetricUnit.Count, 1);
 */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
}
