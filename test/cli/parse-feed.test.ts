import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../lambdas/cli/io';
import { main } from '../../lambdas/cli/main';
import type { ParsedFeed } from '../../lambdas/domain/feeds/model';

const SAMPLE = 'test/fixtures/feeds/sample';
const HOSTILE = 'test/fixtures/feeds/hostile';
const SIXTY_MB = 60 * 1024 * 1024;

function fakeIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdin: Readable.from([]),
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    out,
    err,
  };
}

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo();
  const code = await main(['parse-feed', ...args], io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

/** windows-1251 bytes for Cyrillic text (А–я are 0xC0–0xFF). */
function windows1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((char) => {
      const code = char.charCodeAt(0);
      return code >= 0x410 && code <= 0x44f ? code - 0x410 + 0xc0 : code;
    }),
  );
}

let scratch: string;
let server: Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'parse-feed-cli-'));
  // Sparse: 60 MB on paper, no disk or memory spent.
  writeFileSync(join(scratch, 'sixty.xml'), '');
  truncateSync(join(scratch, 'sixty.xml'), SIXTY_MB);

  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    switch (request.url) {
      case '/feed.xml':
        response.writeHead(200, { 'content-type': 'application/rss+xml' });
        response.end(readFileSync(`${SAMPLE}/caucasus-ledger-en.rss.xml`));
        return;
      case '/moved':
        response.writeHead(301, { location: '/feeds/relative.xml' });
        response.end();
        return;
      case '/feeds/relative.xml':
        response.writeHead(200, { 'content-type': 'text/xml; charset=windows-1251' });
        response.end(
          windows1251(
            '<rss><channel><title>Вестник</title><item><title>Переговоры в Брюсселе</title>' +
              '<link>../news/1?utm_source=rss</link></item></channel></rss>',
          ),
        );
        return;
      case '/challenge':
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(readFileSync(`${HOSTILE}/cloudflare-challenge.html`));
        return;
      case '/gone':
        response.writeHead(410);
        response.end();
        return;
      default:
        response.writeHead(404);
        response.end('not found');
    }
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((closed) => server.close(closed));
  rmSync(scratch, { recursive: true, force: true });
});

describe('newsalert parse-feed', () => {
  it('prints a feed file as JSON with keyed items and warnings, and exits 0', async () => {
    // Act
    const { code, out, err } = await runCli([`${SAMPLE}/caucasus-ledger-en.rss.xml`]);

    // Assess
    expect(code).toBe(0);
    expect(err).toBe('');
    const parsed = JSON.parse(out) as ParsedFeed;
    expect(parsed.feed).toMatchObject({ format: 'rss', title: 'Caucasus Ledger' });
    expect(parsed.warnings).toEqual([]);
    expect(parsed.items).toHaveLength(9);
    for (const item of parsed.items) {
      expect(Object.keys(item)).toEqual(
        expect.arrayContaining(['key', 'url', 'title', 'summary', 'publishedAt']),
      );
      expect(item.key).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('reads a gzipped feed file', async () => {
    // Act
    const { code, out } = await runCli(['test/fixtures/feeds/tricky/utf-8-feed.xml.gz']);

    // Assess
    expect(code).toBe(0);
    expect((JSON.parse(out) as ParsedFeed).items[0]?.title).toBe(
      'Azərbaycan və Ermənistan sərhəd komissiyaları',
    );
  });

  it.each([
    [`${HOSTILE}/cloudflare-challenge.html`, 'parser: not a feed (HTML page: "Just a moment...")'],
    [`${HOSTILE}/whitespace-only.xml`, 'parser: empty body'],
    [
      'test/fixtures/feeds/no-such-file.xml',
      'input: no such file: test/fixtures/feeds/no-such-file.xml',
    ],
    ['test/fixtures/feeds', 'input: test/fixtures/feeds is a directory'],
  ])('prints one line and exits 1 for %s', async (path, message) => {
    // Act
    const { code, out, err } = await runCli([path]);

    // Assess
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(`${message}\n`);
  });

  it('refuses a 60 MB file by its size, without reading it', async () => {
    // Act
    const { code, err } = await runCli([join(scratch, 'sixty.xml')]);

    // Assess
    expect(code).toBe(1);
    expect(err).toBe(`parser: body of ${SIXTY_MB} bytes exceeds the 10485760 byte cap\n`);
  });

  it('explains its usage and exits 2 without exactly one source', async () => {
    // Act
    const none = await runCli([]);
    const unknown = await runCli(['feed.xml', '--follow']);

    // Assess
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^parse-feed: expected one file or URL; usage: newsalert parse-feed/);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^parse-feed: unknown option --follow;/);
  });

  it('refuses a loopback URL before any request unless --allow-private-networks', async () => {
    // Prepare
    const before = requests.length;

    // Act
    const { code, out, err } = await runCli([`${base}/feed.xml`]);

    // Assess
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('127.0.0.1 is a loopback address');
    expect(err).toContain('--allow-private-networks');
    expect(requests.length).toBe(before);
  });

  it('refuses a URL whose scheme is not http(s)', async () => {
    // Act
    const { code, err } = await runCli(['file:///etc/passwd']);

    // Assess
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^fetch: /);
  });

  it('fetches through the guarded fetcher with --allow-private-networks', async () => {
    // Act
    const { code, out } = await runCli([`${base}/feed.xml`, '--allow-private-networks']);

    // Assess
    expect(code).toBe(0);
    expect((JSON.parse(out) as ParsedFeed).items).toHaveLength(9);
  });

  it('follows redirects, honours the charset header and resolves links against the final URL', async () => {
    // Act
    const { code, out } = await runCli(['--allow-private-networks', `${base}/moved`]);

    // Assess
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as ParsedFeed;
    expect(parsed.feed.title).toBe('Вестник');
    expect(parsed.items[0]).toMatchObject({
      title: 'Переговоры в Брюсселе',
      url: `${base}/news/1`,
      link: `${base}/news/1?utm_source=rss`,
      lang: 'ru',
    });
  });

  it.each([
    ['/missing', 'answered HTTP 404'],
    ['/gone', 'is gone (HTTP 410); the feed should be disabled'],
    ['/challenge', undefined],
  ])('prints one line and exits 1 when %s is no feed', async (path, fragment) => {
    // Act
    const { code, out, err } = await runCli([`${base}${path}`, '--allow-private-networks']);

    // Assess
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toBe(
      fragment === undefined
        ? 'parser: not a feed (HTML page: "Just a moment...")\n'
        : `fetch: ${base}${path} ${fragment}\n`,
    );
  });
});

describe('bin/newsalert.js parse-feed (a real process)', () => {
  const run = promisify(execFile);

  it('prints a windows-1251 feed file as JSON and exits 0', async () => {
    // Act
    const { stdout } = await run(process.execPath, [
      'bin/newsalert.js',
      'parse-feed',
      `${SAMPLE}/kavkaz-vestnik-ru.rss.xml`,
    ]);

    // Assess
    const parsed = JSON.parse(stdout) as ParsedFeed;
    expect(parsed.feed).toMatchObject({ title: 'Кавказский вестник', language: 'ru' });
    expect(parsed.items).toHaveLength(8);
    expect(parsed.items.every((item) => item.lang === 'ru')).toBe(true);
  });

  it('exits 1 with one line on stderr and nothing on stdout for a 60 MB file', async () => {
    // Act
    const failure = await run(process.execPath, [
      'bin/newsalert.js',
      'parse-feed',
      join(scratch, 'sixty.xml'),
    ]).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

    // Assess
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr).toBe(
      `parser: body of ${SIXTY_MB} bytes exceeds the 10485760 byte cap\n`,
    );
  });
});
