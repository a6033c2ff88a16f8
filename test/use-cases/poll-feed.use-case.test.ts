import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArticleRepository } from '../../lambdas/adapters/dynamodb/article.repository';
import { createFeedRepository } from '../../lambdas/adapters/dynamodb/feed.repository';
import { createGuardedFetcher } from '../../lambdas/adapters/http/guarded-fetcher';
import { type Feed, initialPollState } from '../../lambdas/domain/feeds/feed-state';
import type { FeedItem } from '../../lambdas/domain/feeds/model';
import { parseFeed } from '../../lambdas/domain/feeds/parse-feed';
import { type FeedServer, startFeedServer } from '../../lambdas/local/feed-server';
import { type PollFeedDeps, pollFeed } from '../../lambdas/use-cases/poll-feed.use-case';
import type { ArticleRepository, FeedRepository } from '../../lambdas/use-cases/ports';
import { buildFeed, buildStoredArticle } from '../helpers/factories';
import { freshTable } from '../helpers/table';

const SAMPLE = 'test/fixtures/feeds/sample';
const now = new Date('2026-11-26T12:00:00Z');

describe('pollFeed against a real feed server on 127.0.0.1', () => {
  let server: FeedServer;
  let feeds: FeedRepository;
  let articles: ArticleRepository;
  let parses = 0;
  let handled: FeedItem[] = [];

  const deps = (): PollFeedDeps => ({
    feeds,
    fetcher: createGuardedFetcher({ allowPrivateNetworks: true }),
    parse: async (bytes, options) => {
      parses += 1;
      return await parseFeed(bytes, options);
    },
    unseen: (keys) => articles.unseen(keys),
    // Stand-in for the pipeline's ingest: remember the items as stored articles.
    onNewItems: async (items, feed) => {
      handled.push(...items);
      for (const item of items)
        await articles.putIfNew(
          buildStoredArticle({ ...item, feedId: feed.id, storyId: item.key }),
        );
      return { failed: 0 };
    },
    clock: () => now,
    random: () => 0.5,
  });

  const addFeed = async (path: string, overrides: Partial<Feed> = {}) => {
    const feed = buildFeed({
      id: path.replace(/\W/g, '-'),
      url: server.urlOf(path),
      state: initialPollState(now),
      ...overrides,
    });
    await feeds.add(feed);
    return feed;
  };

  beforeAll(async () => {
    server = await startFeedServer();
    const { db, tableName } = await freshTable();
    feeds = createFeedRepository(db, tableName);
    articles = createArticleRepository(db, tableName);
  });
  afterAll(async () => {
    await server.close();
  });

  it('returns only new items, sends validators on the next poll, and a 304 costs no parse', async () => {
    // Prepare
    server.put('ledger.xml', { body: readFileSync(`${SAMPLE}/caucasus-ledger-en.rss.xml`) });
    const feed = await addFeed('ledger.xml');
    handled = [];
    parses = 0;

    // Act
    const first = await pollFeed(deps(), feed);
    const afterFirst = await feeds.get(feed.id);
    const second = await pollFeed(deps(), afterFirst as Feed);

    // Assess
    expect(first.outcome).toBe('ok');
    expect(first.newItems).toBeGreaterThan(0);
    expect(handled).toHaveLength(first.newItems);
    const lastRequest = server.requests.at(-1);
    expect(lastRequest?.headers['if-none-match']).toBe(afterFirst?.state.etag);
    expect(lastRequest?.headers['if-modified-since']).toBe(afterFirst?.state.lastModified);
    expect(second.outcome).toBe('not-modified');
    expect(parses).toBe(1);
    expect((await feeds.get(feed.id))?.state.notModified).toBe(1);
  });

  it('hands on only the new item when an edited feed comes back: an edited item is not new', async () => {
    // Prepare
    server.put('ledger-v2.xml', { body: readFileSync(`${SAMPLE}/caucasus-ledger-en.rss.xml`) });
    const feed = await addFeed('ledger-v2.xml');
    await pollFeed(deps(), feed);
    server.put('ledger-v2.xml', {
      body: readFileSync(`${SAMPLE}/caucasus-ledger-en.edited.rss.xml`),
    });
    handled = [];

    // Act
    const summary = await pollFeed(deps(), (await feeds.get(feed.id)) as Feed);

    // Assess
    expect(summary.newItems).toBe(1);
    expect(handled.map((item) => item.title)).toEqual([
      expect.stringMatching(/foreign ministers/i),
    ]);
  });

  it('moves the stored URL when the feed answers 301', async () => {
    // Prepare
    server.put('moved-here.xml', { body: readFileSync(`${SAMPLE}/yerevan-wire-hy.rss.xml`) });
    server.route('/old-home.xml', (_request, response) => {
      response.writeHead(301, { location: server.urlOf('moved-here.xml') }).end();
    });
    const feed = await addFeed('old-home.xml');

    // Act
    const summary = await pollFeed(deps(), feed);

    // Assess
    expect(summary.movedTo).toBe(server.urlOf('moved-here.xml'));
    expect((await feeds.get(feed.id))?.url).toBe(server.urlOf('moved-here.xml'));
  });

  it('disables a feed that answers 410 Gone, with the reason', async () => {
    // Prepare
    server.route('/gone.xml', (_request, response) => response.writeHead(410).end());
    const feed = await addFeed('gone.xml');

    // Act
    await pollFeed(deps(), feed);

    // Assess
    const stored = await feeds.get(feed.id);
    expect(stored?.enabled).toBe(false);
    expect(stored?.disabledReason).toMatch(/410/);
    expect((await feeds.due(new Date(now.getTime() + 86_400_000))).map((f) => f.id)).not.toContain(
      feed.id,
    );
  });

  it('defers the next poll as long as a 429 Retry-After asks', async () => {
    // Prepare
    server.route('/busy.xml', (_request, response) =>
      response.writeHead(429, { 'retry-after': '7200' }).end(),
    );
    const feed = await addFeed('busy.xml');

    // Act
    await pollFeed(deps(), feed);

    // Assess
    const stored = await feeds.get(feed.id);
    expect(Date.parse(stored?.state.nextPollAt ?? '') - now.getTime()).toBe(7200 * 1000);
    expect(stored?.state.consecutiveErrors).toBe(0);
  });

  it('backs off exponentially while a feed fails, up to a cap, and a success resets it', async () => {
    // Prepare
    let failing = true;
    const body = readFileSync(`${SAMPLE}/regional-digest-ru.atom.xml`);
    server.route('/flaky.xml', (_request, response) => {
      if (failing) response.writeHead(500).end('oops');
      else response.writeHead(200, { 'content-type': 'application/atom+xml' }).end(body);
    });
    let feed = await addFeed('flaky.xml', { intervalMinutes: 10 });
    const delays: number[] = [];

    // Act
    for (let poll = 0; poll < 7; poll++) {
      await pollFeed(deps(), feed);
      feed = (await feeds.get(feed.id)) as Feed;
      delays.push((Date.parse(feed.state.nextPollAt) - now.getTime()) / 60_000);
    }
    failing = false;
    const recovered = await pollFeed(deps(), feed);
    feed = (await feeds.get(feed.id)) as Feed;

    // Assess
    expect(delays).toEqual([10, 20, 40, 80, 160, 320, 360]);
    expect(feed.state.lastError).toBe('HTTP 500');
    expect(recovered.outcome).toBe('ok');
    expect(feed.state.consecutiveErrors).toBe(0);
    expect((Date.parse(feed.state.nextPollAt) - now.getTime()) / 60_000).toBe(10);
  });

  it('records a broken feed as a failed poll with the parser saying why, and keeps going', async () => {
    // Prepare
    server.put('challenge.xml', {
      body: '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body></body></html>',
      contentType: 'text/html',
    });
    const feed = await addFeed('challenge.xml');

    // Act
    const summary = await pollFeed(deps(), feed);

    // Assess
    expect(summary.outcome).toBe('error');
    expect(summary.error).toMatch(/^parser: /);
    expect((await feeds.get(feed.id))?.state.consecutiveErrors).toBe(1);
  });
});
