import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createSubscriberRepository } from '../../lambdas/adapters/dynamodb/subscriber.repository';
import { createSesEventsHandler } from '../../lambdas/app/ses-events';
import type { SubscriberRepository } from '../../lambdas/use-cases/ports';
import { buildSubscriber } from '../helpers/factories';
import { freshTable } from '../helpers/table';

function snsEvent(messages: string[]): SNSEvent {
  return {
    Records: messages.map((Message, index) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-central-1:123456789012:ses-events:1',
      Sns: { MessageId: `sns-${index}`, Message } as SNSEvent['Records'][number]['Sns'],
    })),
  };
}

function silentLogger() {
  const lines: string[] = [];
  return {
    lines,
    info: (message: string) => lines.push(`info ${message}`),
    warn: (message: string) => lines.push(`warn ${message}`),
    error: (message: string) => lines.push(`error ${message}`),
  };
}

describe('SES events handler', () => {
  it('suppresses complained addresses and skips junk in the same batch', async () => {
    // Prepare
    const { db, tableName } = await freshTable();
    const subscribers = createSubscriberRepository(db, tableName);
    const subscriber = buildSubscriber({ email: 'annoyed@mail.example' });
    await subscribers.create(subscriber);
    const logger = silentLogger();
    const handler = createSesEventsHandler({ subscribers, clock: () => new Date(), logger });
    const complaint = JSON.stringify({
      notificationType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'annoyed@mail.example' }] },
      mail: { messageId: 'ses-1' },
    });

    // Act
    const result = await handler(
      snsEvent(['not json {', complaint, '{"notificationType":"Nope"}']),
    );

    // Assess
    expect(result.outcomes.map((outcome) => outcome.kind)).toEqual([
      'skipped',
      'handled',
      'skipped',
    ]);
    expect((await subscribers.get(subscriber.id))?.status).toBe('suppressed');
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toHaveLength(2);
  });

  it('handles the rest of the batch, then fails so SNS retries, when the store fails', async () => {
    // Prepare
    const saved: string[] = [];
    const subscribers: Pick<SubscriberRepository, 'findByEmail' | 'save'> = {
      async findByEmail(email) {
        return buildSubscriber({ email });
      },
      async save(subscriber) {
        if (subscriber.email.startsWith('broken')) throw new Error('throttled');
        saved.push(subscriber.email);
      },
    };
    const handler = createSesEventsHandler({
      subscribers,
      clock: () => new Date(),
      logger: silentLogger(),
    });
    const bounce = (address: string) =>
      JSON.stringify({
        notificationType: 'Bounce',
        bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: address }] },
      });

    // Act
    const running = handler(snsEvent([bounce('broken@mail.example'), bounce('fine@mail.example')]));

    // Assess
    await expect(running).rejects.toThrow('1 SES notification(s) could not be stored');
    expect(saved).toEqual(['fine@mail.example']);
  });
});
