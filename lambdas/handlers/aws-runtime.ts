import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createArticleRepository } from '../adapters/dynamodb/article.repository';
import {
  createDeliveryRepository,
  createDigestRepository,
} from '../adapters/dynamodb/delivery.repository';
import { createFeedRepository } from '../adapters/dynamodb/feed.repository';
import { createSubscriberRepository } from '../adapters/dynamodb/subscriber.repository';
import { documentClient } from '../adapters/dynamodb/table';
import { createSqsQueue } from '../adapters/queue/sqs-queue';
import { createSesMailer } from '../adapters/ses/ses-mailer';
import type { PipelineObserver } from '../app/pipeline';
import { createLogger } from '../shared/logger';
import { createMetrics, MetricUnit } from '../shared/metrics';
import type { EmailJob, MatchJob, PollJob } from '../use-cases/ports';

/**
 * What every Lambda builds once per cold start: SDK clients and repositories over them. Each
 * handler file takes only what it uses; clients are created on first use.
 */
let dynamo: DynamoDBClient | undefined;
let sqs: SQSClient | undefined;

const dynamoClient = () => (dynamo ??= new DynamoDBClient({}));
const sqsClient = () => (sqs ??= new SQSClient({}));

export const aws = {
  db: () => documentClient(dynamoClient()),
  feeds: (tableName: string) => createFeedRepository(aws.db(), tableName),
  articles: (tableName: string) => createArticleRepository(aws.db(), tableName),
  subscribers: (tableName: string) => createSubscriberRepository(aws.db(), tableName),
  deliveries: (tableName: string) => createDeliveryRepository(aws.db(), tableName),
  digests: (tableName: string) => createDigestRepository(aws.db(), tableName),
  pollQueue: (url: string) => createSqsQueue<PollJob>(sqsClient(), url),
  matchQueue: (url: string) => createSqsQueue<MatchJob>(sqsClient(), url),
  emailQueue: (url: string) => createSqsQueue<EmailJob>(sqsClient(), url),
  mailer: (options: { sendRatePerSecond: number; configurationSetName?: string }) =>
    // The mailer owns retries and pacing; SDK retries would multiply them and bypass the pacing.
    createSesMailer({ client: new SESClient({ maxAttempts: 1 }), ...options }),
};

/**
 * The pipeline's observer in AWS: structured logs and CloudWatch metrics (EMF) that the
 * dashboard and alarms read.
 */
export function cloudWatchObserver(serviceName: string): PipelineObserver & { flush(): void } {
  const logger = createLogger(serviceName);
  const metrics = createMetrics(serviceName);
  return {
    feedPolled(summary, ingested) {
      metrics.addMetric('ArticlesStored', MetricUnit.Count, ingested.stored);
      metrics.addMetric('RelevantArticles', MetricUnit.Count, ingested.relevant);
      metrics.addMetric('FeedsPolled', MetricUnit.Count, 1);
      metrics.addMetric(
        summary.outcome === 'error' ? 'PollFailures' : 'PollSuccesses',
        MetricUnit.Count,
        1,
      );
      metrics.addMetric('NewItems', MetricUnit.Count, summary.newItems);
      if (summary.outcome === 'ok' && summary.items === 0)
        metrics.addMetric('EmptyFeedAnswers', MetricUnit.Count, 1);
      logger.info('feed polled', { ...summary });
    },
    articleFailed(articleKey, error) {
      metrics.addMetric('ArticleFailures', MetricUnit.Count, 1);
      logger.error('article failed', { articleKey, error: error as Error });
    },
    matched(articleKey, recipients) {
      metrics.addMetric('Recipients', MetricUnit.Count, recipients);
      logger.info('article matched', { articleKey, recipients });
    },
    emailHandled(outcome) {
      metrics.addMetric(outcome === 'sent' ? 'EmailsSent' : 'EmailsSkipped', MetricUnit.Count, 1);
    },
    flush: () => metrics.publishStoredMetrics(),
  };
}

/**
 * An SQS consumer as a Lambda handler that publishes the observer's metrics after every batch,
 * whatever the batch did.
 *
 * @example export const handler = flushingMetrics(consume, observer);
 */
export function flushingMetrics(
  consume: (event: SQSEvent) => Promise<SQSBatchResponse>,
  observer: { flush(): void },
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    try {
      return await consume(event);
    } finally {
      observer.flush();
    }
  };
}
