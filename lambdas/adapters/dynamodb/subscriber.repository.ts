import { createHash } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { digestCadence } from '../../domain/alerts/digest-schedule';
import { type Cadence, isDeliverable, type Subscriber } from '../../domain/subscribers/subscriber';
import type { FanOutEntry, SubscriberRepository } from '../../use-cases/ports';
import { INDEX, keys } from './table';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const CADENCE_CODE: Record<Cadence, string> = { instant: 'i', daily: 'd', weekly: 'w' };
const CADENCE_OF: Record<string, Cadence> = { i: 'instant', d: 'daily', w: 'weekly' };
const TRANSACTION_LIMIT = 100;

/**
 * The address is never a key: keys hold its SHA-256, so an erased subscriber leaves no address
 * behind, only the hash that keeps a suppression honoured.
 */
export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

function profileItem(subscriber: Subscriber): Record<string, unknown> {
  // Digest subscribers, and instant ones with a daily cap (their catch-up digest), sit in the index.
  const onDigest =
    isDeliverable(subscriber) && digestCadence(subscriber) && subscriber.nextDigestAt;
  return {
    ...keys.subscriber(subscriber.id),
    ...subscriber,
    emailHash: emailHash(subscriber.email),
    ...(onDigest
      ? { gsi1pk: keys.digestDue, gsi1sk: `${subscriber.nextDigestAt}#${subscriber.id}` }
      : {}),
    gsi2pk: keys.subscriberList,
    gsi2sk: `${subscriber.createdAt}#${subscriber.id}`,
  };
}

function fromItem(item: Record<string, unknown>): Subscriber {
  const {
    pk: _a,
    sk: _b,
    gsi1pk: _c,
    gsi1sk: _d,
    gsi2pk: _e,
    gsi2sk: _f,
    emailHash: _g,
    ...subscriber
  } = item;
  return subscriber as unknown as Subscriber;
}

/** Fan-out entries a subscriber should have: one per topic while deliverable, none otherwise. */
function fanOutTopics(subscriber: Subscriber | undefined): Set<string> {
  return new Set(subscriber && isDeliverable(subscriber) ? subscriber.topics : []);
}

/** @example const subscribers = createSubscriberRepository(documentClient(client), 'news-alerts'); */
export function createSubscriberRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
): SubscriberRepository {
  // Strongly consistent: `save` diffs the fan-out index against this copy, so a stale one would
  // leave entries of a just-dropped topic behind; and no change is ever built on an old profile.
  const get = async (subscriberId: string) => {
    const { Item } = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.subscriber(subscriberId),
        ConsistentRead: true,
      }),
    );
    return Item ? fromItem(Item) : undefined;
  };

  const transact = async (items: TransactItem[]) => {
    for (let start = 0; start < items.length; start += TRANSACTION_LIMIT) {
      await db.send(
        new TransactWriteCommand({ TransactItems: items.slice(start, start + TRANSACTION_LIMIT) }),
      );
    }
  };

  const fanOutWrites = (
    before: Subscriber | undefined,
    after: Subscriber | undefined,
  ): TransactItem[] => {
    const wanted = fanOutTopics(after);
    const writes: TransactItem[] = [];
    for (const topic of fanOutTopics(before)) {
      if (!wanted.has(topic) && before) {
        writes.push({
          Delete: { TableName: tableName, Key: { pk: keys.fanOut(topic), sk: before.id } },
        });
      }
    }
    for (const topic of wanted) {
      if (!after) continue;
      writes.push({
        Put: {
          TableName: tableName,
          // Short attribute names on purpose: these items are what a fan-out Query pays for.
          Item: {
            pk: keys.fanOut(topic),
            sk: after.id,
            c: CADENCE_CODE[after.cadence],
            l: after.languages.join(' '),
          },
        },
      });
    }
    return writes;
  };

  return {
    async create(subscriber) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: { ...keys.email(emailHash(subscriber.email)), subscriberId: subscriber.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: tableName, Item: profileItem(subscriber) } },
              ...fanOutWrites(undefined, subscriber),
            ],
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'TransactionCanceledException') return false;
        throw error;
      }
    },

    get,

    async findByEmail(email) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.email(emailHash(email)) }),
      );
      const subscriberId = Item?.subscriberId as string | undefined;
      return subscriberId ? await get(subscriberId) : undefined;
    },

    async save(subscriber) {
      const before = await get(subscriber.id);
      const writes: TransactItem[] = [
        { Put: { TableName: tableName, Item: profileItem(subscriber) } },
      ];
      if (subscriber.status === 'suppressed') {
        writes.push({
          Update: {
            TableName: tableName,
            Key: keys.email(emailHash(subscriber.email)),
            UpdateExpression: 'SET suppressed = :yes, suppressedReason = :why',
            ExpressionAttributeValues: {
              ':yes': true,
              ':why': subscriber.suppressedReason ?? 'suppressed',
            },
          },
        });
      }
      await transact([...writes, ...fanOutWrites(before, subscriber)]);
    },

    async *fanOut(topic) {
      const pages = paginateQuery(
        { client: db },
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.fanOut(topic) },
        },
      );
      for await (const page of pages) {
        yield (page.Items ?? []).map(
          (item): FanOutEntry => ({
            subscriberId: item.sk as string,
            cadence: CADENCE_OF[item.c as string] ?? 'instant',
            languages: item.l ? (item.l as string).split(' ') : [],
          }),
        );
      }
    },

    async digestsDue(now, limit = 1000) {
      const due: Subscriber[] = [];
      const pages = paginateQuery(
        { client: db },
        {
          TableName: tableName,
          IndexName: INDEX.due,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
          ExpressionAttributeValues: { ':pk': keys.digestDue, ':now': `${now.toISOString()}#~` },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) due.push(fromItem(item));
        if (due.length >= limit) break;
      }
      return due.slice(0, limit);
    },

    async *list(options = {}) {
      const pages = paginateQuery(
        { client: db, pageSize: options.limit ?? 100 },
        {
          TableName: tableName,
          IndexName: INDEX.list,
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.subscriberList },
        },
      );
      for await (const page of pages) yield (page.Items ?? []).map(fromItem);
    },

    async erase(subscriberId, { keepSuppression }) {
      const before = await get(subscriberId);
      if (!before) return;
      const emailKey = keys.email(emailHash(before.email));
      const writes: TransactItem[] = [
        { Delete: { TableName: tableName, Key: keys.subscriber(subscriberId) } },
        ...fanOutWrites(before, undefined),
        keepSuppression
          ? {
              // Only the hash and the reason stay: enough to refuse the address forever, nothing more.
              Put: {
                TableName: tableName,
                Item: {
                  ...emailKey,
                  suppressed: true,
                  suppressedReason: before.suppressedReason ?? 'erased on request',
                },
              },
            }
          : { Delete: { TableName: tableName, Key: emailKey } },
      ];
      await transact(writes);
    },

    async isSuppressed(email) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.email(emailHash(email)) }),
      );
      return Item?.suppressed === true;
    },
  };
}
