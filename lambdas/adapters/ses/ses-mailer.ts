import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { buildRawMessage, MimeBuildError, parseMailbox } from '../../domain/alerts/mime';
import type { Mailer, OutgoingEmail, SendReceipt } from '../../use-cases/ports';
import {
  type PermanentSendCode,
  PermanentSendError,
  type RetryableSendCode,
  RetryableSendError,
} from './send-errors';
import { createSendPacer, defaultSleep, type SendPacer } from './send-pacer';

export interface SesMailerOptions {
  /**
   * The SES (v1 API) client. Build it with `maxAttempts: 1`: this mailer owns retries, and the
   * SDK's own retries would multiply them and bypass the send-rate pacing.
   */
  client: SESClient;
  /** The account's SES maximum send rate (or the share of it this process may use). */
  sendRatePerSecond: number;
  /** Sends allowed back to back after an idle spell; default 1. */
  burst?: number;
  /** Configuration set that publishes bounce/complaint events (must not enable click tracking). */
  configurationSetName?: string;
  /** Attempts per message before handing it back to the queue; default 4. */
  maxAttempts?: number;
  /** First backoff step; default 200 ms, doubling per attempt. */
  baseDelayMs?: number;
  /** Longest single backoff; default 5 s. */
  maxDelayMs?: number;
  /** Right-hand side of Message-ID; defaults to the From address's domain. */
  messageIdDomain?: string;
  /** Share one bucket between several mailers in a process; default: a bucket of its own. */
  pacer?: SendPacer;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds clock, for the pacer. */
  now?: () => number;
  /** Jitter source in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
  /** Called before each backoff sleep, e.g. to log or count retries. */
  onRetry?: (event: { attempt: number; delayMs: number; code: string; errorName: string }) => void;
}

/**
 * What the mailer concluded from one failed SES call. `retryInProcess` is false when waiting a few
 * seconds cannot help (daily quota, paused account): the message goes back to the queue at once.
 */
export type SendFailure =
  | { kind: 'permanent'; code: PermanentSendCode; retryInProcess: false }
  | { kind: 'throttled' | 'transient'; code: RetryableSendCode; retryInProcess: boolean };

/**
 * A `Mailer` over SES `SendRawEmail`, so every header (List-Unsubscribe, List-Unsubscribe-Post)
 * is ours. Paces itself with a token bucket shared by all calls on this mailer, retries throttling
 * and transient failures with capped exponential backoff and jitter, then throws
 * `RetryableSendError` so the queue redelivers; permanent refusals throw `PermanentSendError`.
 *
 * @example
 * const mailer = createSesMailer({ client: new SESClient({ maxAttempts: 1 }), sendRatePerSecond: 14,
 *   configurationSetName: 'news-alerts' });
 * const { messageId } = await mailer.send(renderAlertEmail(input));
 */
export function createSesMailer(options: SesMailerOptions): Mailer {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 4));
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const pacer =
    options.pacer ??
    createSendPacer({
      ratePerSecond: options.sendRatePerSecond,
      ...(options.burst === undefined ? {} : { burst: options.burst }),
      ...(options.now ? { now: options.now } : {}),
      sleep,
    });

  return {
    async send(email: OutgoingEmail): Promise<SendReceipt> {
      const { raw, destination } = encode(email, options.messageIdDomain);
      const command = new SendRawEmailCommand({
        RawMessage: { Data: raw },
        // Explicit, so SES delivers to this one address whatever the headers say.
        Destinations: [destination],
        ...(options.configurationSetName
          ? { ConfigurationSetName: options.configurationSetName }
          : {}),
      });
      for (let attempt = 1; ; attempt += 1) {
        await pacer.acquire();
        try {
          const output = await options.client.send(command);
          return { messageId: output.MessageId ?? '' };
        } catch (error) {
          const failure = classifySendError(error);
          const detail = describe(error);
          if (failure.kind === 'permanent') {
            throw new PermanentSendError(failure.code, `SES refused the message: ${detail}`, {
              cause: error,
            });
          }
          if (!failure.retryInProcess || attempt >= maxAttempts) {
            throw new RetryableSendError(
              failure.code,
              `SES did not accept the message after ${attempt} attempt(s): ${detail}`,
              attempt,
              { cause: error },
            );
          }
          const delayMs = backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
          options.onRetry?.({
            attempt,
            delayMs,
            code: failure.code,
            errorName: errorName(error),
          });
          await sleep(delayMs);
        }
      }
    },
  };
}

/**
 * "Equal jitter" backoff: half of the capped exponential step, plus a random share of the other
 * half, so retries spread out but never fire immediately after a throttle.
 *
 * @example backoffDelay(3, 200, 5000, () => 0.5) // 600 (cap 800: 400 + 0.5 × 400)
 */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

const PERMANENT: Record<string, PermanentSendCode> = {
  MessageRejected: 'REJECTED',
  MailFromDomainNotVerified: 'SENDER_NOT_VERIFIED',
  MailFromDomainNotVerifiedException: 'SENDER_NOT_VERIFIED',
  FromEmailAddressNotVerifiedException: 'SENDER_NOT_VERIFIED',
  InvalidParameterValue: 'INVALID_PARAMETER',
  InvalidParameterCombination: 'INVALID_PARAMETER',
  ValidationError: 'INVALID_PARAMETER',
};
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
// Account-wide conditions: every message would fail the same way until an operator acts, so they
// go back to the queue (and on to the DLQ, which alarms) rather than being marked failed.
const ACCOUNT_WIDE = new Set([
  'AccountSendingPausedException',
  'ConfigurationSetSendingPausedException',
  'ConfigurationSetDoesNotExistException',
  'AccessDenied',
  'AccessDeniedException',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
]);
const TRANSIENT_NAMES = new Set([
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Sorts an SES/SDK/network error into throttled, transient or permanent. Unknown errors without
 * an HTTP status (credential lookups, sockets) count as transient, so a message is never dropped on
 * a failure we did not foresee; an unknown 4xx answer from SES is permanent.
 *
 * @example classifySendError(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' }))
 * // { kind: 'throttled', code: 'THROTTLED', retryInProcess: true }
 */
export function classifySendError(error: unknown): SendFailure {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  const status = httpStatus(error);
  const permanentCode = PERMANENT[name];
  if (permanentCode) return { kind: 'permanent', code: permanentCode, retryInProcess: false };
  // The daily quota resets hours from now: waiting in this Lambda is pointless.
  if (/daily message quota exceeded/i.test(message)) {
    return { kind: 'throttled', code: 'THROTTLED', retryInProcess: false };
  }
  if (
    THROTTLING.has(name) ||
    status === 429 ||
    /maximum sending rate exceeded|rate exceeded|throttl/i.test(message) ||
    isSdkThrottling(error)
  ) {
    return { kind: 'throttled', code: 'THROTTLED', retryInProcess: true };
  }
  if (ACCOUNT_WIDE.has(name))
    return { kind: 'transient', code: 'TRANSIENT', retryInProcess: false };
  if (
    (status !== undefined && status >= 500) ||
    TRANSIENT_NAMES.has(name) ||
    NETWORK_CODES.has(networkCode(error))
  ) {
    return { kind: 'transient', code: 'TRANSIENT', retryInProcess: true };
  }
  if (status !== undefined && status >= 400) {
    return { kind: 'permanent', code: 'CLIENT_ERROR', retryInProcess: false };
  }
  return { kind: 'transient', code: 'TRANSIENT', retryInProcess: true };
}

function encode(
  email: OutgoingEmail,
  messageIdDomain: string | undefined,
): { raw: Uint8Array; destination: string } {
  try {
    const raw = buildRawMessage(email, messageIdDomain ? { messageIdDomain } : {});
    // The builder only emits 7-bit ASCII, so this is byte-for-byte the message text.
    return { raw: Buffer.from(raw, 'latin1'), destination: parseMailbox(email.to).address };
  } catch (error) {
    if (error instanceof MimeBuildError) {
      throw new PermanentSendError('BAD_MESSAGE', error.message, { cause: error });
    }
    throw error;
  }
}

function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  const record = error as { name?: unknown; Code?: unknown; code?: unknown };
  if (typeof record.name === 'string' && record.name !== 'Error') return record.name;
  if (typeof record.Code === 'string') return record.Code;
  return typeof record.name === 'string' ? record.name : 'Error';
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata
    ?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function isSdkThrottling(error: unknown): boolean {
  const retryable = (error as { $retryable?: { throttling?: unknown } } | null)?.$retryable;
  return retryable?.throttling === true;
}

function networkCode(error: unknown): string {
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code;
  if (typeof code === 'string') return code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof causeCode === 'string' ? causeCode : '';
}

function describe(error: unknown): string {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  return `${name}: ${message}`.slice(0, 500);
}
