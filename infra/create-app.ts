import { readFileSync } from 'node:fs';
import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { REPO_ROOT } from './constructs/bundle-options';
import { NewsAlertsStack } from './news-alerts-stack';
import { loadStageConfig, type StageConfig, stackEnvironment } from './stage-config';

export interface CreateAppOptions {
  /** Context on top of cdk.json's (e.g. `{ stage: 'prod' }`, or skipping bundling in tests). */
  context?: Record<string, unknown>;
  /** Use this config instead of reading `infra/stages/<stage>.json`. */
  config?: Omit<StageConfig, 'stage'>;
  outdir?: string;
  /** Defaults to process.env (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION). */
  env?: Record<string, string | undefined>;
}

/**
 * cdk.json's context (feature flags, default stage). The CLI passes it itself; `npx tsx
 * infra/app.ts` and the tests read it here, so all three synthesize the same template.
 */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(`${REPO_ROOT}cdk.json`, 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * Builds the CDK app: one `NewsAlerts-<stage>` stack, with cdk-nag's AWS Solutions checks run on
 * synth (synth fails on any unacknowledged finding).
 *
 * @example const { app } = createApp({ context: { stage: 'prod' } }); app.synth();
 */
export function createApp(options: CreateAppOptions = {}): { app: App; stack: NewsAlertsStack } {
  const fromCli = Boolean(process.env.CDK_CONTEXT_JSON);
  const appProps: AppProps = {
    context: { ...(fromCli ? {} : cdkJsonContext()), ...options.context },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  };
  const app = new App(appProps);
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  const config: StageConfig = options.config
    ? { ...options.config, stage }
    : loadStageConfig(stage);
  const stack = new NewsAlertsStack(app, `NewsAlerts-${stage}`, {
    config,
    env: stackEnvironment(config, options.env),
    description: `News Alerts (${stage}): news feeds on Armenia-Azerbaijan relations, tagged and emailed to subscribers`,
    terminationProtection: config.retainData,
  });
  Tags.of(stack).add('project', 'news-alerts');
  Tags.of(stack).add('stage', stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
