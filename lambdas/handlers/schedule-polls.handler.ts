import { isFailingLong } from '../domain/feeds/feed-state';
import { loadConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { createMetrics, MetricUnit } from '../shared/metrics';
import { schedulePolls } from '../use-cases/schedule.use-case';
import { aws } from './aws-runtime';

const config = loadConfig(['TABLE_NAME', 'POLL_QUEUE_URL']);
const feeds = aws.feeds(config.TABLE_NAME);
const pollQueue = aws.pollQueue(config.POLL_QUEUE_URL);
const logger = createLogger('schedule-polls');
const metrics = createMetrics('schedule-polls');

/** EventBridge Scheduler, every 5 minutes: queue the due feeds; report feeds that died quietly. */
export const handler = async (): Promise<{ queued: number }> => {
  const now = new Date();
  const result = await schedulePolls({ feeds, pollQueue, clock: () => now });
  const failing = (await feeds.list()).filter((feed) => isFailingLong(feed, now));
  metrics.addMetric('FeedsQueued', MetricUnit.Count, result.queued);
  metrics.addMetric('FeedsFailingOver24h', MetricUnit.Count, failing.length);
  if (failing.length > 0)
    logger.warn('feeds failing for over 24 h', { feedIds: failing.map((feed) => feed.id) });
  metrics.publishStoredMetrics();
  return result;
};
