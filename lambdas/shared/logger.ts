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

/** The small logger shape use cases take, so they don't depend on Powertools. */
export interface PortLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/**
 * A Powertools logger seen through the use cases' logger port.
 *
 * @example handle(deps, { logger: portLogger(createLogger('ses-events')) })
 */
export function portLogger(logger: Logger): PortLogger {
  return {
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
}
