import { FeedExistsError } from '../adapters/dynamodb/feed.repository';
import type { FeedSeed } from '../domain/feeds/default-feeds';
import { feedIdFor, initialPollState } from '../domain/feeds/feed-state';
import type { FeedRepository } from '../use-cases/ports';

/**
 * Adds the seed feeds that are not in the store yet; feeds already there keep their state.
 *
 * @example await seedFeeds(feeds, DEFAULT_FEEDS, new Date())
 */
export async function seedFeeds(
  feeds: FeedRepository,
  seeds: readonly FeedSeed[],
  now: Date,
): Promise<number> {
  let added = 0;
  for (const seed of seeds) {
    try {
      await feeds.add({
        id: feedIdFor(seed.url),
        url: seed.url,
        outlet: seed.outlet,
        lang: seed.lang,
        enabled: true,
        intervalMinutes: 10,
        state: initialPollState(now),
        createdAt: now.toISOString(),
      });
      added += 1;
    } catch (error) {
      if (!(error instanceof FeedExistsError)) throw error;
    }
  }
  return added;
}
