import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one way every Lambda, the local runner and the CLI log: structured JSON with stable
 * camelCase keys (`feedUrl`, `articleKey`, `subscriberId`). Never log a full email address.
 * The level comes from `POWERTOOLS_LOG_LEVEL` (Powertools reads it itself).
 *
 * @example const logger = createLogger('poll-feed'); logger.info('feed polled', { feedUrl, newItems });
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
