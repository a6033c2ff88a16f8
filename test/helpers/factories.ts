import type { StoredArticle } from '../../lambdas/domain/alerts/article';
import { type Feed, initialPollState } from '../../lambdas/domain/feeds/feed-state';
import type { FeedItem } from '../../lambdas/domain/feeds/model';
import type { Subscriber } from '../../lambdas/domain/subscribers/subscriber';

/** A feed as the store would hold it; override what the test is about. */
export function buildFeed(
  overrides: Partial<Feed> = {},
  now = new Date('2026-11-26T10:00:00Z'),
): Feed {
  return {
    id: 'feed-1',
    url: 'http://127.0.0.1:9/feed.xml',
    outlet: 'Caucasus Ledger',
    lang: 'en',
    enabled: true,
    intervalMinutes: 10,
    state: initialPollState(now),
    createdAt: now.toISOString(),
    ...overrides,
  };
}

let sequence = 0;

/** A normalised feed item with a unique key unless one is given. */
export function buildFeedItem(overrides: Partial<FeedItem> = {}): FeedItem {
  sequence += 1;
  const key = overrides.key ?? `key-${sequence.toString().padStart(6, '0')}`;
  return {
    key,
    url: `https://caucasus-ledger.example/news/${key}`,
    link: `https://caucasus-ledger.example/news/${key}`,
    title: 'Armenia and Azerbaijan border commissions meet in Tavush',
    summary: 'The delimitation commissions agreed on the next section of the border.',
    publishedAt: '2026-11-26T09:00:00.000Z',
    publishedAtEstimated: false,
    lang: 'en',
    categories: [],
    ...overrides,
  };
}

/** A stored article built from a feed item. */
export function buildStoredArticle(overrides: Partial<StoredArticle> = {}): StoredArticle {
  const item = buildFeedItem(overrides);
  return {
    ...item,
    feedId: 'feed-1',
    outlet: 'Caucasus Ledger',
    relevant: true,
    topics: ['border-security'],
    evidence: [
      { topic: 'border-security', term: 'delimitation', matched: 'delimitation', field: 'summary' },
    ],
    storyId: item.key,
    storedAt: '2026-11-26T09:05:00.000Z',
    ...overrides,
  };
}

/** An active instant subscriber of border news; override what the test is about. */
export function buildSubscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  sequence += 1;
  const id = overrides.id ?? `sub-${sequence.toString().padStart(6, '0')}`;
  return {
    id,
    email: `${id}@reader.example`,
    status: 'active',
    topics: ['border-security'],
    languages: [],
    cadence: 'instant',
    digestHour: 8,
    digestWeekday: 1,
    timeZone: 'Asia/Yerevan',
    paused: false,
    createdAt: '2026-11-01T00:00:00.000Z',
    confirmedAt: '2026-11-01T00:05:00.000Z',
    transientBounces: 0,
    tokenVersion: 1,
    ...overrides,
  };
}
