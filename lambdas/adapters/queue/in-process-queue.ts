import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { JobQueue } from '../../use-cases/ports';

export type SqsConsumer = (event: SQSEvent) => Promise<SQSBatchResponse>;

interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  firstSentAt: number;
  /** A failed message comes back only after the visibility timeout, as on SQS. */
  visibleAt: number;
}

/**
 * The local stand-in for an SQS queue with a DLQ: it hands SQS-shaped batches to the same consumer
 * function the Lambda runs, honours partial batch failures, redelivers failed messages and moves
 * a message to the DLQ after `maxReceiveCount` receives, as SQS's redrive policy does. Delivery
 * delays are not simulated: a local cycle drains queues in pipeline order instead.
 *
 * @example const q = new InProcessQueue('match', { maxReceiveCount: 3 }); q.consumer = handler; await q.drain();
 */
export class InProcessQueue<T> implements JobQueue<T> {
  consumer?: SqsConsumer;
  readonly deadLetters: Array<{ messageId: string; body: string; receiveCount: number }> = [];
  private messages: QueuedMessage[] = [];
  private readonly maxReceiveCount: number;
  private readonly batchSize: number;
  private readonly visibilityTimeoutMs: number;

  constructor(
    readonly name: string,
    options: { maxReceiveCount?: number; batchSize?: number; visibilityTimeoutMs?: number } = {},
  ) {
    this.maxReceiveCount = options.maxReceiveCount ?? 5;
    this.batchSize = options.batchSize ?? 10;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 0;
  }

  /** Delays (`delaySeconds`) are not simulated: a local cycle drains queues in pipeline order. */
  async send(jobs: T[], _options?: { delaySeconds?: number }): Promise<void> {
    for (const job of jobs) {
      this.messages.push({
        messageId: randomUUID(),
        body: JSON.stringify(job),
        receiveCount: 0,
        firstSentAt: Date.now(),
        visibleAt: 0,
      });
    }
  }

  /** Adds a raw body as a producer outside our code could (tests use it for poison messages). */
  sendRaw(body: string): void {
    this.messages.push({
      messageId: randomUUID(),
      body,
      receiveCount: 0,
      firstSentAt: Date.now(),
      visibleAt: 0,
    });
  }

  get depth(): number {
    return this.messages.length;
  }

  /**
   * Delivers every message until the queue is empty (or only dead letters are left), returning how
   * many were processed successfully.
   */
  async drain(): Promise<number> {
    const consumer = this.consumer;
    if (!consumer) throw new Error(`queue ${this.name} has no consumer`);
    let succeeded = 0;
    while (this.messages.length > 0) {
      const now = Date.now();
      const visible = this.messages
        .filter((message) => message.visibleAt <= now)
        .slice(0, this.batchSize);
      if (visible.length === 0) {
        const next = Math.min(...this.messages.map((message) => message.visibleAt));
        await new Promise((resolve) => setTimeout(resolve, next - now));
        continue;
      }
      this.messages = this.messages.filter((message) => !visible.includes(message));
      const batch = visible;
      for (const message of batch) message.receiveCount += 1;
      let failedIds: Set<string>;
      try {
        const response = await consumer({
          Records: batch.map((message) => this.toRecord(message)),
        });
        failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
      } catch {
        // A consumer that throws fails the whole batch, as Lambda does.
        failedIds = new Set(batch.map((message) => message.messageId));
      }
      for (const message of batch) {
        if (!failedIds.has(message.messageId)) {
          succeeded += 1;
        } else if (message.receiveCount >= this.maxReceiveCount) {
          this.deadLetters.push({
            messageId: message.messageId,
            body: message.body,
            receiveCount: message.receiveCount,
          });
        } else {
          message.visibleAt = Date.now() + this.visibilityTimeoutMs;
          this.messages.push(message);
        }
      }
    }
    return succeeded;
  }

  private toRecord(message: QueuedMessage): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: message.messageId,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.firstSentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.name}`,
      awsRegion: 'local',
    };
  }
}
