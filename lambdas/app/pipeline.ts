import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsJobConsumer } from '../handlers/sqs-batch';
import {
  createIngestHandler,
  type IngestCounters,
  type IngestDeps,
} from '../use-cases/ingest-items.use-case';
import { type MatchArticleDeps, matchArticle } from '../use-cases/match-article.use-case';
import { type FeedParser, type PollSummary, pollFeed } from '../use-cases/poll-feed.use-case';
import type { FeedFetcher, FeedRepository } from '../use-cases/ports';
import { type SendEmailDeps, type SendOutcome, sendEmail } from '../use-cases/send-email.use-case';
import { emailJobSchema, matchJobSchema, pollJobSchema } from './jobs';

/**
 * The queue consumers of the pipeline, shared by both composition roots: the Lambda handlers
 * (`lambdas/handlers/*.handler.ts`) and the local runner (`lambdas/local/`). Each takes its ports;
 * neither root adds logic of its own.
 */

/** What the pipeline reports as it works: CloudWatch metrics in AWS, counters locally. */
export interface PipelineObserver {
  feedPolled(summary: PollSummary, ingested: IngestCounters): void;
  articleFailed?(articleKey: string, error: unknown): void;
  matched?(articleKey: string, recipients: number, joinedStory?: string): void;
  emailHandled(outcome: SendOutcome): void;
}

type Consumer = (event: SQSEvent) => Promise<SQSBatchResponse>;

export interface PollFeedConsumerDeps extends Omit<IngestDeps, 'onItemError'> {
  feeds: FeedRepository;
  fetcher: FeedFetcher;
  parse: FeedParser;
  observer: PipelineObserver;
}

/** poll-queue consumer: poll the feed named by the job, ingest what is new. */
export function createPollFeedConsumer(deps: PollFeedConsumerDeps): Consumer {
  return sqsJobConsumer(pollJobSchema, async (job) => {
    const ingested: IngestCounters = { stored: 0, relevant: 0, grouped: 0 };
    const onNewItems = createIngestHandler(
      { ...deps, onItemError: (item, error) => deps.observer.articleFailed?.(item.key, error) },
      ingested,
    );
    const feed = await deps.feeds.get(job.feedId);
    // A feed removed or disabled after it was queued is simply skipped.
    if (!feed?.enabled) return;
    const summary = await pollFeed(
      {
        feeds: deps.feeds,
        fetcher: deps.fetcher,
        parse: deps.parse,
        unseen: (keys) => deps.articles.unseen(keys),
        onNewItems,
        clock: deps.clock,
      },
      feed,
    );
    deps.observer.feedPolled(summary, ingested);
  });
}

/** match-queue consumer: fan one new story out to its subscribers. */
export function createMatchConsumer(
  deps: MatchArticleDeps & { observer: PipelineObserver },
): Consumer {
  return sqsJobConsumer(matchJobSchema, async (job) => {
    const summary = await matchArticle(deps, job);
    deps.observer.matched?.(job.articleKey, summary.recipients, summary.joinedStory);
  });
}

/** email-queue consumer: send one alert or digest, once. */
export function createEmailConsumer(
  deps: SendEmailDeps & { observer: PipelineObserver },
): Consumer {
  return sqsJobConsumer(emailJobSchema, async (job) => {
    const outcome = await sendEmail(deps, job);
    deps.observer.emailHandled(outcome);
  });
}
