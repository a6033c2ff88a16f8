import { createApp } from './create-app';

/**
 * The CDK app entry (cdk.json: `npx tsx infra/app.ts`). Stage from `-c stage=<name>` (default
 * `dev`), config from `infra/stages/<stage>.json`. Run alone it writes `cdk.out/`.
 */
const { app } = createApp(process.env.CDK_OUTDIR ? {} : { outdir: 'cdk.out' });
app.synth();
