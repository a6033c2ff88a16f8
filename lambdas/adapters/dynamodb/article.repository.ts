import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { StoredArticle, StoryMember } from '../../domain/alerts/article';
import type { ArticleRepository } from '../../use-cases/ports';
import { keys, ttlAfter } from './table';

/** How long articles stay: relevant ones for a year (digests, previews), the rest a month (gate previews). */
export const ARTICLE_RETENTION_SECONDS = {
  relevant: 365 * 86_400,
  irrelevant: 30 * 86_400,
} as const;

const BATCH_GET_LIMIT = 100;
const DAY_MS = 86_400_000;

/** @example const articles = createArticleRepository(documentClient(client), 'news-alerts'); */
export function createArticleRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
): ArticleRepository {
  const repository: ArticleRepository = {
    async unseen(articleKeys) {
      const unseen = new Set(articleKeys);
      for (let start = 0; start < articleKeys.length; start += BATCH_GET_LIMIT) {
        let request: Record<string, unknown> = {
          [tableName]: {
            Keys: [...new Set(articleKeys.slice(start, start + BATCH_GET_LIMIT))].map((key) =>
              keys.article(key),
            ),
            // `key` is a DynamoDB reserved word.
            ProjectionExpression: '#key, pendingMatch',
            ExpressionAttributeNames: { '#key': 'key' },
          },
        };
        for (let attempt = 0; Object.keys(request).length > 0; attempt++) {
          const result = await db.send(new BatchGetCommand({ RequestItems: request as never }));
          // A stored story lead whose match job never got queued still counts as new.
          for (const item of result.Responses?.[tableName] ?? []) {
            if (item.pendingMatch !== true) unseen.delete(item.key as string);
          }
          request = result.UnprocessedKeys ?? {};
          if (Object.keys(request).length > 0) await backoff(attempt);
        }
      }
      return unseen;
    },

    async putIfNew(article) {
      const now = new Date(article.storedAt);
      const expiresAt = ttlAfter(
        now,
        article.relevant
          ? ARTICLE_RETENTION_SECONDS.relevant
          : ARTICLE_RETENTION_SECONDS.irrelevant,
      );
      const sortKey = `${article.publishedAt}#${article.key}`;
      const summary = {
        key: article.key,
        title: article.title,
        url: article.url,
        outlet: article.outlet,
        publishedAt: article.publishedAt,
      };
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...keys.article(article.key),
                    ...article,
                    gsi1pk: keys.articleDay(article.publishedAt),
                    gsi1sk: sortKey,
                    expiresAt,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...article.topics.map((topic) => ({
                Put: {
                  TableName: tableName,
                  Item: { pk: keys.topicArticles(topic), sk: sortKey, ...summary, expiresAt },
                },
              })),
              ...(article.relevant
                ? [
                    {
                      Put: {
                        TableName: tableName,
                        Item: { ...storyMemberItem(article), expiresAt },
                      },
                    },
                  ]
                : []),
            ],
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async get(articleKey) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.article(articleKey) }),
      );
      return Item ? stripKeys<StoredArticle>(Item) : undefined;
    },

    async recent(query) {
      const until = query.until ?? new Date();
      const limit = query.limit ?? 500;
      if (query.topic) {
        const { Items = [] } = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': keys.topicArticles(query.topic),
              ':from': query.since.toISOString(),
              ':to': `${until.toISOString()}#~`,
            },
            ScanIndexForward: false,
            Limit: limit,
          }),
        );
        const found = await Promise.all(Items.map((item) => repository.get(item.key as string)));
        return found.filter((article): article is StoredArticle => article !== undefined);
      }
      const articles: StoredArticle[] = [];
      // Walk day buckets from the newest; each bucket is one Query.
      for (
        let day = startOfDay(until);
        day >= startOfDay(query.since) && articles.length < limit;
        day -= DAY_MS
      ) {
        let exclusiveStartKey: Record<string, unknown> | undefined;
        do {
          const page = await db.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
              ExpressionAttributeValues: {
                ':pk': keys.articleDay(new Date(day).toISOString()),
                ':from': query.since.toISOString(),
                ':to': `${until.toISOString()}#~`,
              },
              ScanIndexForward: false,
              ExclusiveStartKey: exclusiveStartKey,
            }),
          );
          for (const item of page.Items ?? []) {
            const article = stripKeys<StoredArticle>(item);
            if (article.relevant || query.includeIrrelevant) articles.push(article);
          }
          exclusiveStartKey = page.LastEvaluatedKey;
        } while (exclusiveStartKey && articles.length < limit);
      }
      return articles.slice(0, limit);
    },

    async markMatched(articleKey) {
      await db
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.article(articleKey),
            UpdateExpression: 'REMOVE pendingMatch',
            ConditionExpression: 'attribute_exists(pk)',
          }),
        )
        .catch((error) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },

    async joinStory(article, storyId) {
      const expiresAt = ttlAfter(new Date(article.storedAt), ARTICLE_RETENTION_SECONDS.relevant);
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: keys.article(article.key),
                UpdateExpression: 'SET storyId = :story',
                ExpressionAttributeValues: { ':story': storyId },
              },
            },
            {
              Delete: {
                TableName: tableName,
                Key: { pk: keys.story(article.storyId), sk: `M#${article.key}` },
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: { ...storyMemberItem({ ...article, storyId }), expiresAt },
              },
            },
          ],
        }),
      );
    },

    async storyMembers(storyId) {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
          ExpressionAttributeValues: { ':pk': keys.story(storyId), ':m': 'M#' },
        }),
      );
      return Items.map((item) => stripKeys<StoryMember>(item)).sort((a, b) =>
        a.publishedAt.localeCompare(b.publishedAt),
      );
    },
  };
  return repository;
}

/** One outlet's copy of a story, stored under the story so "also reported by" is one Query. */
function storyMemberItem(article: StoredArticle): StoryMember & { pk: string; sk: string } {
  return {
    pk: keys.story(article.storyId),
    sk: `M#${article.key}`,
    storyId: article.storyId,
    articleKey: article.key,
    outlet: article.outlet,
    title: article.title,
    url: article.url,
    link: article.link,
    publishedAt: article.publishedAt,
  };
}

function startOfDay(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS) * DAY_MS;
}

function stripKeys<T>(item: Record<string, unknown>): T {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _a,
    gsi1sk: _b,
    gsi2pk: _c,
    gsi2sk: _d,
    expiresAt: _e,
    ...rest
  } = item;
  return rest as T;
}

/** A transaction cancelled because the article's conditional put failed means "already stored". */
function isConditionFailure(error: unknown): boolean {
  if (error instanceof ConditionalCheckFailedException) return true;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return (
    (error as Error).name === 'TransactionCanceledException' &&
    reasons?.[0]?.Code === 'ConditionalCheckFailed'
  );
}

async function backoff(attempt: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
}
