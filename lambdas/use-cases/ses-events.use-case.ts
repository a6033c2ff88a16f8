/**
 * Bounces and complaints from SES: what keeps the sender's reputation (SES reviews accounts at 5%
 * bounces or 0.1% complaints; Gmail and Yahoo want spam under 0.3%).
 *
 * - a permanent bounce or a complaint suppresses the address at once: status `suppressed`, with
 *   the reason and time, out of every fan-out, never mailed again, never re-activated by
 *   subscribing;
 * - transient bounces (mailbox full, …) and undetermined ones are counted and suppress the address
 *   after `transientBounceLimit`; a delivery resets the count, so only a run of them suppresses;
 * - a notification that is not JSON, not from SES, or of a kind we do not act on is skipped with
 *   a log line: one odd message never stops the rest.
 *
 * Both shapes SES sends are read: identity notifications (`notificationType`) and configuration
 * set event publishing (`eventType`).
 */
import { z } from 'zod';
import type { Subscriber } from '../domain/subscribers/subscriber';
import type { Clock, SubscriberRepository } from './ports';

export const DEFAULT_TRANSIENT_BOUNCE_LIMIT = 5;

export interface SesEventsDeps {
  subscribers: Pick<SubscriberRepository, 'findByEmail' | 'save'>;
  clock: Clock;
  transientBounceLimit?: number;
  logger?: {
    info(message: string, extra?: Record<string, unknown>): void;
    warn(message: string, extra?: Record<string, unknown>): void;
  };
}

/** What one notification led to, per recipient; for logs and tests. */
export type SesEventOutcome =
  | { kind: 'skipped'; reason: string }
  | {
      kind: 'handled';
      event: 'permanent-bounce' | 'transient-bounce' | 'complaint' | 'delivery';
      results: Array<{
        subscriberId?: string;
        result: 'suppressed' | 'counted' | 'reset' | 'unchanged' | 'unknown-address';
      }>;
    };

const recipient = z.object({ emailAddress: z.string().min(3).max(320) }).loose();

const notification = z
  .object({
    notificationType: z.string().optional(),
    eventType: z.string().optional(),
    bounce: z
      .object({
        bounceType: z.string(),
        bounceSubType: z.string().optional(),
        bouncedRecipients: z.array(recipient).max(100),
      })
      .loose()
      .optional(),
    complaint: z
      .object({
        complainedRecipients: z.array(recipient).max(100),
        complaintFeedbackType: z.string().optional(),
        complaintSubType: z.string().nullish(),
      })
      .loose()
      .optional(),
    delivery: z
      .object({ recipients: z.array(z.string()).max(100) })
      .loose()
      .optional(),
    mail: z.object({ messageId: z.string().optional() }).loose().optional(),
  })
  .loose();

/**
 * Parses the SNS message text SES published. Returns `undefined` for text that is not JSON.
 *
 * @example parseSesMessage('{"notificationType":"Bounce",…}')
 */
export function parseSesMessage(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Acts on one SES notification (already parsed from the SNS message). Throws only when the store
 * fails, so the caller can retry; anything wrong with the notification itself is `skipped`.
 *
 * @example
 * await handleSesNotification(deps, { notificationType: 'Complaint',
 *   complaint: { complainedRecipients: [{ emailAddress: 'ani@mail.example' }] }, mail: { messageId: 'm-1' } })
 * // { kind: 'handled', event: 'complaint', results: [{ subscriberId: '…', result: 'suppressed' }] }
 */
export async function handleSesNotification(
  deps: SesEventsDeps,
  message: unknown,
): Promise<SesEventOutcome> {
  const parsed = notification.safeParse(message);
  if (!parsed.success) return skip(deps, 'not an SES notification');
  const data = parsed.data;
  const type = (data.notificationType ?? data.eventType ?? '').toLowerCase();
  const messageId = data.mail?.messageId;
  const limit = deps.transientBounceLimit ?? DEFAULT_TRANSIENT_BOUNCE_LIMIT;
  const now = deps.clock().toISOString();

  if (type === 'bounce') {
    if (!data.bounce) return skip(deps, 'bounce without bounce details', messageId);
    const bounce = data.bounce;
    const permanent = bounce.bounceType === 'Permanent';
    const reason = `permanent bounce${bounce.bounceSubType ? ` (${bounce.bounceSubType})` : ''}`;
    const results = await forEachRecipient(
      deps,
      bounce.bouncedRecipients.map((entry) => entry.emailAddress),
      async (subscriber) => {
        if (permanent) return await suppress(deps, subscriber, reason, now);
        const transientBounces = subscriber.transientBounces + 1;
        if (transientBounces >= limit) {
          return await suppress(
            deps,
            { ...subscriber, transientBounces },
            `${transientBounces} transient bounces in a row`,
            now,
          );
        }
        await deps.subscribers.save({ ...subscriber, transientBounces });
        return 'counted';
      },
    );
    return log(
      deps,
      {
        kind: 'handled',
        event: permanent ? 'permanent-bounce' : 'transient-bounce',
        results,
      },
      messageId,
    );
  }

  if (type === 'complaint') {
    if (!data.complaint) return skip(deps, 'complaint without complaint details', messageId);
    const feedback = data.complaint.complaintFeedbackType;
    const reason = `complaint${feedback ? ` (${feedback})` : ''}`;
    const results = await forEachRecipient(
      deps,
      data.complaint.complainedRecipients.map((entry) => entry.emailAddress),
      async (subscriber) => await suppress(deps, subscriber, reason, now),
    );
    return log(deps, { kind: 'handled', event: 'complaint', results }, messageId);
  }

  if (type === 'delivery') {
    if (!data.delivery) return skip(deps, 'delivery without recipients', messageId);
    const results = await forEachRecipient(deps, data.delivery.recipients, async (subscriber) => {
      if (subscriber.transientBounces === 0) return 'unchanged';
      await deps.subscribers.save({ ...subscriber, transientBounces: 0 });
      return 'reset';
    });
    return { kind: 'handled', event: 'delivery', results };
  }

  return skip(deps, `notification type '${type || 'missing'}' is not acted on`, messageId);
}

type RecipientResult = 'suppressed' | 'counted' | 'reset' | 'unchanged';

async function forEachRecipient(
  deps: SesEventsDeps,
  addresses: string[],
  act: (subscriber: Subscriber) => Promise<RecipientResult>,
): Promise<Array<{ subscriberId?: string; result: RecipientResult | 'unknown-address' }>> {
  const results: Array<{ subscriberId?: string; result: RecipientResult | 'unknown-address' }> = [];
  for (const address of new Set(addresses.map((value) => bareAddress(value)))) {
    const subscriber = await deps.subscribers.findByEmail(address);
    if (!subscriber) {
      results.push({ result: 'unknown-address' });
      continue;
    }
    results.push({ subscriberId: subscriber.id, result: await act(subscriber) });
  }
  return results;
}

async function suppress(
  deps: SesEventsDeps,
  subscriber: Subscriber,
  reason: string,
  now: string,
): Promise<RecipientResult> {
  if (subscriber.status === 'suppressed') return 'unchanged';
  await deps.subscribers.save({
    ...subscriber,
    status: 'suppressed',
    suppressedReason: reason,
    suppressedAt: now,
    nextDigestAt: undefined,
  });
  return 'suppressed';
}

/** `Name <a@b>` → `a@b`: SES reports addresses as they were in the headers. */
function bareAddress(value: string): string {
  const angle = /<([^<>]+)>\s*$/.exec(value);
  return (angle?.[1] ?? value).trim();
}

function skip(deps: SesEventsDeps, reason: string, messageId?: string): SesEventOutcome {
  deps.logger?.warn('SES notification skipped', { reason, sesMessageId: messageId });
  return { kind: 'skipped', reason };
}

function log(deps: SesEventsDeps, outcome: SesEventOutcome, messageId?: string): SesEventOutcome {
  if (outcome.kind === 'handled') {
    deps.logger?.info('SES notification handled', {
      event: outcome.event,
      sesMessageId: messageId,
      results: outcome.results,
    });
  }
  return outcome;
}
