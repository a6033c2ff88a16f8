import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FileResult, formatReport, summarise } from '../../lambdas/cli/corpus';

let corpus: string;

beforeAll(() => {
  corpus = mkdtempSync(join(tmpdir(), 'corpus-run-'));
  mkdirSync(join(corpus, 'nested', 'deeper'), { recursive: true });
  copyFileSync('test/fixtures/feeds/tricky/rss-091.xml', join(corpus, 'rss.xml'));
  copyFileSync(
    'test/fixtures/feeds/tricky/utf-8-feed.xml.gz',
    join(corpus, 'nested', 'feed.xml.gz'),
  );
  copyFileSync(
    'test/fixtures/feeds/hostile/cloudflare-challenge.html',
    join(corpus, 'nested', 'page.html'),
  );
  writeFileSync(
    join(corpus, 'nested', 'deeper', 'empty.xml'),
    '<rss><channel><title>none</title></channel></rss>',
  );
  writeFileSync(join(corpus, '.hidden.xml'), 'skipped');
});

afterAll(() => {
  rmSync(corpus, { recursive: true, force: true });
});

describe('corpus run', () => {
  it('parses every file under the folder in worker processes and ends with a JSON summary', async () => {
    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'lambdas/cli/corpus.ts', corpus, '--workers', '2'],
      { cwd: process.cwd() },
    );

    // Assess
    const lines = stdout.trim().split('\n');
    const summary = JSON.parse(lines.at(-1) ?? '{}');
    expect(summary).toMatchObject({
      files: 4,
      okWithItems: 2,
      okEmpty: 1,
      cleanError: 1,
      crash: 0,
      overTimeLimit: 0,
      parsedToFeed: 3,
      errorCodes: { NOT_A_FEED: 1 },
      workers: 2,
      timeLimitMs: 10_000,
    });
    expect(stdout).toContain('  ok, with items   2');
    expect(stdout).toContain('error ×1 parser: not a feed (HTML page: "…") — nested/page.html');
  });

  it('counts crashes and hangs apart from clean errors, and lists each one', () => {
    // Prepare
    const results: FileResult[] = [
      { file: '/c/a.xml', ms: 12, outcome: { kind: 'items', items: 3 } },
      { file: '/c/b.xml', ms: 5, outcome: { kind: 'empty' } },
      {
        file: '/c/c.xml',
        ms: 3,
        outcome: { kind: 'error', code: 'EMPTY_BODY', message: 'parser: empty body' },
      },
      { file: '/c/d.xml', ms: 40, outcome: { kind: 'crash', message: 'worker killed by SIGSEGV' } },
      { file: '/c/e.xml', ms: 10_001, outcome: { kind: 'over-time-limit' } },
    ];

    // Act
    const summary = summarise('/c', results, {
      workers: 2,
      timeLimitMs: 10_000,
      elapsedMs: 10_500,
    });
    const report = formatReport(summary, results);

    // Assess
    expect(summary).toMatchObject({
      files: 5,
      okWithItems: 1,
      okEmpty: 1,
      cleanError: 1,
      crash: 1,
      overTimeLimit: 1,
      parsedToFeed: 2,
      errorCodes: { EMPTY_BODY: 1 },
      slowestMs: 10_001,
    });
    expect(report).toContain('CRASH d.xml: worker killed by SIGSEGV');
    expect(report).toContain('OVER e.xml: 10001 ms');
    expect(report).toContain('error ×1 parser: empty body — c.xml');
  });
});
