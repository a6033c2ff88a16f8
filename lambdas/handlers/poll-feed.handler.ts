import { createTopicRepository } from '../adapters/dynamodb/topic.repository';
import { createGuardedFetcher } from '../adapters/http/guarded-fetcher';
import { createPollFeedConsumer } from '../app/pipeline';
import { parseFeed } from '../domain/feeds/parse-feed';
import { tokenize } from '../domain/tagging';
import { loadConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { createTaggerProvider } from '../use-cases/taxonomy.use-case';
import { aws, cloudWatchObserver, flushingMetrics } from './aws-runtime';

const config = loadConfig(['TABLE_NAME', 'MATCH_QUEUE_URL']);
const logger = createLogger('poll-feed');
const observer = cloudWatchObserver('poll-feed');
const consume = createPollFeedConsumer({
  feeds: aws.feeds(config.TABLE_NAME),
  articles: aws.articles(config.TABLE_NAME),
  fetcher: createGuardedFetcher(),
  parse: parseFeed,
  tagger: createTaggerProvider(createTopicRepository(aws.db(), config.TABLE_NAME), {
    ttlMs: 60_000,
    onInvalid: (error) =>
      logger.error('stored taxonomy is invalid; keeping the last good one', {
        error: error as Error,
      }),
  }),
  tokenize,
  matchQueue: aws.matchQueue(config.MATCH_QUEUE_URL),
  clock: () => new Date(),
  observer,
});

/** poll-queue consumer: fetch one feed through the guarded fetcher, tag and store what is new. */
export const handler = flushingMetrics(consume, observer);
