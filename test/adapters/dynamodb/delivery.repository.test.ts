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

  it('lets only the attempt holding a claim give it back', async () => {
    // Prepare: a slow first attempt's lease ran out and a second attempt took the claim over.
    await deliveries.claim('s4', 'a1', now, 60_000, 'first');
    await deliveries.claim('s4', 'a1', later(61_000), 60_000, 'second');

    // Act: the slow first attempt fails and tries to give the claim back.
    await deliveries.release('s4', 'a1', 'first');

    // Assess: the second attempt still holds it; once it gives it back, it is free.
    expect(await deliveries.claim('s4', 'a1', later(62_000), 60_000, 'third')).toBe('in-progress');
    await deliveries.release('s4', 'a1', 'second');
    expect(await deliveries.claim('s4', 'a1', later(63_000), 60_000, 'third')).toBe('claimed');
  });

  it('frees a released claim at once', async () => {
    // Prepare
    await deliveries.claim('s3', 'a1', now, 60_000);

    // Act
    await deliveries.release('s3', 'a1');

    // Assess
    expect(await deliveries.claim('s3', 'a1', later(1), 60_000)).toBe('claimed');
  });

  it('keeps one entry per subscriber and article, lists those added before the due time, and drops sent ones', async () => {
    // Prepare
    const early = {
      articleKey: 'k0',
      addedAt: '2026-11-25T09:00:00.000Z',
      topics: ['peace-process'],
    };
    const entry = {
      articleKey: 'k1',
      addedAt: '2026-11-26T09:00:00.000Z',
      topics: ['peace-process'],
    };
    const late = {
      articleKey: 'k2',
      addedAt: '2026-11-26T11:00:00.000Z',
      topics: ['border-security'],
    };

    // Act
    await digests.addMany(
      [
        { subscriberId: 'd1', entry: early },
        { subscriberId: 'd1', entry },
        { subscriberId: 'd1', entry: late },
      ],
      now,
    );
    await digests.addMany([{ subscriberId: 'd1', entry }], now);
    const due = await digests.pending('d1', new Date('2026-11-26T10:00:00Z'));
    await digests.remove(
      'd1',
      due.map((pending) => pending.articleKey),
    );
    const left = await digests.pending('d1');

    // Assess
    expect(due).toEqual([early, entry]);
    expect(left).toEqual([late]);
  });
});
