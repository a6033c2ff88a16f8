import { beforeAll, describe, expect, it } from 'vitest';
import { createArticleRepository } from '../../../lambdas/adapters/dynamodb/article.repository';
import type { ArticleRepository } from '../../../lambdas/use-cases/ports';
import { buildStoredArticle } from '../../helpers/factories';
import { freshTable } from '../../helpers/table';

describe('article repository', () => {
  let articles: ArticleRepository;
  beforeAll(async () => {
    const { db, tableName } = await freshTable();
    articles = createArticleRepository(db, tableName);
  });

  it('stores an article once: a second put of the same key changes nothing', async () => {
    // Prepare
    const first = buildStoredArticle({ key: 'once', title: 'Original title' });

    // Act
    const storedFirst = await articles.putIfNew(first);
    const storedAgain = await articles.putIfNew({ ...first, title: 'Edited title' });

    // Assess
    expect(storedFirst).toBe(true);
    expect(storedAgain).toBe(false);
    expect((await articles.get('once'))?.title).toBe('Original title');
  });

  it('tells which keys were never stored, across more than one batch', async () => {
    // Prepare
    await articles.putIfNew(buildStoredArticle({ key: 'seen-1' }));
    await articles.putIfNew(buildStoredArticle({ key: 'seen-2' }));
    const asked = ['seen-1', 'seen-2', ...Array.from({ length: 150 }, (_, i) => `new-${i}`)];

    // Act
    const unseen = await articles.unseen(asked);

    // Assess
    expect(unseen.has('seen-1')).toBe(false);
    expect(unseen.has('seen-2')).toBe(false);
    expect(unseen.size).toBe(150);
  });

  it('lists recent articles newest first, by topic too, and keeps irrelevant ones out unless asked', async () => {
    // Prepare
    const { db, tableName } = await freshTable();
    const repo = createArticleRepository(db, tableName);
    await repo.putIfNew(
      buildStoredArticle({
        key: 'old',
        publishedAt: '2026-11-20T08:00:00.000Z',
        topics: ['peace-process'],
      }),
    );
    await repo.putIfNew(
      buildStoredArticle({
        key: 'mid',
        publishedAt: '2026-11-25T08:00:00.000Z',
        topics: ['border-security'],
      }),
    );
    await repo.putIfNew(
      buildStoredArticle({
        key: 'new',
        publishedAt: '2026-11-26T08:00:00.000Z',
        topics: ['peace-process'],
      }),
    );
    await repo.putIfNew(
      buildStoredArticle({
        key: 'football',
        publishedAt: '2026-11-26T07:00:00.000Z',
        relevant: false,
        topics: [],
      }),
    );
    const since = new Date('2026-11-21T00:00:00Z');
    const until = new Date('2026-11-26T12:00:00Z');

    // Act
    const recent = await repo.recent({ since, until });
    const withIrrelevant = await repo.recent({ since, until, includeIrrelevant: true });
    const peace = await repo.recent({
      since: new Date('2026-11-01T00:00:00Z'),
      until,
      topic: 'peace-process',
    });

    // Assess
    expect(recent.map((a) => a.key)).toEqual(['new', 'mid']);
    expect(withIrrelevant.map((a) => a.key)).toEqual(['new', 'football', 'mid']);
    expect(peace.map((a) => a.key)).toEqual(['new', 'old']);
  });

  it('records every outlet of a story, first published first', async () => {
    // Prepare
    await articles.putIfNew(
      buildStoredArticle({
        key: 'lead',
        storyId: 'lead',
        outlet: 'Caucasus Ledger',
        publishedAt: '2026-11-26T08:00:00.000Z',
      }),
    );
    await articles.putIfNew(
      buildStoredArticle({
        key: 'copy',
        storyId: 'lead',
        outlet: 'Wire Service',
        publishedAt: '2026-11-26T09:00:00.000Z',
      }),
    );

    // Act
    const members = await articles.storyMembers('lead');

    // Assess
    expect(members.map((m) => m.outlet)).toEqual(['Caucasus Ledger', 'Wire Service']);
  });
});
