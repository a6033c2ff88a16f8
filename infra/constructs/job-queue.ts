import { Duration } from 'aws-cdk-lib';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Receives before a message is parked in the DLQ: rides out a few minutes of a downstream outage. */
export const MAX_RECEIVE_COUNT = 5;

export interface JobQueueProps {
  /** The consumer's timeout: the queue's visibility timeout is six times it (AWS's advice). */
  consumerTimeout: Duration;
  /** The consumer's batching window, added to the visibility timeout. */
  maxBatchingWindow?: Duration;
  /** How long an unconsumed job stays useful. */
  retentionPeriod?: Duration;
}

/**
 * An SQS work queue and its dead-letter queue: SSE, TLS-only, redrive after
 * {@link MAX_RECEIVE_COUNT} receives, DLQ kept 14 days (the SQS maximum) for inspection and redrive.
 *
 * @example const pollQueue = new JobQueue(this, 'PollQueue', { consumerTimeout: Duration.seconds(90) });
 */
export class JobQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: JobQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const visibilitySeconds =
      props.consumerTimeout.toSeconds() * 6 + (props.maxBatchingWindow?.toSeconds() ?? 0);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(Math.min(visibilitySeconds, 12 * 60 * 60)),
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}

/**
 * A standalone dead-letter queue for a producer that is not a queue (EventBridge Scheduler, a
 * Lambda's asynchronous invocations, an SNS subscription).
 */
export function deadLetterQueue(scope: Construct, id: string): IQueue {
  return new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
}
