import { createApp } from './create-app';
import { StageConfigError } from './stage-config';

/**
 * The CDK app entry (cdk.json: `npx tsx infra/app.ts`). Stage from `-c stage=<name>` (default
 * `dev`), config from `infra/stages/<stage>.json`. Run alone it writes `cdk.out/`.
 */
try {
  const { app } = createApp(process.env.CDK_OUTDIR ? {} : { outdir: 'cdk.out' });
  app.synth();
} catch (error) {
  // A config mistake is the operator's to fix: say what, not where in our code.
  if (!(error instanceof StageConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
