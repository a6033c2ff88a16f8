import type { ArticleText, Tagger, TagResult } from './tagger';

/** One labelled item of an evaluation set (`../shared/eval/*.jsonl`). */
export interface LabelledArticle extends ArticleText {
  id: string;
  relevant: boolean;
  topics: string[];
}

export interface PrecisionRecall {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Miss {
  id: string;
  lang: string | undefined;
  title: string;
  /** `relevance` when the relevant/not-relevant call was wrong; else a topic slug. */
  kind: 'relevance' | 'topic';
  expected: string;
  got: string;
  result: TagResult;
}

export interface EvaluationReport {
  items: number;
  relevance: PrecisionRecall;
  relevanceByLanguage: Record<string, PrecisionRecall>;
  topicMicro: PrecisionRecall;
  topicMacroF1: number;
  topics: Record<string, PrecisionRecall>;
  misses: Miss[];
}

function counts(tp: number, fp: number, fn: number): PrecisionRecall {
  // An empty class is perfect rather than undefined, so macro averages stay meaningful.
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
}

class Tally {
  tp = 0;
  fp = 0;
  fn = 0;
  add(expected: boolean, got: boolean): void {
    if (expected && got) this.tp++;
    else if (got) this.fp++;
    else if (expected) this.fn++;
  }
  result(): PrecisionRecall {
    return counts(this.tp, this.fp, this.fn);
  }
}

/**
 * Scores a tagger on labelled articles: relevance P/R/F1 overall and per language, topic
 * micro/macro F1 and per-topic F1 (topics scored on the items labelled relevant), and every miss.
 *
 * @example evaluateTagger(defaultTagger(), items).relevance.f1 // 0.97
 */
export function evaluateTagger(
  tagger: Tagger,
  items: readonly LabelledArticle[],
): EvaluationReport {
  const relevance = new Tally();
  const byLanguage = new Map<string, Tally>();
  const perTopic = new Map<string, Tally>(tagger.topicSlugs.map((slug) => [slug, new Tally()]));
  const micro = new Tally();
  const misses: Miss[] = [];
  for (const item of items) {
    const result = tagger.tag(item);
    relevance.add(item.relevant, result.relevant);
    const lang = item.lang ?? 'unknown';
    const tally = byLanguage.get(lang) ?? new Tally();
    tally.add(item.relevant, result.relevant);
    byLanguage.set(lang, tally);
    const base = { id: item.id, lang: item.lang, title: item.title, result };
    if (item.relevant !== result.relevant) {
      misses.push({
        ...base,
        kind: 'relevance',
        expected: String(item.relevant),
        got: String(result.relevant),
      });
    }
    if (!item.relevant) continue;
    const expected = new Set(item.topics);
    const got = new Set(result.topics);
    for (const slug of new Set([...expected, ...got, ...perTopic.keys()])) {
      const topicTally = perTopic.get(slug) ?? new Tally();
      perTopic.set(slug, topicTally);
      topicTally.add(expected.has(slug), got.has(slug));
      micro.add(expected.has(slug), got.has(slug));
      if (expected.has(slug) !== got.has(slug)) {
        misses.push({
          ...base,
          kind: 'topic',
          expected: expected.has(slug) ? slug : '-',
          got: got.has(slug) ? slug : '-',
        });
      }
    }
  }
  const topics = Object.fromEntries([...perTopic].map(([slug, t]) => [slug, t.result()]));
  const f1s = Object.values(topics).map((t) => t.f1);
  return {
    items: items.length,
    relevance: relevance.result(),
    relevanceByLanguage: Object.fromEntries(
      [...byLanguage].sort().map(([l, t]) => [l, t.result()]),
    ),
    topicMicro: micro.result(),
    topicMacroF1: f1s.length === 0 ? 0 : f1s.reduce((a, b) => a + b, 0) / f1s.length,
    topics,
    misses,
  };
}
