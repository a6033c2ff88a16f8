import { open, stat } from 'node:fs/promises';
import { assertFetchableUrl, createGuardedFetcher } from '../../adapters/http/guarded-fetcher';
import type { ParsedFeed } from '../../domain/feeds/model';
import { FeedParseError, MAX_FEED_BYTES, parseFeed } from '../../domain/feeds/parse-feed';
import { NewsAlertError } from '../../shared/errors';
import type { FetchOutcome } from '../../use-cases/ports';
import { type CliIo, EXIT } from '../io';

const USAGE = 'usage: newsalert parse-feed <file|url> [--allow-private-networks]';

/** A failure of the command itself (missing file, refused fetch): one line, exit 1. */
export class ParseFeedCommandError extends NewsAlertError {
  override readonly name = 'ParseFeedCommandError';
  constructor(
    code: 'NO_SUCH_FILE' | 'NOT_A_FILE' | 'UNREADABLE' | 'FETCH_OUTCOME',
    message: string,
  ) {
    super(code === 'FETCH_OUTCOME' ? 'fetch' : 'input', code, message);
  }
}

/**
 * Reads a feed file into memory, never more than `MAX_FEED_BYTES` (+1 to notice the excess):
 * a 60 GB file or a device costs no more memory than a feed at the cap. Only regular files: a
 * FIFO would block forever. Throws `FeedParseError` `TOO_LARGE` or `ParseFeedCommandError`.
 *
 * @example const bytes = await readFeedFile('test/fixtures/feeds/sample/oc-media-en.xml');
 */
export async function readFeedFile(path: string): Promise<Uint8Array> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ParseFeedCommandError('NO_SUCH_FILE', `no such file: ${path}`);
    }
    throw new ParseFeedCommandError('UNREADABLE', `cannot read ${path} (${code ?? 'error'})`);
  }
  if (!info.isFile()) {
    throw new ParseFeedCommandError(
      'NOT_A_FILE',
      `${path} is ${info.isDirectory() ? 'a directory' : 'not a regular file'}`,
    );
  }
  if (info.size > MAX_FEED_BYTES) {
    throw new FeedParseError(
      'TOO_LARGE',
      `body of ${info.size} bytes exceeds the ${MAX_FEED_BYTES} byte cap`,
    );
  }
  const handle = await open(path, 'r');
  try {
    // The size can change between stat and read: read in chunks, stop one byte past the cap.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1 << 20, MAX_FEED_BYTES + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > MAX_FEED_BYTES) {
        throw new FeedParseError('TOO_LARGE', `body exceeds the ${MAX_FEED_BYTES} byte cap`);
      }
    }
    return Buffer.concat(chunks, length);
  } finally {
    await handle.close();
  }
}

function describeOutcome(outcome: Exclude<FetchOutcome, { kind: 'ok' }>, url: string): string {
  switch (outcome.kind) {
    case 'not-modified':
      return `${url} answered 304 Not Modified`;
    case 'gone':
      return `${url} is gone (HTTP 410); the feed should be disabled`;
    case 'retry-later': {
      const after =
        outcome.retryAfterMs === undefined
          ? ''
          : `; retry after ${Math.ceil(outcome.retryAfterMs / 1000)} s`;
      return `${url} answered HTTP ${outcome.status}${after}`;
    }
    case 'http-error':
      return `${url} answered HTTP ${outcome.status}`;
  }
}

async function readSource(
  source: string,
  allowPrivateNetworks: boolean,
): Promise<{ bytes: Uint8Array; contentType?: string; feedUrl?: string }> {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return { bytes: await readFeedFile(source) };
  // Refused before any request: a bad scheme, or a literal private/loopback address.
  const url = assertFetchableUrl(source, { allowPrivateNetworks }).href;
  const outcome = await createGuardedFetcher({ allowPrivateNetworks }).fetch({ url });
  if (outcome.kind !== 'ok') {
    throw new ParseFeedCommandError('FETCH_OUTCOME', describeOutcome(outcome, url));
  }
  return {
    bytes: outcome.body,
    feedUrl: outcome.finalUrl,
    ...(outcome.contentType !== undefined && { contentType: outcome.contentType }),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * `newsalert parse-feed <file|url> [--allow-private-networks]`: prints the normalised feed as
 * JSON (`{"feed", "items", "warnings"}`) and returns 0, or prints one line saying what is wrong
 * and returns 1 (2 for a usage mistake). URLs go through the guarded fetcher: private and
 * loopback addresses are refused unless `--allow-private-networks`.
 *
 * @example await run(['test/fixtures/feeds/sample/oc-media-en.xml'], io) // 0, JSON on stdout
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  const allowPrivateNetworks = args.includes('--allow-private-networks');
  const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--allow-private-networks');
  const sources = args.filter((arg) => !arg.startsWith('--'));
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (unknown.length > 0 || sources.length !== 1 || sources[0] === undefined) {
    const problem =
      unknown.length > 0 ? `unknown option ${unknown[0]}` : 'expected one file or URL';
    io.stderr(`parse-feed: ${problem}; ${USAGE}\n`);
    return EXIT.invalid;
  }
  let feed: ParsedFeed;
  try {
    const { bytes, contentType, feedUrl } = await readSource(sources[0], allowPrivateNetworks);
    feed = await parseFeed(bytes, {
      fetchedAt: new Date(),
      ...(contentType !== undefined && { contentType }),
      ...(feedUrl !== undefined && { feedUrl }),
    });
  } catch (error) {
    const message =
      error instanceof NewsAlertError
        ? error.message
        : `parse-feed: unexpected error: ${(error as Error)?.message ?? String(error)}`;
    io.stderr(`${oneLine(message)}\n`);
    return EXIT.failure;
  }
  io.stdout(`${JSON.stringify(feed, null, 2)}\n`);
  return EXIT.ok;
}
