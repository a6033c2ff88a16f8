import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * # The one table, and why its keys look the way they do
 *
 * Every access pattern in DESIGN.md is a GetItem, BatchGetItem or Query; nothing scans. All items
 * share `pk`/`sk`; two sparse global secondary indexes serve the "due" and "list" patterns; TTL on
 * `expiresAt` (epoch seconds) drops what expires.
 *
 * | item | pk | sk | index keys |
 * |---|---|---|---|
 * | article | `ART#<articleKey>` | `A` | gsi1: `ARTDAY#<yyyy-mm-dd>` / `<publishedAt>#<key>` (recent, newest first) |
 * | article by topic | `TOPICART#<slug>` | `<publishedAt>#<key>` | – (a small copy per topic) |
 * | story member | `STORY#<storyId>` | `M#<articleKey>` | – ("also reported by") |
 * | feed | `FEED#<feedId>` | `F` | gsi1: `FEEDDUE` / `<nextPollAt>#<feedId>` only while enabled; gsi2: `FEEDS` / feedId |
 * | topic (current) | `TOPIC#<slug>` | `CURRENT` | gsi2: `TOPICS` / slug |
 * | topic version | `TOPIC#<slug>` | `V#<000001>` | – |
 * | subscriber | `SUB#<subscriberId>` | `P` | gsi1: `DIGESTDUE` / `<nextDigestAt>#<id>` while on a digest; gsi2: `SUBSCRIBERS` / `<createdAt>#<id>` |
 * | email lookup | `EMAIL#<sha256(email)>` | `E` | – (unique address, no raw address in a key) |
 * | fan-out entry | `FAN#<topic>` | `<subscriberId>` | – (only active subscribers; tiny items: cost per recipient, not per subscriber) |
 * | delivery | `DLV#<subscriberId>#<articleKey or digest period>` | `D` | – (the idempotency claim; TTL) |
 * | digest entry | `DIG#<subscriberId>` | `<addedAt>#<articleKey>` | – (TTL after the longest period) |
 * | counter | `CNT#<name>` | `<window>` | – (rate limits, daily caps; TTL) |
 *
 * Fan-out entries are kept small on purpose (short attribute names `c`, `l`): a Query reads
 * 4 KB per read unit, so ~80-byte entries cost about one unit per 50–100 recipients.
 */
export const INDEX = { due: 'gsi1', list: 'gsi2' } as const;

export const keys = {
  article: (articleKey: string) => ({ pk: `ART#${articleKey}`, sk: 'A' }),
  articleDay: (isoDate: string) => `ARTDAY#${isoDate.slice(0, 10)}`,
  topicArticles: (slug: string) => `TOPICART#${slug}`,
  story: (storyId: string) => `STORY#${storyId}`,
  feed: (feedId: string) => ({ pk: `FEED#${feedId}`, sk: 'F' }),
  feedDue: 'FEEDDUE',
  feedList: 'FEEDS',
  topic: (slug: string) => `TOPIC#${slug}`,
  topicList: 'TOPICS',
  subscriber: (subscriberId: string) => ({ pk: `SUB#${subscriberId}`, sk: 'P' }),
  subscriberList: 'SUBSCRIBERS',
  digestDue: 'DIGESTDUE',
  email: (emailHash: string) => ({ pk: `EMAIL#${emailHash}`, sk: 'E' }),
  fanOut: (topic: string) => `FAN#${topic}`,
  delivery: (subscriberId: string, itemId: string) => ({
    pk: `DLV#${subscriberId}#${itemId}`,
    sk: 'D',
  }),
  digestEntries: (subscriberId: string) => `DIG#${subscriberId}`,
  counter: (name: string, window: string) => ({ pk: `CNT#${name}`, sk: window }),
} as const;

/** Epoch seconds for DynamoDB TTL. */
export function ttlAfter(now: Date, seconds: number): number {
  return Math.floor(now.getTime() / 1000) + seconds;
}

/** The DocumentClient every repository uses: plain JS values in and out, undefined dropped. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/**
 * Creates the table (local mode and tests; CDK creates it in AWS with the same shape).
 * Safe to call when the table exists.
 *
 * @example await ensureTable(new DynamoDBClient({ endpoint }), 'news-alerts')
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
          { AttributeName: 'gsi2pk', AttributeType: 'S' },
          { AttributeName: 'gsi2sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: INDEX.due,
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: INDEX.list,
            KeySchema: [
              { AttributeName: 'gsi2pk', KeyType: 'HASH' },
              { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return;
  }
  await waitForActive(client, tableName);
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    }),
  );
}

async function waitForActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
