import { describe, expect, it } from 'vitest';
import { BACKOFF, nextFeedState } from '../../../lambdas/domain/feeds/feed-state';
import { buildFeed } from '../../helpers/factories';

const now = new Date('2026-11-26T10:00:00Z');
const noJitter = () => 0.5;
const minutesUntil = (iso: string) => (new Date(iso).getTime() - now.getTime()) / 60_000;

describe('nextFeedState', () => {
  it('keeps the validators of a successful poll and schedules the next one an interval later', () => {
    // Prepare
    const feed = buildFeed({ intervalMinutes: 10 });

    // Act
    const next = nextFeedState(
      feed,
      {
        kind: 'ok',
        items: 5,
        newItems: 2,
        etag: '"v1"',
        lastModified: 'Wed, 25 Nov 2026 10:00:00 GMT',
      },
      now,
      noJitter,
    );

    // Assess
    expect(next.state.etag).toBe('"v1"');
    expect(next.state.lastModified).toBe('Wed, 25 Nov 2026 10:00:00 GMT');
    expect(next.state.lastSuccessAt).toBe(now.toISOString());
    expect(minutesUntil(next.state.nextPollAt)).toBe(10);
    expect(next.state.newItems).toBe(2);
  });

  it('backs off exponentially on consecutive errors, up to a cap, and a success resets it', () => {
    // Prepare
    let feed = buildFeed({ intervalMinutes: 10 });
    const delays: number[] = [];

    // Act
    for (let poll = 0; poll < 8; poll++) {
      feed = nextFeedState(feed, { kind: 'error', reason: 'fetch: timed out' }, now, noJitter);
      delays.push(minutesUntil(feed.state.nextPollAt));
    }
    const recovered = nextFeedState(feed, { kind: 'not-modified' }, now, noJitter);

    // Assess
    expect(delays).toEqual([
      10,
      20,
      40,
      80,
      160,
      320,
      BACKOFF.maxDelayMinutes,
      BACKOFF.maxDelayMinutes,
    ]);
    expect(feed.state.consecutiveErrors).toBe(8);
    expect(feed.state.lastError).toBe('fetch: timed out');
    expect(recovered.state.consecutiveErrors).toBe(0);
    expect(minutesUntil(recovered.state.nextPollAt)).toBe(10);
  });

  it('never lets jitter push a failing feed past the backoff cap', () => {
    // Prepare
    const feed = buildFeed({
      intervalMinutes: 10,
      state: { ...buildFeed().state, consecutiveErrors: 30 },
    });

    // Act
    const next = nextFeedState(feed, { kind: 'error', reason: 'HTTP 500' }, now, () => 0.999);

    // Assess
    expect(minutesUntil(next.state.nextPollAt)).toBeLessThanOrEqual(BACKOFF.maxDelayMinutes);
  });

  it('honours Retry-After without counting it as a failure', () => {
    // Prepare
    const feed = buildFeed({ intervalMinutes: 10 });

    // Act
    const next = nextFeedState(
      feed,
      { kind: 'retry-later', retryAfterMs: 3_600_000, reason: 'HTTP 429' },
      now,
      noJitter,
    );

    // Assess
    expect(minutesUntil(next.state.nextPollAt)).toBe(60);
    expect(next.state.consecutiveErrors).toBe(0);
    expect(next.enabled).toBe(true);
  });

  it('disables a feed the outlet says is gone, with the reason', () => {
    // Act
    const next = nextFeedState(
      buildFeed(),
      { kind: 'gone', reason: 'HTTP 410 Gone' },
      now,
      noJitter,
    );

    // Assess
    expect(next.enabled).toBe(false);
    expect(next.disabledReason).toBe('HTTP 410 Gone');
  });

  it('counts a 200 with zero items as suspicious, not as a quiet day', () => {
    // Act
    const next = nextFeedState(buildFeed(), { kind: 'ok', items: 0, newItems: 0 }, now, noJitter);

    // Assess
    expect(next.state.emptyPolls).toBe(1);
    expect(next.state.lastEmptyAt).toBe(now.toISOString());
  });
});
