/**
 * `npm run bench`: every benchmark, one JSON line per figure on stdout
 * (`{"bench", "value", "unit", "baseline"?, "ratio"?}`), progress on stderr. Speed and memory
 * goals are checked here, never by timed assertions in tests.
 *
 * `npm run bench -- tagger ingest` runs only the named groups.
 */
import type { BenchLine } from './bench-line';
import { printLines } from './bench-line';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const GROUPS: Record<string, () => Promise<BenchLine[]>> = {
  ingest: async () => (await import('./ingest.bench')).runIngestBench(),
  tagger: async () => (await import('./tagger.bench')).runTaggerBench(),
  'render-email': async () => (await import('./render-email.bench')).runRenderEmailBench(),
  'fan-out': async () => (await import('./fan-out.bench')).runFanOutBench(),
  bundles: async () => (await import('./bundles.bench')).runBundleBench(),
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = wanted.filter((name) => !(name in GROUPS));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown group(s) ${unknown.join(', ')}; known: ${Object.keys(GROUPS).join(', ')}\n`,
  );
  process.exit(2);
}
let failed = false;
for (const [name, run] of Object.entries(GROUPS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  try {
    printLines(await run());
  } catch (error) {
    failed = true;
    process.stderr.write(
      `bench: ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}
process.exitCode = failed ? 1 : 0;
