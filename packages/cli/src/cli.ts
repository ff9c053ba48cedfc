#!/usr/bin/env node
// The `one-logger` binary: a thin layer over the package's typed API (see ./index.ts).
import { main } from './cli/main.js';
import { exitQuietlyOnClosedPipe } from './cli/output.js';

exitQuietlyOnClosedPipe(process.stdout, () => Number(process.exitCode ?? 0));
process.on('uncaughtException', (e) => {
  process.stderr.write(`one-logger: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
