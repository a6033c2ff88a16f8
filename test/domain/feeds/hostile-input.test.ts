import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ParsedFeed } from '../../../lambdas/domain/feeds/model';
import {
  FeedParseError,
  MAX_FEED_BYTES,
  parseFeed,
} from '../../../lambdas/domain/feeds/parse-feed';

const HOSTILE = 'test/fixtures/feeds/hostile';
const FETCHED_AT = new Date('2026-11-26T12:00:00Z');
const GOOD_ITEM = '<item><title>Good item</title><link>https://good.example/1</link></item>';

function feedWith(description: string): string {
  return (
    `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${GOOD_ITEM}` +
    `<item><title>Hostile</title><link>https://bad.example/1</link><description>${description}` +
    '</description></item></channel></rss>'
  );
}

async function parse(body: string | Uint8Array): Promise<ParsedFeed> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return await parseFeed(bytes, { fetchedAt: FETCHED_AT });
}

async function failure(body: string | Uint8Array): Promise<FeedParseError> {
  const error = await parse(body).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof FeedParseError) return error;
  throw new Error(`expected a FeedParseError, got ${String(error)}`);
}

describe('parseFeed on hostile input', () => {
  it('does not expand billion-laughs entities: they stay literal text', async () => {
    // Act
    const feed = await parse(readFileSync(`${HOSTILE}/billion-laughs.xml`));

    // Assess
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]?.title).toBe('Item &lol9;');
    expect(feed.items[0]?.summary).toBe('&lol9;&lol9;&lol9;');
    expect(feed.feed.title).toBe('Laughs &lol9;');
  });

  it('does not resolve external entities (XXE): /etc/passwd never reaches the output', async () => {
    // Prepare
    const passwd = readFileSync('/etc/passwd', 'utf8');

    // Act
    const feed = await parse(readFileSync(`${HOSTILE}/xxe.xml`));

    // Assess
    const output = JSON.stringify(feed);
    expect(passwd).toContain('root:');
    expect(output).not.toContain('root:');
    expect(feed.items[0]?.title).toBe('Secrets: &xxe;');
    expect(feed.items[0]?.summary).toBe('&remote; &xxe;');
  });

  it('refuses a 60 MB body by the cap, before decoding it', async () => {
    // Prepare
    const body = new Uint8Array(60 * 1024 * 1024).fill(0x20);

    // Act
    const error = await failure(body);

    // Assess
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toBe(
      `parser: body of ${60 * 1024 * 1024} bytes exceeds the ${MAX_FEED_BYTES} byte cap`,
    );
  });

  it.each([
    ['400 KB of &lt;', '&lt;'.repeat(100_000)],
    ['400 KB of "<" without ">" in CDATA', `<![CDATA[${'<'.repeat(400_000)}]]>`],
    ['400 KB of raw "<" without ">"', '<'.repeat(400_000)],
    ['"<p" 130,000 times in CDATA', `<![CDATA[${'a<p'.repeat(130_000)}]]>`],
    ['200,000 nested tags in CDATA', `<![CDATA[${'<a>'.repeat(200_000)}text]]>`],
    ['200,000 nested tags, unescaped', `${'<a>'.repeat(200_000)}text${'</a>'.repeat(200_000)}`],
  ])('keeps both items of a feed with %s in one description', async (_name, description) => {
    // Act
    const feed = await parse(feedWith(description));

    // Assess
    expect(feed.items.map((item) => item.url)).toEqual([
      'https://good.example/1',
      'https://bad.example/1',
    ]);
    expect(feed.items[1]?.summary.length).toBeLessThanOrEqual(1000);
  });

  it('reads the text a hostile description does carry', async () => {
    // Act
    const escaped = await parse(feedWith('&lt;'.repeat(100_000)));
    const nested = await parse(feedWith(`<![CDATA[${'<a>'.repeat(200_000)}text]]>`));

    // Assess
    expect(escaped.items[1]?.summary).toBe(`${'<'.repeat(999)}…`);
    expect(nested.items[1]?.summary).toBe('text');
  });

  it.each([
    [
      'cloudflare-challenge.html',
      'NOT_A_FEED',
      'parser: not a feed (HTML page: "Just a moment...")',
    ],
    ['whitespace-only.xml', 'EMPTY_BODY', 'parser: empty body'],
  ])('refuses %s with a clear message', async (name, code, message) => {
    // Act
    const error = await failure(readFileSync(`${HOSTILE}/${name}`));

    // Assess
    expect(error).toMatchObject({ stage: 'parser', code, message });
  });

  it('refuses a JSON error body, quoting it', async () => {
    // Act
    const error = await failure(readFileSync(`${HOSTILE}/json-error.json`));

    // Assess
    expect(error.code).toBe('NOT_A_FEED');
    expect(error.message).toContain('parser: not a feed (JSON: {"error":"Too Many Requests"');
  });

  it('reads a gzipped feed, and refuses an empty one as an empty body', async () => {
    // Act
    const feed = await parse(gzipSync(feedWith('fine')));
    const error = await failure(gzipSync(Buffer.from('  \n')));

    // Assess
    expect(feed.items).toHaveLength(2);
    expect(error.code).toBe('EMPTY_BODY');
  });
});

/**
 * Runs in a child process, so its peak resident memory (`maxRSS`) is the parser's alone:
 * builds each 10 MiB hostile body, parses it, and reports outcome and high-water memory.
 */
const MEMORY_PROBE = `
import { parseFeed, MAX_FEED_BYTES } from './lambdas/domain/feeds/parse-feed.ts';
const good = '${GOOD_ITEM}';
const head = '<rss version="2.0"><channel><title>t</title>' + good + '<item><title>x</title><link>https://bad.example/1</link><description>';
const tail = '</description></item></channel></rss>';
const room = MAX_FEED_BYTES - head.length - tail.length - 64;
const fill = (unit) => unit.repeat(Math.floor(room / unit.length));
const bodies = {
  nestedTags: () => head + fill('<a>') + tail,
  siblingTags: () => head + fill('<a/>') + tail,
  manyAttributes: () => { const attributes = []; let length = 0, i = 0; while (length < room) { const attribute = 'a' + i++ + '="1" '; attributes.push(attribute); length += attribute.length; } return head.replace('<description>', '<description ' + attributes.join('') + '>') + tail; },
  escapedLessThan: () => head + fill('&lt;') + tail,
  cdataLessThan: () => head + '<![CDATA[' + fill('<') + ']]>' + tail,
  rawLessThan: () => head + fill('<') + tail,
  bareAmpersands: () => head + '& '.repeat(999_000) + fill('x').slice(2_000_000) + tail,
  manyItems: () => { const parts = ['<rss><channel>']; let length = 0, i = 0; while (length < room) { const item = '<item><link>https://a.example/' + i++ + '</link></item>'; parts.push(item); length += item.length; } return parts.join('') + '</channel></rss>'; },
  sixtyMegabytes: () => ' '.repeat(60 * 1024 * 1024),
};
const report = [];
const only = process.argv.at(-1);
for (const [kind, build] of Object.entries(bodies).filter(([kind]) => kind === only)) {
  let outcome;
  try {
    const feed = await parseFeed(Buffer.from(build()), { fetchedAt: new Date() });
    outcome = { items: feed.items.length, good: feed.items.some((item) => item.url === 'https://good.example/1') };
  } catch (error) {
    outcome = { error: error.code ?? error.message };
  }
  report.push({ kind, ...outcome, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) });
}
console.log(JSON.stringify(report));
`;

type ProbeReport = { items?: number; good?: boolean; error?: string; maxRssMb: number };

/** Parses one hostile body in a fresh child process: its peak memory is that parse's alone. */
async function probe(kind: string): Promise<ProbeReport> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', MEMORY_PROBE, kind],
    { cwd: process.cwd(), maxBuffer: 1024 * 1024 },
  );
  const [report] = JSON.parse(stdout) as (ProbeReport & { kind: string })[];
  if (!report) throw new Error(`probe ${kind} reported nothing`);
  return report;
}

describe.concurrent('parseFeed memory on 10 MiB hostile bodies', () => {
  it.each([
    ['nestedTags', { items: 2, good: true }],
    ['siblingTags', { items: 1, good: true }],
    ['manyAttributes', { items: 2, good: true }],
    ['escapedLessThan', { items: 2, good: true }],
    ['cdataLessThan', { items: 2, good: true }],
    ['rawLessThan', { error: 'MALFORMED' }],
    ['bareAmpersands', { items: 2, good: true }],
    ['manyItems', { items: 2000 }],
    ['sixtyMegabytes', { error: 'TOO_LARGE' }],
  ])('%s: reaches a clean outcome under 400 MB peak resident memory', async (kind, expected) => {
    // Act
    const report = await probe(kind);

    // Assess
    expect(report).toMatchObject(expected);
    expect(report.maxRssMb).toBeLessThan(400);
  });
});
