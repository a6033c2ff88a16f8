import {
  compileTagger,
  DEFAULT_TAXONOMY,
  RELEVANCE,
  type RelevanceGate,
  type Tagger,
  type Taxonomy,
  type TopicDefinition,
  validateTaxonomy,
} from '../domain/tagging';
import type { Clock, StoredTopic, TopicRepository } from './ports';

const DEFAULT_AUTHOR = 'default taxonomy';

/**
 * The taxonomy in force: the stored gate and enabled topics, or the shipped default while the
 * store holds none. Field weights come with the project.
 *
 * @example const taxonomy = await currentTaxonomy(topics);
 */
export async function currentTaxonomy(topics: Pick<TopicRepository, 'list'>): Promise<Taxonomy> {
  return taxonomyFrom(await topics.list());
}

export function taxonomyFrom(stored: readonly StoredTopic[]): Taxonomy {
  const gate = stored.find((topic) => topic.slug === RELEVANCE);
  if (!gate) return DEFAULT_TAXONOMY;
  const enabled = stored.filter((topic) => topic.slug !== RELEVANCE && topic.enabled);
  return {
    ...DEFAULT_TAXONOMY,
    version: stored.map((topic) => `${topic.slug}@${topic.version}`).join(','),
    fallbackTopic: enabled.some((topic) => topic.slug === DEFAULT_TAXONOMY.fallbackTopic)
      ? DEFAULT_TAXONOMY.fallbackTopic
      : undefined,
    relevance: gate.definition as RelevanceGate,
    topics: enabled.map((topic) => topic.definition as TopicDefinition),
  };
}

/**
 * Writes the shipped gate and topics to an empty store, so editors start from them and every
 * later change has a history. Does nothing when the store already has a gate.
 *
 * @example await seedDefaultTaxonomy(topics, clock)
 */
export async function seedDefaultTaxonomy(topics: TopicRepository, clock: Clock): Promise<boolean> {
  if (await topics.get(RELEVANCE)) return false;
  const now = clock();
  for (const topic of DEFAULT_TAXONOMY.topics) {
    if (!(await topics.get(topic.slug)))
      await topics.save(
        { slug: topic.slug, definition: topic, enabled: true },
        { by: DEFAULT_AUTHOR },
        now,
      );
  }
  await topics.save(
    { slug: RELEVANCE, definition: DEFAULT_TAXONOMY.relevance, enabled: true },
    { by: DEFAULT_AUTHOR },
    now,
  );
  return true;
}

/**
 * A tagger that follows the stored taxonomy: it re-reads the topics at most every `ttlMs` and
 * recompiles only when a version changed, so an editor's save reaches the next poll cycle without
 * a redeploy. A stored taxonomy that no longer validates keeps the last good tagger in use.
 *
 * @example const tagger = createTaggerProvider(topics, { ttlMs: 60_000 }); (await tagger()).tag(article)
 */
export function createTaggerProvider(
  topics: Pick<TopicRepository, 'list'>,
  options: { ttlMs?: number; clock?: Clock; onInvalid?: (error: unknown) => void } = {},
): () => Promise<Tagger> {
  const ttlMs = options.ttlMs ?? 60_000;
  const clock = options.clock ?? (() => new Date());
  let cached: { tagger: Tagger; signature: string; loadedAt: number } | undefined;
  return async () => {
    const now = clock().getTime();
    if (cached && now - cached.loadedAt < ttlMs) return cached.tagger;
    const stored = await topics.list();
    const signature = stored
      .map((topic) => `${topic.slug}@${topic.version}:${topic.enabled}`)
      .sort()
      .join(',');
    if (cached && cached.signature === signature) {
      cached.loadedAt = now;
      return cached.tagger;
    }
    try {
      const tagger = compileTagger(validateTaxonomy(taxonomyFrom(stored)));
      cached = { tagger, signature, loadedAt: now };
    } catch (error) {
      if (!cached) throw error;
      options.onInvalid?.(error);
      cached.loadedAt = now;
    }
    return cached.tagger;
  };
}

/** A topic as subscribers choose it. */
export interface TopicChoice {
  slug: string;
  name: string;
  description: string;
}

/**
 * The topics subscribers can choose and their display names, from the taxonomy in force, re-read
 * at most every `ttlMs`.
 *
 * @example const catalogue = createTopicCatalogue(topics); (await catalogue.names()).get('peace-process')
 */
export function createTopicCatalogue(
  topics: Pick<TopicRepository, 'list'>,
  options: { ttlMs?: number; clock?: Clock } = {},
): { choices(): Promise<TopicChoice[]>; names(): Promise<ReadonlyMap<string, string>> } {
  const ttlMs = options.ttlMs ?? 60_000;
  const clock = options.clock ?? (() => new Date());
  let cached: { choices: TopicChoice[]; names: Map<string, string>; loadedAt: number } | undefined;
  const load = async () => {
    const now = clock().getTime();
    if (!cached || now - cached.loadedAt >= ttlMs) {
      const taxonomy = await currentTaxonomy(topics);
      const choices = taxonomy.topics.map(({ slug, name, description }) => ({
        slug,
        name,
        description,
      }));
      cached = {
        choices,
        names: new Map(choices.map((choice) => [choice.slug, choice.name])),
        loadedAt: now,
      };
    }
    return cached;
  };
  return { choices: async () => (await load()).choices, names: async () => (await load()).names };
}
