import { beforeEach, describe, expect, it } from 'vitest';
import { createArticleRepository } from '../../lambdas/adapters/dynamodb/article.repository';
import {
  createDeliveryRepository,
  createDigestRepository,
} from '../../lambdas/adapters/dynamodb/delivery.repository';
import { createSubscriberRepository } from '../../lambdas/adapters/dynamodb/subscriber.repository';
import { type SendEmailDeps, sendEmail } from '../../lambdas/use-cases/send-email.use-case';
import { buildStoredArticle, buildSubscriber } from '../helpers/factories';
import { recordingMailer } from '../helpers/subscriptions';
import { freshTable } from '../helpers/table';

describe('sendEmail for an alert queued before the subscriber changed their preferences', () => {
  let deps: SendEmailDeps & { mailer: ReturnType<typeof recordingMailer> };
  let subscribers: ReturnType<typeof createSubscriberRepository>;
  const now = new Date('2026-11-26T10:00:00Z');

  beforeEach(async () => {
    const { db, tableName } = await freshTable();
    subscribers = createSubscriberRepository(db, tableName);
    deps = {
      subscribers,
      articles: createArticleRepository(db, tableName),
      deliveries: createDeliveryRepository(db, tableName),
      digests: createDigestRepository(db, tableName),
      mailer: recordingMailer(),
      links: {
        forSubscriber: (subscriber) => ({
          unsubscribeUrl: `https://alerts.example.org/unsubscribe?token=${subscriber.id}`,
          preferencesUrl: `https://alerts.example.org/preferences?token=${subscriber.id}`,
        }),
      },
      topicNames: async () => new Map([['border-security', 'Border and security']]),
      from: 'News Alerts <alerts@example.org>',
      clock: () => now,
    };
    await deps.articles.putIfNew(
      buildStoredArticle({ key: 'border-1', topics: ['border-security'] }),
    );
  });

  it('sends it when the subscriber still wants it, naming the topic', async () => {
    // Prepare
    const reader = buildSubscriber({ topics: ['border-security'] });
    await subscribers.create(reader);

    // Act
    const outcome = await sendEmail(deps, {
      kind: 'alert',
      subscriberId: reader.id,
      articleKey: 'border-1',
    });

    // Assess
    expect(outcome).toBe('sent');
    expect(deps.mailer.sent).toHaveLength(1);
    expect(deps.mailer.sent[0]?.text).toContain('Border and security');
  });

  it('drops it when the subscriber no longer follows any of its topics', async () => {
    // Prepare
    const reader = buildSubscriber({ topics: ['energy-climate'] });
    await subscribers.create(reader);

    // Act
    const outcome = await sendEmail(deps, {
      kind: 'alert',
      subscriberId: reader.id,
      articleKey: 'border-1',
    });

    // Assess
    expect(outcome).toBe('not-deliverable');
    expect(deps.mailer.sent).toHaveLength(0);
  });

  it('moves it to the next digest when the subscriber switched to a digest meanwhile', async () => {
    // Prepare
    const reader = buildSubscriber({ topics: ['border-security'], cadence: 'daily' });
    await subscribers.create(reader);

    // Act
    const outcome = await sendEmail(deps, {
      kind: 'alert',
      subscriberId: reader.id,
      articleKey: 'border-1',
    });

    // Assess
    expect(outcome).toBe('held-for-digest');
    expect(deps.mailer.sent).toHaveLength(0);
    expect((await deps.digests.pending(reader.id)).map((entry) => entry.articleKey)).toEqual([
      'border-1',
    ]);
  });
});
