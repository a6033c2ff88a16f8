import type { StoredArticle } from '../domain/alerts/article';
import { findStory, type StoryCandidate, storyShingles } from '../domain/alerts/story-grouping';
import type { Feed } from '../domain/feeds/feed-state';
import type { FeedItem } from '../domain/feeds/model';
import type { NewItemsHandler } from './poll-feed.use-case';
import type { ArticleRepository, ArticleTagger, Clock, JobQueue, MatchJob } from './ports';
import { storyCandidates } from './story-candidates';

export interface IngestDeps {
  articles: ArticleRepository;
  tagger: ArticleTagger | (() => Promise<ArticleTagger>);
  /** The tagger's normaliser, reused so story grouping sees words the way matching does. */
  tokenize: (text: string) => string[];
  matchQueue: JobQueue<MatchJob>;
  clock: Clock;
  onItemError?: (item: FeedItem, error: unknown) => void;
}

export interface IngestCounters {
  stored: number;
  relevant: number;
  grouped: number;
}

/**
 * What a poll does with new items: tag each, attach it to a recent story when it is a near-copy,
 * store it once, and queue the relevant story leads for matching. One bad item never stops the
 * others: it is counted as failed and comes back on the next poll.
 *
 * @example pollFeed({ …, onNewItems: createIngestHandler(deps) }, feed)
 */
export function createIngestHandler(deps: IngestDeps, counters?: IngestCounters): NewItemsHandler {
  return async (items: FeedItem[], feed: Feed) => {
    const tagger = typeof deps.tagger === 'function' ? await deps.tagger() : deps.tagger;
    let candidates: StoryCandidate[] | undefined;
    const recentStories = async () => {
      candidates ??= await storyCandidates(
        deps.articles,
        deps.tokenize,
        items.map((item) => item.publishedAt),
        deps.clock,
      );
      return candidates;
    };

    let failed = 0;
    const leads: MatchJob[] = [];
    for (const item of items) {
      try {
        const tags = tagger.tag({
          title: item.title,
          summary: item.summary,
          content: item.content,
          lang: item.lang,
          url: item.url,
          outlet: feed.outlet,
        });
        const shingles = storyShingles(item.title, item.summary, deps.tokenize);
        const story = tags.relevant
          ? findStory(
              { lang: item.lang, publishedAt: item.publishedAt, shingles },
              await recentStories(),
            )
          : undefined;
        const article: StoredArticle = {
          ...item,
          feedId: feed.id,
          outlet: feed.outlet,
          relevant: tags.relevant,
          topics: tags.topics,
          evidence: tags.evidence,
          storyId: story?.storyId ?? item.key,
          storedAt: deps.clock().toISOString(),
          ...(tags.relevant && !story ? { pendingMatch: true } : {}),
        };
        const stored = await deps.articles.putIfNew(article);
        if (!stored) {
          // Stored by an earlier poll whose match job never got queued: queue it now.
          if ((await deps.articles.get(item.key))?.pendingMatch)
            leads.push({ articleKey: item.key });
          continue;
        }
        if (counters) counters.stored += 1;
        if (!article.relevant) continue;
        if (counters) counters.relevant += 1;
        if (story) {
          if (counters) counters.grouped += 1;
          continue;
        }
        candidates?.push({
          storyId: article.storyId,
          lang: article.lang,
          publishedAt: article.publishedAt,
          shingles,
        });
        leads.push({ articleKey: article.key });
      } catch (error) {
        failed += 1;
        deps.onItemError?.(item, error);
      }
    }
    if (leads.length > 0) await deps.matchQueue.send(leads);
    return { failed };
  };
}
