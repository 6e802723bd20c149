#!/usr/bin/env node
import { buildCli } from './build-cli.js';

// `slipway models list | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

await buildCli().parseAsync(process.argv);
