import { beforeAll, describe, expect, it } from 'vitest';
import { createSubscriberRepository } from '../../lambdas/adapters/dynamodb/subscriber.repository';
import type { EmailJob, JobQueue, SubscriberRepository } from '../../lambdas/use-cases/ports';
import { sendDueDigests } from '../../lambdas/use-cases/schedule.use-case';
import { buildSubscriber } from '../helpers/factories';
import { fanOutIds } from '../helpers/subscriptions';
import { freshTable } from '../helpers/table';

const NOW = new Date('2026-11-26T10:00:00Z');
const DUE = '2026-11-26T04:00:00.000Z'; // 08:00 in Asia/Yerevan

function recordingQueue(): JobQueue<EmailJob> & { jobs: EmailJob[] } {
  const jobs: EmailJob[] = [];
  return {
    jobs,
    async send(batch) {
      jobs.push(...batch);
    },
  };
}

/**
 * The due index is a GSI, read eventually consistently: it can still show a subscriber as they
 * were a moment ago. This repository answers `digestsDue` from such a snapshot.
 */
function withStaleDueIndex(
  subscribers: SubscriberRepository,
  snapshot: Awaited<ReturnType<SubscriberRepository['digestsDue']>>,
): SubscriberRepository {
  return { ...subscribers, digestsDue: async () => snapshot };
}

describe('sendDueDigests', () => {
  let subscribers: SubscriberRepository;
  beforeAll(async () => {
    const { db, tableName } = await freshTable();
    subscribers = createSubscriberRepository(db, tableName);
  });

  it('does not undo an unsubscribe made while the due index still lists the subscriber', async () => {
    // Prepare
    const subscriber = buildSubscriber({
      cadence: 'daily',
      topics: ['peace-process'],
      nextDigestAt: DUE,
    });
    await subscribers.create(subscriber);
    const snapshot = await subscribers.digestsDue(NOW);
    await subscribers.save({
      ...subscriber,
      status: 'unsubscribed',
      unsubscribedAt: NOW.toISOString(),
      nextDigestAt: undefined,
    });
    const emailQueue = recordingQueue();

    // Act
    await sendDueDigests({
      subscribers: withStaleDueIndex(subscribers, snapshot),
      emailQueue,
      clock: () => NOW,
    });

    // Assess
    expect((await subscribers.get(subscriber.id))?.status).toBe('unsubscribed');
    expect(await fanOutIds(subscribers, 'peace-process')).not.toContain(subscriber.id);
    expect(emailQueue.jobs).toEqual([]);
  });

  it('keeps topics a subscriber changed while the due index still showed the old ones', async () => {
    // Prepare
    const subscriber = buildSubscriber({
      cadence: 'daily',
      topics: ['border-security'],
      nextDigestAt: DUE,
    });
    await subscribers.create(subscriber);
    const snapshot = (await subscribers.digestsDue(NOW)).filter((due) => due.id === subscriber.id);
    await subscribers.save({ ...subscriber, topics: ['transport-corridors'] });
    const emailQueue = recordingQueue();

    // Act
    await sendDueDigests({
      subscribers: withStaleDueIndex(subscribers, snapshot),
      emailQueue,
      clock: () => NOW,
    });

    // Assess
    const saved = await subscribers.get(subscriber.id);
    expect(saved?.topics).toEqual(['transport-corridors']);
    expect(await fanOutIds(subscribers, 'border-security')).not.toContain(subscriber.id);
    expect(emailQueue.jobs).toEqual([
      {
        kind: 'digest',
        subscriberId: subscriber.id,
        periodId: 'daily:2026-11-26',
        since: '2026-11-25T04:00:00.000Z',
        until: NOW.toISOString(),
      },
    ]);
    expect(saved?.nextDigestAt).toBe('2026-11-27T04:00:00.000Z');
  });
});
