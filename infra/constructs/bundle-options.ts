import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/**
 * How every Lambda is bundled, in one place: the CDK function construct and the bundle benchmark
 * both read it, so the bench measures exactly what is deployed.
 */

/** The repository root (this file is `infra/constructs/bundle-options.ts`). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every Lambda, by the service name it logs and publishes metrics under. */
export const LAMBDA_SERVICES = [
  'schedule-polls',
  'poll-feed',
  'match-article',
  'send-email',
  'send-digests',
  'ses-events',
  'http-api',
] as const;

export type LambdaService = (typeof LAMBDA_SERVICES)[number];

/** `lambdas/handlers/<service>.handler.ts`, absolute. */
export function handlerEntry(service: LambdaService): string {
  return fileURLToPath(new URL(`../../lambdas/handlers/${service}.handler.ts`, import.meta.url));
}

/** The Lambda runtime's Node major; the esbuild target follows it. */
export const NODE_MAJOR = 24;

/**
 * An ESM bundle has no `require`, yet CommonJS packages inside it (rss-parser and its `sax`,
 * `xml2js`) call `require('events')` and friends: without this banner they crash at import with
 * "Dynamic require of … is not supported".
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * The esbuild settings shared by deploy and bench. The AWS SDK is bundled (no externals): the
 * pinned version is the one tested, and a tree-shaken bundle loads faster than the runtime's copy.
 */
export const BUNDLE = {
  format: 'esm',
  platform: 'node',
  target: `node${NODE_MAJOR}`,
  mainFields: ['module', 'main'],
  minify: true,
  // Error classes set `name` themselves; keeping names keeps stack traces and logs readable.
  keepNames: true,
  sourcemap: true,
  // Maps give file:line in stack traces; leaving sources out keeps the bundle a third smaller.
  sourcesContent: false,
  // Gazetteer names in Armenian, Azerbaijani and Russian: UTF-8 is ~2x smaller than \u escapes.
  charset: 'utf8',
  banner: ESM_REQUIRE_BANNER,
  external: [] as string[],
} as const;

/**
 * The same build as a plain esbuild call (the bench, and anyone checking a bundle by hand).
 *
 * @example await esbuild.build(esbuildOptions('poll-feed', '/tmp/poll-feed/index.mjs'));
 */
export function esbuildOptions(service: LambdaService, outfile: string): BuildOptions {
  return {
    entryPoints: [handlerEntry(service)],
    outfile,
    bundle: true,
    format: BUNDLE.format,
    platform: BUNDLE.platform,
    target: BUNDLE.target,
    mainFields: [...BUNDLE.mainFields],
    minify: BUNDLE.minify,
    keepNames: BUNDLE.keepNames,
    sourcemap: BUNDLE.sourcemap,
    sourcesContent: BUNDLE.sourcesContent,
    charset: BUNDLE.charset,
    banner: { js: BUNDLE.banner },
    external: [...BUNDLE.external],
    logLevel: 'warning',
  };
}
