import { DEFAULT_TAXONOMY } from './default-taxonomy';
import { defaultGazetteer, entryNames, type Gazetteer } from './gazetteer';
import { type PhraseHit, PhraseIndex, phraseKeys } from './phrase-index';
import {
  DEFAULT_FIELD_WEIGHTS,
  type Field,
  type FieldWeights,
  RELEVANCE,
  type Taxonomy,
  type TopicRule,
  validateTaxonomy,
} from './taxonomy';

/** What the tagger reads from an article. */
export interface ArticleText {
  id?: string;
  title: string;
  summary?: string;
  content?: string;
  /** ISO 639-1 code (`en`, `ru`, `hy`, `az`) when the feed says. */
  lang?: string;
  url?: string;
  outlet?: string;
}

/** Why an article was judged relevant or given a topic: one matched term of one fired rule. */
export interface Evidence {
  /** Topic slug, or `relevance` for the gate. */
  topic: string;
  rule: string;
  /** The rule's term: a phrase as written, or `@entity-id`. */
  term: string;
  /** The text as it appeared in the article. */
  matched: string;
  field: Field;
}

export interface TagResult {
  relevant: boolean;
  /** Slugs, strongest first. Empty when not relevant; at least one when relevant. */
  topics: string[];
  evidence: Evidence[];
}

export interface Tagger {
  tag(article: ArticleText): TagResult;
  /** Slugs of the topics it knows, in taxonomy order. */
  readonly topicSlugs: readonly string[];
}

interface FieldHit {
  field: Field;
  matched: string;
}

interface CompiledRule {
  id: string;
  allOf: number[][];
  anyOf: number[];
  noneOf: number[];
  fields: ReadonlySet<Field> | undefined;
  weight: number;
  languages: ReadonlySet<string> | undefined;
  outlets: string[] | undefined;
}

interface CompiledTopic {
  slug: string;
  order: number;
  threshold: number;
  rules: CompiledRule[];
  noneOf: number[];
  languages: ReadonlySet<string> | undefined;
  outlets: string[] | undefined;
}

interface RuleOutcome {
  score: number;
  evidence: Evidence[];
}

const ARTICLE_FIELDS: readonly Field[] = ['title', 'summary', 'content'];

/**
 * Compiles a taxonomy into a tagger: every phrase and entity spelling of every topic goes into
 * one index, so tagging costs one pass over the article's words however many topics there are.
 * Only topics with at least one term found are then scored.
 *
 * @example
 * const tagger = compileTagger(validateTaxonomy(yaml));
 * tagger.tag({ title: 'Laçın dəhlizi bağlanıb' }) // { relevant: true, topics: ['transport-corridors'], evidence: [...] }
 */
export function compileTagger(
  taxonomy: Taxonomy,
  gazetteer: Gazetteer = defaultGazetteer(),
): Tagger {
  const index = new PhraseIndex();
  const terms: string[] = [];
  const termIds = new Map<string, number>();
  const shadowing = new Set<number>();

  const termId = (item: string): number => {
    const known = termIds.get(item);
    if (known !== undefined) return known;
    const id = terms.length;
    terms.push(item);
    termIds.set(item, id);
    const spellings = item.startsWith('@') ? entryNames(gazetteer, item.slice(1)) : [item];
    for (const spelling of spellings) index.add(phraseKeys(spelling), id);
    const entry = item.startsWith('@') ? gazetteer.get(item.slice(1)) : undefined;
    if (entry && (entry.kind === 'decoy' || entry.shadows)) shadowing.add(id);
    return id;
  };

  const compileRule = (rule: TopicRule): CompiledRule => ({
    id: rule.id,
    allOf: (rule.allOf ?? []).map((group) => (Array.isArray(group) ? group : [group]).map(termId)),
    anyOf: (rule.anyOf ?? []).map(termId),
    noneOf: (rule.noneOf ?? []).map(termId),
    fields: rule.fields ? new Set(rule.fields) : undefined,
    weight: rule.weight ?? 1,
    languages: rule.languages ? new Set(rule.languages) : undefined,
    outlets: rule.outlets?.map((outlet) => outlet.toLowerCase()),
  });

  // Decoys are always looked for: they hide the conflict names inside `FK Qarabağ` & co.
  for (const [id, entry] of gazetteer) if (entry.kind === 'decoy') termId(`@${id}`);

  const gate: CompiledTopic = {
    slug: RELEVANCE,
    order: -1,
    threshold: taxonomy.relevance.threshold ?? 1,
    rules: taxonomy.relevance.rules.map(compileRule),
    noneOf: (taxonomy.relevance.noneOf ?? []).map(termId),
    languages: undefined,
    outlets: undefined,
  };
  const topics: CompiledTopic[] = taxonomy.topics.map((topic, order) => ({
    slug: topic.slug,
    order,
    threshold: topic.threshold ?? 1,
    rules: topic.rules.map(compileRule),
    noneOf: (topic.noneOf ?? []).map(termId),
    languages: topic.languages ? new Set(topic.languages) : undefined,
    outlets: topic.outlets?.map((outlet) => outlet.toLowerCase()),
  }));

  // Term → topics that use it positively: a topic none of whose terms occur is never scored.
  const topicsByTerm = new Map<number, CompiledTopic[]>();
  for (const topic of topics) {
    const positive = new Set(topic.rules.flatMap((rule) => [...rule.allOf.flat(), ...rule.anyOf]));
    for (const id of positive) {
      const list = topicsByTerm.get(id) ?? [];
      list.push(topic);
      topicsByTerm.set(id, list);
    }
  }

  const weights: FieldWeights = taxonomy.fieldWeights ?? DEFAULT_FIELD_WEIGHTS;
  const fallback = taxonomy.fallbackTopic ?? topics[0]?.slug;

  const findTerms = (article: ArticleText): Map<number, FieldHit[]> => {
    const found = new Map<number, FieldHit[]>();
    for (const field of ARTICLE_FIELDS) {
      const text = article[field];
      if (!text) continue;
      for (const hit of unshadowed(index.find(text), shadowing)) {
        const hits = found.get(hit.term) ?? [];
        // First occurrence per field is enough evidence, and keeps output small.
        if (!hits.some((h) => h.field === field)) {
          hits.push({ field, matched: text.slice(hit.start, hit.end) });
          found.set(hit.term, hits);
        }
      }
    }
    return found;
  };

  const tag = (article: ArticleText): TagResult => {
    const found = findTerms(article);
    const context = { article, found, terms, weights };
    const gateOutcome = scoreTopic(gate, context);
    if (gateOutcome.score < gate.threshold) {
      return { relevant: false, topics: [], evidence: gateOutcome.evidence };
    }
    const candidates = new Set<CompiledTopic>();
    for (const id of found.keys())
      for (const topic of topicsByTerm.get(id) ?? []) candidates.add(topic);
    const scored = [...candidates]
      .map((topic) => ({ topic, outcome: scoreTopic(topic, context) }))
      .filter(({ outcome }) => outcome.score > 0)
      .sort((a, b) => b.outcome.score - a.outcome.score || a.topic.order - b.topic.order);
    let chosen = scored.filter(({ topic, outcome }) => outcome.score >= topic.threshold);
    // A relevant article always gets a topic: the best partial one, else the fallback.
    if (chosen.length === 0) chosen = scored.slice(0, 1);
    const topicSlugs = chosen.map(({ topic }) => topic.slug);
    if (topicSlugs.length === 0 && fallback) topicSlugs.push(fallback);
    return {
      relevant: true,
      topics: topicSlugs,
      evidence: [...gateOutcome.evidence, ...chosen.flatMap(({ outcome }) => outcome.evidence)],
    };
  };

  return { tag, topicSlugs: topics.map((topic) => topic.slug) };
}

/** Drops hits that lie strictly inside a decoy's (or shadowing entry's) hit. */
function unshadowed(hits: PhraseHit[], shadowing: ReadonlySet<number>): PhraseHit[] {
  const shadows = hits.filter((hit) => shadowing.has(hit.term));
  if (shadows.length === 0) return hits;
  return hits.filter(
    (hit) =>
      !shadows.some(
        (s) =>
          s.firstWord <= hit.firstWord &&
          hit.lastWord <= s.lastWord &&
          s.lastWord - s.firstWord > hit.lastWord - hit.firstWord,
      ),
  );
}

interface ScoringContext {
  article: ArticleText;
  found: ReadonlyMap<number, FieldHit[]>;
  terms: readonly string[];
  weights: FieldWeights;
}

function passesFilters(
  filters: { languages: ReadonlySet<string> | undefined; outlets: string[] | undefined },
  article: ArticleText,
): boolean {
  // Unknown language or outlet passes: many feeds do not say, and missing an alert is worse.
  if (filters.languages && article.lang && !filters.languages.has(article.lang.toLowerCase())) {
    return false;
  }
  if (filters.outlets && article.outlet) {
    const outlet = article.outlet.toLowerCase();
    if (!filters.outlets.some((wanted) => outlet.includes(wanted))) return false;
  }
  return true;
}

function scoreTopic(topic: CompiledTopic, context: ScoringContext): RuleOutcome {
  if (!passesFilters(topic, context.article)) return { score: 0, evidence: [] };
  if (topic.noneOf.some((id) => context.found.has(id))) return { score: 0, evidence: [] };
  let score = 0;
  const evidence: Evidence[] = [];
  for (const rule of topic.rules) {
    const outcome = scoreRule(topic.slug, rule, context);
    if (!outcome) continue;
    score += outcome.score;
    evidence.push(...outcome.evidence);
  }
  return { score, evidence };
}

function scoreRule(
  topic: string,
  rule: CompiledRule,
  context: ScoringContext,
): RuleOutcome | undefined {
  if (!passesFilters(rule, context.article)) return undefined;
  for (const id of rule.noneOf)
    if (bestHit(id, rule, context, undefined) !== undefined) return undefined;
  let strength = Number.POSITIVE_INFINITY;
  const evidence: Evidence[] = [];
  const groups = rule.anyOf.length > 0 ? rule.allOf.length + 1 : rule.allOf.length;
  for (let g = 0; g < groups; g++) {
    const group = g < rule.allOf.length ? (rule.allOf[g] ?? []) : rule.anyOf;
    // The strongest occurrence among the group's alternative terms.
    let winner: { id: number; hit: FieldHit } | undefined;
    let weight = 0;
    for (const id of group) {
      const hit = bestHit(id, rule, context, winner ? weight : undefined);
      if (hit === undefined) continue;
      winner = { id, hit };
      weight = context.weights[hit.field];
    }
    if (!winner) return undefined;
    strength = Math.min(strength, weight);
    evidence.push({
      topic,
      rule: rule.id,
      term: context.terms[winner.id] ?? '',
      matched: winner.hit.matched,
      field: winner.hit.field,
    });
  }
  return { score: rule.weight * strength, evidence };
}

/** A term's occurrence in the rule's fields weighing more than `above`, the heaviest one. */
function bestHit(
  id: number,
  rule: CompiledRule,
  context: ScoringContext,
  above: number | undefined,
): FieldHit | undefined {
  const hits = context.found.get(id);
  if (!hits) return undefined;
  let best: FieldHit | undefined;
  let bestWeight = above ?? Number.NEGATIVE_INFINITY;
  for (const hit of hits) {
    if (rule.fields && !rule.fields.has(hit.field)) continue;
    const weight = context.weights[hit.field];
    if (weight > bestWeight) {
      best = hit;
      bestWeight = weight;
    }
  }
  return best;
}

let shared: Tagger | undefined;

/**
 * The tagger for the taxonomy shipped with the project, compiled on first use and memoised.
 *
 * @example defaultTagger().tag({ title: 'Пашинян и Алиев обсудили мирный договор' }).topics // ['peace-process']
 */
export function defaultTagger(): Tagger {
  shared ??= compileTagger(validateTaxonomy(DEFAULT_TAXONOMY));
  return shared;
}
