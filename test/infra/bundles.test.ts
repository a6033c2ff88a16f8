import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DUMMY_LAMBDA_ENV,
  importInFreshNode,
  startFakeSecretsManager,
} from '../../infra/bundle-import';
import { LAMBDA_SERVICES } from '../../infra/constructs/bundle-options';
import { createApp } from '../../infra/create-app';
import { resourcesOf } from './synth';

const outdir = mkdtempSync(join(tmpdir(), 'news-alerts-cdk-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('Lambda bundles', () => {
  // The one test that bundles for real (esbuild, as `cdk deploy` would): slow by nature.
  it('load in a fresh Node process and export a handler, for every function', {
    timeout: 300_000,
  }, async () => {
    // Prepare
    const { stack } = createApp({ context: { stage: 'dev' }, outdir, env: {} });
    const template = Template.fromStack(stack);
    const secretsManager = await startFakeSecretsManager();

    // Act
    const results: Record<string, unknown> = {};
    try {
      for (const [, fn] of resourcesOf(template, 'AWS::Lambda::Function')) {
        const service = String(
          (fn.Properties.Environment as { Variables: Record<string, string> }).Variables
            .POWERTOOLS_SERVICE_NAME,
        );
        const key = String((fn.Properties.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
        const bundle = join(outdir, `asset.${key}`, 'index.mjs');
        const result = existsSync(bundle)
          ? await importInFreshNode(bundle, {
              ...DUMMY_LAMBDA_ENV,
              POWERTOOLS_SERVICE_NAME: service,
              // send-email and http-api read the token secret at cold start.
              AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
            })
          : { ok: false, handlerType: 'none', error: `no bundle at ${bundle}` };
        results[service] = { ok: result.ok, handlerType: result.handlerType, error: result.error };
      }
    } finally {
      await secretsManager.close();
    }

    // Assess
    expect(Object.keys(results).sort()).toEqual([...LAMBDA_SERVICES].sort());
    for (const service of LAMBDA_SERVICES)
      expect(results[service], service).toEqual({
        ok: true,
        handlerType: 'function',
        error: undefined,
      });
  });
});
