import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { NewsAlertError } from '../../shared/errors';
import type { JobQueue } from '../../use-cases/ports';

export class QueueSendError extends NewsAlertError {
  override readonly name = 'QueueSendError';
  constructor(queueUrl: string, failed: number) {
    super('queue', 'SEND_FAILED', `${failed} message(s) could not be sent to ${queueUrl}`);
  }
}

const SQS_BATCH_LIMIT = 10;
const SQS_MAX_DELAY_SECONDS = 900;

/**
 * An SQS queue as a `JobQueue`: JSON bodies, sent ten at a time; entries SQS refuses are retried,
 * then reported as an error so the caller's own message is retried rather than anything dropped.
 *
 * @example const matchQueue = createSqsQueue<MatchJob>(sqs, config.MATCH_QUEUE_URL);
 */
export function createSqsQueue<T>(client: SQSClient, queueUrl: string): JobQueue<T> {
  return {
    async send(jobs, options = {}) {
      const delay = options.delaySeconds
        ? Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.round(options.delaySeconds)))
        : undefined;
      for (let start = 0; start < jobs.length; start += SQS_BATCH_LIMIT) {
        let entries = jobs.slice(start, start + SQS_BATCH_LIMIT).map((job) => ({
          Id: randomUUID(),
          MessageBody: JSON.stringify(job),
          DelaySeconds: delay,
        }));
        for (let attempt = 0; entries.length > 0; attempt++) {
          const result = await client.send(
            new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
          );
          const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
          entries = entries.filter((entry) => failed.has(entry.Id));
          if (entries.length === 0) break;
          if (attempt >= 3) throw new QueueSendError(queueUrl, entries.length);
          await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        }
      }
    },
  };
}
