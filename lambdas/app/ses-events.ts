import type { SNSEvent } from 'aws-lambda';
import {
  handleSesNotification,
  parseSesMessage,
  type SesEventOutcome,
  type SesEventsDeps,
} from '../use-cases/ses-events.use-case';

export interface SesEventsHandlerDeps extends SesEventsDeps {
  logger: NonNullable<SesEventsDeps['logger']> & {
    error(message: string, extra?: Record<string, unknown>): void;
  };
}

/**
 * The Lambda behind the SNS topic SES publishes bounces and complaints to. Every record is
 * handled; a record that is not an SES notification is logged and skipped. When the store fails
 * on one record the others are still handled, then the invocation fails so SNS retries it
 * (suppressing is idempotent; a repeated transient bounce counts twice, which only hastens a
 * suppression that a run of bounces would bring anyway).
 *
 * @example export const handler = createSesEventsHandler({ subscribers, clock: () => new Date(), logger });
 */
export function createSesEventsHandler(
  deps: SesEventsHandlerDeps,
): (event: SNSEvent) => Promise<{ outcomes: SesEventOutcome[] }> {
  return async (event) => {
    const outcomes: SesEventOutcome[] = [];
    const failures: unknown[] = [];
    for (const record of event.Records ?? []) {
      const text = record?.Sns?.Message;
      const message = typeof text === 'string' ? parseSesMessage(text) : undefined;
      if (message === undefined) {
        deps.logger.warn('SES notification skipped', {
          reason: 'SNS message is not JSON',
          snsMessageId: record?.Sns?.MessageId,
        });
        outcomes.push({ kind: 'skipped', reason: 'SNS message is not JSON' });
        continue;
      }
      try {
        outcomes.push(await handleSesNotification(deps, message));
      } catch (error) {
        deps.logger.error('SES notification failed', {
          snsMessageId: record.Sns.MessageId,
          error:
            error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
        failures.push(error);
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${failures.length} SES notification(s) could not be stored`,
      );
    }
    return { outcomes };
  };
}
