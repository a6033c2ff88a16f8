import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import { createArticleRepository } from '../lambdas/adapters/dynamodb/article.repository';
import { createDigestRepository } from '../lambdas/adapters/dynamodb/delivery.repository';
import { createSubscriberRepository } from '../lambdas/adapters/dynamodb/subscriber.repository';
import { documentClient, ensureTable, keys } from '../lambdas/adapters/dynamodb/table';
import { startDynamoDbLocal } from '../lambdas/local/dynamodb-local';
import { matchArticle } from '../lambdas/use-cases/match-article.use-case';
import type { EmailJob, JobQueue } from '../lambdas/use-cases/ports';
import { type BenchLine, printLines, round } from './bench-line';

/** Adds ReturnConsumedCapacity to every call and sums what DynamoDB reports, per operation. */
function measureCapacity(db: DynamoDBDocumentClient): { reads: () => number; reset: () => void } {
  let units = 0;
  db.middlewareStack.add(
    (next) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (
        result.output as {
          ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }>;
        }
      ).ConsumedCapacity;
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
        units += entry.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: 'benchCapacity' },
  );
  return { reads: () => units, reset: () => (units = 0) };
}

async function seedFanOut(
  db: DynamoDBDocumentClient,
  tableName: string,
  topic: string,
  count: number,
  prefix: string,
) {
  const items = Array.from({ length: count }, (_, index) => ({
    PutRequest: {
      Item: {
        pk: keys.fanOut(topic),
        // 22 characters, like a 128-bit base64url subscriber id.
        sk: `${prefix}${index.toString(36).padStart(22 - prefix.length, '0')}`,
        c: 'i',
        l: '',
      },
    },
  }));
  const batches = [];
  for (let start = 0; start < items.length; start += 25)
    batches.push(items.slice(start, start + 25));
  // A few writers at once: DynamoDB Local is the bottleneck either way.
  for (let start = 0; start < batches.length; start += 8) {
    await Promise.all(
      batches.slice(start, start + 8).map(async (batch) => {
        let pending: Record<string, unknown> = { [tableName]: batch };
        while (Object.keys(pending).length > 0) {
          const result = await db.send(new BatchWriteCommand({ RequestItems: pending as never }));
          pending = result.UnprocessedItems ?? {};
        }
      }),
    );
  }
}

/**
 * Fan-out of one article to N matching subscribers on DynamoDB Local: time until every send job
 * is queued, next to a raw paginated Query over the same index in the same run, and the read
 * units per recipient. A topic nobody follows shows what other topics' subscribers cost: nothing.
 */
export async function runFanOutBench(sizes: number[] = [10_000, 100_000]): Promise<BenchLine[]> {
  const local = await startDynamoDbLocal();
  const lines: BenchLine[] = [];
  try {
    const client = new DynamoDBClient({
      endpoint: local.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const tableName = 'bench-fan-out';
    await ensureTable(client, tableName);
    const db = documentClient(client);
    const capacity = measureCapacity(db);
    const articles = createArticleRepository(db, tableName);
    const subscribers = createSubscriberRepository(db, tableName);
    const digests = createDigestRepository(db, tableName);

    for (const size of sizes) {
      const topic = `bench-${size}`;
      await seedFanOut(db, tableName, topic, size, `s${size}x`);
      const articleKey = `article-${size}`;
      await articles.putIfNew({
        key: articleKey,
        url: `https://bench.example/${size}`,
        link: `https://bench.example/${size}`,
        title: 'Bench article',
        summary: 'Bench',
        publishedAt: new Date().toISOString(),
        publishedAtEstimated: false,
        lang: 'en',
        categories: [],
        feedId: 'bench',
        outlet: 'Bench',
        relevant: true,
        topics: [topic],
        evidence: [],
        storyId: articleKey,
        storedAt: new Date().toISOString(),
      });

      // Raw baseline: the same Query, pages read and dropped.
      capacity.reset();
      let rawStart = performance.now();
      let rawCount = 0;
      for await (const page of paginateQuery(
        { client: db },
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.fanOut(topic) },
        },
      )) {
        rawCount += page.Items?.length ?? 0;
      }
      const rawMs = performance.now() - rawStart;
      const rawReads = capacity.reads();

      let queued = 0;
      const emailQueue: JobQueue<EmailJob> = {
        send: async (jobs) => {
          queued += jobs.length;
        },
      };
      capacity.reset();
      rawStart = performance.now();
      const summary = await matchArticle(
        { articles, subscribers, digests, emailQueue, clock: () => new Date() },
        { articleKey },
      );
      const fanOutMs = performance.now() - rawStart;
      const fanOutReads = capacity.reads();
      if (summary.recipients !== size || queued !== size || rawCount !== size) {
        throw new Error(
          `fan-out bench: expected ${size} recipients, got ${summary.recipients} (${queued} queued)`,
        );
      }
      lines.push(
        { bench: `fan-out-query-raw-${size}`, value: round(rawMs, 1), unit: 'ms' },
        {
          bench: `fan-out-enqueue-${size}`,
          value: round(fanOutMs, 1),
          unit: 'ms',
          baseline: `fan-out-query-raw-${size}`,
          ratio: round(fanOutMs / rawMs, 2),
        },
        {
          bench: `fan-out-read-units-per-50-recipients-${size}`,
          value: round((fanOutReads / size) * 50, 3),
          unit: 'RCU',
        },
        { bench: `fan-out-query-raw-read-units-${size}`, value: round(rawReads, 1), unit: 'RCU' },
      );
    }

    const nobody = await (async () => {
      capacity.reset();
      for await (const _page of subscribers.fanOut('topic-nobody-follows')) {
        // Drains the (empty) index for this topic.
      }
      return capacity.reads();
    })();
    lines.push({
      bench: 'fan-out-read-units-topic-without-subscribers',
      value: round(nobody, 2),
      unit: 'RCU',
    });
  } finally {
    await local.stop();
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printLines(await runFanOutBench(process.argv[2] ? [Number(process.argv[2])] : undefined));
}
