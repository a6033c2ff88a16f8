import type { StoredArticle } from '../domain/alerts/article';
import { findStory, storyShingles } from '../domain/alerts/story-grouping';
import { wantsLanguage } from '../domain/subscribers/subscriber';
import type {
  ArticleRepository,
  Clock,
  DigestRepository,
  EmailJob,
  JobQueue,
  MatchJob,
  SubscriberRepository,
} from './ports';
import { storyCandidates } from './story-candidates';

export interface MatchArticleDeps {
  articles: ArticleRepository;
  subscribers: Pick<SubscriberRepository, 'fanOut'>;
  digests: DigestRepository;
  emailQueue: JobQueue<EmailJob>;
  clock: Clock;
  /**
   * Instant alerts wait this long before sending, so copies of the story arriving from other
   * outlets in the meantime show as "also reported by" instead of a second alert.
   */
  alertDelaySeconds?: number;
  /**
   * The tagger's normaliser. With it, a story lead is checked once more for an earlier copy
   * before fan-out: copies polled at the same moment from two feeds can both look new at ingest.
   */
  tokenize?: (text: string) => string[];
}

export interface MatchSummary {
  articleKey: string;
  recipients: number;
  instant: number;
  digest: number;
  /** Set when the article turned out to be a copy of an earlier story, which it joined. */
  joinedStory?: string;
}

/**
 * Finds who gets an article: for each of its topics, the topic's fan-out entries (a Query, never a
 * Scan), one recipient per subscriber however many of their topics match, their language filter
 * respected. Instant subscribers get a send job; digest subscribers a digest entry. Jobs go out page
 * by page, so memory holds the set of recipients' ids, not their jobs.
 *
 * @example await matchArticle(deps, { articleKey })
 */
export async function matchArticle(deps: MatchArticleDeps, job: MatchJob): Promise<MatchSummary> {
  const summary: MatchSummary = {
    articleKey: job.articleKey,
    recipients: 0,
    instant: 0,
    digest: 0,
  };
  const article = await deps.articles.get(job.articleKey);
  if (!article?.relevant) return summary;
  if (deps.tokenize && article.storyId === article.key) {
    const storyId = await earlierStory(deps, deps.tokenize, article);
    if (storyId) {
      await deps.articles.joinStory(article, storyId);
      await deps.articles.markMatched(article.key);
      return { ...summary, joinedStory: storyId };
    }
  }
  const now = deps.clock();
  const seen = new Set<string>();
  for (const topic of article.topics) {
    for await (const page of deps.subscribers.fanOut(topic)) {
      const alerts: EmailJob[] = [];
      const entries = [];
      for (const entry of page) {
        if (seen.has(entry.subscriberId) || !wantsLanguage(entry.languages, article.lang)) continue;
        seen.add(entry.subscriberId);
        if (entry.cadence === 'instant') {
          alerts.push({ kind: 'alert', subscriberId: entry.subscriberId, articleKey: article.key });
        } else {
          entries.push({
            subscriberId: entry.subscriberId,
            entry: { articleKey: article.key, addedAt: now.toISOString(), topics: article.topics },
          });
        }
      }
      await Promise.all([
        alerts.length > 0
          ? deps.emailQueue.send(alerts, { delaySeconds: deps.alertDelaySeconds })
          : undefined,
        entries.length > 0 ? deps.digests.addMany(entries, now) : undefined,
      ]);
      summary.instant += alerts.length;
      summary.digest += entries.length;
    }
  }
  summary.recipients = seen.size;
  // Every job is queued: a later poll need not hand this article on again.
  if (article.pendingMatch) await deps.articles.markMatched(article.key);
  return summary;
}

/**
 * The story of an earlier-stored copy of this article, if any. "Earlier" is by (storedAt, key),
 * a total order: of two copies matched at the same time exactly one stays the lead.
 */
async function earlierStory(
  deps: MatchArticleDeps,
  tokenize: (text: string) => string[],
  article: StoredArticle,
): Promise<string | undefined> {
  const isEarlier = (other: StoredArticle) =>
    other.storedAt < article.storedAt ||
    (other.storedAt === article.storedAt && other.key < article.key);
  const candidates = (
    await storyCandidates(deps.articles, tokenize, [article.publishedAt], deps.clock)
  ).filter((candidate) => candidate.article.key !== article.key && isEarlier(candidate.article));
  const shingles = storyShingles(article.title, article.summary, tokenize);
  return findStory({ lang: article.lang, publishedAt: article.publishedAt, shingles }, candidates)
    ?.storyId;
}
