/**
 * Sizes the email-queue consumer to the account's SES send rate.
 *
 * Each send-email instance paces itself with a token bucket at `perInstanceRate`
 * (SEND_RATE_PER_SECOND), and the event source never runs more than `maxConcurrency` instances,
 * so together they stay at or under the SES rate instead of being throttled into retries. One
 * instance comfortably sends ~10 emails a second (an SES call takes 50–100 ms), which sets how
 * many instances a rate needs; SQS event sources allow 2–1000.
 *
 * @example emailConsumerSizing(14) // { maxConcurrency: 2, perInstanceRate: 7, batchSize: 10, timeoutSeconds: 32 }
 */
export interface EmailConsumerSizing {
  maxConcurrency: number;
  /** Each instance's share of the SES rate (emails per second). */
  perInstanceRate: number;
  batchSize: number;
  /** Pacing a full batch, plus the mailer's in-process retries (≤ ~15 s), plus margin. */
  timeoutSeconds: number;
}

const PER_INSTANCE_CEILING = 10;
const RETRY_AND_MARGIN_SECONDS = 30;
/** A batch should not take more than this long to pace through. */
const BATCH_PACING_SECONDS = 20;

export function emailConsumerSizing(sendRatePerSecond: number): EmailConsumerSizing {
  if (!(sendRatePerSecond > 0)) throw new RangeError('sendRatePerSecond must be positive');
  const maxConcurrency = Math.min(
    1000,
    Math.max(2, Math.ceil(sendRatePerSecond / PER_INSTANCE_CEILING)),
  );
  const perInstanceRate = Math.floor((sendRatePerSecond / maxConcurrency) * 1000) / 1000;
  const batchSize = Math.min(10, Math.max(1, Math.floor(perInstanceRate * BATCH_PACING_SECONDS)));
  const timeoutSeconds = Math.ceil(batchSize / perInstanceRate) + RETRY_AND_MARGIN_SECONDS;
  return { maxConcurrency, perInstanceRate, batchSize, timeoutSeconds };
}
