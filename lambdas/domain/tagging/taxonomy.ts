import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type TopicIssue, TopicValidationError } from './errors';
import { defaultGazetteer, entryNames, type Gazetteer } from './gazetteer';
import {
  containsPhrase,
  MIN_PREFIX_LENGTH,
  phraseKeys,
  prefixOf,
  type WordKey,
} from './phrase-index';

/**
 * The topic rule model editors edit (JSON or YAML).
 *
 * A *term* is a phrase (`Lachin corridor`, `делимитац*`) or a gazetteer entry (`@lachin-corridor`,
 * every spelling in every language). A *rule* fires when all its `allOf` terms and at least one
 * of its `anyOf` terms are found, and none of its `noneOf` terms; an `allOf` item may itself be a
 * list, meaning "any of these". A fired rule scores `weight` × the weight of the weakest field
 * its evidence was found in (title 1, summary 0.8, content 0.5 by default), so a title mention
 * counts more than one deep in the body. A topic applies when its rules' scores add up to its
 * `threshold` (default 1). The relevance gate is a topic-like rule set that decides whether the
 * article is Armenia–Azerbaijan coverage at all; topics are only given to relevant articles.
 *
 * @example
 * slug: transport-corridors
 * name: Transport corridors
 * description: Lachin, Zangezur/TRIPP, rail and cargo transit between the two.
 * rules:
 *   - id: named-corridor
 *     anyOf: ['@lachin-corridor', '@zangezur-corridor', '@tripp']
 *     weight: 2
 *   - id: transit-between-them
 *     allOf: ['@transit', '@armenia-side', '@azerbaijan-side']
 *     weight: 1.25
 */

export const FIELDS = ['title', 'summary', 'content'] as const;
export type Field = (typeof FIELDS)[number];

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const term = z
  .string({ error: 'must be a phrase or @entity (a string)' })
  .trim()
  .min(1, 'has an empty phrase');
const termList = z.array(term, { error: 'must be a list of phrases or @entities' });

const filters = {
  languages: z
    .array(z.string().regex(/^[a-z]{2,3}$/, 'language codes look like "en", "ru", "hy", "az"'))
    .min(1, 'languages is empty: leave it out to allow every language')
    .optional(),
  outlets: z
    .array(z.string().trim().min(1, 'has an empty outlet name'))
    .min(1, 'outlets is empty: leave it out to allow every outlet')
    .optional(),
};

const ruleSchema = z.strictObject({
  id: z.string({ error: 'needs an id' }).regex(SLUG, 'id must be kebab-case, e.g. "lachin-road"'),
  allOf: z
    .array(z.union([term, z.array(term).min(1, 'has an empty group: list at least one term')]), {
      error: 'allOf must be a list of terms (or lists of terms)',
    })
    .optional(),
  anyOf: termList.optional(),
  noneOf: termList.optional(),
  fields: z
    .array(z.enum(FIELDS, { error: 'fields may only be title, summary or content' }))
    .min(1, 'fields is empty: leave it out to look in every field')
    .optional(),
  weight: z
    .number({ error: 'weight must be a number' })
    .positive('weight must be above 0')
    .max(10, 'weight above 10 makes one rule outweigh everything')
    .optional(),
  ...filters,
});

const topicSchema = z.strictObject({
  slug: z.string({ error: 'needs a slug' }).regex(SLUG, 'slug must be kebab-case'),
  name: z.string({ error: 'needs a name' }).trim().min(1, 'name is empty'),
  description: z.string({ error: 'needs a description' }).trim().min(1, 'description is empty'),
  threshold: z.number().positive('threshold must be above 0').optional(),
  rules: z.array(ruleSchema, { error: 'rules must be a list' }).min(1, 'has no rules'),
  noneOf: termList.optional(),
  ...filters,
});

const gateSchema = z.strictObject({
  description: z.string().optional(),
  threshold: z.number().positive('threshold must be above 0').optional(),
  rules: z.array(ruleSchema, { error: 'rules must be a list' }).min(1, 'has no rules'),
  noneOf: termList.optional(),
});

const fieldWeightsSchema = z.strictObject({
  title: z.number().positive(),
  summary: z.number().positive(),
  content: z.number().positive(),
});

const taxonomySchema = z.strictObject({
  version: z.union([z.string(), z.number()]).optional(),
  fieldWeights: fieldWeightsSchema.optional(),
  fallbackTopic: z.string().optional(),
  relevance: gateSchema,
  topics: z.array(topicSchema, { error: 'topics must be a list' }).min(1, 'has no topics'),
});

export type TopicRule = z.infer<typeof ruleSchema>;
export type TopicDefinition = z.infer<typeof topicSchema>;
export type RelevanceGate = z.infer<typeof gateSchema>;
export type FieldWeights = z.infer<typeof fieldWeightsSchema>;
export type Taxonomy = z.infer<typeof taxonomySchema>;

export const DEFAULT_FIELD_WEIGHTS: FieldWeights = { title: 1, summary: 0.8, content: 0.5 };
/** The pseudo-topic name the relevance gate goes by in evidence and errors. */
export const RELEVANCE = 'relevance';

/**
 * Validates a whole taxonomy (gate, topics, weights) against the gazetteer.
 *
 * @example validateTaxonomy(parseYaml(text)) // Taxonomy, or throws TopicValidationError
 */
export function validateTaxonomy(
  input: unknown,
  gazetteer: Gazetteer = defaultGazetteer(),
): Taxonomy {
  const parsed = taxonomySchema.safeParse(input);
  if (!parsed.success) throw new TopicValidationError(zodIssues(parsed.error, input, 'taxonomy'));
  const taxonomy = parsed.data;
  const issues = [
    ...checkRuleSet(RELEVANCE, taxonomy.relevance.rules, taxonomy.relevance.noneOf, gazetteer),
    ...checkTopics(taxonomy.topics, gazetteer),
  ];
  if (taxonomy.fallbackTopic && !taxonomy.topics.some((t) => t.slug === taxonomy.fallbackTopic)) {
    issues.push({
      topic: taxonomy.fallbackTopic,
      problem: 'fallbackTopic names a topic that is not in the taxonomy',
    });
  }
  if (issues.length > 0) throw new TopicValidationError(issues);
  return taxonomy;
}

/**
 * Validates topic definitions: one topic, a list of topics, or `{ topics: [...] }`.
 *
 * @example validateTopics({ slug: 'x', name: 'X', description: 'x', rules: [{ id: 'r', anyOf: ['@csto'] }] })
 */
export function validateTopics(
  input: unknown,
  gazetteer: Gazetteer = defaultGazetteer(),
): TopicDefinition[] {
  if (isRecord(input) && 'relevance' in input) return validateTaxonomy(input, gazetteer).topics;
  const list = Array.isArray(input)
    ? input
    : isRecord(input) && Array.isArray(input.topics) && !('slug' in input)
      ? input.topics
      : [input];
  const parsed = z.array(topicSchema).safeParse(list);
  if (!parsed.success)
    throw new TopicValidationError(zodIssues(parsed.error, { topics: list }, 'topics', ['topics']));
  const issues = checkTopics(parsed.data, gazetteer);
  if (issues.length > 0) throw new TopicValidationError(issues);
  return parsed.data;
}

/**
 * Parses a topic definition file (JSON or YAML, chosen by extension, else sniffed) and validates
 * it. Syntax errors are reported with the file name.
 *
 * @example parseTopicDefinition(await readFile('topic.yaml', 'utf8'), 'topic.yaml')
 */
export function parseTopicDefinition(
  text: string,
  filename: string,
  gazetteer: Gazetteer = defaultGazetteer(),
): TopicDefinition[] {
  let data: unknown;
  const json = /\.json$/i.test(filename) || (!/\.ya?ml$/i.test(filename) && /^\s*[[{]/.test(text));
  try {
    data = json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new TopicValidationError(
      [{ topic: '(unreadable)', problem: `not valid ${json ? 'JSON' : 'YAML'}: ${reason}` }],
      filename,
    );
  }
  if (data === null || data === undefined) {
    throw new TopicValidationError(
      [{ topic: '(empty)', problem: 'the file defines no topic' }],
      filename,
    );
  }
  try {
    return validateTopics(data, gazetteer);
  } catch (error) {
    if (error instanceof TopicValidationError)
      throw new TopicValidationError(error.issues, filename);
    throw error;
  }
}

function checkTopics(topics: TopicDefinition[], gazetteer: Gazetteer): TopicIssue[] {
  const issues: TopicIssue[] = [];
  const seen = new Set<string>();
  for (const topic of topics) {
    if (topic.slug === RELEVANCE) {
      issues.push({
        topic: topic.slug,
        problem: `"${RELEVANCE}" is reserved for the relevance gate`,
      });
    }
    if (seen.has(topic.slug)) issues.push({ topic: topic.slug, problem: 'the slug is used twice' });
    seen.add(topic.slug);
    issues.push(...checkRuleSet(topic.slug, topic.rules, topic.noneOf, gazetteer));
  }
  return issues;
}

/** Everything a rule can get wrong beyond its shape: unknown entities, dead rules, blank phrases. */
function checkRuleSet(
  topic: string,
  rules: TopicRule[],
  topicNoneOf: string[] | undefined,
  gazetteer: Gazetteer,
): TopicIssue[] {
  const issues: TopicIssue[] = [];
  const ruleIds = new Set<string>();
  for (const problem of termProblems(topicNoneOf ?? [], gazetteer)) {
    issues.push({ topic, problem: `noneOf ${problem}` });
  }
  for (const rule of rules) {
    const at = (problem: string) => issues.push({ topic, rule: rule.id, problem });
    if (ruleIds.has(rule.id)) at('the rule id is used twice in this topic');
    ruleIds.add(rule.id);
    const allOf = rule.allOf ?? [];
    const anyOf = rule.anyOf ?? [];
    if (rule.anyOf?.length === 0) {
      at('anyOf is empty: list at least one phrase or @entity, or leave it out');
    } else if (rule.allOf?.length === 0) {
      at('allOf is empty: list at least one phrase or @entity, or leave it out');
    } else if (allOf.length === 0 && anyOf.length === 0) {
      at('has no phrase or @entity to match: give it allOf or anyOf');
    }
    for (const [list, terms] of [
      ['allOf', allOf.flat()],
      ['anyOf', anyOf],
      ['noneOf', rule.noneOf ?? []],
    ] as const) {
      for (const problem of termProblems(terms, gazetteer)) at(`${list} ${problem}`);
    }
    const exclusions = [...(rule.noneOf ?? []), ...(topicNoneOf ?? [])];
    const dead = deadByExclusion(allOf, anyOf, exclusions, gazetteer);
    if (dead) at(dead);
  }
  return issues;
}

function termProblems(terms: readonly string[], gazetteer: Gazetteer): string[] {
  const problems: string[] = [];
  for (const item of terms) {
    if (item.startsWith('@')) {
      if (!gazetteer.has(item.slice(1))) {
        problems.push(`refers to unknown entity "${item}" (see the gazetteer for entry ids)`);
      }
      continue;
    }
    const keys = phraseKeys(item);
    if (keys.length === 0) problems.push(`has a phrase with no words in it: "${item}"`);
    for (const key of keys) {
      const prefix = prefixOf(key);
      if (prefix !== undefined && [...prefix].length < MIN_PREFIX_LENGTH) {
        problems.push(
          `has a prefix shorter than ${MIN_PREFIX_LENGTH} letters in "${item}": it would match almost every word`,
        );
      }
    }
  }
  return problems;
}

/** The spellings of a term as index keys (an entity has many), or [] when it is unknown. */
function termSpellings(item: string, gazetteer: Gazetteer): WordKey[][] {
  if (!item.startsWith('@')) return [phraseKeys(item)];
  const id = item.slice(1);
  if (!gazetteer.has(id)) return [];
  return entryNames(gazetteer, id).map(phraseKeys);
}

/**
 * A rule is dead when an exclusion is found wherever the rule's required terms are: then it can
 * never fire. (`allOf: [Lachin corridor]` with `noneOf: [corridor]` excludes everything.)
 */
function deadByExclusion(
  allOf: (string | string[])[],
  anyOf: string[],
  exclusions: string[],
  gazetteer: Gazetteer,
): string | undefined {
  if (exclusions.length === 0) return undefined;
  const excluded = exclusions.flatMap((item) =>
    termSpellings(item, gazetteer).map((keys) => ({ item, keys })),
  );
  const coveredBy = (item: string): string | undefined => {
    const spellings = termSpellings(item, gazetteer);
    if (spellings.length === 0) return undefined;
    for (const exclusion of excluded) {
      if (spellings.every((keys) => containsPhrase(keys, exclusion.keys))) return exclusion.item;
    }
    // Different exclusions may cover different spellings; all covered is just as dead.
    const all = spellings.every((keys) => excluded.some((e) => containsPhrase(keys, e.keys)));
    return all ? (exclusions[0] ?? '') : undefined;
  };
  for (const group of allOf) {
    const items = Array.isArray(group) ? group : [group];
    const covers = items.map(coveredBy);
    if (covers.every((c) => c !== undefined)) {
      return `noneOf "${covers[0]}" excludes everything: every article matching allOf "${items.join('" / "')}" also matches it`;
    }
  }
  if (anyOf.length > 0) {
    const covers = anyOf.map(coveredBy);
    if (covers.every((c) => c !== undefined)) {
      return `noneOf "${covers[0]}" excludes everything: every article matching anyOf also matches it`;
    }
  }
  return undefined;
}

/** Turns zod issues into located issues: topic slug, rule id, then what is wrong. */
function zodIssues(
  error: z.ZodError,
  root: unknown,
  scope: string,
  prefix: PropertyKey[] = [],
): TopicIssue[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    let topic = scope;
    let rule: string | undefined;
    let rest = path;
    let node: unknown = root;
    if (path[0] === 'relevance') {
      topic = RELEVANCE;
      node = isRecord(root) ? root.relevance : undefined;
      rest = path.slice(1);
    } else if (path[0] === 'topics' && typeof path[1] === 'number') {
      const topics = isRecord(root) && Array.isArray(root.topics) ? root.topics : [];
      node = topics[path[1]];
      const slug = isRecord(node) && typeof node.slug === 'string' ? node.slug : undefined;
      topic = slug ?? `topics[${path[1]}]`;
      rest = path.slice(2);
    }
    if (rest[0] === 'rules' && typeof rest[1] === 'number') {
      const rules = isRecord(node) && Array.isArray(node.rules) ? node.rules : [];
      const found = rules[rest[1]];
      rule = isRecord(found) && typeof found.id === 'string' ? found.id : `rules[${rest[1]}]`;
      rest = rest.slice(2);
    }
    return { topic, rule, problem: describeIssue(issue, rest) };
  });
}

function describeIssue(issue: z.core.$ZodIssue, rest: PropertyKey[]): string {
  const where = rest
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    const plural = issue.keys.length > 1 ? 's' : '';
    return `unknown field${plural} ${keys}${where ? ` in ${where}` : ''}${suggestField(issue.keys[0] ?? '')}`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `${where || 'value'} is missing`;
  }
  return where ? `${where} ${issue.message}` : issue.message;
}

const KNOWN_FIELDS = [
  'id',
  'allOf',
  'anyOf',
  'noneOf',
  'fields',
  'weight',
  'languages',
  'outlets',
  'slug',
  'name',
  'description',
  'threshold',
  'rules',
];

function suggestField(key: string): string {
  const match = KNOWN_FIELDS.find(
    (known) => known.toLowerCase() === key.toLowerCase().replace(/[-_ ]/g, ''),
  );
  return match ? ` (did you mean "${match}"?)` : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
