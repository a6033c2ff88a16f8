import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimitRepository } from '../../use-cases/ports';
import { keys, ttlAfter } from './table';

/**
 * Fixed-window rate-limit counters: one small item per (key, window), `CNT#rl:<key>` /
 * `<window start, epoch seconds>`, incremented atomically with an `ADD` and dropped by TTL one
 * window after it closes. Keys are pseudonyms (keyed hashes of a client address or an email
 * address), so the table never holds an IP address.
 *
 * @example
 * const limits = createRateLimitRepository(documentClient(client), 'news-alerts');
 * if ((await limits.hit(`ip:${pseudonym}`, 3600, new Date())) > 20) refuse();
 */
export function createRateLimitRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
): RateLimitRepository {
  return {
    async hit(key, windowSeconds, now) {
      const windowStart = Math.floor(now.getTime() / 1000 / windowSeconds) * windowSeconds;
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.counter(`rl:${key}`, String(windowStart)),
          UpdateExpression: 'ADD hits :one SET expiresAt = if_not_exists(expiresAt, :expires)',
          ExpressionAttributeValues: {
            ':one': 1,
            // Kept one extra window so a clock a little behind still finds the count.
            ':expires': ttlAfter(new Date(windowStart * 1000), 2 * windowSeconds),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.hits ?? 1);
    },
  };
}
