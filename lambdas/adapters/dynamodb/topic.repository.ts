import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RelevanceGate, TopicDefinition } from '../../domain/tagging';
import { NewsAlertError } from '../../shared/errors';
import type { StoredTopic, TopicRepository, TopicVersion } from '../../use-cases/ports';
import { keys } from './table';

export class TopicConflictError extends NewsAlertError {
  override readonly name = 'TopicConflictError';
  constructor(slug: string) {
    super(
      'store',
      'TOPIC_CONFLICT',
      `topic ${slug} was changed by someone else meanwhile; load it again and retry`,
    );
  }
}

const versionKey = (version: number) => `V#${version.toString().padStart(6, '0')}`;

/**
 * Topics and their history: a `CURRENT` item per topic (listed through gsi2 `TOPICS`) and one
 * immutable `V#000001…` item per saved version. The relevance gate is stored the same way under
 * the reserved slug `relevance`. A save writes both in one transaction, guarded on the version
 * it was based on, so two editors can't silently overwrite each other.
 *
 * @example await topics.save({ slug: 'peace-process', definition, enabled: true }, { by: 'editor@desk', reason: 'add TRIPP' })
 */
export function createTopicRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
): TopicRepository {
  return {
    async list() {
      const topics: StoredTopic[] = [];
      const pages = paginateQuery(
        { client: db },
        {
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.topicList },
        },
      );
      for await (const page of pages)
        for (const item of page.Items ?? []) topics.push(toStoredTopic(item));
      return topics;
    },

    async get(slug) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: { pk: keys.topic(slug), sk: 'CURRENT' } }),
      );
      return Item ? toStoredTopic(Item) : undefined;
    },

    async save(topic, meta, now = new Date()) {
      const current = await this.get(topic.slug);
      const version = (current?.version ?? 0) + 1;
      const savedAt = now.toISOString();
      const record = {
        slug: topic.slug,
        definition: topic.definition,
        enabled: topic.enabled,
        version,
        savedAt,
        savedBy: meta.by,
        ...(meta.reason ? { reason: meta.reason } : {}),
      };
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    pk: keys.topic(topic.slug),
                    sk: 'CURRENT',
                    ...record,
                    gsi2pk: keys.topicList,
                    gsi2sk: topic.slug,
                  },
                  ConditionExpression: current ? 'version = :based' : 'attribute_not_exists(pk)',
                  ...(current ? { ExpressionAttributeValues: { ':based': current.version } } : {}),
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { pk: keys.topic(topic.slug), sk: versionKey(version), ...record },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        if ((error as Error).name === 'TransactionCanceledException')
          throw new TopicConflictError(topic.slug);
        throw error;
      }
      return toStoredTopic(record);
    },

    async history(slug) {
      const versions: TopicVersion[] = [];
      let exclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
            ExpressionAttributeValues: { ':pk': keys.topic(slug), ':v': 'V#' },
            ExclusiveStartKey: exclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) versions.push(toStoredTopic(item));
        exclusiveStartKey = page.LastEvaluatedKey;
      } while (exclusiveStartKey);
      return versions;
    },
  };
}

function toStoredTopic(item: Record<string, unknown>): StoredTopic {
  return {
    slug: item.slug as string,
    definition: item.definition as TopicDefinition | RelevanceGate,
    enabled: item.enabled as boolean,
    version: item.version as number,
    savedAt: item.savedAt as string,
    savedBy: item.savedBy as string,
    ...(item.reason ? { reason: item.reason as string } : {}),
  };
}
