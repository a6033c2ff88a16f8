/**
 * One story, one alert. Outlets reprint each other ("APA-ya istinadən", "сообщает …"), so a new
 * article that is a near-copy of one stored in the last hours joins that story instead of
 * alerting again. The test is explainable on purpose: the normalised words
 * of the title and the opening of the summary, compared with Jaccard similarity, or with
 * containment when one text is a short cut of the other. Same language only.
 *
 * The words are the tagger's normalised tokens longer than two letters (so "and", "и", "və" and
 * case endings do not count). Whole words rather than word pairs: agencies rewrite a lede's
 * word order ("The deal sets out who runs…" / "The agreement sets out who will run…"), which
 * breaks most pairs but keeps most words; measured on such rewrites, word Jaccard stays above 0.7
 * while different stories on the same subject stay below 0.3.
 */
export interface StoryCandidate {
  storyId: string;
  lang?: string;
  publishedAt: string;
  shingles: Set<string>;
}

export const GROUPING = {
  /** Tokens of the summary that count: the lede, not the whole article. */
  ledeTokens: 40,
  jaccard: 0.5,
  containment: 0.8,
  /** Smallest number of words before containment is trusted (short titles match too easily). */
  minShinglesForContainment: 8,
  windowHours: 48,
} as const;

/** The words of the title and the lede. `tokenize` is the tagger's normaliser. */
export function storyShingles(
  title: string,
  summary: string,
  tokenize: (text: string) => string[],
): Set<string> {
  const tokens = [...tokenize(title), ...tokenize(summary).slice(0, GROUPING.ledeTokens)];
  return new Set(tokens.filter((token) => token.length > 2));
}

export interface StoryMatch {
  storyId: string;
  /** Why: e.g. "shares 14 of 20 words (Jaccard 0.70)". */
  explanation: string;
}

/**
 * The story an article belongs to among recent candidates, or undefined when it starts a new one.
 *
 * @example findStory({ shingles, lang: 'az', publishedAt }, recentCandidates)
 */
export function findStory(
  article: { lang?: string; publishedAt: string; shingles: Set<string> },
  candidates: readonly StoryCandidate[],
): StoryMatch | undefined {
  const windowMs = GROUPING.windowHours * 3_600_000;
  const at = Date.parse(article.publishedAt);
  let best:
    | { candidate: StoryCandidate; score: number; shared: number; measure: string }
    | undefined;
  for (const candidate of candidates) {
    if (candidate.lang !== article.lang) continue;
    if (Math.abs(Date.parse(candidate.publishedAt) - at) > windowMs) continue;
    let shared = 0;
    for (const shingle of article.shingles) if (candidate.shingles.has(shingle)) shared++;
    if (shared === 0) continue;
    const union = article.shingles.size + candidate.shingles.size - shared;
    const smaller = Math.min(article.shingles.size, candidate.shingles.size);
    const jaccard = shared / union;
    const containment = shared / smaller;
    const score =
      jaccard >= GROUPING.jaccard
        ? jaccard
        : smaller >= GROUPING.minShinglesForContainment && containment >= GROUPING.containment
          ? containment
          : 0;
    if (score > 0 && (!best || score > best.score)) {
      best = {
        candidate,
        score,
        shared,
        measure:
          jaccard >= GROUPING.jaccard
            ? `Jaccard ${jaccard.toFixed(2)}`
            : `containment ${containment.toFixed(2)}`,
      };
    }
  }
  if (!best) return undefined;
  return {
    storyId: best.candidate.storyId,
    explanation: `shares ${best.shared} of ${article.shingles.size} words (${best.measure})`,
  };
}
