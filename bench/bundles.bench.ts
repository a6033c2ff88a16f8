import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  DUMMY_LAMBDA_ENV,
  importInFreshNode,
  startFakeSecretsManager,
} from '../infra/bundle-import';
import { esbuildOptions, LAMBDA_SERVICES } from '../infra/constructs/bundle-options';
import { type BenchLine, median, printLines, round } from './bench-line';

/** Fresh-process imports per bundle; the median is reported. */
const IMPORT_RUNS = 5;

/**
 * Each Lambda's bundle, built with the exact esbuild options the CDK construct deploys
 * (infra/constructs/bundle-options.ts): its size, and what importing it costs a fresh Node
 * process (the module part of a cold start: parse, evaluate, config, clients; no network).
 *
 * @example printLines(await runBundleBench());
 */
export async function runBundleBench(): Promise<BenchLine[]> {
  const outdir = mkdtempSync(join(tmpdir(), 'news-alerts-bundles-'));
  const secretsManager = await startFakeSecretsManager();
  const lines: BenchLine[] = [];
  try {
    for (const service of LAMBDA_SERVICES) {
      const bundle = join(outdir, service, 'index.mjs');
      await build(esbuildOptions(service, bundle));
      lines.push({ bench: `bundle-size/${service}`, value: statSync(bundle).size, unit: 'bytes' });

      const timings: number[] = [];
      for (let run = 0; run < IMPORT_RUNS; run++) {
        const result = await importInFreshNode(bundle, {
          ...DUMMY_LAMBDA_ENV,
          POWERTOOLS_SERVICE_NAME: service,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
        });
        if (!result.ok) throw new Error(`${service} bundle does not load: ${result.error}`);
        timings.push(result.importMs);
      }
      lines.push({
        bench: `bundle-import/${service}`,
        value: round(median(timings), 1),
        unit: 'ms',
      });
    }
  } finally {
    await secretsManager.close();
    rmSync(outdir, { recursive: true, force: true });
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printLines(await runBundleBench());
}
