import { createMatchConsumer } from '../app/pipeline';
import { tokenize } from '../domain/tagging';
import { loadConfig } from '../shared/config';
import { aws, cloudWatchObserver, flushingMetrics } from './aws-runtime';

const config = loadConfig(['TABLE_NAME', 'EMAIL_QUEUE_URL', 'ALERT_DELAY_SECONDS']);
const observer = cloudWatchObserver('match-article');
const consume = createMatchConsumer({
  articles: aws.articles(config.TABLE_NAME),
  subscribers: aws.subscribers(config.TABLE_NAME),
  digests: aws.digests(config.TABLE_NAME),
  emailQueue: aws.emailQueue(config.EMAIL_QUEUE_URL),
  alertDelaySeconds: config.ALERT_DELAY_SECONDS,
  tokenize,
  clock: () => new Date(),
  observer,
});

/** match-queue consumer: one new story → its subscribers' send jobs and digest entries. */
export const handler = flushingMetrics(consume, observer);
