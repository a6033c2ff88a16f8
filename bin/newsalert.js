#!/usr/bin/env node
// Entry point of the `newsalert` CLI: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

// The CLI runs on the operator's Node; the SDK's notice about Node 20 support would garble output.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
register();
const { main } = await import('../lambdas/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
