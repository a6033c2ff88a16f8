import { z } from 'zod';
import { createSubscriberRepository } from '../../adapters/dynamodb/subscriber.repository';
import { documentClient } from '../../adapters/dynamodb/table';
import type { Subscriber } from '../../domain/subscribers/subscriber';
import type { SubscriberRepository } from '../../use-cases/ports';
import { type CliIo, EXIT } from '../io';
import { dynamoTarget, storeProblem, takeStoreFlags } from '../store';

/**
 * `newsalert subscribers list|show|export|delete` — what operators need to answer a question or a
 * request about a subscriber, and nothing that invites browsing addresses:
 *
 * - `list` masks every address (`r***@mail.example`) unless `--show-emails`;
 * - `show` prints one subscriber, address masked unless `--show-emails`;
 * - `export` prints everything stored about one subscriber, as JSON (a data access request);
 * - `delete` erases the personal data; for a suppressed address only its SHA-256 stays, so it is
 *   never mailed again. It asks for `--yes`, because it cannot be undone;
 * - `purge-pending` erases addresses that never confirmed (their link expired long ago): an
 *   unconfirmed address is data we were never given permission to keep.
 *
 * The store is DynamoDB Local by default: `DYNAMODB_ENDPOINT` (default `http://127.0.0.1:8000`)
 * and `TABLE_NAME` (default `news-alerts`). `DYNAMODB_ENDPOINT=aws` uses the AWS account and
 * region of the environment instead.
 */

const USAGE = `Usage:
  newsalert subscribers list [--status pending|active|unsubscribed|suppressed] [--limit N] [--json] [--show-emails]
  newsalert subscribers show <id|email> [--json] [--show-emails]
  newsalert subscribers export <id|email>
  newsalert subscribers delete <id|email> --yes
  newsalert subscribers purge-pending [--older-than-days N] --yes   (default 7 days)
Store: DYNAMODB_ENDPOINT (default http://127.0.0.1:8000; 'aws' for the real service), TABLE_NAME (default news-alerts),
  or --stage NAME for the deployed table news-alerts-NAME (default AWS credentials and region).
`;

const STATUSES = ['pending', 'active', 'unsubscribed', 'suppressed'] as const;

/**
 * The subscriber store the CLI talks to, from the environment (and `--stage`); see `../store.ts`.
 *
 * @example subscriberStoreFromEnv({ TABLE_NAME: 'news-alerts-dev' }).describe // 'table news-alerts-dev at http://127.0.0.1:8000'
 */
export function subscriberStoreFromEnv(
  env: Record<string, string | undefined>,
  options: { stage?: string } = {},
): {
  subscribers: SubscriberRepository;
  describe: string;
} {
  const target = dynamoTarget(env, options);
  return {
    subscribers: createSubscriberRepository(documentClient(target.client), target.tableName),
    describe: target.describe,
  };
}

/**
 * Masks an address for lists and logs: the first character of the local part and the domain.
 *
 * @example maskEmail('ruben@mail.example') // 'r***@mail.example'
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

interface Flags {
  positional: string[];
  json: boolean;
  showEmails: boolean;
  yes: boolean;
  status?: string;
  limit?: number;
  olderThanDays?: number;
  problem?: string;
}

function parseFlags(args: string[]): Flags {
  const flags: Flags = { positional: [], json: false, showEmails: false, yes: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--json') flags.json = true;
    else if (arg === '--show-emails') flags.showEmails = true;
    else if (arg === '--yes') flags.yes = true;
    else if (arg === '--status' || arg === '--limit' || arg === '--older-than-days') {
      const value = args[index + 1];
      index += 1;
      if (value === undefined) flags.problem = `${arg} needs a value`;
      else if (arg === '--status') flags.status = value;
      else if (!/^[1-9]\d{0,6}$/.test(value))
        flags.problem = `${arg} must be a positive whole number`;
      else if (arg === '--limit') flags.limit = Number(value);
      else flags.olderThanDays = Number(value);
    } else if (arg.startsWith('--')) flags.problem = `unknown option ${arg}`;
    else flags.positional.push(arg);
  }
  if (flags.status && !(STATUSES as readonly string[]).includes(flags.status)) {
    flags.problem = `--status must be one of ${STATUSES.join(', ')}`;
  }
  return flags;
}

/** A subscriber as operators see it: address masked unless asked for. */
function view(subscriber: Subscriber, showEmails: boolean): Subscriber {
  return showEmails ? subscriber : { ...subscriber, email: maskEmail(subscriber.email) };
}

async function find(
  subscribers: SubscriberRepository,
  key: string,
): Promise<Subscriber | undefined> {
  return key.includes('@') ? await subscribers.findByEmail(key) : await subscribers.get(key);
}

function line(subscriber: Subscriber, showEmails: boolean): string {
  const email = showEmails ? subscriber.email : maskEmail(subscriber.email);
  const note =
    subscriber.status === 'suppressed'
      ? ` (${subscriber.suppressedReason ?? 'suppressed'})`
      : subscriber.paused
        ? ' (paused)'
        : '';
  return [
    subscriber.id.padEnd(24),
    `${subscriber.status}${note}`.padEnd(28),
    subscriber.cadence.padEnd(8),
    subscriber.createdAt.slice(0, 10),
    email,
  ].join(' ');
}

/**
 * Runs a subscribers subcommand against a given store (tests pass DynamoDB Local's).
 *
 * @example await runSubscribers(['list', '--json'], io, subscribers)
 */
export async function runSubscribers(
  args: string[],
  io: CliIo,
  subscribers: SubscriberRepository,
): Promise<number> {
  const [name, ...rest] = args;
  const flags = parseFlags(rest);
  if (flags.problem) {
    io.stderr(`newsalert subscribers ${name}: ${flags.problem}\n${USAGE}`);
    return EXIT.invalid;
  }

  if (name === 'list') {
    if (flags.positional.length > 0) {
      io.stderr(`newsalert subscribers list: unexpected argument ${flags.positional[0]}\n${USAGE}`);
      return EXIT.invalid;
    }
    let shown = 0;
    if (!flags.json)
      io.stdout(
        `${'id'.padEnd(24)} ${'status'.padEnd(28)} ${'cadence'.padEnd(8)} created    email\n`,
      );
    for await (const page of subscribers.list({ limit: Math.min(flags.limit ?? 100, 100) })) {
      for (const subscriber of page) {
        if (flags.status && subscriber.status !== flags.status) continue;
        if (flags.limit !== undefined && shown >= flags.limit) break;
        shown += 1;
        // JSON Lines: one subscriber per line, so long lists stream into jq or a file.
        io.stdout(
          flags.json
            ? `${JSON.stringify(view(subscriber, flags.showEmails))}\n`
            : `${line(subscriber, flags.showEmails)}\n`,
        );
      }
      if (flags.limit !== undefined && shown >= flags.limit) break;
    }
    if (!flags.json) io.stderr(`${shown} subscriber(s)\n`);
    return EXIT.ok;
  }

  if (name === 'show' || name === 'export' || name === 'delete') {
    const [key, ...extra] = flags.positional;
    if (!key || extra.length > 0) {
      io.stderr(`newsalert subscribers ${name}: give one subscriber id or email address\n${USAGE}`);
      return EXIT.invalid;
    }
    const subscriber = await find(subscribers, key);
    if (!subscriber) {
      io.stderr(
        `newsalert subscribers ${name}: no subscriber ${key.includes('@') ? 'with that address' : key}\n`,
      );
      return EXIT.failure;
    }
    if (name === 'show') {
      const shown = view(subscriber, flags.showEmails);
      io.stdout(
        flags.json
          ? `${JSON.stringify(shown, null, 2)}\n`
          : `${Object.entries(shown)
              .map(
                ([field, value]) =>
                  `${field.padEnd(24)} ${Array.isArray(value) ? value.join(', ') : String(value)}`,
              )
              .join('\n')}\n`,
      );
      return EXIT.ok;
    }
    if (name === 'export') {
      io.stdout(
        `${JSON.stringify({ exportedAt: new Date().toISOString(), subscriber }, null, 2)}\n`,
      );
      return EXIT.ok;
    }
    if (!flags.yes) {
      io.stderr(
        `newsalert subscribers delete: this erases ${subscriber.id} for good; run again with --yes\n`,
      );
      return EXIT.invalid;
    }
    const keepSuppression =
      subscriber.status === 'suppressed' || (await subscribers.isSuppressed(subscriber.email));
    await subscribers.erase(subscriber.id, { keepSuppression });
    io.stdout(
      keepSuppression
        ? `erased ${subscriber.id}; kept only the address hash so the suppressed address is never mailed again\n`
        : `erased ${subscriber.id}\n`,
    );
    return EXIT.ok;
  }

  if (name === 'purge-pending') {
    if (!flags.yes) {
      io.stderr(
        'newsalert subscribers purge-pending: this erases unconfirmed addresses for good; run again with --yes\n',
      );
      return EXIT.invalid;
    }
    const days = flags.olderThanDays ?? 7;
    const cutoff = new Date(Date.now() - days * 86_400_000).toISOString();
    const stale: Subscriber[] = [];
    for await (const page of subscribers.list()) {
      for (const subscriber of page) {
        if (subscriber.status === 'pending' && subscriber.createdAt < cutoff)
          stale.push(subscriber);
      }
    }
    for (const subscriber of stale)
      await subscribers.erase(subscriber.id, { keepSuppression: false });
    io.stdout(
      `erased ${stale.length} unconfirmed subscriber(s) created before ${cutoff.slice(0, 10)}\n`,
    );
    return EXIT.ok;
  }

  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  io.stderr(name ? `newsalert subscribers: unknown subcommand '${name}'\n${USAGE}` : USAGE);
  return EXIT.invalid;
}

/** @example await run(['list', '--status', 'suppressed'], io) */
export async function run(args: string[], io: CliIo): Promise<number> {
  const { rest, stage, problem } = takeStoreFlags(args);
  let store: ReturnType<typeof subscriberStoreFromEnv>;
  try {
    if (problem) throw new Error(problem);
    store = subscriberStoreFromEnv(process.env, { stage });
  } catch (error) {
    const message =
      error instanceof z.ZodError
        ? (error.issues[0]?.message ?? 'invalid')
        : error instanceof Error
          ? error.message
          : String(error);
    io.stderr(`newsalert subscribers: bad configuration: ${message}\n`);
    return EXIT.invalid;
  }
  try {
    return await runSubscribers(rest, io, store.subscribers);
  } catch (error) {
    io.stderr(`newsalert subscribers: ${storeProblem(error, store.describe)}\n`);
    return EXIT.failure;
  }
}
