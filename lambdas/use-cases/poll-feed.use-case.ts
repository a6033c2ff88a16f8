import { type Feed, nextFeedState, type PollResult } from '../domain/feeds/feed-state';
import type { FeedItem, ParsedFeed } from '../domain/feeds/model';
import type { Clock, FeedFetcher, FeedRepository } from './ports';

/** Parses fetched bytes into a normalised feed (the domain's `parseFeed`). */
export type FeedParser = (
  bytes: Uint8Array,
  options: { contentType?: string; feedUrl?: string; fetchedAt: Date },
) => ParsedFeed | Promise<ParsedFeed>;

/** What happens to the items a poll has not seen before; returns how many it could not keep. */
export type NewItemsHandler = (items: FeedItem[], feed: Feed) => Promise<{ failed: number }>;

export interface PollFeedDeps {
  feeds: FeedRepository;
  fetcher: FeedFetcher;
  parse: FeedParser;
  /** Keys among these that were never stored: the durable "seen" memory is the article store. */
  unseen: (articleKeys: string[]) => Promise<Set<string>>;
  onNewItems: NewItemsHandler;
  clock: Clock;
  random?: () => number;
}

export interface PollSummary {
  feedId: string;
  feedUrl: string;
  outcome: PollResult['kind'];
  items: number;
  newItems: number;
  failedItems: number;
  warnings: string[];
  error?: string;
  /** Set when a 301/308 moved the feed. */
  movedTo?: string;
}

/**
 * Polls one feed: conditional GET through the guarded fetcher, parse, keep only items never seen,
 * hand them on, then save the feed's new state. The validators (ETag, Last-Modified) are saved
 * only after the new items were handled, so a crash in between makes the next poll fetch them
 * again instead of losing them behind a 304.
 *
 * @example const summary = await pollFeed(deps, feed); // { outcome: 'ok', newItems: 3, … }
 */
export async function pollFeed(deps: PollFeedDeps, feed: Feed): Promise<PollSummary> {
  const fetchedAt = deps.clock();
  const summary: PollSummary = {
    feedId: feed.id,
    feedUrl: feed.url,
    outcome: 'error',
    items: 0,
    newItems: 0,
    failedItems: 0,
    warnings: [],
  };
  let result: PollResult;
  let current = feed;
  try {
    const outcome = await deps.fetcher.fetch({
      url: feed.url,
      etag: feed.state.etag,
      lastModified: feed.state.lastModified,
    });
    if (outcome.permanentUrl && outcome.permanentUrl !== feed.url) {
      current = { ...feed, url: outcome.permanentUrl };
      summary.movedTo = outcome.permanentUrl;
    }
    switch (outcome.kind) {
      case 'not-modified':
        result = { kind: 'not-modified' };
        break;
      case 'gone':
        result = {
          kind: 'gone',
          reason: `HTTP 410 Gone at ${fetchedAt.toISOString()}: the outlet removed the feed`,
        };
        break;
      case 'retry-later':
        result = {
          kind: 'retry-later',
          retryAfterMs: outcome.retryAfterMs,
          reason: `HTTP ${outcome.status}: asked to retry later`,
        };
        break;
      case 'http-error':
        result = { kind: 'error', reason: `HTTP ${outcome.status}` };
        break;
      case 'ok': {
        const parsed = await deps.parse(outcome.body, {
          contentType: outcome.contentType,
          feedUrl: outcome.finalUrl,
          fetchedAt,
        });
        summary.warnings = parsed.warnings;
        summary.items = parsed.items.length;
        const unseen = await deps.unseen(parsed.items.map((item) => item.key));
        const fresh = uniqueByKey(parsed.items.filter((item) => unseen.has(item.key)));
        summary.newItems = fresh.length;
        if (fresh.length > 0) {
          const { failed } = await deps.onNewItems(fresh, current);
          summary.failedItems = failed;
        }
        // Items that could not be kept must come back on the next poll: keep the old validators.
        result =
          summary.failedItems > 0
            ? { kind: 'error', reason: `${summary.failedItems} new item(s) could not be stored` }
            : {
                kind: 'ok',
                items: parsed.items.length,
                newItems: fresh.length,
                etag: outcome.etag,
                lastModified: outcome.lastModified,
              };
        break;
      }
    }
  } catch (error) {
    result = { kind: 'error', reason: error instanceof Error ? error.message : String(error) };
  }
  summary.outcome = result.kind;
  if (result.kind === 'error' || result.kind === 'gone' || result.kind === 'retry-later')
    summary.error = result.reason;
  await deps.feeds.save(nextFeedState(current, result, deps.clock(), deps.random));
  return summary;
}

/** Feeds repeat items (and guids); one key, one item. */
function uniqueByKey(items: FeedItem[]): FeedItem[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.key) && seen.add(item.key));
}
