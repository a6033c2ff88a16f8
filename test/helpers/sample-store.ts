import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { initialPollState } from '../../lambdas/domain/feeds/feed-state';
import { DEFAULT_TAXONOMY, type TopicDefinition } from '../../lambdas/domain/tagging';
import { type FeedServer, startFeedServer } from '../../lambdas/local/feed-server';
import { createLocalApp, type LocalApp } from '../../lambdas/local/local-app';
import { uniqueTableName } from './dynamodb';

const SAMPLE = 'test/fixtures/feeds/sample';

/** "Now" in the sample data: the feeds' news runs from 2026-11-20 to 2026-11-25. */
export const SAMPLE_NOW = new Date('2026-11-26T12:00:00.000Z');

export interface SampleStore {
  app: LocalApp;
  server: FeedServer;
  tableName: string;
  endpoint: string;
  /** The app's clock; `advance` moves it so feeds fall due again. */
  clock: () => Date;
  advance(minutes: number): void;
  /** Serves a small RSS feed with these items and adds it as a feed; polled in the next cycle. */
  addFeed(
    name: string,
    items: Array<{ title: string; summary: string; publishedAt: string }>,
  ): Promise<void>;
  close(): Promise<void>;
}

/**
 * The local product (`createLocalApp`) on a fresh table with the sample feeds served by a
 * loopback feed server and ingested by one cycle, at a fixed "now", as `npm start -- --demo` does.
 *
 * @example const sample = await ingestSampleFeeds(); … await sample.close();
 */
export async function ingestSampleFeeds(
  options: { adminToken?: string } = {},
): Promise<SampleStore> {
  let now = SAMPLE_NOW;
  const clock = () => now;
  const tableName = uniqueTableName('admin');
  const endpoint = inject('dynamoEndpoint');
  const server = await startFeedServer();
  const app = await createLocalApp({
    dynamoEndpoint: endpoint,
    tableName,
    // No subscriber is added, so nothing is ever sent.
    sesEndpoint: 'http://127.0.0.1:9',
    publicBaseUrl: 'http://127.0.0.1:8787',
    tokenSecrets: ['test-secret-that-is-long-enough-0123456789'],
    sender: 'News Alerts <alerts@news-alerts.test>',
    allowPrivateNetworks: true,
    visibilityTimeoutMs: 50,
    clock,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
  });
  const files = readdirSync(SAMPLE).filter(
    (name) => name.endsWith('.xml') && !name.includes('.edited.'),
  );
  for (const file of files) {
    server.put(file, { body: readFileSync(join(SAMPLE, file)) });
    await app.repos.feeds.add({
      id: file.replace(/\W+/g, '-'),
      url: server.urlOf(file),
      outlet: file.replace(/-(en|ru|hy|az)\..*$/, '').replace(/-/g, ' '),
      enabled: true,
      intervalMinutes: 10,
      state: initialPollState(now),
      createdAt: now.toISOString(),
    });
  }
  await app.runCycle();
  return {
    app,
    server,
    tableName,
    endpoint,
    clock,
    advance(minutes) {
      now = new Date(now.getTime() + minutes * 60_000);
    },
    async addFeed(name, items) {
      server.put(name, { body: rss(name, items) });
      await app.repos.feeds.add({
        id: name.replace(/\W+/g, '-'),
        url: server.urlOf(name),
        outlet: 'Test Wire',
        lang: 'en',
        enabled: true,
        intervalMinutes: 10,
        state: initialPollState(now),
        createdAt: now.toISOString(),
      });
    },
    close: () => server.close(),
  };
}

function rss(name: string, items: Array<{ title: string; summary: string; publishedAt: string }>) {
  const entries = items
    .map(
      (item, index) => `<item><title>${item.title}</title><description>${item.summary}</description>
<link>https://test-wire.example/${name}/${index}</link><pubDate>${new Date(item.publishedAt).toUTCString()}</pubDate></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test Wire</title>
<link>https://test-wire.example/</link><language>en</language>${entries}</channel></rss>`;
}

/**
 * The shipped `transport-corridors`, edited the way the tests need: the `lachin` rule removed
 * (Lachin resettlement stories stop matching) and a `border-crossings` rule added (Margara stories
 * start matching).
 */
export function editedCorridors(): TopicDefinition {
  const shipped = DEFAULT_TAXONOMY.topics.find((topic) => topic.slug === 'transport-corridors');
  if (!shipped) throw new Error('the shipped taxonomy has no transport-corridors');
  return {
    ...shipped,
    rules: [
      ...shipped.rules.filter((rule) => rule.id !== 'lachin'),
      { id: 'border-crossings', anyOf: ['Margara'], weight: 2 },
    ],
  };
}
