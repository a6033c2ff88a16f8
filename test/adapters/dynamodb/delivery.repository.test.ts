import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDeliveryRepository,
  createDigestRepository,
} from '../../../lambdas/adapters/dynamodb/delivery.repository';
import type { DeliveryRepository, DigestRepository } from '../../../lambdas/use-cases/ports';
import { freshTable } from '../../helpers/table';

describe('delivery repository', () => {
  let deliveries: DeliveryRepository;
  let digests: DigestRepository;
  beforeAll(async () => {
    const { db, tableName } = await freshTable();
    deliveries = createDeliveryRepository(db, tableName);
    digests = createDigestRepository(db, tableName);
  });
  const now = new Date('2026-11-26T10:00:00Z');
  const later = (ms: number) => new Date(now.getTime() + ms);

  it('lets only the first attempt claim a delivery, and none after it was sent', async () => {
    // Act
    const first = await deliveries.claim('s1', 'a1', now, 60_000);
    const concurrent = await deliveries.claim('s1', 'a1', later(1000), 60_000);
    await deliveries.markSent('s1', 'a1', 'ses-1', later(2000));
    const afterSent = await deliveries.claim('s1', 'a1', later(3_600_000), 60_000);

    // Assess
    expect([first, concurrent, afterSent]).toEqual(['claimed', 'in-progress', 'already-sent']);
  });

  it('lets a retry take over a claim left by a crashed attempt once its lease has passed', async () => {
    // Prepare
    await deliveries.claim('s2', 'a1', now, 60_000);

    // Act
    const tooEarly = await deliveries.claim('s2', 'a1', later(30_000), 60_000);
    const afterLease = await deliveries.claim('s2', 'a1', later(61_000), 60_000);

    // Assess
    expect(tooEarly).toBe('in-progress');
    expect(afterLease).toBe('claimed');
  });

  it('frees a released claim at once', async () => {
    // Prepare
    await deliveries.claim('s3', 'a1', now, 60_000);

    // Act
    await deliveries.release('s3', 'a1');

    // Assess
    expect(await deliveries.claim('s3', 'a1', later(1), 60_000)).toBe('claimed');
  });

  it('keeps one digest entry per subscriber and article, and lists those of the period', async () => {
    // Prepare
    const entry = {
      articleKey: 'k1',
      addedAt: '2026-11-26T09:00:00.000Z',
      topics: ['peace-process'],
    };
    const old = {
      articleKey: 'k0',
      addedAt: '2026-11-20T09:00:00.000Z',
      topics: ['peace-process'],
    };

    // Act
    await digests.addMany(
      [
        { subscriberId: 'd1', entry },
        { subscriberId: 'd1', entry: old },
      ],
      now,
    );
    await digests.addMany([{ subscriberId: 'd1', entry }], now);
    const entries = await digests.entriesSince('d1', new Date('2026-11-25T10:00:00Z'));

    // Assess
    expect(entries).toEqual([entry]);
  });
});
