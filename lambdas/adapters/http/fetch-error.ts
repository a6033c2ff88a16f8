import { NewsAlertError } from '../../shared/errors';

/** Why a guarded fetch failed. Stable: the poll use case, logs and tests switch on these. */
export type FetchErrorCode =
  | 'BAD_URL'
  | 'UNSUPPORTED_SCHEME'
  | 'BLOCKED_ADDRESS'
  | 'TOO_MANY_REDIRECTS'
  | 'INSECURE_REDIRECT'
  | 'CONNECT_TIMEOUT'
  | 'TIMEOUT'
  | 'BODY_TOO_LARGE'
  | 'NETWORK'
  | 'DECOMPRESSION';

/**
 * A feed could not be fetched: bad URL, refused by policy, network failure or a limit hit.
 * HTTP answers (404, 410, 429, …) are outcomes, not errors.
 *
 * @example
 * throw new FetchError('BODY_TOO_LARGE', 'body exceeds 10485760 bytes; aborted');
 */
export class FetchError extends NewsAlertError {
  override readonly name = 'FetchError';
  declare readonly code: FetchErrorCode;

  constructor(code: FetchErrorCode, message: string, options?: { cause?: unknown }) {
    super('fetch', code, message, options);
  }
}
