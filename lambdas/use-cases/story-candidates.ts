import type { StoredArticle } from '../domain/alerts/article';
import { GROUPING, type StoryCandidate, storyShingles } from '../domain/alerts/story-grouping';
import type { ArticleRepository, Clock } from './ports';

/** The furthest back a copy is looked for, whatever the items' dates say. */
const MAX_LOOKBACK_MS = 7 * 86_400_000;

/**
 * Stored relevant articles a new article could be a copy of: published within the grouping
 * window of the oldest of `publishedAt` (a feed can deliver yesterday's reprint today), never
 * more than a week back.
 *
 * @example const candidates = await storyCandidates(articles, tokenize, [item.publishedAt], clock);
 */
export async function storyCandidates(
  articles: Pick<ArticleRepository, 'recent'>,
  tokenize: (text: string) => string[],
  publishedAt: readonly string[],
  clock: Clock,
): Promise<Array<StoryCandidate & { article: StoredArticle }>> {
  const now = clock().getTime();
  const dates = publishedAt.map((date) => Date.parse(date)).filter(Number.isFinite);
  const oldest = dates.length > 0 ? Math.min(...dates) : now;
  const since = new Date(
    Math.max(now - MAX_LOOKBACK_MS, oldest - GROUPING.windowHours * 3_600_000),
  );
  const recent = await articles.recent({ since, limit: 2000 });
  return recent.map((article) => ({
    storyId: article.storyId,
    lang: article.lang,
    publishedAt: article.publishedAt,
    shingles: storyShingles(article.title, article.summary, tokenize),
    article,
  }));
}
