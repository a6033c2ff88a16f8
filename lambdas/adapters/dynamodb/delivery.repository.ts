import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DeliveryRepository, DigestEntry, DigestRepository } from '../../use-cases/ports';
import { keys, ttlAfter } from './table';

/** Delivery records outlive every retry and redelivery by far. */
const DELIVERY_TTL_SECONDS = 30 * 86_400;
/** Digest entries outlive the longest digest period (a week) with a margin. */
const DIGEST_ENTRY_TTL_SECONDS = 9 * 86_400;
const BATCH_WRITE_LIMIT = 25;

/**
 * Claims are conditional writes: the first attempt wins; a claim left by a crashed attempt can be
 * taken over once its lease has passed; a sent record is final.
 *
 * @example if ((await deliveries.claim(id, articleKey, now, 60_000)) === 'claimed') { …send…; await deliveries.markSent(…) }
 */
export function createDeliveryRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
): DeliveryRepository {
  return {
    async claim(subscriberId, itemId, now, leaseMs, claimId) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.delivery(subscriberId, itemId),
              status: 'claimed',
              ...(claimId ? { claimId } : {}),
              leaseUntil: now.getTime() + leaseMs,
              claimedAt: now.toISOString(),
              expiresAt: ttlAfter(now, DELIVERY_TTL_SECONDS),
            },
            ConditionExpression:
              'attribute_not_exists(pk) OR (#status = :claimed AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':claimed': 'claimed', ':now': now.getTime() },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'claimed';
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          return error.Item?.status?.S === 'sent' ? 'already-sent' : 'in-progress';
        }
        throw error;
      }
    },

    async markSent(subscriberId, itemId, messageId, now) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.delivery(subscriberId, itemId),
          UpdateExpression: 'SET #status = :sent, messageId = :id, sentAt = :at REMOVE leaseUntil',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sent': 'sent',
            ':id': messageId,
            ':at': now.toISOString(),
          },
        }),
      );
    },

    async takeDailyAllowance(subscriberId, day, cap, now) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.counter(`cap:${subscriberId}`, day),
            UpdateExpression: 'ADD sent :one SET expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(sent) OR sent < :cap',
            ExpressionAttributeValues: {
              ':one': 1,
              ':cap': cap,
              ':expires': ttlAfter(now, 3 * 86_400),
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async release(subscriberId, itemId, claimId) {
      try {
        // Only the attempt that holds the claim may give it back: a slow attempt whose lease was
        // taken over must not free the newer attempt's claim while that one is sending.
        await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.delivery(subscriberId, itemId),
            ConditionExpression: claimId
              ? '#status = :claimed AND claimId = :claimId'
              : '#status = :claimed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':claimed': 'claimed',
              ...(claimId ? { ':claimId': claimId } : {}),
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}

/** Pending digest entries: one item per (subscriber, article), so a redelivered match adds no second entry. */
export function createDigestRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
): DigestRepository {
  return {
    async addMany(entries, now) {
      const expiresAt = ttlAfter(now, DIGEST_ENTRY_TTL_SECONDS);
      const requests = entries.map(({ subscriberId, entry }) => ({
        PutRequest: {
          Item: {
            pk: keys.digestEntries(subscriberId),
            sk: `A#${entry.articleKey}`,
            ...entry,
            expiresAt,
          },
        },
      }));
      await batchWrite(db, tableName, requests);
    },

    async pending(subscriberId, until) {
      const entries: DigestEntry[] = [];
      let exclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ...(until
              ? {
                  FilterExpression: 'addedAt < :until',
                  ExpressionAttributeValues: {
                    ':pk': keys.digestEntries(subscriberId),
                    ':until': until.toISOString(),
                  },
                }
              : { ExpressionAttributeValues: { ':pk': keys.digestEntries(subscriberId) } }),
            ExclusiveStartKey: exclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          entries.push({
            articleKey: item.articleKey as string,
            addedAt: item.addedAt as string,
            topics: item.topics as string[],
          });
        }
        exclusiveStartKey = page.LastEvaluatedKey;
      } while (exclusiveStartKey);
      return entries.sort((a, b) => a.addedAt.localeCompare(b.addedAt));
    },

    async remove(subscriberId, articleKeys) {
      const requests = articleKeys.map((articleKey) => ({
        DeleteRequest: { Key: { pk: keys.digestEntries(subscriberId), sk: `A#${articleKey}` } },
      }));
      await batchWrite(db, tableName, requests);
    },
  };
}

/** BatchWriteItem in chunks of 25, retrying what DynamoDB leaves unprocessed. */
async function batchWrite(
  db: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly object[],
): Promise<void> {
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
    let pending: Record<string, unknown> = {
      [tableName]: requests.slice(start, start + BATCH_WRITE_LIMIT),
    };
    for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: pending as never }));
      pending = result.UnprocessedItems ?? {};
      if (Object.keys(pending).length > 0) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }
}
