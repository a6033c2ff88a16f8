import { NewsAlertError } from '../../shared/errors';

export type RetryableSendCode = 'THROTTLED' | 'TRANSIENT';
export type PermanentSendCode =
  | 'REJECTED'
  | 'SENDER_NOT_VERIFIED'
  | 'INVALID_PARAMETER'
  | 'BAD_MESSAGE'
  | 'CLIENT_ERROR';

/**
 * SES refused the message for now (throttling, a 5xx, a network failure) and in-process retries
 * did not help. The message must go back to the queue and be retried later: never dropped.
 *
 * @example
 * if (error instanceof RetryableSendError) return reportBatchItemFailure(record);
 */
export class RetryableSendError extends NewsAlertError {
  override readonly name = 'RetryableSendError';
  readonly retryable = true;
  constructor(
    code: RetryableSendCode,
    message: string,
    /** How many attempts were made in-process before giving up. */
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super('send', code, message, options);
  }
}

/**
 * SES will never accept this message as it is (rejected content, unverified sender, bad
 * parameter, bad address): retrying cannot help, so the use case records the failure instead.
 *
 * @example
 * if (error instanceof PermanentSendError) await deliveries.markFailed(key, error.code);
 */
export class PermanentSendError extends NewsAlertError {
  override readonly name = 'PermanentSendError';
  readonly retryable = false;
  constructor(code: PermanentSendCode, message: string, options?: { cause?: unknown }) {
    super('send', code, message, options);
  }
}
