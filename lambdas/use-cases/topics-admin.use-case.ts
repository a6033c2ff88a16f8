import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_TAXONOMY,
  RELEVANCE,
  type RelevanceGate,
  type Taxonomy,
  type TopicDefinition,
  type TopicIssue,
  TopicValidationError,
  validateTaxonomy,
  validateTopics,
} from '../domain/tagging';
import { NewsAlertError } from '../shared/errors';
import type { Clock, StoredTopic, TopicRepository } from './ports';
import { seedDefaultTaxonomy, taxonomyFrom } from './taxonomy.use-case';

/**
 * Editors' topic management: list, show, save (create/update), disable/enable, history and
 * restore. Every change is a new version in the store (who, when, why), history is append-only
 * (a restore writes a new version equal to the old one), and nothing is saved unless the whole
 * taxonomy with the change still validates. The poll path re-reads stored topics
 * (`createTaggerProvider`), so a save reaches the next cycle without a redeploy.
 *
 * The relevance gate is edited like a topic under the reserved slug `relevance`; it cannot be
 * disabled.
 */

export interface TopicsAdminDeps {
  topics: TopicRepository;
  clock: Clock;
}

/** Who makes a change and why; `by` is an editor's name or an IAM principal ARN. */
export interface Author {
  by: string;
  reason?: string;
}

/** A topic or gate definition an editor wants to try or save. */
export type TopicDraft =
  | { kind: 'topic'; slug: string; definition: TopicDefinition }
  | { kind: 'relevance'; slug: typeof RELEVANCE; definition: RelevanceGate };

/** A topic as editors see it in lists. `version` 0: the shipped default, never saved. */
export interface TopicEntry {
  slug: string;
  kind: 'topic' | 'relevance';
  name: string;
  description: string;
  enabled: boolean;
  version: number;
  savedAt?: string;
  savedBy?: string;
  reason?: string;
  rules: number;
  definition: TopicDefinition | RelevanceGate;
}

/** A topic operation that cannot go ahead; `code` is stable (HTTP status and CLI exit follow it). */
export class TopicAdminError extends NewsAlertError {
  override readonly name: string = 'TopicAdminError';
  constructor(
    code:
      | 'TOPIC_NOT_FOUND'
      | 'TOPIC_EXISTS'
      | 'VERSION_NOT_FOUND'
      | 'TOPIC_CONFLICT'
      | 'GATE_ALWAYS_ON'
      | 'INVALID_INPUT',
    message: string,
  ) {
    super('topics', code, message);
  }
}

const GATE_NAME = 'Relevance gate';

// ── Reading drafts ─────────────────────────────────────────────────────────────────────────────

/**
 * Parses a topic file (JSON or YAML: one topic, a list, `{ topics: [...] }`, a whole taxonomy, or
 * the relevance gate as `{ slug: relevance, rules: [...] }`) into validated drafts. Problems are
 * thrown as one `TopicValidationError` naming topic and rule, prefixed with the file name.
 *
 * @example parseTopicDrafts(await readFile('lachin.yaml', 'utf8'), 'lachin.yaml') // [{ kind: 'topic', slug: 'lachin-road', … }]
 */
export function parseTopicDrafts(text: string, filename: string): TopicDraft[] {
  const json = /\.json$/i.test(filename) || (!/\.ya?ml$/i.test(filename) && /^\s*[[{]/.test(text));
  let data: unknown;
  try {
    data = json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new TopicValidationError(
      [{ topic: '(unreadable)', problem: `not valid ${json ? 'JSON' : 'YAML'}: ${reason}` }],
      filename,
    );
  }
  return topicDraftsFrom(data, filename);
}

/**
 * Validates parsed data (a request body, a parsed file) into drafts; see {@link parseTopicDrafts}.
 *
 * @example topicDraftsFrom({ slug: 'relevance', rules: [{ id: 'names', anyOf: ['@conflict-core'] }] })
 */
export function topicDraftsFrom(data: unknown, source?: string): TopicDraft[] {
  if (data === null || data === undefined) {
    throw new TopicValidationError(
      [{ topic: '(empty)', problem: 'the file defines no topic' }],
      source,
    );
  }
  if (isRecord(data) && 'relevance' in data && 'topics' in data) {
    const taxonomy = rethrowWith(source, () => validateTaxonomy(data));
    return [gateDraft(taxonomy.relevance), ...taxonomy.topics.map(topicDraft)];
  }
  const list = Array.isArray(data)
    ? data
    : isRecord(data) && Array.isArray(data.topics) && !('slug' in data)
      ? data.topics
      : [data];
  if (list.length === 0) {
    throw new TopicValidationError(
      [{ topic: '(empty)', problem: 'the file defines no topic' }],
      source,
    );
  }
  const isGate = (item: unknown) => isRecord(item) && item.slug === RELEVANCE;
  const issues: TopicIssue[] = [];
  const drafts: TopicDraft[] = [];
  const topics = list.filter((item) => !isGate(item));
  if (topics.length > 0) {
    try {
      drafts.push(...validateTopics(topics).map(topicDraft));
    } catch (error) {
      if (!(error instanceof TopicValidationError)) throw error;
      issues.push(...error.issues);
    }
  }
  for (const item of list.filter(isGate)) {
    const { slug: _slug, ...gate } = item as Record<string, unknown>;
    try {
      // The gate is checked in a taxonomy (the shipped topics) because only taxonomies have a gate.
      drafts.unshift(
        gateDraft(validateTaxonomy({ ...DEFAULT_TAXONOMY, relevance: gate }).relevance),
      );
    } catch (error) {
      if (!(error instanceof TopicValidationError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new TopicValidationError(issues, source);
  return drafts;
}

function topicDraft(definition: TopicDefinition): TopicDraft {
  return { kind: 'topic', slug: definition.slug, definition };
}

function gateDraft(definition: RelevanceGate): TopicDraft {
  return { kind: 'relevance', slug: RELEVANCE, definition };
}

function rethrowWith<T>(source: string | undefined, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof TopicValidationError && source)
      throw new TopicValidationError(error.issues, source);
    throw error;
  }
}

// ── Taxonomies with a change ───────────────────────────────────────────────────────────────────

/**
 * The taxonomy with one draft swapped in (a changed topic keeps its place; a new one is added at
 * the end; a gate draft replaces the gate).
 *
 * @example taxonomyWith(await currentTaxonomy(topics), draft)
 */
export function taxonomyWith(base: Taxonomy, draft: TopicDraft): Taxonomy {
  if (draft.kind === 'relevance') return { ...base, relevance: draft.definition };
  const at = base.topics.findIndex((topic) => topic.slug === draft.slug);
  const topics =
    at >= 0
      ? base.topics.map((topic, index) => (index === at ? draft.definition : topic))
      : [...base.topics, draft.definition];
  return { ...base, topics };
}

/** The stored topics with one topic's state replaced, as `taxonomyFrom` reads them. */
function replaced(stored: StoredTopic[], next: Omit<StoredTopic, 'savedAt' | 'savedBy'>) {
  const others = stored.filter((topic) => topic.slug !== next.slug);
  return [...others, { ...next, savedAt: '', savedBy: '' }];
}

// ── Reading ────────────────────────────────────────────────────────────────────────────────────

/**
 * Every topic and the gate, gate first, then by slug. An empty store lists the shipped defaults
 * (version 0: in force, never saved).
 *
 * @example (await listTopics(deps)).filter((topic) => !topic.enabled)
 */
export async function listTopics(deps: Pick<TopicsAdminDeps, 'topics'>): Promise<TopicEntry[]> {
  const stored = await deps.topics.list();
  const entries = stored.length > 0 ? stored.map(entryOf) : shippedEntries();
  return entries.sort(
    (a, b) =>
      Number(b.kind === 'relevance') - Number(a.kind === 'relevance') ||
      a.slug.localeCompare(b.slug),
  );
}

/**
 * One topic (or `relevance`), stored or shipped.
 *
 * @example await showTopic(deps, 'peace-process') // { slug, version, definition, … }
 */
export async function showTopic(
  deps: Pick<TopicsAdminDeps, 'topics'>,
  slug: string,
): Promise<TopicEntry> {
  const stored = await deps.topics.get(slug);
  if (stored) return entryOf(stored);
  // Only an empty store falls back to the shipped defaults; otherwise the store is the truth.
  const any = (await deps.topics.list()).length > 0;
  const shipped = any ? undefined : shippedEntries().find((entry) => entry.slug === slug);
  if (!shipped) throw notFound(slug);
  return shipped;
}

/**
 * Every saved version of a topic, oldest first.
 *
 * @example (await topicHistory(deps, 'peace-process')).map((v) => `${v.version} ${v.savedBy}`)
 */
export async function topicHistory(
  deps: Pick<TopicsAdminDeps, 'topics'>,
  slug: string,
): Promise<StoredTopic[]> {
  const versions = await deps.topics.history(slug);
  if (versions.length === 0) throw notFound(slug);
  return versions;
}

// ── Changing ───────────────────────────────────────────────────────────────────────────────────

export interface SaveOptions {
  /** `create` refuses an existing slug, `update` a missing one; `upsert` takes either. */
  mode: 'create' | 'update' | 'upsert';
  /** The version the editor started from: refused when someone saved meanwhile. */
  expectedVersion?: number;
}

export interface SaveOutcome {
  topic: StoredTopic;
  /** The version replaced, when there was one. */
  previousVersion?: number;
  /** False when the definition was already the current one: nothing was written. */
  changed: boolean;
}

/**
 * Validates drafts against the whole taxonomy and saves each as a new version. The defaults are
 * seeded first on an empty store, so a first custom topic doesn't hide the shipped ones. All
 * drafts are checked before the first write.
 *
 * @example await saveTopics(deps, drafts, { by: 'anna', reason: 'add TRIPP spellings' }, { mode: 'update' })
 */
export async function saveTopics(
  deps: TopicsAdminDeps,
  drafts: TopicDraft[],
  author: Author,
  options: SaveOptions,
): Promise<SaveOutcome[]> {
  assertAuthor(author);
  if (options.expectedVersion !== undefined && drafts.length !== 1) {
    throw new TopicAdminError('INVALID_INPUT', 'an expected version applies to one topic only');
  }
  await seedDefaultTaxonomy(deps.topics, deps.clock);
  const stored = await deps.topics.list();
  let taxonomy = taxonomyFrom(stored);
  for (const draft of drafts) {
    const current = stored.find((topic) => topic.slug === draft.slug);
    if (options.mode === 'create' && current) {
      throw new TopicAdminError(
        'TOPIC_EXISTS',
        `topic "${draft.slug}" already exists (version ${current.version}); change it with \`topics update\``,
      );
    }
    if (options.mode === 'update' && !current) {
      throw new TopicAdminError(
        'TOPIC_NOT_FOUND',
        `no topic "${draft.slug}" to update; create it with \`topics add\``,
      );
    }
    assertVersion(draft.slug, current, options.expectedVersion);
    // A disabled topic is still checked: enabling it later must not be the moment it breaks.
    taxonomy = taxonomyWith(taxonomy, draft);
  }
  validateTaxonomy(taxonomy);

  const outcomes: SaveOutcome[] = [];
  for (const draft of drafts) {
    const current = stored.find((topic) => topic.slug === draft.slug);
    if (current && sameValue(current.definition, draft.definition)) {
      outcomes.push({ topic: current, previousVersion: current.version, changed: false });
      continue;
    }
    const topic = await deps.topics.save(
      { slug: draft.slug, definition: draft.definition, enabled: current?.enabled ?? true },
      author,
      deps.clock(),
    );
    outcomes.push({
      topic,
      changed: true,
      ...(current ? { previousVersion: current.version } : {}),
    });
  }
  return outcomes;
}

/**
 * Disables or enables a topic (a new version with the same definition). Disabling the last topic
 * or the gate is refused.
 *
 * @example await setTopicEnabled(deps, 'energy-climate', false, { by: 'anna', reason: 'too noisy' })
 */
export async function setTopicEnabled(
  deps: TopicsAdminDeps,
  slug: string,
  enabled: boolean,
  author: Author,
  options: { expectedVersion?: number } = {},
): Promise<SaveOutcome> {
  assertAuthor(author);
  if (slug === RELEVANCE && !enabled) {
    throw new TopicAdminError(
      'GATE_ALWAYS_ON',
      'the relevance gate cannot be disabled; edit its rules instead',
    );
  }
  await seedDefaultTaxonomy(deps.topics, deps.clock);
  const stored = await deps.topics.list();
  const current = stored.find((topic) => topic.slug === slug);
  if (!current) throw notFound(slug);
  assertVersion(slug, current, options.expectedVersion);
  if (current.enabled === enabled) {
    return { topic: current, previousVersion: current.version, changed: false };
  }
  validateTaxonomy(taxonomyFrom(replaced(stored, { ...current, enabled })));
  const topic = await deps.topics.save(
    { slug, definition: current.definition, enabled },
    author,
    deps.clock(),
  );
  return { topic, previousVersion: current.version, changed: true };
}

/**
 * Restores a saved version by writing it again as a new version (history stays append-only).
 * The reason recorded says which version came back.
 *
 * @example await restoreTopicVersion(deps, 'peace-process', 2, { by: 'anna', reason: 'v3 missed Russian spellings' })
 */
export async function restoreTopicVersion(
  deps: TopicsAdminDeps,
  slug: string,
  version: number,
  author: Author,
  options: { expectedVersion?: number } = {},
): Promise<SaveOutcome> {
  assertAuthor(author);
  await seedDefaultTaxonomy(deps.topics, deps.clock);
  const versions = await topicHistory(deps, slug);
  const wanted = versions.find((candidate) => candidate.version === version);
  if (!wanted) {
    const last = versions[versions.length - 1]?.version ?? 0;
    throw new TopicAdminError(
      'VERSION_NOT_FOUND',
      `topic "${slug}" has no version ${version} (it has versions 1–${last})`,
    );
  }
  const stored = await deps.topics.list();
  const current = stored.find((topic) => topic.slug === slug);
  assertVersion(slug, current, options.expectedVersion);
  if (
    current &&
    current.enabled === wanted.enabled &&
    sameValue(current.definition, wanted.definition)
  ) {
    return { topic: current, previousVersion: current.version, changed: false };
  }
  // The old version must still fit today's taxonomy (and gazetteer) to come back.
  validateTaxonomy(
    taxonomyFrom(
      replaced(stored, {
        slug,
        definition: wanted.definition,
        enabled: wanted.enabled,
        version: wanted.version,
      }),
    ),
  );
  const reason = `restored version ${version}${author.reason ? `: ${author.reason}` : ''}`;
  const topic = await deps.topics.save(
    { slug, definition: wanted.definition, enabled: wanted.enabled },
    { by: author.by, reason },
    deps.clock(),
  );
  return { topic, changed: true, ...(current ? { previousVersion: current.version } : {}) };
}

/**
 * What changed between two versions, in a few words for history lists.
 *
 * @example describeChange(v1, v2) // 'rule "tripp" added; rule "lachin-road" changed'
 */
export function describeChange(previous: StoredTopic | undefined, next: StoredTopic): string {
  if (!previous) return 'created';
  const changes: string[] = [];
  if (previous.enabled !== next.enabled) changes.push(next.enabled ? 'enabled' : 'disabled');
  const before = previous.definition as Partial<TopicDefinition>;
  const after = next.definition as Partial<TopicDefinition>;
  const rulesBefore = new Map((before.rules ?? []).map((rule) => [rule.id, rule]));
  const rulesAfter = new Map((after.rules ?? []).map((rule) => [rule.id, rule]));
  for (const [id, rule] of rulesAfter) {
    const old = rulesBefore.get(id);
    if (!old) changes.push(`rule "${id}" added`);
    else if (!sameValue(old, rule)) changes.push(`rule "${id}" changed`);
  }
  for (const id of rulesBefore.keys())
    if (!rulesAfter.has(id)) changes.push(`rule "${id}" removed`);
  for (const field of ['name', 'description', 'threshold', 'noneOf', 'languages', 'outlets'])
    if (!sameValue(before[field as keyof TopicDefinition], after[field as keyof TopicDefinition]))
      changes.push(`${field} changed`);
  return changes.length > 0 ? changes.join('; ') : 'no change';
}

// ── Helpers ────────────────────────────────────────────────────────────────────────────────────

function entryOf(topic: StoredTopic): TopicEntry {
  const gate = topic.slug === RELEVANCE;
  const definition = topic.definition as Partial<TopicDefinition>;
  return {
    slug: topic.slug,
    kind: gate ? 'relevance' : 'topic',
    name: gate ? GATE_NAME : (definition.name ?? topic.slug),
    description: definition.description ?? '',
    enabled: topic.enabled,
    version: topic.version,
    savedAt: topic.savedAt,
    savedBy: topic.savedBy,
    ...(topic.reason ? { reason: topic.reason } : {}),
    rules: definition.rules?.length ?? 0,
    definition: topic.definition,
  };
}

function shippedEntries(): TopicEntry[] {
  const gate: TopicEntry = {
    slug: RELEVANCE,
    kind: 'relevance',
    name: GATE_NAME,
    description: DEFAULT_TAXONOMY.relevance.description ?? '',
    enabled: true,
    version: 0,
    rules: DEFAULT_TAXONOMY.relevance.rules.length,
    definition: DEFAULT_TAXONOMY.relevance,
  };
  return [
    gate,
    ...DEFAULT_TAXONOMY.topics.map(
      (topic): TopicEntry => ({
        slug: topic.slug,
        kind: 'topic',
        name: topic.name,
        description: topic.description,
        enabled: true,
        version: 0,
        rules: topic.rules.length,
        definition: topic,
      }),
    ),
  ];
}

function notFound(slug: string): TopicAdminError {
  return new TopicAdminError(
    'TOPIC_NOT_FOUND',
    `no topic "${slug}" (\`newsalert topics list\` shows the slugs)`,
  );
}

function assertAuthor(author: Author): void {
  if (!author.by.trim())
    throw new TopicAdminError('INVALID_INPUT', 'say who makes the change (--by)');
}

function assertVersion(slug: string, current: StoredTopic | undefined, expected?: number): void {
  if (expected === undefined) return;
  const actual = current?.version ?? 0;
  if (actual !== expected) {
    throw new TopicAdminError(
      'TOPIC_CONFLICT',
      `topic "${slug}" is at version ${actual}, not ${expected}: someone saved meanwhile; look at it again before saving`,
    );
  }
}

/** Deep equality that ignores key order (DynamoDB maps do not keep it). */
function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
