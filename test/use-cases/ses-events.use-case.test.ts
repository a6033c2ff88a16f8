import { beforeAll, describe, expect, it } from 'vitest';
import { createSubscriberRepository } from '../../lambdas/adapters/dynamodb/subscriber.repository';
import type { SubscriberRepository } from '../../lambdas/use-cases/ports';
import {
  handleSesNotification,
  type SesEventsDeps,
} from '../../lambdas/use-cases/ses-events.use-case';
import { buildSubscriber } from '../helpers/factories';
import { fanOutIds } from '../helpers/subscriptions';
import { freshTable } from '../helpers/table';

const NOW = new Date('2026-11-26T10:00:00Z');

function bounce(address: string, bounceType: string, bounceSubType = 'General') {
  return {
    notificationType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType,
      bouncedRecipients: [{ emailAddress: address, status: '5.1.1' }],
      timestamp: NOW.toISOString(),
    },
    mail: { messageId: 'ses-1', destination: [address] },
  };
}

describe('SES bounce and complaint notifications', () => {
  let subscribers: SubscriberRepository;
  let deps: SesEventsDeps;
  const warnings: string[] = [];
  beforeAll(async () => {
    const { db, tableName } = await freshTable();
    subscribers = createSubscriberRepository(db, tableName);
    deps = {
      subscribers,
      clock: () => NOW,
      logger: { info: () => {}, warn: (message) => warnings.push(message) },
    };
  });

  async function activeSubscriber(email: string) {
    const subscriber = buildSubscriber({ email, topics: ['peace-process', 'border-security'] });
    await subscribers.create(subscriber);
    return subscriber;
  }

  it('suppresses an address on a permanent bounce and takes it out of every fan-out', async () => {
    // Prepare
    const subscriber = await activeSubscriber('dead@mail.example');

    // Act
    const outcome = await handleSesNotification(
      deps,
      bounce('dead@mail.example', 'Permanent', 'NoEmail'),
    );

    // Assess
    expect(outcome).toEqual({
      kind: 'handled',
      event: 'permanent-bounce',
      results: [{ subscriberId: subscriber.id, result: 'suppressed' }],
    });
    expect(await subscribers.get(subscriber.id)).toMatchObject({
      status: 'suppressed',
      suppressedReason: 'permanent bounce (NoEmail)',
      suppressedAt: NOW.toISOString(),
    });
    expect(await subscribers.isSuppressed('dead@mail.example')).toBe(true);
    expect(await fanOutIds(subscribers, 'peace-process')).not.toContain(subscriber.id);
    expect(await fanOutIds(subscribers, 'border-security')).not.toContain(subscriber.id);
  });

  it('suppresses an address that complained, in the event-publishing shape too', async () => {
    // Prepare
    const subscriber = await activeSubscriber('annoyed@mail.example');
    const event = {
      eventType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: 'Annoyed <annoyed@mail.example>' }],
        complaintFeedbackType: 'abuse',
      },
      mail: { messageId: 'ses-2' },
    };

    // Act
    await handleSesNotification(deps, event);

    // Assess
    expect(await subscribers.get(subscriber.id)).toMatchObject({
      status: 'suppressed',
      suppressedReason: 'complaint (abuse)',
    });
    expect(await fanOutIds(subscribers, 'peace-process')).not.toContain(subscriber.id);
  });

  it('counts transient bounces and suppresses on the fifth in a row; a delivery resets the count', async () => {
    // Prepare
    const flaky = await activeSubscriber('full@mail.example');
    const recovering = await activeSubscriber('recovering@mail.example');

    // Act
    for (let count = 0; count < 4; count++) {
      await handleSesNotification(deps, bounce('full@mail.example', 'Transient', 'MailboxFull'));
      await handleSesNotification(
        deps,
        bounce('recovering@mail.example', 'Transient', 'MailboxFull'),
      );
    }
    const afterFour = await subscribers.get(flaky.id);
    await handleSesNotification(deps, {
      notificationType: 'Delivery',
      delivery: { recipients: ['recovering@mail.example'] },
      mail: { messageId: 'ses-3' },
    });
    await handleSesNotification(deps, bounce('full@mail.example', 'Transient', 'MailboxFull'));
    await handleSesNotification(
      deps,
      bounce('recovering@mail.example', 'Transient', 'MailboxFull'),
    );

    // Assess
    expect(afterFour).toMatchObject({ status: 'active', transientBounces: 4 });
    expect(await subscribers.get(flaky.id)).toMatchObject({
      status: 'suppressed',
      suppressedReason: '5 transient bounces in a row',
    });
    expect(await subscribers.get(recovering.id)).toMatchObject({
      status: 'active',
      transientBounces: 1,
    });
  });

  it.each([
    ['not an object', 'hello'],
    ['no type', { mail: {} }],
    ['an unknown type', { notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'ok' }],
    ['a bounce without details', { notificationType: 'Bounce' }],
    [
      'recipients of the wrong shape',
      { notificationType: 'Bounce', bounce: { bounceType: 'Permanent', bouncedRecipients: 'x' } },
    ],
  ])('skips %s with a log line instead of failing', async (_label, message) => {
    // Act
    const outcome = await handleSesNotification(deps, message);

    // Assess
    expect(outcome.kind).toBe('skipped');
    expect(warnings.at(-1)).toBe('SES notification skipped');
  });

  it('reports an address it does not know without failing', async () => {
    // Act
    const outcome = await handleSesNotification(deps, bounce('stranger@mail.example', 'Permanent'));

    // Assess
    expect(outcome).toEqual({
      kind: 'handled',
      event: 'permanent-bounce',
      results: [{ result: 'unknown-address' }],
    });
  });
});
