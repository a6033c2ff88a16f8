import { NewsAlertError } from '../../shared/errors';

/**
 * Stable codes of a feed that could not be read:
 * - `EMPTY_BODY`: nothing but whitespace (RFE/RL-style 200 with an empty body);
 * - `NOT_A_FEED`: an HTML page (a Cloudflare challenge), a JSON error, another XML document;
 * - `MALFORMED`: XML so broken that no feed could be recovered;
 * - `TOO_LARGE`: the body, or what it gunzips to, exceeds `MAX_FEED_BYTES`.
 */
export type FeedParseErrorCode = 'EMPTY_BODY' | 'NOT_A_FEED' | 'MALFORMED' | 'TOO_LARGE';

/**
 * A body that is not a readable feed. Its message is one line, ready for a log or the CLI.
 *
 * @example new FeedParseError('NOT_A_FEED', 'not a feed (HTML page: "Just a moment...")').message
 * // 'parser: not a feed (HTML page: "Just a moment...")'
 */
export class FeedParseError extends NewsAlertError {
  override readonly name = 'FeedParseError';
  declare readonly code: FeedParseErrorCode;
  constructor(code: FeedParseErrorCode, message: string, options?: { cause?: unknown }) {
    super('parser', code, message.replace(/\s+/g, ' ').trim(), options);
  }
}
