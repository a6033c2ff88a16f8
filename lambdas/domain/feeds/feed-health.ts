import { type Feed, isFailingLong } from './feed-state';

/**
 * How a feed is doing, in the words an editor uses: is it alive, since when has it failed, what
 * did it say last, when is the next try. Pure: computed from the stored poll state and a clock.
 *
 * Status, first that applies:
 * - `disabled`: an editor (or a 410 Gone) switched it off; `disabledReason` says why;
 * - `never-polled`: added, not fetched yet;
 * - `failing-long`: failing and no success for over 24 h (it died quietly: look at it);
 * - `failing`: the last poll(s) failed; it is retried with backoff;
 * - `throttled`: the outlet asked us to come back later (429/503), not counted as a failure;
 * - `empty`: the last answer was a feed with no items (often a broken CMS, not a quiet day);
 * - `ok`.
 */
export type FeedStatus =
  | 'ok'
  | 'never-polled'
  | 'failing'
  | 'failing-long'
  | 'throttled'
  | 'empty'
  | 'disabled';

export interface FeedHealth {
  status: FeedStatus;
  polls: number;
  lastPolledAt?: string;
  lastSuccessAt?: string;
  consecutiveErrors: number;
  lastError?: string;
  lastErrorAt?: string;
  /** When the next poll is due; absent while disabled (a disabled feed is never polled). */
  nextPollAt?: string;
  /** Share of polls answered 304 Not Modified (0–1); absent before the first poll. */
  notModifiedShare?: number;
  /** New items per day since the feed was added (at least one day is counted). */
  itemsPerDay: number;
  emptyPolls: number;
  lastEmptyAt?: string;
  /** The most recent successful answer was a feed without items. */
  lastAnswerEmpty: boolean;
  /** Failing with no success for over 24 h. */
  failingLong: boolean;
  disabledReason?: string;
}

const DAY_MS = 86_400_000;

/**
 * The health summary of one feed at `now`.
 *
 * @example feedHealth(feed, new Date()).status // 'failing-long'
 */
export function feedHealth(feed: Feed, now: Date): FeedHealth {
  const state = feed.state;
  const failingLong = isFailingLong(feed, now);
  const lastAnswerEmpty =
    state.lastEmptyAt !== undefined && state.lastEmptyAt === state.lastSuccessAt;
  // A 429/503 records an error time without counting a failure: the outlet is pacing us.
  const throttled =
    state.consecutiveErrors === 0 &&
    state.lastErrorAt !== undefined &&
    (state.lastSuccessAt === undefined || state.lastErrorAt > state.lastSuccessAt);
  const status: FeedStatus = !feed.enabled
    ? 'disabled'
    : state.polls === 0
      ? 'never-polled'
      : failingLong
        ? 'failing-long'
        : state.consecutiveErrors > 0
          ? 'failing'
          : throttled
            ? 'throttled'
            : lastAnswerEmpty
              ? 'empty'
              : 'ok';
  const days = Math.max(1, (now.getTime() - Date.parse(feed.createdAt)) / DAY_MS);
  return {
    status,
    polls: state.polls,
    ...optional('lastPolledAt', state.lastPolledAt),
    ...optional('lastSuccessAt', state.lastSuccessAt),
    consecutiveErrors: state.consecutiveErrors,
    ...optional('lastError', state.lastError),
    ...optional('lastErrorAt', state.lastErrorAt),
    ...optional('nextPollAt', feed.enabled ? state.nextPollAt : undefined),
    ...optional('notModifiedShare', state.polls > 0 ? state.notModified / state.polls : undefined),
    itemsPerDay: Number.isFinite(days) ? state.newItems / days : 0,
    emptyPolls: state.emptyPolls,
    ...optional('lastEmptyAt', state.lastEmptyAt),
    lastAnswerEmpty,
    failingLong,
    ...optional('disabledReason', feed.enabled ? undefined : feed.disabledReason),
  };
}

/** Drops absent values, so JSON output has no `"key": undefined` noise. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
