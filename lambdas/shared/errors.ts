/**
 * Base class of every error the product throws on purpose. `code` is stable: logs, CLI exit
 * messages and tests rely on it, so rename a code only with its callers.
 *
 * @example
 * class FeedParseError extends NewsAlertError {
 *   constructor(message: string) { super('parser', 'NOT_A_FEED', message); }
 * }
 */
export class NewsAlertError extends Error {
  override readonly name: string = 'NewsAlertError';
  constructor(
    /** The pipeline stage that raised it: `fetch`, `parser`, `tagger`, `store`, … */
    readonly stage: string,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${stage}: ${message}`, options);
  }
}

/** Bad configuration: thrown once, at cold start, naming the variable. */
export class ConfigError extends NewsAlertError {
  override readonly name = 'ConfigError';
  constructor(message: string) {
    super('config', 'BAD_CONFIG', message);
  }
}
