import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createRateLimitRepository } from '../../../lambdas/adapters/dynamodb/rate-limit.repository';
import { keys } from '../../../lambdas/adapters/dynamodb/table';
import { freshTable } from '../../helpers/table';

describe('rate-limit repository', () => {
  it('counts hits per key within a window and starts again in the next one', async () => {
    // Prepare
    const { db, tableName } = await freshTable();
    const limits = createRateLimitRepository(db, tableName);
    const start = new Date('2026-11-26T10:00:00Z');

    // Act
    const first = await limits.hit('ip:abc', 3600, start);
    const second = await limits.hit('ip:abc', 3600, new Date('2026-11-26T10:59:59Z'));
    const otherKey = await limits.hit('ip:def', 3600, start);
    const nextWindow = await limits.hit('ip:abc', 3600, new Date('2026-11-26T11:00:00Z'));

    // Assess
    expect([first, second, otherKey, nextWindow]).toEqual([1, 2, 1, 1]);
  });

  it('lets the counter expire by TTL after its window', async () => {
    // Prepare
    const { db, tableName } = await freshTable();
    const limits = createRateLimitRepository(db, tableName);
    const now = new Date('2026-11-26T10:30:00Z');

    // Act
    await limits.hit('addr:xyz', 3600, now);
    const { Item } = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.counter('rl:addr:xyz', String(Date.parse('2026-11-26T10:00:00Z') / 1000)),
      }),
    );

    // Assess
    expect(Item?.expiresAt).toBe(Date.parse('2026-11-26T12:00:00Z') / 1000);
  });
});
