import { beforeAll, describe, expect, it } from 'vitest';
import { createArticleRepository } from '../../lambdas/adapters/dynamodb/article.repository';
import { createTopicRepository } from '../../lambdas/adapters/dynamodb/topic.repository';
import type { ArticleRepository, TopicRepository } from '../../lambdas/use-cases/ports';
import { seedDefaultTaxonomy } from '../../lambdas/use-cases/taxonomy.use-case';
import {
  type PreviewProgress,
  previewTopicDraft,
} from '../../lambdas/use-cases/topic-preview.use-case';
import {
  parseTopicDrafts,
  setTopicEnabled,
  type TopicDraft,
} from '../../lambdas/use-cases/topics-admin.use-case';
import { buildStoredArticle } from '../helpers/factories';
import { editedCorridors } from '../helpers/sample-store';
import { freshTable } from '../helpers/table';

const now = new Date('2026-11-26T12:00:00.000Z');
const clock = () => now;
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

const corridors: TopicDraft = {
  kind: 'topic',
  slug: 'transport-corridors',
  definition: editedCorridors(),
};

describe('topic preview (backtest)', () => {
  let topics: TopicRepository;
  let articles: ArticleRepository;

  beforeAll(async () => {
    const { db, tableName } = await freshTable();
    topics = createTopicRepository(db, tableName);
    articles = createArticleRepository(db, tableName);
    await seedDefaultTaxonomy(topics, clock);
    const stored = [
      buildStoredArticle({
        key: 'margara',
        title: 'Armenian and Turkish envoys discuss opening Margara crossing to travellers',
        summary: 'The border crossing between Armenia and Türkiye could open next year.',
        publishedAt: daysAgo(2),
        relevant: true,
      }),
      buildStoredArticle({
        key: 'lachin',
        title: 'Thirty more families resettled in Lachin, Baku says',
        summary: 'Azerbaijan continues resettlement in Karabakh.',
        publishedAt: daysAgo(3),
        relevant: true,
      }),
      buildStoredArticle({
        key: 'tripp',
        title: 'US and Armenia sign operating terms for TRIPP route across Syunik',
        summary: 'The route links Azerbaijan with Nakhchivan.',
        publishedAt: daysAgo(4),
        relevant: true,
      }),
      buildStoredArticle({
        key: 'aktau',
        title: 'Azerbaijan and Russia still at odds over compensation for Aktau crash',
        summary: 'AZAL and Moscow keep talking.',
        publishedAt: daysAgo(5),
        relevant: false,
        topics: [],
      }),
      buildStoredArticle({
        key: 'old-margara',
        title: 'Margara crossing opens for diplomats, Armenia and Azerbaijan watch',
        summary: 'An old story.',
        publishedAt: daysAgo(45),
        relevant: true,
      }),
    ];
    for (const article of stored) await articles.putIfNew(article);
  });

  it('lists newly, no longer and still matched articles of the last 30 days with the words that matched', async () => {
    // Act
    const preview = await previewTopicDraft({ topics, articles, clock }, corridors);

    // Assess
    expect(preview).toMatchObject({ slug: 'transport-corridors', savedVersion: 1, days: 30 });
    expect(preview.articlesScanned).toBe(4);
    expect(preview.newlyMatched.map((article) => article.key)).toEqual(['margara']);
    expect(preview.newlyMatched[0]?.evidence).toContainEqual({
      rule: 'border-crossings',
      term: 'Margara',
      matched: 'Margara',
      field: 'title',
    });
    expect(preview.noLongerMatched.map((article) => article.key)).toEqual(['lachin']);
    expect(preview.noLongerMatched[0]?.evidence).toContainEqual(
      expect.objectContaining({ rule: 'lachin', field: 'title' }),
    );
    expect(preview.stillMatched.map((article) => article.key)).toEqual(['tripp']);
    expect(preview.counts).toMatchObject({ newlyMatched: 1, noLongerMatched: 1, stillMatched: 1 });
  });

  it('shows everything a new topic would match as newly matched', async () => {
    // Prepare
    const [draft] = parseTopicDrafts(
      'slug: margara\nname: Margara\ndescription: The Margara crossing.\nrules:\n  - id: name\n    anyOf: [Margara]\n    weight: 2\n',
      'margara.yaml',
    );
    if (!draft) throw new Error('no draft');

    // Act
    const preview = await previewTopicDraft({ topics, articles, clock }, draft, { days: 60 });

    // Assess
    expect(preview.savedVersion).toBeUndefined();
    expect(preview.newlyMatched.map((article) => article.key)).toEqual(['margara', 'old-margara']);
    expect(preview.counts.before).toBe(0);
  });

  it('judges a draft relevance gate on the irrelevant articles kept for it', async () => {
    // Prepare
    const [gate] = parseTopicDrafts(
      JSON.stringify({
        slug: 'relevance',
        rules: [
          { id: 'aktau', anyOf: ['Aktau'], weight: 2 },
          { id: 'both-sides', allOf: ['@armenia-side', '@azerbaijan-side'], weight: 2 },
        ],
      }),
      'gate.json',
    );
    if (!gate) throw new Error('no draft');

    // Act
    const preview = await previewTopicDraft({ topics, articles, clock }, gate);

    // Assess
    expect(preview.kind).toBe('relevance');
    expect(preview.newlyMatched.map((article) => article.key)).toEqual(['aktau']);
    expect(preview.newlyMatched[0]?.evidence).toContainEqual(
      expect.objectContaining({ rule: 'aktau', matched: 'Aktau', field: 'title' }),
    );
    expect(preview.newlyMatched[0]?.topicsBefore).toEqual([]);
  });

  it('reports progress while it loads and scores', async () => {
    // Prepare
    const progress: PreviewProgress[] = [];

    // Act
    await previewTopicDraft({ topics, articles, clock }, corridors, {
      days: 7,
      progressEvery: 2,
      onProgress: (step) => progress.push(step),
    });

    // Assess
    const loading = progress.filter((step) => step.phase === 'loading');
    expect(loading.at(-1)).toMatchObject({ daysDone: 8, days: 8, articles: 4 });
    expect(progress.filter((step) => step.phase === 'scoring')).toEqual([
      { phase: 'scoring', scored: 2, total: 4 },
      { phase: 'scoring', scored: 4, total: 4 },
    ]);
  });

  it('stops at its article limit, newest first, and says so', async () => {
    // Act
    const preview = await previewTopicDraft({ topics, articles, clock }, corridors, {
      maxArticles: 2,
    });

    // Assess
    expect(preview.truncated).toBe(true);
    expect(preview.articlesScanned).toBe(2);
    expect(preview.newlyMatched.map((article) => article.key)).toEqual(['margara']);
  });

  it('compares with a disabled saved topic as if it were on, so the diff shows the rule change', async () => {
    // Prepare
    const { db, tableName } = await freshTable();
    const own = createTopicRepository(db, tableName);
    await setTopicEnabled({ topics: own, clock }, 'transport-corridors', false, {
      by: 'anna',
      reason: 'test',
    });

    // Act
    const preview = await previewTopicDraft({ topics: own, articles, clock }, corridors);

    // Assess
    expect(preview).toMatchObject({ savedVersion: 2, savedEnabled: false });
    expect(preview.stillMatched.map((article) => article.key)).toEqual(['tripp']);
  });

  it('refuses a backtest longer than 400 days', async () => {
    // Act
    const attempt = previewTopicDraft({ topics, articles, clock }, corridors, { days: 401 });

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
