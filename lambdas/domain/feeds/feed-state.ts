import { createHash } from 'node:crypto';

/**
 * A feed we poll, and what we remember about polling it. Pure data and pure transitions: the
 * repository stores it, `pollFeed` decides the next state from one fetch outcome.
 */
export interface Feed {
  /** Stable id: a hash of the URL the feed was added with (kept when a 301 moves it). */
  id: string;
  url: string;
  /** Outlet name shown in emails, as the outlet writes it. */
  outlet: string;
  /** Language of the feed when known (en, ru, hy, az). */
  lang?: string;
  enabled: boolean;
  disabledReason?: string;
  /** Minutes between polls when all is well. */
  intervalMinutes: number;
  state: FeedPollState;
  createdAt: string;
}

export interface FeedPollState {
  etag?: string;
  lastModified?: string;
  nextPollAt: string;
  lastPolledAt?: string;
  lastSuccessAt?: string;
  lastError?: string;
  lastErrorAt?: string;
  consecutiveErrors: number;
  /** Counters for feed health: share of 304s, empty answers, items per day. */
  polls: number;
  notModified: number;
  /** 200 with zero items: recorded as suspicious, not as a quiet day. */
  emptyPolls: number;
  lastEmptyAt?: string;
  itemsSeen: number;
  newItems: number;
}

export const BACKOFF = {
  /** The longest we wait between polls of a failing feed. */
  maxDelayMinutes: 6 * 60,
  /** The longest a Retry-After can push a poll out. */
  maxRetryAfterMinutes: 24 * 60,
  /** Jitter spreads feeds that failed together so they don't retry together. */
  jitter: 0.2,
} as const;

/**
 * A feed's stable id: a short hash of the URL it was added with (kept when a 301 moves the feed).
 *
 * @example feedIdFor('https://oc-media.org/feed/') // 16 hex characters
 */
export function feedIdFor(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

/** The state of a feed that has never been polled: due now. */
export function initialPollState(now: Date): FeedPollState {
  return {
    nextPollAt: now.toISOString(),
    consecutiveErrors: 0,
    polls: 0,
    notModified: 0,
    emptyPolls: 0,
    itemsSeen: 0,
    newItems: 0,
  };
}

/** What happened on one poll, as far as scheduling cares. */
export type PollResult =
  | { kind: 'ok'; items: number; newItems: number; etag?: string; lastModified?: string }
  | { kind: 'not-modified' }
  | { kind: 'retry-later'; retryAfterMs?: number; reason: string }
  | { kind: 'gone'; reason: string }
  | { kind: 'error'; reason: string };

/**
 * The feed after one poll: validators, counters, errors and the next poll time.
 * `random` is injectable so tests can pin the jitter.
 *
 * @example nextFeedState(feed, { kind: 'error', reason: 'fetch: timed out' }, new Date())
 */
export function nextFeedState(
  feed: Feed,
  result: PollResult,
  now: Date,
  random: () => number = Math.random,
): Feed {
  const at = now.toISOString();
  const state: FeedPollState = { ...feed.state, polls: feed.state.polls + 1, lastPolledAt: at };
  const jittered = (minutes: number) => minutes * (1 + BACKOFF.jitter * (2 * random() - 1));
  const after = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();

  switch (result.kind) {
    case 'ok':
    case 'not-modified': {
      state.consecutiveErrors = 0;
      state.lastSuccessAt = at;
      state.nextPollAt = after(jittered(feed.intervalMinutes));
      if (result.kind === 'not-modified') {
        state.notModified += 1;
      } else {
        state.etag = result.etag;
        state.lastModified = result.lastModified;
        state.itemsSeen += result.items;
        state.newItems += result.newItems;
        if (result.items === 0) {
          state.emptyPolls += 1;
          state.lastEmptyAt = at;
        }
      }
      return { ...feed, state };
    }
    case 'retry-later': {
      // The outlet asked us to slow down: honour it (capped), without counting it as a failure.
      const asked = (result.retryAfterMs ?? 0) / 60_000;
      const minutes = Math.min(
        BACKOFF.maxRetryAfterMinutes,
        Math.max(asked, backoffMinutes(feed, 1)),
      );
      state.lastError = result.reason;
      state.lastErrorAt = at;
      state.nextPollAt = after(minutes);
      return { ...feed, state };
    }
    case 'gone':
      state.lastError = result.reason;
      state.lastErrorAt = at;
      return { ...feed, enabled: false, disabledReason: result.reason, state };
    case 'error': {
      state.consecutiveErrors += 1;
      state.lastError = result.reason;
      state.lastErrorAt = at;
      state.nextPollAt = after(
        Math.min(BACKOFF.maxDelayMinutes, jittered(backoffMinutes(feed, state.consecutiveErrors))),
      );
      return { ...feed, state };
    }
  }
}

/** Capped exponential backoff: interval × 2^(errors−1), at most `BACKOFF.maxDelayMinutes`. */
export function backoffMinutes(
  feed: Pick<Feed, 'intervalMinutes'>,
  consecutiveErrors: number,
): number {
  const exponent = Math.max(0, consecutiveErrors - 1);
  return Math.min(BACKOFF.maxDelayMinutes, feed.intervalMinutes * 2 ** Math.min(exponent, 20));
}

/** A feed failing for longer than this pages the operator (an alarm on `FeedsFailingOver24h`). */
export const FAILING_ALERT_HOURS = 24;

/**
 * True when an enabled feed has not succeeded for over `FAILING_ALERT_HOURS` and is still
 * failing: it has died quietly and needs an editor's look.
 *
 * @example feeds.filter((feed) => isFailingLong(feed, new Date())).length
 */
export function isFailingLong(feed: Feed, now: Date): boolean {
  if (!feed.enabled || feed.state.consecutiveErrors === 0) return false;
  const since = feed.state.lastSuccessAt ?? feed.createdAt;
  return now.getTime() - Date.parse(since) > FAILING_ALERT_HOURS * 3_600_000;
}
