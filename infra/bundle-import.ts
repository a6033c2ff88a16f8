import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/**
 * Loading a Lambda bundle the way the runtime does — a fresh Node process importing `index.mjs` —
 * catches what type-checking and unit tests cannot: "Dynamic require of … is not supported", a
 * missing banner, a package esbuild could not resolve. The bundle test and the bundle bench use it.
 */

/** Valid, dummy values for every variable any handler reads (lambdas/shared/config.ts). */
export const DUMMY_LAMBDA_ENV: Record<string, string> = {
  AWS_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: 'AKIDBUNDLECHECK',
  AWS_SECRET_ACCESS_KEY: 'bundle-check',
  TABLE_NAME: 'news-alerts-bundle-check',
  POLL_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/111111111111/poll',
  MATCH_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/111111111111/match',
  EMAIL_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/111111111111/email',
  SENDER: 'News Alerts <news@alerts.example.org>',
  PUBLIC_BASE_URL: 'https://alerts.example.org',
  SES_CONFIGURATION_SET: 'news-alerts',
  SEND_RATE_PER_SECOND: '1',
  TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:token-AbCdEf',
  ALERT_DELAY_SECONDS: '120',
  SUBSCRIBE_LIMIT_PER_HOUR: '20',
  ADMIN_ROLE_NAME: 'NewsAlerts-bundle-check-admin',
  POWERTOOLS_METRICS_NAMESPACE: 'NewsAlerts',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * A stand-in for Secrets Manager that answers every GetSecretValue with a valid token secret,
 * for the handlers that read it at cold start (top-level await).
 */
export async function startFakeSecretsManager(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          ARN: DUMMY_LAMBDA_ENV.TOKEN_SECRET_ARN,
          Name: 'token',
          VersionId: 'bundle-check',
          SecretString: JSON.stringify({ current: 'x'.repeat(64), previous: '' }),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ImportResult {
  ok: boolean;
  /** `typeof handler` of the imported module ('function' when it will run). */
  handlerType: string;
  /** Milliseconds the `import()` took inside the child (cold-start cost of the module). */
  importMs: number;
  error?: string;
}

/**
 * Imports `bundlePath` in a fresh `node` (with source maps on, like the Lambda) and reports.
 *
 * @example const result = await importInFreshNode('cdk.out/asset.…/index.mjs', { ...DUMMY_LAMBDA_ENV });
 */
export function importInFreshNode(
  bundlePath: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ImportResult> {
  const script = `
    const started = performance.now();
    try {
      const mod = await import(${JSON.stringify(pathToFileURL(bundlePath).href)});
      const importMs = performance.now() - started;
      console.log(JSON.stringify({ ok: true, handlerType: typeof mod.handler, importMs }));
    } catch (error) {
      console.log(JSON.stringify({ ok: false, handlerType: 'none', importMs: performance.now() - started,
        error: String(error && error.stack || error) }));
    }
    process.exit(0);`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', script],
      // Only what a Lambda would have: no developer credentials or settings leak in.
      { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ImportResult);
      } catch {
        resolve({
          ok: false,
          handlerType: 'none',
          importMs: Number.NaN,
          error: `no result from the child (timed out or crashed): ${stderr.slice(-2000)}`,
        });
      }
    });
  });
}
