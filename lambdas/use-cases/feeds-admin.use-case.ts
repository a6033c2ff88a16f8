import { type FeedHealth, feedHealth } from '../domain/feeds/feed-health';
import { type Feed, initialPollState } from '../domain/feeds/feed-state';
import { NewsAlertError } from '../shared/errors';
import type { FeedParser } from './poll-feed.use-case';
import type { Clock, FeedFetcher, FeedRepository } from './ports';

/**
 * Editors' feed management: the list with health, adding a feed after one look at what it
 * serves, checking feeds now, disabling/enabling with a reason, removing. Every fetch goes through
 * the same guarded fetcher as polling (SSRF guard, limits). A check is a look, not a poll: it
 * changes no stored state, stores no article, and sends no validators (so it always sees items).
 */

export interface FeedsAdminDeps {
  feeds: FeedRepository;
  fetcher: FeedFetcher;
  parse: FeedParser;
  clock: Clock;
  /** The stable id a new feed gets from its URL (`feedIdFor` of the seed module). */
  feedId: (url: string) => string;
}

export interface FeedWithHealth {
  feed: Feed;
  health: FeedHealth;
}

/** What one fetch of a feed showed. */
export interface FeedCheck {
  feedId?: string;
  url: string;
  outlet?: string;
  checkedAt: string;
  outcome:
    | 'ok'
    | 'not-modified'
    | 'gone'
    | 'retry-later'
    | 'http-error'
    | 'fetch-error'
    | 'not-a-feed';
  /** True when the URL served a feed we can read (even an empty one). */
  ok: boolean;
  status?: number;
  finalUrl?: string;
  /** Set when every redirect was permanent: the feed has moved here. */
  movedTo?: string;
  feedTitle?: string;
  feedLanguage?: string;
  items: number;
  newestItemAt?: string;
  /** The first items, as the feed lists them. */
  sample: Array<{ title: string; publishedAt: string; link: string }>;
  warnings: string[];
  /** What is wrong, in words, when not ok (or when the feed is empty). */
  problem?: string;
}

export interface NewFeedInput {
  url: string;
  outlet?: string;
  lang?: string;
  /** Minutes between polls. Default 10. */
  intervalMinutes?: number;
}

/** A feed operation that cannot go ahead; `code` is stable (HTTP status and CLI exit follow it). */
export class FeedAdminError extends NewsAlertError {
  override readonly name: string = 'FeedAdminError';
  constructor(
    code: 'FEED_NOT_FOUND' | 'FEED_EXISTS' | 'FEED_UNUSABLE' | 'INVALID_INPUT',
    message: string,
  ) {
    super('feeds', code, message);
  }
}

const SAMPLE_SIZE = 5;

/**
 * Every feed with its health, failing ones first, then by outlet.
 *
 * @example (await listFeedsWithHealth(deps)).filter(({ health }) => health.failingLong)
 */
export async function listFeedsWithHealth(
  deps: Pick<FeedsAdminDeps, 'feeds' | 'clock'>,
): Promise<FeedWithHealth[]> {
  const now = deps.clock();
  const rank = { 'failing-long': 0, failing: 1, empty: 2, throttled: 3 } as Record<string, number>;
  return (await deps.feeds.list())
    .map((feed) => ({ feed, health: feedHealth(feed, now) }))
    .sort(
      (a, b) =>
        (rank[a.health.status] ?? 9) - (rank[b.health.status] ?? 9) ||
        a.feed.outlet.localeCompare(b.feed.outlet),
    );
}

/**
 * A feed by id or by URL.
 *
 * @example await findFeed(deps, 'https://news.example/rss')
 */
export async function findFeed(
  deps: Pick<FeedsAdminDeps, 'feeds'>,
  idOrUrl: string,
): Promise<Feed> {
  const byId = await deps.feeds.get(idOrUrl);
  if (byId) return byId;
  if (/^https?:\/\//i.test(idOrUrl)) {
    const byUrl = (await deps.feeds.list()).find((feed) => sameFeedUrl(feed.url, idOrUrl));
    if (byUrl) return byUrl;
  }
  throw new FeedAdminError(
    'FEED_NOT_FOUND',
    `no feed "${idOrUrl}" (\`newsalert feeds list\` shows ids and outlets)`,
  );
}

/**
 * Fetches a URL once through the guarded fetcher and parses it: what an editor sees before
 * adding a feed, and what `check` reports.
 *
 * @example const check = await fetchAndReport(deps, 'https://news.example/rss'); check.sample[0]?.title
 */
export async function fetchAndReport(
  deps: Pick<FeedsAdminDeps, 'fetcher' | 'parse' | 'clock'>,
  url: string,
  feed?: Feed,
): Promise<FeedCheck> {
  const checkedAt = deps.clock();
  const check: FeedCheck = {
    ...(feed ? { feedId: feed.id, outlet: feed.outlet } : {}),
    url,
    checkedAt: checkedAt.toISOString(),
    outcome: 'fetch-error',
    ok: false,
    items: 0,
    sample: [],
    warnings: [],
  };
  try {
    const outcome = await deps.fetcher.fetch({ url });
    check.finalUrl = outcome.finalUrl;
    if (outcome.permanentUrl && outcome.permanentUrl !== url) check.movedTo = outcome.permanentUrl;
    switch (outcome.kind) {
      case 'not-modified':
        // Only a server that ignores our unconditional request answers 304; it still works.
        return { ...check, outcome: 'not-modified', ok: true, status: 304 };
      case 'gone':
        return {
          ...check,
          outcome: 'gone',
          status: 410,
          problem: 'HTTP 410 Gone: the outlet removed this feed',
        };
      case 'retry-later':
        return {
          ...check,
          outcome: 'retry-later',
          status: outcome.status,
          problem: `HTTP ${outcome.status}: the server asks to come back later${
            outcome.retryAfterMs ? ` (in ${Math.ceil(outcome.retryAfterMs / 60_000)} min)` : ''
          }`,
        };
      case 'http-error':
        return {
          ...check,
          outcome: 'http-error',
          status: outcome.status,
          problem: `HTTP ${outcome.status}`,
        };
      case 'ok': {
        check.status = outcome.status;
        let parsed: Awaited<ReturnType<FeedParser>>;
        try {
          parsed = await deps.parse(outcome.body, {
            contentType: outcome.contentType,
            feedUrl: outcome.finalUrl,
            fetchedAt: checkedAt,
          });
        } catch (error) {
          return { ...check, outcome: 'not-a-feed', problem: messageOf(error) };
        }
        const newest = parsed.items
          .map((item) => item.publishedAt)
          .sort()
          .at(-1);
        return {
          ...check,
          outcome: 'ok',
          ok: true,
          feedTitle: parsed.feed.title,
          ...(parsed.feed.language ? { feedLanguage: parsed.feed.language } : {}),
          items: parsed.items.length,
          ...(newest ? { newestItemAt: newest } : {}),
          sample: parsed.items.slice(0, SAMPLE_SIZE).map((item) => ({
            title: item.title,
            publishedAt: item.publishedAt,
            link: item.link,
          })),
          warnings: parsed.warnings,
          ...(parsed.items.length === 0
            ? { problem: 'the feed answered with no items (often a broken feed, not a quiet day)' }
            : {}),
        };
      }
    }
  } catch (error) {
    return { ...check, outcome: 'fetch-error', problem: messageOf(error) };
  }
}

/**
 * Checks a URL before adding it: refuses a feed already in the list, fetches it once and builds
 * the feed it would save (outlet and language from the feed unless given). Saves nothing.
 *
 * @example const { feed, check } = await previewNewFeed(deps, { url }); show(check.sample); await saveNewFeed(deps, feed);
 */
export async function previewNewFeed(
  deps: FeedsAdminDeps,
  input: NewFeedInput,
): Promise<{ feed: Feed; check: FeedCheck }> {
  const url = input.url.trim();
  if (!isHttpUrl(url)) {
    throw new FeedAdminError(
      'INVALID_INPUT',
      `"${input.url}" is not a web address (http:// or https://)`,
    );
  }
  const interval = input.intervalMinutes ?? 10;
  if (!Number.isInteger(interval) || interval < 1 || interval > 1440) {
    throw new FeedAdminError(
      'INVALID_INPUT',
      'the poll interval must be a whole number of minutes from 1 to 1440',
    );
  }
  const id = deps.feedId(url);
  const existing =
    (await deps.feeds.get(id)) ??
    (await deps.feeds.list()).find((feed) => sameFeedUrl(feed.url, url));
  if (existing) {
    throw new FeedAdminError(
      'FEED_EXISTS',
      `this feed is already in the list as "${existing.outlet}" (id ${existing.id})`,
    );
  }
  const check = await fetchAndReport(deps, url);
  if (!check.ok || check.outcome === 'not-modified') {
    throw new FeedAdminError(
      'FEED_UNUSABLE',
      `${url} did not serve a readable feed: ${check.problem ?? check.outcome}`,
    );
  }
  const now = deps.clock();
  const lang = (input.lang ?? check.feedLanguage)?.toLowerCase().split(/[-_]/)[0];
  const feed: Feed = {
    id,
    url,
    outlet: input.outlet?.trim() || check.feedTitle?.trim() || new URL(url).hostname,
    ...(lang && /^[a-z]{2,3}$/.test(lang) ? { lang } : {}),
    enabled: true,
    intervalMinutes: interval,
    state: initialPollState(now),
    createdAt: now.toISOString(),
  };
  return { feed, check: { ...check, feedId: id, outlet: feed.outlet } };
}

/**
 * Saves a feed built by {@link previewNewFeed}; it is polled in the next cycle.
 *
 * @example await saveNewFeed(deps, feed)
 */
export async function saveNewFeed(deps: Pick<FeedsAdminDeps, 'feeds'>, feed: Feed): Promise<Feed> {
  try {
    await deps.feeds.add(feed);
  } catch (error) {
    // Someone added the same URL between the preview and the save.
    if ((error as { code?: string }).code === 'FEED_EXISTS') {
      throw new FeedAdminError('FEED_EXISTS', `this feed is already in the list (id ${feed.id})`);
    }
    throw error;
  }
  return feed;
}

/**
 * Fetches feeds now (all of them, or those named by id or URL), a few at a time, and reports.
 *
 * @example await checkFeeds(deps, { onProgress: (done, total) => console.error(`checked ${done} / ${total}`) })
 */
export async function checkFeeds(
  deps: FeedsAdminDeps,
  options: {
    feeds?: string[];
    concurrency?: number;
    onProgress?: (done: number, total: number, check: FeedCheck) => void;
  } = {},
): Promise<FeedCheck[]> {
  const feeds = options.feeds
    ? await Promise.all(options.feeds.map((idOrUrl) => findFeed(deps, idOrUrl)))
    : (await deps.feeds.list()).sort((a, b) => a.outlet.localeCompare(b.outlet));
  const results: FeedCheck[] = new Array(feeds.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let index = next++; index < feeds.length; index = next++) {
      const feed = feeds[index] as Feed;
      const check = await fetchAndReport(deps, feed.url, feed);
      results[index] = check;
      done += 1;
      options.onProgress?.(done, feeds.length, check);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, feeds.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/**
 * Disables a feed (it is no longer polled) with a reason, or enables it again (polled in the
 * next cycle). Who and when are kept with the reason.
 *
 * @example await setFeedEnabled(deps, 'a1b2c3', false, { by: 'anna', reason: 'outlet closed' })
 */
export async function setFeedEnabled(
  deps: Pick<FeedsAdminDeps, 'feeds' | 'clock'>,
  idOrUrl: string,
  enabled: boolean,
  author: { by: string; reason?: string },
): Promise<{ feed: Feed; changed: boolean }> {
  const reason = author.reason?.trim();
  if (!enabled && !reason) {
    throw new FeedAdminError(
      'INVALID_INPUT',
      'say why the feed is disabled (--reason), so colleagues know when it can come back',
    );
  }
  const feed = await findFeed(deps, idOrUrl);
  if (feed.enabled === enabled) return { feed, changed: false };
  const now = deps.clock();
  const { disabledReason: _old, ...rest } = feed;
  const next: Feed = enabled
    ? // Due at once: an editor who enables a feed wants to see it polled in the next cycle.
      { ...rest, enabled: true, state: { ...feed.state, nextPollAt: now.toISOString() } }
    : {
        ...rest,
        enabled: false,
        disabledReason: `${reason} (${author.by}, ${now.toISOString().slice(0, 10)})`,
      };
  await deps.feeds.save(next);
  return { feed: next, changed: true };
}

/**
 * Removes a feed from the list. Its stored articles stay.
 *
 * @example await removeFeed(deps, 'a1b2c3')
 */
export async function removeFeed(
  deps: Pick<FeedsAdminDeps, 'feeds'>,
  idOrUrl: string,
): Promise<Feed> {
  const feed = await findFeed(deps, idOrUrl);
  await deps.feeds.remove(feed.id);
  return feed;
}

/** Same feed when host (without `www.`), path (without trailing slash) and query agree. */
function sameFeedUrl(a: string, b: string): boolean {
  const norm = (value: string) => {
    try {
      const url = new URL(value);
      return `${url.hostname.replace(/^www\./, '')}${url.port ? `:${url.port}` : ''}${url.pathname.replace(/\/+$/, '')}${url.search}`;
    } catch {
      return value;
    }
  };
  return norm(a) === norm(b);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
