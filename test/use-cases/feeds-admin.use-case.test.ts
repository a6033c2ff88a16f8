import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFeedRepository } from '../../lambdas/adapters/dynamodb/feed.repository';
import { createGuardedFetcher } from '../../lambdas/adapters/http/guarded-fetcher';
import { feedIdFor } from '../../lambdas/domain/feeds/feed-state';
import { parseFeed } from '../../lambdas/domain/feeds/parse-feed';
import { type FeedServer, startFeedServer } from '../../lambdas/local/feed-server';
import {
  checkFeeds,
  type FeedsAdminDeps,
  listFeedsWithHealth,
  previewNewFeed,
  removeFeed,
  saveNewFeed,
  setFeedEnabled,
} from '../../lambdas/use-cases/feeds-admin.use-case';
import { buildFeed } from '../helpers/factories';
import { freshTable } from '../helpers/table';

const LEDGER = readFileSync('test/fixtures/feeds/sample/caucasus-ledger-en.rss.xml');
const now = new Date('2026-11-26T12:00:00.000Z');

describe('feeds admin', () => {
  let server: FeedServer;
  let deps: FeedsAdminDeps;

  beforeAll(async () => {
    server = await startFeedServer();
    server.put('ledger.xml', { body: LEDGER });
    server.put('page.html', {
      body: '<html><body>Welcome</body></html>',
      contentType: 'text/html',
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    const { db, tableName } = await freshTable();
    deps = {
      feeds: createFeedRepository(db, tableName),
      fetcher: createGuardedFetcher({ allowPrivateNetworks: true }),
      parse: parseFeed,
      clock: () => now,
      feedId: feedIdFor,
    };
  });

  it('shows the first items of a new feed before anything is saved', async () => {
    // Act
    const { feed, check } = await previewNewFeed(deps, { url: server.urlOf('ledger.xml') });

    // Assess
    expect(check).toMatchObject({
      ok: true,
      outcome: 'ok',
      status: 200,
      feedTitle: 'Caucasus Ledger',
    });
    expect(check.items).toBe(9);
    expect(check.sample).toHaveLength(5);
    expect(check.sample[0]?.title).toContain('Border commissions agree');
    expect(feed).toMatchObject({
      outlet: 'Caucasus Ledger',
      lang: 'en',
      enabled: true,
      intervalMinutes: 10,
    });
    expect(await deps.feeds.list()).toEqual([]);
  });

  it('refuses a feed already in the list, even written with a trailing slash', async () => {
    // Prepare
    const { feed } = await previewNewFeed(deps, { url: server.urlOf('ledger.xml') });
    await saveNewFeed(deps, feed);

    // Act
    const again = previewNewFeed(deps, { url: `${server.urlOf('ledger.xml')}/` });

    // Assess
    await expect(again).rejects.toMatchObject({ code: 'FEED_EXISTS' });
    await expect(again).rejects.toThrow('already in the list as "Caucasus Ledger"');
  });

  it.each([
    ['missing.xml', 'HTTP 404'],
    ['page.html', 'parser:'],
  ])('refuses %s, which serves no feed, saying why', async (path, reason) => {
    // Act
    const attempt = previewNewFeed(deps, { url: server.urlOf(path) });

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'FEED_UNUSABLE' });
    await expect(attempt).rejects.toThrow(reason);
    expect(await deps.feeds.list()).toEqual([]);
  });

  it('refuses a loopback feed through the production fetcher, naming the option that allows it', async () => {
    // Prepare
    const production = { ...deps, fetcher: createGuardedFetcher() };

    // Act
    const attempt = previewNewFeed(production, { url: server.urlOf('ledger.xml') });

    // Assess
    await expect(attempt).rejects.toThrow('--allow-private-networks');
  });

  it('checks every feed now, reporting progress and what failed, and changes no stored state', async () => {
    // Prepare
    const good = buildFeed(
      { id: 'good', outlet: 'Caucasus Ledger', url: server.urlOf('ledger.xml') },
      now,
    );
    const gone = buildFeed(
      { id: 'gone', outlet: 'Gone Daily', url: server.urlOf('gone.xml') },
      now,
    );
    await deps.feeds.add(good);
    await deps.feeds.add(gone);
    const progress: string[] = [];

    // Act
    const checks = await checkFeeds(deps, {
      onProgress: (done, total) => progress.push(`${done}/${total}`),
    });

    // Assess
    expect(progress).toEqual(['1/2', '2/2']);
    expect(checks.map((check) => [check.feedId, check.ok, check.problem ?? ''])).toEqual([
      ['good', true, ''],
      ['gone', false, 'HTTP 404'],
    ]);
    expect(await deps.feeds.get('good')).toEqual(good);
  });

  it('disables a feed only with a reason, keeping who and when; enabling makes it due at once', async () => {
    // Prepare
    const feed = buildFeed(
      { id: 'ledger', url: server.urlOf('ledger.xml') },
      new Date('2026-11-01T00:00:00Z'),
    );
    await deps.feeds.add({
      ...feed,
      state: { ...feed.state, nextPollAt: '2026-12-01T00:00:00.000Z' },
    });

    // Act
    const withoutReason = await setFeedEnabled(deps, 'ledger', false, { by: 'anna' }).catch(
      (error: unknown) => error,
    );
    const disabled = await setFeedEnabled(deps, 'ledger', false, {
      by: 'anna',
      reason: 'paywalled',
    });
    const listed = await listFeedsWithHealth(deps);
    const enabled = await setFeedEnabled(deps, server.urlOf('ledger.xml'), true, { by: 'anna' });

    // Assess
    expect(withoutReason).toMatchObject({ code: 'INVALID_INPUT' });
    expect(disabled.feed.disabledReason).toBe('paywalled (anna, 2026-11-26)');
    expect(listed[0]?.health).toMatchObject({
      status: 'disabled',
      disabledReason: 'paywalled (anna, 2026-11-26)',
    });
    expect(enabled.feed).toMatchObject({ enabled: true, state: { nextPollAt: now.toISOString() } });
    expect(enabled.feed.disabledReason).toBeUndefined();
    expect((await deps.feeds.due(now)).map((due) => due.id)).toEqual(['ledger']);
  });

  it('removes a feed by id and says when there is no such feed', async () => {
    // Prepare
    await deps.feeds.add(buildFeed({ id: 'ledger' }, now));

    // Act
    const removed = await removeFeed(deps, 'ledger');
    const again = await removeFeed(deps, 'ledger').catch((error: unknown) => error);

    // Assess
    expect(removed.id).toBe('ledger');
    expect(await deps.feeds.list()).toEqual([]);
    expect(again).toMatchObject({ code: 'FEED_NOT_FOUND' });
  });
});
