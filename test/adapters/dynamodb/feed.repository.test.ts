import { beforeAll, describe, expect, it } from 'vitest';
import {
  createFeedRepository,
  FeedExistsError,
} from '../../../lambdas/adapters/dynamodb/feed.repository';
import { initialPollState } from '../../../lambdas/domain/feeds/feed-state';
import type { FeedRepository } from '../../../lambdas/use-cases/ports';
import { buildFeed } from '../../helpers/factories';
import { freshTable } from '../../helpers/table';

describe('feed repository', () => {
  let feeds: FeedRepository;
  beforeAll(async () => {
    const { db, tableName } = await freshTable();
    feeds = createFeedRepository(db, tableName);
  });

  it('lists only enabled feeds whose poll time has come, most overdue first', async () => {
    // Prepare
    const now = new Date('2026-11-26T10:00:00Z');
    const at = (iso: string) => ({ ...initialPollState(now), nextPollAt: iso });
    await feeds.add(
      buildFeed({
        id: 'due-late',
        url: 'https://a.example/rss',
        state: at('2026-11-26T09:00:00.000Z'),
      }),
    );
    await feeds.add(
      buildFeed({
        id: 'due-now',
        url: 'https://b.example/rss',
        state: at('2026-11-26T10:00:00.000Z'),
      }),
    );
    await feeds.add(
      buildFeed({
        id: 'later',
        url: 'https://c.example/rss',
        state: at('2026-11-26T10:05:00.000Z'),
      }),
    );
    await feeds.add(
      buildFeed({
        id: 'disabled',
        url: 'https://d.example/rss',
        enabled: false,
        state: at('2026-11-26T08:00:00.000Z'),
      }),
    );

    // Act
    const due = await feeds.due(now);

    // Assess
    expect(due.map((feed) => feed.id)).toEqual(['due-late', 'due-now']);
    expect((await feeds.list()).map((feed) => feed.id).sort()).toEqual([
      'disabled',
      'due-late',
      'due-now',
      'later',
    ]);
  });

  it('refuses to add the same feed twice', async () => {
    // Prepare
    await feeds.add(buildFeed({ id: 'twice', url: 'https://twice.example/rss' }));

    // Act + Assess
    await expect(
      feeds.add(buildFeed({ id: 'twice', url: 'https://twice.example/rss' })),
    ).rejects.toThrow(FeedExistsError);
  });

  it('saves a new poll state and drops a disabled feed from the due list', async () => {
    // Prepare
    const now = new Date('2026-11-26T10:00:00Z');
    const feed = buildFeed({
      id: 'saved',
      url: 'https://saved.example/rss',
      state: { ...initialPollState(now), nextPollAt: '2026-11-26T07:00:00.000Z' },
    });
    await feeds.add(feed);

    // Act
    await feeds.save({
      ...feed,
      enabled: false,
      disabledReason: 'HTTP 410 Gone',
      state: { ...feed.state, etag: '"x"' },
    });

    // Assess
    const stored = await feeds.get('saved');
    expect(stored?.disabledReason).toBe('HTTP 410 Gone');
    expect(stored?.state.etag).toBe('"x"');
    expect((await feeds.due(now)).map((f) => f.id)).not.toContain('saved');
  });
});
