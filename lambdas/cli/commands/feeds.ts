import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createGuardedFetcher } from '../../adapters/http/guarded-fetcher';
import type { FeedHealth, FeedStatus } from '../../domain/feeds/feed-health';
import type { Feed } from '../../domain/feeds/feed-state';
import { feedIdFor } from '../../domain/feeds/feed-state';
import { parseFeed } from '../../domain/feeds/parse-feed';
import type { NewsAlertError } from '../../shared/errors';
import {
  checkFeeds,
  FeedAdminError,
  type FeedCheck,
  type FeedsAdminDeps,
  listFeedsWithHealth,
  previewNewFeed,
  removeFeed,
  saveNewFeed,
  setFeedEnabled,
} from '../../use-cases/feeds-admin.use-case';
import type { Clock } from '../../use-cases/ports';
import { count, defaultEditor, plural, relative, stamp, table } from '../format';
import { type CliIo, EXIT } from '../io';
import { type CliStore, openCliStore, STORE_USAGE, storeProblem } from '../store';

/**
 * `newsalert feeds <subcommand> …` — the feed list, for editors: health at a glance, adding a
 * feed after seeing what it serves, checking feeds now, disabling with a reason, removing.
 * Fetches go through the production guarded fetcher; loopback and private addresses (the demo's
 * feed server) need `--allow-private-networks`. Exit codes: 0 done, 1 could not be done (or a
 * checked feed failed), 2 invalid input.
 */

/** What tests may replace: the clock and the environment. */
export interface CliContext {
  clock?: Clock;
  env?: Record<string, string | undefined>;
}

type Values = Record<string, string | boolean | undefined>;
type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

const STORE_OPTIONS: OptionSpec = {
  stage: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
};
const FETCH_OPTIONS: OptionSpec = { 'allow-private-networks': { type: 'boolean' } };

interface Subcommand {
  usage: string;
  options: OptionSpec;
  run: (
    input: { values: Values; positionals: string[] },
    io: CliIo,
    deps: FeedsAdminDeps & { store: CliStore; context: CliContext },
  ) => Promise<number>;
}

const STATUS_LABEL: Record<FeedStatus, string> = {
  ok: 'ok',
  'never-polled': 'new',
  failing: 'FAILING',
  'failing-long': 'FAILING >24h',
  throttled: 'slowed',
  empty: 'EMPTY',
  disabled: 'disabled',
};

// ── list ───────────────────────────────────────────────────────────────────────────────────────

async function list(
  { values, positionals }: { values: Values; positionals: string[] },
  io: CliIo,
  deps: FeedsAdminDeps & { store: CliStore },
): Promise<number> {
  if (positionals.length > 0)
    return usageError('list', `unexpected argument ${positionals[0]}`, io);
  const now = deps.clock();
  const feeds = await listFeedsWithHealth(deps);
  if (values.json) {
    io.stdout(
      `${JSON.stringify(
        feeds.map(({ feed, health }) => ({ ...feed, health })),
        null,
        2,
      )}\n`,
    );
    return EXIT.ok;
  }
  io.stdout(
    table(
      ['status', 'outlet', 'last success', 'errors', '304s', 'items/day', 'next poll', 'id'],
      feeds.map(({ feed, health }) => [
        STATUS_LABEL[health.status],
        feed.outlet,
        health.lastSuccessAt ? relative(health.lastSuccessAt, now) : 'never',
        String(health.consecutiveErrors),
        health.notModifiedShare === undefined
          ? '–'
          : `${Math.round(health.notModifiedShare * 100)}%`,
        health.itemsPerDay.toFixed(1),
        health.nextPollAt ? nextPoll(health.nextPollAt, now) : '–',
        feed.id,
      ]),
      { max: [12, 30, 12, 6, 5, 9, 12, 40] },
    ),
  );
  const attention = feeds.filter(
    ({ health }) => health.status !== 'ok' && health.status !== 'never-polled',
  );
  if (attention.length > 0)
    io.stdout(`\n${attention.map(({ feed, health }) => details(feed, health, now)).join('\n')}`);
  const failing = feeds.filter(({ health }) => health.failingLong).length;
  io.stderr(
    `${plural(feeds.length, 'feed')}${failing ? `, ${failing} failing for over 24 h` : ''} (${deps.store.describe})\n`,
  );
  return EXIT.ok;
}

/** When a feed is polled next: a time already past means the next scheduler run. */
function nextPoll(iso: string, now: Date): string {
  return Date.parse(iso) <= now.getTime() ? 'due now' : relative(iso, now);
}

/** What an editor needs to act on a feed that is not well: the error, since when, what next. */
function details(feed: Feed, health: FeedHealth, now: Date): string {
  const lines = [`${feed.outlet} (${feed.id}) — ${feed.url}`];
  if (health.status === 'disabled') {
    lines.push(`  disabled: ${health.disabledReason ?? 'no reason given'}`);
  }
  if (health.consecutiveErrors > 0) {
    const since = health.lastSuccessAt
      ? `last success ${relative(health.lastSuccessAt, now)}`
      : 'never succeeded';
    lines.push(`  failing: ${plural(health.consecutiveErrors, 'error')} in a row, ${since}`);
  }
  if (health.lastError && (health.consecutiveErrors > 0 || health.status !== 'ok')) {
    lines.push(`  last error ${relative(health.lastErrorAt, now)}: ${health.lastError}`);
  }
  if (health.lastAnswerEmpty) {
    lines.push(
      `  the last answer had no items (${relative(health.lastEmptyAt, now)}): the feed may be broken`,
    );
  }
  if (health.nextPollAt && health.status !== 'ok') {
    lines.push(`  next retry ${stamp(health.nextPollAt)} (${nextPoll(health.nextPollAt, now)})`);
  }
  return `${lines.join('\n')}\n`;
}

// ── add ────────────────────────────────────────────────────────────────────────────────────────

async function add(
  { values, positionals }: { values: Values; positionals: string[] },
  io: CliIo,
  deps: FeedsAdminDeps & { store: CliStore },
): Promise<number> {
  const [url, ...extra] = positionals;
  if (!url || extra.length > 0) return usageError('add', 'give one feed URL', io);
  if (values.yes && values['dry-run'])
    return usageError('add', 'choose --yes or --dry-run, not both', io);
  const interval = values.interval === undefined ? undefined : Number(values.interval);
  const { feed, check } = await previewNewFeed(deps, {
    url,
    ...(typeof values.outlet === 'string' ? { outlet: values.outlet } : {}),
    ...(typeof values.lang === 'string' ? { lang: values.lang } : {}),
    ...(interval !== undefined ? { intervalMinutes: interval } : {}),
  });
  if (values.json && (values['dry-run'] || values.yes)) {
    if (values.yes) await saveNewFeed(deps, feed);
    io.stdout(`${JSON.stringify({ saved: Boolean(values.yes), feed, check }, null, 2)}\n`);
    return EXIT.ok;
  }
  io.stdout(describeCheck(check));
  io.stdout(
    `\nWould add: outlet "${feed.outlet}"${feed.lang ? `, language ${feed.lang}` : ''}, polled every ${plural(feed.intervalMinutes, 'minute')}, id ${feed.id}\n`,
  );
  if (values['dry-run']) {
    io.stdout('Dry run: nothing saved.\n');
    return EXIT.ok;
  }
  if (!values.yes && !(await confirm('Add this feed? [y/N] ', io))) {
    io.stdout('Not added. Run again with --yes to add it without asking.\n');
    return EXIT.failure;
  }
  await saveNewFeed(deps, feed);
  io.stdout(`Added ${feed.outlet} (${feed.id}); it is polled in the next cycle.\n`);
  return EXIT.ok;
}

/** Asks on stderr, reads one line from stdin; no answer (closed stdin) means no. */
async function confirm(question: string, io: CliIo): Promise<boolean> {
  io.stderr(question);
  const lines = createInterface({ input: io.stdin as NodeJS.ReadableStream, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      lines.once('line', resolve);
      lines.once('close', () => resolve(''));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    lines.close();
  }
}

/** One fetch, as an editor reads it: answered or not, what, and the first items. */
function describeCheck(check: FeedCheck): string {
  const name = check.outlet ? `${check.outlet} — ${check.url}` : check.url;
  if (!check.ok) return `✗ ${name}\n  ${check.problem ?? check.outcome}\n`;
  if (check.outcome === 'not-modified') return `✓ ${name}\n  answered 304 Not Modified\n`;
  const lines = [
    `✓ ${name}`,
    `  a readable feed: "${check.feedTitle ?? ''}"${check.feedLanguage ? ` (${check.feedLanguage})` : ''}, ` +
      `${plural(check.items, 'item')}${check.newestItemAt ? `, newest ${stamp(check.newestItemAt)}` : ''}`,
  ];
  if (check.movedTo) lines.push(`  it has moved permanently to ${check.movedTo}`);
  if (check.problem) lines.push(`  ⚠ ${check.problem}`);
  for (const item of check.sample)
    lines.push(`    ${item.publishedAt.slice(0, 10)}  ${item.title}`);
  if (check.warnings.length > 0)
    lines.push(`  ${plural(check.warnings.length, 'parser warning')} (--json shows them)`);
  return `${lines.join('\n')}\n`;
}

// ── check ──────────────────────────────────────────────────────────────────────────────────────

async function check(
  { values, positionals }: { values: Values; positionals: string[] },
  io: CliIo,
  deps: FeedsAdminDeps & { store: CliStore },
): Promise<number> {
  const checks = await checkFeeds(deps, {
    ...(positionals.length > 0 ? { feeds: positionals } : {}),
    onProgress: (done, total, result) =>
      io.stderr(
        `checked ${count(done)} / ${count(total)} feeds (${result.outlet ?? result.url}: ${result.ok ? 'ok' : result.outcome})\n`,
      ),
  });
  if (values.json) io.stdout(`${JSON.stringify(checks, null, 2)}\n`);
  else io.stdout(checks.map(describeCheck).join('\n'));
  const failed = checks.filter((result) => !result.ok).length;
  io.stderr(`${plural(checks.length, 'feed')} checked, ${failed} failed\n`);
  return failed > 0 ? EXIT.failure : EXIT.ok;
}

// ── disable / enable / remove ──────────────────────────────────────────────────────────────────

function toggle(enabled: boolean): Subcommand['run'] {
  const name = enabled ? 'enable' : 'disable';
  return async ({ values, positionals }, io, deps) => {
    const [idOrUrl, ...extra] = positionals;
    if (!idOrUrl || extra.length > 0) return usageError(name, 'give one feed id or URL', io);
    const by =
      typeof values.by === 'string' && values.by.trim()
        ? values.by.trim()
        : defaultEditor(deps.context.env ?? process.env);
    const reason = typeof values.reason === 'string' ? values.reason : undefined;
    const outcome = await setFeedEnabled(deps, idOrUrl, enabled, {
      by,
      ...(reason ? { reason } : {}),
    });
    if (values.json) io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
    else if (!outcome.changed)
      io.stdout(`${outcome.feed.outlet} is already ${enabled ? 'enabled' : 'disabled'}\n`);
    else
      io.stdout(
        enabled
          ? `${outcome.feed.outlet} enabled; it is polled in the next cycle\n`
          : `${outcome.feed.outlet} disabled: ${outcome.feed.disabledReason}\n`,
      );
    return EXIT.ok;
  };
}

async function remove(
  { values, positionals }: { values: Values; positionals: string[] },
  io: CliIo,
  deps: FeedsAdminDeps & { store: CliStore },
): Promise<number> {
  const [idOrUrl, ...extra] = positionals;
  if (!idOrUrl || extra.length > 0) return usageError('remove', 'give one feed id or URL', io);
  if (!values.yes) {
    io.stderr(
      'newsalert feeds remove: this takes the feed off the list (its articles stay); run again with --yes, or disable it instead\n',
    );
    return EXIT.invalid;
  }
  const feed = await removeFeed(deps, idOrUrl);
  if (values.json) io.stdout(`${JSON.stringify({ removed: feed }, null, 2)}\n`);
  else io.stdout(`removed ${feed.outlet} (${feed.id}, ${feed.url}); its stored articles stay\n`);
  return EXIT.ok;
}

// ── the table of subcommands ───────────────────────────────────────────────────────────────────

const AUTHOR_OPTIONS: OptionSpec = { by: { type: 'string' }, reason: { type: 'string' } };

const SUBCOMMANDS: Record<string, Subcommand> = {
  list: { usage: 'feeds list [--json]', options: {}, run: list },
  add: {
    usage:
      'feeds add <url> [--outlet NAME] [--lang xx] [--interval MINUTES] [--yes | --dry-run] [--allow-private-networks] [--json]',
    options: {
      ...FETCH_OPTIONS,
      outlet: { type: 'string' },
      lang: { type: 'string' },
      interval: { type: 'string' },
      yes: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    },
    run: add,
  },
  check: {
    usage:
      'feeds check [<id|url> …] [--allow-private-networks] [--json]   (all feeds when none named)',
    options: FETCH_OPTIONS,
    run: check,
  },
  disable: {
    usage: 'feeds disable <id|url> --reason TEXT [--by NAME]',
    options: AUTHOR_OPTIONS,
    run: toggle(false),
  },
  enable: {
    usage: 'feeds enable <id|url> [--by NAME]',
    options: AUTHOR_OPTIONS,
    run: toggle(true),
  },
  remove: {
    usage: 'feeds remove <id|url> --yes',
    options: { yes: { type: 'boolean' } },
    run: remove,
  },
};

function usage(): string {
  const lines = Object.values(SUBCOMMANDS).map((sub) => `  newsalert ${sub.usage}`);
  return `Usage:\n${lines.join('\n')}\nEvery command also takes --stage NAME or --data-dir DIR.\n${STORE_USAGE}\n`;
}

function usageError(name: string, problem: string, io: CliIo): number {
  io.stderr(`newsalert feeds ${name}: ${problem}\nUsage: newsalert ${SUBCOMMANDS[name]?.usage}\n`);
  return EXIT.invalid;
}

/** @example await run(['list'], io) */
export async function run(args: string[], io: CliIo, context: CliContext = {}): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr)(usage());
    return name ? EXIT.ok : EXIT.invalid;
  }
  const sub = SUBCOMMANDS[name];
  if (!sub) {
    io.stderr(`newsalert feeds: unknown subcommand '${name}'\n${usage()}`);
    return EXIT.invalid;
  }
  let input: { values: Values; positionals: string[] };
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...STORE_OPTIONS, ...sub.options },
      allowPositionals: true,
    });
    input = { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (error) {
    return usageError(name, (error as Error).message, io);
  }
  if (
    input.values.interval !== undefined &&
    !/^[1-9]\d{0,3}$/.test(String(input.values.interval))
  ) {
    return usageError(name, '--interval must be a whole number of minutes from 1 to 1440', io);
  }

  const env = context.env ?? process.env;
  let store: CliStore;
  try {
    store = await openCliStore(
      env,
      {
        ...(typeof input.values.stage === 'string' ? { stage: input.values.stage } : {}),
        ...(typeof input.values['data-dir'] === 'string'
          ? { dataDir: input.values['data-dir'] }
          : {}),
      },
      io.stderr,
    );
  } catch (error) {
    io.stderr(`newsalert feeds ${name}: ${storeProblem(error, 'the store')}\n`);
    return EXIT.failure;
  }
  try {
    return await sub.run(input, io, {
      store,
      context,
      feeds: store.feeds,
      fetcher: createGuardedFetcher({
        allowPrivateNetworks: input.values['allow-private-networks'] === true,
      }),
      parse: parseFeed,
      clock: context.clock ?? (() => new Date()),
      feedId: feedIdFor,
    });
  } catch (error) {
    if (error instanceof FeedAdminError) {
      io.stderr(`newsalert feeds ${name}: ${plain(error)}\n`);
      return error.code === 'INVALID_INPUT' ? EXIT.invalid : EXIT.failure;
    }
    io.stderr(`newsalert feeds ${name}: ${storeProblem(error, store.describe)}\n`);
    return EXIT.failure;
  } finally {
    await store.close();
  }
}

function plain(error: NewsAlertError): string {
  const prefix = `${error.stage}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
