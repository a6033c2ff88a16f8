import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { NewsAlertError } from '../shared/errors';

export class BadMessageError extends NewsAlertError {
  override readonly name = 'BadMessageError';
  constructor(messageId: string, problem: string) {
    super('queue', 'BAD_MESSAGE', `message ${messageId} is not a valid job: ${problem}`);
  }
}

/**
 * Wraps a per-job function as an SQS consumer that reports partial batch failures: a job that
 * throws (or a message that is not a valid job) is retried alone and, after the queue's
 * maxReceiveCount, lands in its DLQ; the rest of the batch is done.
 *
 * @example export const handler = sqsJobConsumer(matchJobSchema, (job) => matchArticle(deps, job));
 */
export function sqsJobConsumer<T>(
  schema: z.ZodType<T>,
  processJob: (job: T, record: SQSRecord) => Promise<unknown>,
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new BadMessageError(record.messageId, 'body is not JSON');
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new BadMessageError(record.messageId, parsed.error.issues[0]?.message ?? 'invalid');
    await processJob(parsed.data, record);
  };
  return async (event) =>
    await processPartialResponse(event, recordHandler, processor, {
      throwOnFullBatchFailure: false,
    });
}
