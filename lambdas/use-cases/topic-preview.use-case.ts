import type { StoredArticle } from '../domain/alerts/article';
import {
  compileTagger,
  type Evidence,
  type Tagger,
  type TagResult,
  type TopicDefinition,
  validateTaxonomy,
} from '../domain/tagging';
import type { ArticleRepository, Clock, TopicRepository } from './ports';
import { taxonomyFrom } from './taxonomy.use-case';
import { TopicAdminError, type TopicDraft, taxonomyWith } from './topics-admin.use-case';

/**
 * Preview / backtest: runs a draft topic (or a draft relevance gate) over the stored articles of
 * the last N days and compares it, article by article, with the saved version. Two taggers are
 * compiled: the taxonomy as saved, and the same taxonomy with the draft swapped in; both see the
 * same articles, so every difference is the draft's doing. Irrelevant articles are included
 * (they are kept 30 days for this), because a gate change, or a topic that only a changed gate
 * lets through, can only be judged on them.
 */

export interface PreviewDeps {
  topics: Pick<TopicRepository, 'list'>;
  articles: Pick<ArticleRepository, 'recent'>;
  clock: Clock;
}

export type PreviewProgress =
  | { phase: 'loading'; daysDone: number; days: number; articles: number }
  | { phase: 'scoring'; scored: number; total: number };

export interface PreviewOptions {
  /** How far back to look. Default 30 (irrelevant articles are kept 30 days). */
  days?: number;
  /** Stop after this many articles, newest first. Default 20,000. */
  maxArticles?: number;
  /** Most articles listed per section (the counts are always complete). Default 500. */
  maxListed?: number;
  /** Called after each day loaded and every `progressEvery` articles scored. */
  onProgress?: (progress: PreviewProgress) => void;
  progressEvery?: number;
}

/** Why an article matches: one matched term of one rule. */
export type PreviewEvidence = Omit<Evidence, 'topic'>;

export interface PreviewArticle {
  key: string;
  title: string;
  link: string;
  outlet: string;
  lang?: string;
  publishedAt: string;
  /** For newly and still matched: the draft's evidence; for no longer matched: the saved one's. */
  evidence: PreviewEvidence[];
  /** Every topic the article gets with the saved taxonomy and with the draft. */
  topicsBefore: string[];
  topicsAfter: string[];
}

export interface TopicPreview {
  slug: string;
  kind: TopicDraft['kind'];
  /** The version the draft is compared with; absent for a new topic. */
  savedVersion?: number;
  /** False when the saved version is disabled (it is compared as if it were on). */
  savedEnabled?: boolean;
  days: number;
  since: string;
  until: string;
  articlesScanned: number;
  /** True when `maxArticles` stopped the scan before `since`. */
  truncated: boolean;
  counts: {
    /** Matched (gate: judged relevant) with the saved version / with the draft. */
    before: number;
    after: number;
    newlyMatched: number;
    noLongerMatched: number;
    stillMatched: number;
    /** Articles whose other topics change too (a relevant article always gets one topic). */
    otherTopicsChanged: number;
  };
  newlyMatched: PreviewArticle[];
  noLongerMatched: PreviewArticle[];
  stillMatched: PreviewArticle[];
}

const DAY_MS = 86_400_000;
const DEFAULTS = { days: 30, maxArticles: 20_000, maxListed: 500, progressEvery: 500 } as const;

/**
 * Backtests a draft over the last `days` days of stored articles.
 *
 * @example
 * const [draft] = parseTopicDrafts(text, 'corridors.yaml');
 * const preview = await previewTopicDraft(deps, draft, { days: 30, onProgress: console.error });
 * preview.newlyMatched.map((a) => a.title)
 */
export async function previewTopicDraft(
  deps: PreviewDeps,
  draft: TopicDraft,
  options: PreviewOptions = {},
): Promise<TopicPreview> {
  const days = options.days ?? DEFAULTS.days;
  if (!Number.isInteger(days) || days < 1 || days > 400) {
    throw new TopicAdminError('INVALID_INPUT', 'days must be a whole number from 1 to 400');
  }
  const until = deps.clock();
  const since = new Date(until.getTime() - days * DAY_MS);

  const stored = await deps.topics.list();
  const saved = stored.find((topic) => topic.slug === draft.slug);
  let baseline = taxonomyFrom(stored);
  // A disabled topic is compared as saved, so the diff shows the rule change, not the switch.
  if (saved && !saved.enabled && draft.kind === 'topic') {
    baseline = taxonomyWith(baseline, {
      kind: 'topic',
      slug: draft.slug,
      definition: saved.definition as TopicDefinition,
    });
  }
  const isKnown =
    draft.kind === 'relevance' || baseline.topics.some((topic) => topic.slug === draft.slug);
  const before = compileTagger(validateTaxonomy(baseline));
  const after = compileTagger(validateTaxonomy(taxonomyWith(baseline, draft)));

  const { articles, truncated } = await loadArticles(deps.articles, since, until, options);
  const preview: TopicPreview = {
    slug: draft.slug,
    kind: draft.kind,
    ...(isKnown ? { savedVersion: saved?.version ?? 0 } : {}),
    ...(saved ? { savedEnabled: saved.enabled } : {}),
    days,
    since: since.toISOString(),
    until: until.toISOString(),
    articlesScanned: articles.length,
    truncated,
    counts: {
      before: 0,
      after: 0,
      newlyMatched: 0,
      noLongerMatched: 0,
      stillMatched: 0,
      otherTopicsChanged: 0,
    },
    newlyMatched: [],
    noLongerMatched: [],
    stillMatched: [],
  };
  scoreAll(preview, articles, { before, after }, draft, options);
  return preview;
}

function scoreAll(
  preview: TopicPreview,
  articles: StoredArticle[],
  taggers: { before: Tagger; after: Tagger },
  draft: TopicDraft,
  options: PreviewOptions,
): void {
  const maxListed = options.maxListed ?? DEFAULTS.maxListed;
  const every = options.progressEvery ?? DEFAULTS.progressEvery;
  const matches = (result: TagResult) =>
    draft.kind === 'relevance' ? result.relevant : result.topics.includes(draft.slug);
  const evidenceOf = (result: TagResult): PreviewEvidence[] =>
    result.evidence
      .filter((item) => item.topic === draft.slug)
      .map(({ topic: _topic, ...rest }) => rest);
  const list = (section: PreviewArticle[], article: PreviewArticle) => {
    if (section.length < maxListed) section.push(article);
  };

  for (const [index, article] of articles.entries()) {
    const text = {
      title: article.title,
      summary: article.summary,
      content: article.content,
      lang: article.lang,
      url: article.url,
      outlet: article.outlet,
    };
    const before = taggers.before.tag(text);
    const after = taggers.after.tag(text);
    const was = matches(before);
    const is = matches(after);
    if (was) preview.counts.before += 1;
    if (is) preview.counts.after += 1;
    const others = (topics: string[]) =>
      topics
        .filter((topic) => topic !== draft.slug)
        .sort()
        .join(',');
    if (others(before.topics) !== others(after.topics)) preview.counts.otherTopicsChanged += 1;
    if (was || is) {
      const entry: PreviewArticle = {
        key: article.key,
        title: article.title,
        link: article.link,
        outlet: article.outlet,
        ...(article.lang ? { lang: article.lang } : {}),
        publishedAt: article.publishedAt,
        evidence: evidenceOf(is ? after : before),
        topicsBefore: before.topics,
        topicsAfter: after.topics,
      };
      if (is && !was) {
        preview.counts.newlyMatched += 1;
        list(preview.newlyMatched, entry);
      } else if (was && !is) {
        preview.counts.noLongerMatched += 1;
        list(preview.noLongerMatched, entry);
      } else {
        preview.counts.stillMatched += 1;
        list(preview.stillMatched, entry);
      }
    }
    const scored = index + 1;
    if (scored % every === 0 || scored === articles.length) {
      options.onProgress?.({ phase: 'scoring', scored, total: articles.length });
    }
  }
  if (articles.length === 0) options.onProgress?.({ phase: 'scoring', scored: 0, total: 0 });
}

/** Newest first, one day bucket at a time, so a long backtest can report as it loads. */
async function loadArticles(
  repository: Pick<ArticleRepository, 'recent'>,
  since: Date,
  until: Date,
  options: PreviewOptions,
): Promise<{ articles: StoredArticle[]; truncated: boolean }> {
  const maxArticles = options.maxArticles ?? DEFAULTS.maxArticles;
  const articles: StoredArticle[] = [];
  const first = startOfDay(until.getTime());
  const last = startOfDay(since.getTime());
  const buckets = Math.round((first - last) / DAY_MS) + 1;
  let done = 0;
  for (let day = first; day >= last; day -= DAY_MS) {
    const from = Math.max(day, since.getTime());
    const to = Math.min(day + DAY_MS - 1, until.getTime());
    const batch = await repository.recent({
      since: new Date(from),
      until: new Date(to),
      includeIrrelevant: true,
      limit: maxArticles - articles.length,
    });
    articles.push(...batch);
    done += 1;
    options.onProgress?.({
      phase: 'loading',
      daysDone: done,
      days: buckets,
      articles: articles.length,
    });
    // A full batch may have left older articles unread: say the scan stopped early.
    if (articles.length >= maxArticles) return { articles, truncated: true };
  }
  return { articles, truncated: false };
}

function startOfDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}
