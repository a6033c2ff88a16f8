import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import type { Feed } from '../../domain/feeds/feed-state';
import { NewsAlertError } from '../../shared/errors';
import type { FeedRepository } from '../../use-cases/ports';
import { INDEX, keys } from './table';

export class FeedExistsError extends NewsAlertError {
  override readonly name = 'FeedExistsError';
  constructor(url: string) {
    super('store', 'FEED_EXISTS', `a feed with URL ${url} is already in the list`);
  }
}

type FeedItem = Feed & {
  pk: string;
  sk: string;
  gsi1pk?: string;
  gsi1sk?: string;
  gsi2pk: string;
  gsi2sk: string;
};

function toItem(feed: Feed): FeedItem {
  return {
    ...feed,
    ...keys.feed(feed.id),
    // Only enabled feeds sit in the sparse "due" index, so disabled ones cost nothing to skip.
    ...(feed.enabled
      ? { gsi1pk: keys.feedDue, gsi1sk: `${feed.state.nextPollAt}#${feed.id}` }
      : {}),
    gsi2pk: keys.feedList,
    gsi2sk: feed.id,
  };
}

function fromItem(item: Record<string, unknown>): Feed {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, ...feed } = item;
  return feed as unknown as Feed;
}

/** @example const feeds = createFeedRepository(documentClient(client), 'news-alerts'); await feeds.due(new Date()); */
export function createFeedRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
): FeedRepository {
  return {
    async add(feed) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: toItem(feed),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new FeedExistsError(feed.url);
        throw error;
      }
    },
    async get(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.feed(id) }));
      return Item ? fromItem(Item) : undefined;
    },
    async due(now, limit = 500) {
      const feeds: Feed[] = [];
      const pages = paginateQuery(
        { client: db, pageSize: Math.min(limit, 100) },
        {
          TableName: tableName,
          IndexName: INDEX.due,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
          // '~' sorts after every feed id character, so feeds due at exactly `now` are included.
          ExpressionAttributeValues: { ':pk': keys.feedDue, ':now': `${now.toISOString()}#~` },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) feeds.push(fromItem(item));
        if (feeds.length >= limit) break;
      }
      return feeds.slice(0, limit);
    },
    async list() {
      const feeds: Feed[] = [];
      const pages = paginateQuery(
        { client: db },
        {
          TableName: tableName,
          IndexName: INDEX.list,
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.feedList },
        },
      );
      for await (const page of pages)
        for (const item of page.Items ?? []) feeds.push(fromItem(item));
      return feeds;
    },
    async save(feed) {
      await db.send(new PutCommand({ TableName: tableName, Item: toItem(feed) }));
    },
    async remove(id) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keys.feed(id) }));
    },
  };
}
