import { type ChildProcess, fork } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseFeed } from '../domain/feeds/parse-feed';
import { NewsAlertError } from '../shared/errors';
import { readFeedFile } from './commands/parse-feed';

/**
 * Corpus run: `npm run test:corpus -- <dir> [--workers N] [--time-limit-ms N]`.
 *
 * Parses every file under `<dir>` (recursively) exactly as `newsalert parse-feed <file>` would,
 * in a pool of child processes, each file under a hard time limit (10 s): a file that hangs a
 * worker or crashes it is counted, the worker replaced, and the run goes on. Prints a readable
 * summary, then one JSON line; exits 1 when any file crashed or ran over the limit.
 */

export type FileOutcome =
  | { kind: 'items'; items: number }
  | { kind: 'empty' }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'crash'; message: string }
  | { kind: 'over-time-limit' };

export interface FileResult {
  file: string;
  ms: number;
  outcome: FileOutcome;
}

export interface CorpusSummary {
  corpus: string;
  files: number;
  okWithItems: number;
  okEmpty: number;
  cleanError: number;
  crash: number;
  overTimeLimit: number;
  /** okWithItems + okEmpty: files that gave a feed. */
  parsedToFeed: number;
  errorCodes: Record<string, number>;
  workers: number;
  timeLimitMs: number;
  elapsedMs: number;
  slowestMs: number;
}

export const DEFAULT_TIME_LIMIT_MS = 10_000;

interface WorkerRequest {
  id: number;
  file: string;
}
interface WorkerReply {
  id: number;
  outcome: FileOutcome;
  ms: number;
}

/** Every regular file under `dir`, sorted, hidden ones skipped. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return (
    entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      // `parentPath` from Node 20.12; `path` before (engines allow 20.11).
      .map((entry) =>
        join(entry.parentPath ?? (entry as { path?: string }).path ?? dir, entry.name),
      )
      .sort()
  );
}

/** One file, as the CLI would read and parse it; never throws. */
export async function parseCorpusFile(file: string): Promise<FileOutcome> {
  try {
    const feed = await parseFeed(await readFeedFile(file), { fetchedAt: new Date() });
    return feed.items.length > 0 ? { kind: 'items', items: feed.items.length } : { kind: 'empty' };
  } catch (error) {
    if (error instanceof NewsAlertError) {
      return { kind: 'error', code: error.code, message: error.message };
    }
    // Anything else is a bug in the parser: counted as a crash, like a dead worker.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { kind: 'crash', message: message.slice(0, 300) };
  }
}

function runWorker(): void {
  process.on('message', (request: WorkerRequest) => {
    const started = performance.now();
    void parseCorpusFile(request.file).then((outcome) => {
      const reply: WorkerReply = { id: request.id, outcome, ms: performance.now() - started };
      process.send?.(reply);
    });
  });
  process.send?.('ready');
}

interface Slot {
  child: ChildProcess;
  task?: { request: WorkerRequest; started: number; timer: NodeJS.Timeout };
  stderr: string;
}

/**
 * Runs the pool over `files`. Each worker is a fork of this module (the tsx loader comes with
 * `process.execArgv`); a file gets `timeLimitMs` from the moment it is handed to a ready worker.
 */
export async function runCorpus(
  files: readonly string[],
  options: { workers: number; timeLimitMs: number; onResult?: (result: FileResult) => void },
): Promise<FileResult[]> {
  const results: FileResult[] = [];
  let next = 0;
  let requestId = 0;
  const modulePath = fileURLToPath(import.meta.url);

  return await new Promise<FileResult[]>((done) => {
    let running = 0;
    const record = (result: FileResult) => {
      results.push(result);
      options.onResult?.(result);
    };
    const finishIfIdle = () => {
      if (running === 0 && next >= files.length) done(results);
    };

    const start = () => {
      if (next >= files.length) {
        finishIfIdle();
        return;
      }
      running++;
      const child = fork(modulePath, ['--corpus-worker'], {
        execArgv: process.execArgv,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      const slot: Slot = { child, stderr: '' };
      child.stderr?.on('data', (chunk: Buffer) => {
        slot.stderr = (slot.stderr + chunk.toString('utf8')).slice(-2000);
      });
      const dispatch = () => {
        const file = files[next];
        if (file === undefined) {
          child.kill();
          return;
        }
        next++;
        const request = { id: ++requestId, file };
        const timer = setTimeout(() => {
          // A hung parse blocks the worker's event loop: only killing it stops it.
          record({ file, ms: performance.now() - started, outcome: { kind: 'over-time-limit' } });
          slot.task = undefined;
          child.kill('SIGKILL');
        }, options.timeLimitMs);
        const started = performance.now();
        slot.task = { request, started, timer };
        child.send(request);
      };
      child.on('message', (message: WorkerReply | 'ready') => {
        if (message === 'ready') {
          dispatch();
          return;
        }
        const task = slot.task;
        if (!task || task.request.id !== message.id) return;
        clearTimeout(task.timer);
        slot.task = undefined;
        record({ file: task.request.file, ms: message.ms, outcome: message.outcome });
        dispatch();
      });
      child.on('exit', (code, signal) => {
        running--;
        const task = slot.task;
        if (task) {
          clearTimeout(task.timer);
          const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
          const detail = slot.stderr.trim().split('\n').slice(-3).join(' | ');
          record({
            file: task.request.file,
            ms: performance.now() - task.started,
            outcome: { kind: 'crash', message: `worker ${why}${detail ? `: ${detail}` : ''}` },
          });
        }
        // Replace the worker while files remain (after a crash or a hang alike).
        start();
      });
    };

    const workers = Math.max(1, Math.min(options.workers, files.length));
    if (files.length === 0) done(results);
    for (let i = 0; i < workers; i++) start();
  });
}

/** Counts results into the summary printed as the run's last line. */
export function summarise(
  corpus: string,
  results: readonly FileResult[],
  run: { workers: number; timeLimitMs: number; elapsedMs: number },
): CorpusSummary {
  const count = (kind: FileOutcome['kind']) =>
    results.filter((result) => result.outcome.kind === kind).length;
  const errorCodes: Record<string, number> = {};
  for (const { outcome } of results) {
    if (outcome.kind === 'error') errorCodes[outcome.code] = (errorCodes[outcome.code] ?? 0) + 1;
  }
  const okWithItems = count('items');
  const okEmpty = count('empty');
  return {
    corpus,
    files: results.length,
    okWithItems,
    okEmpty,
    cleanError: count('error'),
    crash: count('crash'),
    overTimeLimit: count('over-time-limit'),
    parsedToFeed: okWithItems + okEmpty,
    errorCodes,
    workers: run.workers,
    timeLimitMs: run.timeLimitMs,
    elapsedMs: Math.round(run.elapsedMs),
    slowestMs: Math.round(Math.max(0, ...results.map((result) => result.ms))),
  };
}

/** The readable part of the report: counts, then every crash and hang, then errors by message. */
export function formatReport(summary: CorpusSummary, results: readonly FileResult[]): string {
  const name = (file: string) => relative(summary.corpus, file);
  const lines = [
    `Corpus ${summary.corpus}: ${summary.files} files in ${(summary.elapsedMs / 1000).toFixed(1)} s ` +
      `(${summary.workers} workers, ${summary.timeLimitMs / 1000} s limit per file)`,
    `  ok, with items   ${summary.okWithItems}`,
    `  ok, empty        ${summary.okEmpty}`,
    `  clean error      ${summary.cleanError}${
      summary.cleanError
        ? ` (${Object.entries(summary.errorCodes)
            .map(([code, n]) => `${code} ${n}`)
            .join(', ')})`
        : ''
    }`,
    `  crash            ${summary.crash}`,
    `  over time limit  ${summary.overTimeLimit}`,
    `  parsed to a feed ${summary.parsedToFeed}; slowest file ${summary.slowestMs} ms`,
  ];
  for (const { file, outcome, ms } of results) {
    if (outcome.kind === 'crash') lines.push(`CRASH ${name(file)}: ${outcome.message}`);
    if (outcome.kind === 'over-time-limit') lines.push(`OVER ${name(file)}: ${Math.round(ms)} ms`);
  }
  const byMessage = new Map<string, string[]>();
  for (const { file, outcome } of results) {
    if (outcome.kind !== 'error') continue;
    const key = outcome.message.replace(/"[^"]*"/g, '"…"').slice(0, 100);
    byMessage.set(key, [...(byMessage.get(key) ?? []), name(file)]);
  }
  for (const [message, files] of [...byMessage].sort((a, b) => b[1].length - a[1].length)) {
    const shown = files.slice(0, 3).join(', ');
    lines.push(`error ×${files.length} ${message} — ${shown}${files.length > 3 ? ', …' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} needs a positive integer`);
  return value;
}

/**
 * The command line: `tsx lambdas/cli/corpus.ts <dir> [--workers N] [--time-limit-ms N]`.
 * Returns 0 when nothing crashed or hung, 1 otherwise, 2 for a usage mistake.
 *
 * @example await corpusMain(['/work/shared/corpus'])
 */
export async function corpusMain(args: string[]): Promise<number> {
  const dir = args.find((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--'));
  let workers: number;
  let timeLimitMs: number;
  try {
    workers = option(args, '--workers', availableParallelism());
    timeLimitMs = option(args, '--time-limit-ms', DEFAULT_TIME_LIMIT_MS);
  } catch (error) {
    process.stderr.write(`corpus: ${(error as Error).message}\n`);
    return 2;
  }
  if (!dir) {
    process.stderr.write('usage: npm run test:corpus -- <dir> [--workers N] [--time-limit-ms N]\n');
    return 2;
  }
  const corpus = resolve(dir);
  let files: string[];
  try {
    files = await listFiles(corpus);
  } catch (error) {
    process.stderr.write(`corpus: cannot list ${corpus} (${(error as Error).message})\n`);
    return 2;
  }
  const started = performance.now();
  let done = 0;
  const results = await runCorpus(files, {
    workers,
    timeLimitMs,
    onResult: () => {
      done++;
      if (process.stderr.isTTY && done % 100 === 0)
        process.stderr.write(`\r${done}/${files.length}`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r');
  const summary = summarise(corpus, results, {
    workers,
    timeLimitMs,
    elapsedMs: performance.now() - started,
  });
  process.stdout.write(formatReport(summary, results));
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary.crash > 0 || summary.overTimeLimit > 0 ? 1 : 0;
}

const entryPoint = process.argv[1] ? pathToFileURL(resolve(process.argv[1])).href : '';
if (import.meta.url === entryPoint) {
  if (process.argv.includes('--corpus-worker')) runWorker();
  else process.exitCode = await corpusMain(process.argv.slice(2));
}
