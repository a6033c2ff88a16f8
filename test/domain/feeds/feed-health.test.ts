import { describe, expect, it } from 'vitest';
import { feedHealth } from '../../../lambdas/domain/feeds/feed-health';
import { type Feed, nextFeedState } from '../../../lambdas/domain/feeds/feed-state';
import { buildFeed } from '../../helpers/factories';

const added = new Date('2026-11-20T10:00:00Z');
const hours = (n: number) => new Date(added.getTime() + n * 3_600_000);
const noJitter = () => 0.5;

/** A feed after a series of polls, one an hour. */
function polled(results: Parameters<typeof nextFeedState>[1][]): Feed {
  let feed = buildFeed({}, added);
  for (const [index, result] of results.entries())
    feed = nextFeedState(feed, result, hours(index + 1), noJitter);
  return feed;
}

describe('feed health', () => {
  it('calls a feed that answers "ok", with its share of 304s and items per day', () => {
    // Prepare
    const feed = polled([
      { kind: 'ok', items: 10, newItems: 10 },
      { kind: 'not-modified' },
      { kind: 'ok', items: 10, newItems: 2 },
      { kind: 'not-modified' },
    ]);

    // Act
    const health = feedHealth(feed, hours(48));

    // Assess
    expect(health).toMatchObject({
      status: 'ok',
      polls: 4,
      consecutiveErrors: 0,
      failingLong: false,
    });
    expect(health.notModifiedShare).toBe(0.5);
    expect(health.itemsPerDay).toBe(6);
    expect(health.nextPollAt).toBe(feed.state.nextPollAt);
  });

  it('says "never-polled" for a feed just added', () => {
    // Act
    const health = feedHealth(buildFeed({}, added), hours(0));

    // Assess
    expect(health).toMatchObject({ status: 'never-polled', polls: 0, itemsPerDay: 0 });
    expect(health.notModifiedShare).toBeUndefined();
  });

  it('keeps the last error and the next retry of a failing feed, and flags it after 24 h without success', () => {
    // Prepare
    const feed = polled([
      { kind: 'ok', items: 3, newItems: 3 },
      { kind: 'error', reason: 'HTTP 503' },
      { kind: 'error', reason: 'fetch: connect timed out' },
    ]);

    // Act
    const soon = feedHealth(feed, hours(4));
    const later = feedHealth(feed, hours(30));

    // Assess
    expect(soon).toMatchObject({
      status: 'failing',
      consecutiveErrors: 2,
      lastError: 'fetch: connect timed out',
      lastErrorAt: hours(3).toISOString(),
      lastSuccessAt: hours(1).toISOString(),
      failingLong: false,
    });
    expect(soon.nextPollAt).toBe(feed.state.nextPollAt);
    expect(later).toMatchObject({ status: 'failing-long', failingLong: true });
  });

  it('tells an outlet that asked us to slow down from a failing one', () => {
    // Prepare
    const feed = polled([
      { kind: 'ok', items: 3, newItems: 3 },
      { kind: 'retry-later', retryAfterMs: 3_600_000, reason: 'HTTP 429: asked to retry later' },
    ]);

    // Act
    const health = feedHealth(feed, hours(3));

    // Assess
    expect(health).toMatchObject({ status: 'throttled', consecutiveErrors: 0 });
    expect(health.lastError).toBe('HTTP 429: asked to retry later');
  });

  it('flags a feed whose last answer had no items', () => {
    // Prepare
    const feed = polled([
      { kind: 'ok', items: 3, newItems: 3 },
      { kind: 'ok', items: 0, newItems: 0 },
    ]);

    // Act
    const health = feedHealth(feed, hours(3));

    // Assess
    expect(health).toMatchObject({ status: 'empty', lastAnswerEmpty: true, emptyPolls: 1 });
  });

  it('shows why a feed is disabled and no next poll', () => {
    // Prepare
    const feed = polled([{ kind: 'gone', reason: 'HTTP 410 Gone: the outlet removed the feed' }]);

    // Act
    const health = feedHealth(feed, hours(2));

    // Assess
    expect(health).toMatchObject({
      status: 'disabled',
      disabledReason: 'HTTP 410 Gone: the outlet removed the feed',
    });
    expect(health.nextPollAt).toBeUndefined();
  });
});
