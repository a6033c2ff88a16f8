import { performance } from 'node:perf_hooks';
import Parser from 'rss-parser';
import { createGuardedFetcher } from '../lambdas/adapters/http/guarded-fetcher';
import { parseFeed } from '../lambdas/domain/feeds/parse-feed';
import { startFeedServer } from '../lambdas/local/feed-server';
import { type BenchLine, median, printLines, round } from './bench-line';
import { makeBenchAtom, makeBenchRss } from './fixtures/make-feeds';

/** Rounds measured, and rounds run first to warm the JIT and caches for both paths alike. */
const ROUNDS = 31;
const WARM_UP = 5;

/**
 * Ingestion throughput for a 50-item RSS and a 50-item Atom feed (~225 KB, multilingual): our full
 * path — loopback fetch through the guarded fetcher → decode → parse → normalise — next to raw
 * `rss-parser.parseString` on the same bytes, in the same run, alternating so both see the same
 * machine load (each path first every other round, the same warm-up rounds for both, medians of
 * 31 rounds). Goal: at least 0.8× raw rss-parser's throughput.
 */
export async function runIngestBench(): Promise<BenchLine[]> {
  const server = await startFeedServer();
  const fetcher = createGuardedFetcher({ allowPrivateNetworks: true });
  const raw = new Parser();
  const lines: BenchLine[] = [];
  try {
    for (const [name, body] of [
      ['rss', makeBenchRss()],
      ['atom', makeBenchAtom()],
    ] as const) {
      server.put(`${name}.xml`, { body, contentType: 'application/xml; charset=utf-8' });
      const url = server.urlOf(`${name}.xml`);
      const ours: number[] = [];
      const baseline: number[] = [];
      const runOurs = async (): Promise<number> => {
        const start = performance.now();
        const outcome = await fetcher.fetch({ url });
        if (outcome.kind !== 'ok') throw new Error(`bench: fetch answered ${outcome.kind}`);
        const parsed = await parseFeed(outcome.body, {
          contentType: outcome.contentType,
          feedUrl: url,
          fetchedAt: new Date(),
        });
        const ms = performance.now() - start;
        if (parsed.items.length !== 50)
          throw new Error(`bench: expected 50 items, got ${parsed.items.length}`);
        return ms;
      };
      const runRaw = async (): Promise<number> => {
        const start = performance.now();
        const rawFeed = await raw.parseString(body);
        const ms = performance.now() - start;
        if (rawFeed.items.length !== 50) throw new Error('bench: rss-parser lost items');
        return ms;
      };
      for (let round = 0; round < WARM_UP + ROUNDS; round++) {
        // Each path goes first every other round, so neither always inherits the other's garbage.
        let oursMs: number;
        let rawMs: number;
        if (round % 2 === 0) {
          oursMs = await runOurs();
          rawMs = await runRaw();
        } else {
          rawMs = await runRaw();
          oursMs = await runOurs();
        }
        // The first rounds warm the JIT and caches for both paths.
        if (round >= WARM_UP) {
          ours.push(oursMs);
          baseline.push(rawMs);
        }
      }
      const oursPerSecond = 1000 / median(ours);
      const rawPerSecond = 1000 / median(baseline);
      lines.push(
        { bench: `ingest-raw-rss-parser-${name}`, value: round(rawPerSecond, 1), unit: 'feeds/s' },
        {
          bench: `ingest-fetch-parse-normalise-${name}`,
          value: round(oursPerSecond, 1),
          unit: 'feeds/s',
          baseline: `ingest-raw-rss-parser-${name}`,
          ratio: round(oursPerSecond / rawPerSecond, 2),
        },
        { bench: `ingest-feed-size-${name}`, value: Buffer.byteLength(body), unit: 'bytes' },
      );
    }
  } finally {
    await server.close();
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printLines(await runIngestBench());
}
