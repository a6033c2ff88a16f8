import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { RELEVANCE, TopicValidationError } from '../../domain/tagging';
import { NewsAlertError } from '../../shared/errors';
import type { Clock } from '../../use-cases/ports';
import {
  type PreviewArticle,
  type PreviewEvidence,
  previewTopicDraft,
  type TopicPreview,
} from '../../use-cases/topic-preview.use-case';
import {
  type Author,
  describeChange,
  listTopics,
  parseTopicDrafts,
  restoreTopicVersion,
  type SaveOutcome,
  saveTopics,
  setTopicEnabled,
  showTopic,
  TopicAdminError,
  type TopicDraft,
  topicHistory,
} from '../../use-cases/topics-admin.use-case';
import { count, defaultEditor, plural, stamp, table } from '../format';
import { type CliIo, EXIT } from '../io';
import { type CliStore, openCliStore, STORE_USAGE, storeProblem } from '../store';

/**
 * `newsalert topics <subcommand> …` — the topic taxonomy, for editors. Each subcommand is one
 * entry in {@link SUBCOMMANDS}. Files are JSON or YAML: one topic, a list, or the relevance gate
 * as `{ slug: relevance, rules: [...] }`. Exit codes: 0 done, 1 could not be done (not found,
 * already exists, store unreachable), 2 invalid input (the message names topic and rule).
 */

export interface TopicsSubcommand {
  usage: string;
  run: (args: string[], io: CliIo, context: CliContext) => Promise<number>;
}

/** What tests may replace: the clock (backtests are "the last N days") and the environment. */
export interface CliContext {
  clock?: Clock;
  env?: Record<string, string | undefined>;
}

type Values = Record<string, string | boolean | undefined>;
type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

const STORE_OPTIONS: OptionSpec = { stage: { type: 'string' }, 'data-dir': { type: 'string' } };
const AUTHOR_OPTIONS: OptionSpec = { by: { type: 'string' }, reason: { type: 'string' } };
const JSON_OPTION: OptionSpec = { json: { type: 'boolean' } };

/** Parses one subcommand's arguments; unknown options are refused with the usage line. */
function parse(
  name: string,
  args: string[],
  options: OptionSpec,
  io: CliIo,
): { values: Values; positionals: string[] } | undefined {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
    return { values: values as Values, positionals };
  } catch (error) {
    io.stderr(
      `newsalert topics ${name}: ${(error as Error).message}\nUsage: newsalert ${SUBCOMMANDS[name]?.usage}\n`,
    );
    return undefined;
  }
}

function usageError(name: string, problem: string, io: CliIo): number {
  io.stderr(`newsalert topics ${name}: ${problem}\nUsage: newsalert ${SUBCOMMANDS[name]?.usage}\n`);
  return EXIT.invalid;
}

/** Reads and validates a topic file; prints the problem and returns an exit code when it can't. */
async function readDrafts(name: string, file: string, io: CliIo): Promise<TopicDraft[] | number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    io.stderr(`newsalert topics ${name}: cannot read ${file}: ${reason}\n`);
    return EXIT.failure;
  }
  try {
    return parseTopicDrafts(text, file);
  } catch (error) {
    if (!(error instanceof TopicValidationError)) throw error;
    io.stderr(`${error.message}\n`);
    return EXIT.invalid;
  }
}

/**
 * Opens the store, runs `work`, closes the store, and turns the errors editors can cause into a
 * message and an exit code.
 */
async function withStore(
  name: string,
  values: Values,
  io: CliIo,
  context: CliContext,
  work: (store: CliStore) => Promise<number>,
): Promise<number> {
  const env = context.env ?? process.env;
  let store: CliStore;
  try {
    store = await openCliStore(
      env,
      {
        ...(typeof values.stage === 'string' ? { stage: values.stage } : {}),
        ...(typeof values['data-dir'] === 'string' ? { dataDir: values['data-dir'] } : {}),
      },
      io.stderr,
    );
  } catch (error) {
    io.stderr(`newsalert topics ${name}: ${storeProblem(error, 'the store')}\n`);
    return EXIT.failure;
  }
  try {
    return await work(store);
  } catch (error) {
    if (error instanceof TopicValidationError) {
      io.stderr(`${error.message}\nNothing was saved.\n`);
      return EXIT.invalid;
    }
    if (error instanceof TopicAdminError) {
      io.stderr(`newsalert topics ${name}: ${plain(error)}\n`);
      return error.code === 'INVALID_INPUT' || error.code === 'GATE_ALWAYS_ON'
        ? EXIT.invalid
        : EXIT.failure;
    }
    if (error instanceof NewsAlertError && error.code === 'TOPIC_CONFLICT') {
      io.stderr(`newsalert topics ${name}: ${plain(error)}\n`);
      return EXIT.failure;
    }
    io.stderr(`newsalert topics ${name}: ${storeProblem(error, store.describe)}\n`);
    return EXIT.failure;
  } finally {
    await store.close();
  }
}

function plain(error: NewsAlertError): string {
  const prefix = `${error.stage}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

function author(values: Values, context: CliContext): Author {
  const by =
    typeof values.by === 'string' && values.by.trim()
      ? values.by.trim()
      : defaultEditor(context.env ?? process.env);
  const reason = typeof values.reason === 'string' ? values.reason.trim() : '';
  return { by, ...(reason ? { reason } : {}) };
}

function positiveInteger(value: Values[string], fallback: number): number | undefined {
  if (value === undefined) return fallback;
  return typeof value === 'string' && /^[1-9]\d{0,5}$/.test(value) ? Number(value) : undefined;
}

// ── validate ───────────────────────────────────────────────────────────────────────────────────

/**
 * `topics validate <file>`: exit 0 when the JSON or YAML file (one topic, a list, a whole
 * taxonomy, or the gate) is valid; exit 2 with one line per problem, naming topic and rule, when
 * not. Reads no store.
 */
async function validate(args: string[], io: CliIo): Promise<number> {
  const [file, ...extra] = args;
  if (!file || extra.length > 0) {
    io.stderr(`Usage: newsalert ${SUBCOMMANDS.validate?.usage}\n`);
    return EXIT.invalid;
  }
  const drafts = await readDrafts('validate', file, io);
  if (typeof drafts === 'number') return drafts;
  io.stdout(`${file}: valid (${drafts.map((draft) => draft.slug).join(', ')})\n`);
  return EXIT.ok;
}

// ── list / show / history ──────────────────────────────────────────────────────────────────────

async function list(args: string[], io: CliIo, context: CliContext): Promise<number> {
  const parsed = parse('list', args, { ...STORE_OPTIONS, ...JSON_OPTION }, io);
  if (!parsed) return EXIT.invalid;
  if (parsed.positionals.length > 0)
    return usageError('list', `unexpected argument ${parsed.positionals[0]}`, io);
  return withStore('list', parsed.values, io, context, async (store) => {
    const topics = await listTopics(store);
    if (parsed.values.json) {
      io.stdout(`${JSON.stringify(topics, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout(
      table(
        ['slug', 'name', 'state', 'version', 'saved', 'by', 'rules'],
        topics.map((topic) => [
          topic.slug,
          topic.name,
          topic.enabled ? 'on' : 'OFF',
          topic.version === 0 ? 'shipped' : String(topic.version),
          topic.savedAt ? stamp(topic.savedAt) : '–',
          topic.savedBy ?? '–',
          String(topic.rules),
        ]),
        { max: [32, 32, 5, 8, 20, 28, 5] },
      ),
    );
    const off = topics.filter((topic) => !topic.enabled).length;
    io.stderr(
      `${plural(topics.length - 1, 'topic')} and the relevance gate${off ? `, ${off} disabled` : ''} (${store.describe})\n`,
    );
    return EXIT.ok;
  });
}

async function show(args: string[], io: CliIo, context: CliContext): Promise<number> {
  const parsed = parse('show', args, { ...STORE_OPTIONS, ...JSON_OPTION }, io);
  if (!parsed) return EXIT.invalid;
  const [slug, ...extra] = parsed.positionals;
  if (!slug || extra.length > 0) return usageError('show', 'give one topic slug', io);
  return withStore('show', parsed.values, io, context, async (store) => {
    const topic = await showTopic(store, slug);
    if (parsed.values.json) {
      io.stdout(`${JSON.stringify(topic, null, 2)}\n`);
      return EXIT.ok;
    }
    // The output is a valid topic file: comments, then the definition, ready to edit and preview.
    const saved =
      topic.version === 0
        ? 'shipped default, never saved'
        : `version ${topic.version}, saved ${stamp(topic.savedAt)} by ${topic.savedBy}${
            topic.reason ? ` (${topic.reason})` : ''
          }`;
    const definition = ordered(
      topic.kind === 'relevance' ? { slug: RELEVANCE, ...topic.definition } : topic.definition,
    );
    io.stdout(
      `# ${topic.name} (${topic.slug}): ${topic.enabled ? 'enabled' : 'DISABLED'}, ${saved}\n` +
        `# Edit a copy, then: newsalert topics preview <file>; newsalert topics update <file>\n` +
        toYaml(definition, { lineWidth: 100 }),
    );
    return EXIT.ok;
  });
}

async function history(args: string[], io: CliIo, context: CliContext): Promise<number> {
  const parsed = parse('history', args, { ...STORE_OPTIONS, ...JSON_OPTION }, io);
  if (!parsed) return EXIT.invalid;
  const [slug, ...extra] = parsed.positionals;
  if (!slug || extra.length > 0) return usageError('history', 'give one topic slug', io);
  return withStore('history', parsed.values, io, context, async (store) => {
    const versions = await topicHistory(store, slug);
    const rows = versions.map((version, index) => ({
      ...version,
      change: describeChange(versions[index - 1], version),
    }));
    if (parsed.values.json) {
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout(
      table(
        ['version', 'saved', 'by', 'state', 'change', 'reason'],
        rows.map((row) => [
          String(row.version),
          stamp(row.savedAt),
          row.savedBy,
          row.enabled ? 'on' : 'OFF',
          row.change,
          row.reason ?? '',
        ]),
        { max: [7, 20, 28, 5, 64, 60] },
      ),
    );
    io.stderr(`Bring a version back with: newsalert topics restore ${slug} <version>\n`);
    return EXIT.ok;
  });
}

const TOPIC_KEYS = [
  'slug',
  'name',
  'description',
  'threshold',
  'languages',
  'outlets',
  'noneOf',
  'rules',
];
const RULE_KEYS = ['id', 'anyOf', 'allOf', 'noneOf', 'fields', 'weight', 'languages', 'outlets'];

/** The definition with its keys in the order editors write them (the store does not keep order). */
function ordered(definition: object): Record<string, unknown> {
  const sort = (value: Record<string, unknown>, order: string[]) =>
    Object.fromEntries(
      Object.entries(value).sort(
        ([a], [b]) => rank(order, a) - rank(order, b) || a.localeCompare(b),
      ),
    );
  const topic = sort(definition as Record<string, unknown>, TOPIC_KEYS);
  if (Array.isArray(topic.rules))
    topic.rules = topic.rules.map((rule: Record<string, unknown>) => sort(rule, RULE_KEYS));
  return topic;
}

function rank(order: string[], key: string): number {
  const at = order.indexOf(key);
  return at < 0 ? order.length : at;
}

// ── add / update / disable / enable / restore ──────────────────────────────────────────────────

function saveMessage(outcome: SaveOutcome, now: Date): string {
  const { topic } = outcome;
  if (!outcome.changed) {
    return `${topic.slug}: nothing to save; version ${topic.version} already says this\n`;
  }
  const was = outcome.previousVersion ? ` (was ${outcome.previousVersion})` : '';
  const state = topic.enabled ? '' : ' It is disabled: enable it to tag with it.';
  return (
    `saved ${topic.slug} as version ${topic.version}${was} by ${topic.savedBy}` +
    `${topic.reason ? ` — "${topic.reason}"` : ''} at ${stamp(topic.savedAt ?? now.toISOString())}.` +
    `${topic.enabled ? ' The next poll cycle tags with it.' : state}\n`
  );
}

function saveCommand(mode: 'create' | 'update') {
  const name = mode === 'create' ? 'add' : 'update';
  return async (args: string[], io: CliIo, context: CliContext): Promise<number> => {
    const parsed = parse(name, args, { ...STORE_OPTIONS, ...AUTHOR_OPTIONS, ...JSON_OPTION }, io);
    if (!parsed) return EXIT.invalid;
    const [file, ...extra] = parsed.positionals;
    if (!file || extra.length > 0) return usageError(name, 'give one topic file', io);
    const drafts = await readDrafts(name, file, io);
    if (typeof drafts === 'number') return drafts;
    return withStore(name, parsed.values, io, context, async (store) => {
      const clock = context.clock ?? (() => new Date());
      const outcomes = await saveTopics(
        { topics: store.topics, clock },
        drafts,
        author(parsed.values, context),
        { mode },
      );
      if (parsed.values.json) io.stdout(`${JSON.stringify(outcomes, null, 2)}\n`);
      else for (const outcome of outcomes) io.stdout(saveMessage(outcome, clock()));
      return EXIT.ok;
    });
  };
}

function toggleCommand(enabled: boolean) {
  const name = enabled ? 'enable' : 'disable';
  return async (args: string[], io: CliIo, context: CliContext): Promise<number> => {
    const parsed = parse(name, args, { ...STORE_OPTIONS, ...AUTHOR_OPTIONS, ...JSON_OPTION }, io);
    if (!parsed) return EXIT.invalid;
    const [slug, ...extra] = parsed.positionals;
    if (!slug || extra.length > 0) return usageError(name, 'give one topic slug', io);
    return withStore(name, parsed.values, io, context, async (store) => {
      const clock = context.clock ?? (() => new Date());
      const outcome = await setTopicEnabled(
        { topics: store.topics, clock },
        slug,
        enabled,
        author(parsed.values, context),
      );
      if (parsed.values.json) io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
      else if (!outcome.changed)
        io.stdout(`${slug} is already ${enabled ? 'enabled' : 'disabled'}\n`);
      else
        io.stdout(
          `${slug} ${enabled ? 'enabled' : 'disabled'} (version ${outcome.topic.version}); the next poll cycle ${
            enabled ? 'tags with it again' : 'no longer tags with it'
          }\n`,
        );
      return EXIT.ok;
    });
  };
}

async function restore(args: string[], io: CliIo, context: CliContext): Promise<number> {
  const parsed = parse(
    'restore',
    args,
    { ...STORE_OPTIONS, ...AUTHOR_OPTIONS, ...JSON_OPTION },
    io,
  );
  if (!parsed) return EXIT.invalid;
  const [slug, versionText, ...extra] = parsed.positionals;
  const version = positiveInteger(versionText, 0);
  if (!slug || !versionText || !version || extra.length > 0) {
    return usageError('restore', 'give a topic slug and a version number', io);
  }
  return withStore('restore', parsed.values, io, context, async (store) => {
    const clock = context.clock ?? (() => new Date());
    const outcome = await restoreTopicVersion(
      { topics: store.topics, clock },
      slug,
      version,
      author(parsed.values, context),
    );
    if (parsed.values.json) io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
    else if (!outcome.changed)
      io.stdout(`${slug}: version ${outcome.topic.version} already equals version ${version}\n`);
    else
      io.stdout(
        `restored ${slug} version ${version} as version ${outcome.topic.version}; the next poll cycle tags with it\n`,
      );
    return EXIT.ok;
  });
}

// ── preview ────────────────────────────────────────────────────────────────────────────────────

async function preview(args: string[], io: CliIo, context: CliContext): Promise<number> {
  const parsed = parse(
    'preview',
    args,
    {
      ...STORE_OPTIONS,
      ...JSON_OPTION,
      days: { type: 'string' },
      limit: { type: 'string' },
      all: { type: 'boolean' },
    },
    io,
  );
  if (!parsed) return EXIT.invalid;
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) return usageError('preview', 'give one topic file', io);
  const days = positiveInteger(parsed.values.days, 30);
  const limit = parsed.values.all
    ? Number.POSITIVE_INFINITY
    : positiveInteger(parsed.values.limit, 10);
  if (!days || days > 400)
    return usageError('preview', '--days must be a whole number from 1 to 400', io);
  if (!limit) return usageError('preview', '--limit must be a positive whole number', io);
  const drafts = await readDrafts('preview', file, io);
  if (typeof drafts === 'number') return drafts;
  const [draft, ...more] = drafts;
  if (!draft || more.length > 0) {
    return usageError(
      'preview',
      `${file} defines ${drafts.length} topics; preview one at a time`,
      io,
    );
  }
  return withStore('preview', parsed.values, io, context, async (store) => {
    const clock = context.clock ?? (() => new Date());
    let printedAt = -1;
    const result = await previewTopicDraft(
      { topics: store.topics, articles: store.articles, clock },
      draft,
      {
        days,
        maxListed: parsed.values.json || parsed.values.all ? 100_000 : 500,
        onProgress: (progress) => {
          if (progress.phase === 'loading') {
            // One line per thousand articles read, and one when all are in.
            const mark = Math.floor(progress.articles / 1000);
            if (progress.daysDone === progress.days)
              io.stderr(
                `loaded ${plural(progress.articles, 'article')} from ${plural(days, 'day')}\n`,
              );
            else if (mark > printedAt && mark > 0) {
              printedAt = mark;
              io.stderr(
                `loading… ${count(progress.articles)} articles so far (day ${progress.daysDone} of ${progress.days})\n`,
              );
            }
          } else if (progress.total > 0) {
            io.stderr(`scored ${count(progress.scored)} / ${count(progress.total)} articles\n`);
          }
        },
      },
    );
    if (parsed.values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else io.stdout(renderPreview(result, limit));
    return EXIT.ok;
  });
}

/**
 * The backtest as an editor reads it: what changes first, with the words that made it match.
 *
 * @example renderPreview(preview, 10)
 */
export function renderPreview(result: TopicPreview, limit: number): string {
  const gate = result.kind === 'relevance';
  const subject = gate ? 'the relevance gate' : `"${result.slug}"`;
  const against =
    result.savedVersion === undefined
      ? 'a new topic'
      : result.savedVersion === 0
        ? 'compared with the shipped version'
        : `compared with saved version ${result.savedVersion}${
            result.savedEnabled === false ? ' (disabled)' : ''
          }`;
  const verb = gate ? 'judged relevant' : 'matched';
  const c = result.counts;
  const lines: string[] = [
    `Backtest of ${subject}, ${against}, on ${plural(result.articlesScanned, 'stored article')} ` +
      `published ${result.since.slice(0, 10)} – ${result.until.slice(0, 10)} (last ${plural(result.days, 'day')})` +
      `${result.truncated ? ', newest first; the scan stopped at its article limit' : ''}`,
    `${verb[0]?.toUpperCase()}${verb.slice(1)}: ${count(c.before)} with the saved version → ${count(c.after)} with the draft ` +
      `(+${count(c.newlyMatched)} new, −${count(c.noLongerMatched)} no longer, ${count(c.stillMatched)} still)`,
    '',
  ];
  const section = (
    title: string,
    total: number,
    articles: PreviewArticle[],
    why: string,
    showTopics: boolean,
  ) => {
    const shown = articles.slice(0, limit);
    const more = total > shown.length ? ` — ${shown.length} shown; --all shows every one` : '';
    lines.push(`${title} (${count(total)})${more}`);
    if (total === 0) lines.push('  none');
    for (const article of shown) {
      lines.push(
        `  ${article.publishedAt.slice(0, 10)}  ${article.outlet}${article.lang ? ` (${article.lang})` : ''}`,
      );
      lines.push(`    ${article.title}`);
      if (article.evidence.length > 0)
        lines.push(`    ${why}: ${describeEvidence(article.evidence)}`);
      if (showTopics && article.topicsAfter.join() !== article.topicsBefore.join()) {
        lines.push(
          `    topics: ${article.topicsBefore.join(', ') || 'none'} → ${article.topicsAfter.join(', ') || 'none'}`,
        );
      }
      lines.push(`    ${article.link}`);
    }
    lines.push('');
  };
  section(
    gate ? 'NEWLY RELEVANT' : 'NEWLY MATCHED',
    c.newlyMatched,
    result.newlyMatched,
    'why',
    gate,
  );
  section(
    gate ? 'NO LONGER RELEVANT' : 'NO LONGER MATCHED',
    c.noLongerMatched,
    result.noLongerMatched,
    'matched before by',
    gate,
  );
  section(
    gate ? 'STILL RELEVANT' : 'STILL MATCHED',
    c.stillMatched,
    result.stillMatched.slice(0, Math.min(limit, 5)),
    'why',
    false,
  );
  if (c.newlyMatched === 0 && c.noLongerMatched === 0) {
    lines.push('The draft matches exactly what the saved version matches.');
  }
  if (!gate && c.otherTopicsChanged > 0) {
    lines.push(
      `${plural(c.otherTopicsChanged, 'article')} would also change other topics (a relevant article always gets one topic); --json shows them.`,
    );
  }
  lines.push(
    `Save it with: newsalert topics ${result.savedVersion === undefined ? 'add' : 'update'} <file>`,
  );
  return `${lines.join('\n')}\n`;
}

/** `rule "named-corridor": "TRIPP" (@tripp) in title; rule "x": …` */
function describeEvidence(evidence: PreviewEvidence[]): string {
  const byRule = new Map<string, PreviewEvidence[]>();
  for (const item of evidence) {
    const list = byRule.get(item.rule) ?? [];
    list.push(item);
    byRule.set(item.rule, list);
  }
  return [...byRule]
    .map(
      ([rule, items]) =>
        `rule "${rule}": ${items
          .map(
            (item) =>
              `"${item.matched}"${item.term.toLowerCase() !== item.matched.toLowerCase() ? ` (${item.term})` : ''} in ${item.field}`,
          )
          .join(', ')}`,
    )
    .join('; ');
}

// ── the table of subcommands ───────────────────────────────────────────────────────────────────

export const SUBCOMMANDS: Record<string, TopicsSubcommand> = {
  list: { usage: 'topics list [--json]', run: list },
  show: { usage: 'topics show <slug> [--json]   (prints a topic file you can edit)', run: show },
  validate: { usage: 'topics validate <file.json|file.yaml>', run: validate },
  add: {
    usage: 'topics add <file> [--by NAME] [--reason TEXT] [--json]',
    run: saveCommand('create'),
  },
  update: {
    usage: 'topics update <file> [--by NAME] [--reason TEXT] [--json]',
    run: saveCommand('update'),
  },
  disable: {
    usage: 'topics disable <slug> [--reason TEXT] [--by NAME]',
    run: toggleCommand(false),
  },
  enable: { usage: 'topics enable <slug> [--reason TEXT] [--by NAME]', run: toggleCommand(true) },
  history: { usage: 'topics history <slug> [--json]', run: history },
  restore: {
    usage: 'topics restore <slug> <version> [--reason TEXT] [--by NAME]',
    run: restore,
  },
  preview: {
    usage: 'topics preview <file> [--days N (30)] [--limit N (10)] [--all] [--json]',
    run: preview,
  },
};

function usage(): string {
  const lines = Object.values(SUBCOMMANDS).map((sub) => `  newsalert ${sub.usage}`);
  return `Usage:\n${lines.join('\n')}\nEvery command but validate also takes --stage NAME or --data-dir DIR.\n${STORE_USAGE}\n`;
}

/** @example await run(['preview', 'topics/corridors.yaml', '--days', '14'], io) */
export async function run(args: string[], io: CliIo, context: CliContext = {}): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr)(usage());
    return name ? EXIT.ok : EXIT.invalid;
  }
  const sub = SUBCOMMANDS[name];
  if (!sub) {
    io.stderr(`newsalert topics: unknown subcommand '${name}'\n${usage()}`);
    return EXIT.invalid;
  }
  return sub.run(rest, io, context);
}
