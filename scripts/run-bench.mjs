#!/usr/bin/env node
// Runs every benchmark suite (bench/<suite>.mjs, excluding *-cases.mjs and lib.mjs), or those named.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../bench/', import.meta.url));
const wanted = process.argv.slice(2);
const suites = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !f.endsWith('-cases.mjs') && f !== 'lib.mjs')
  .map((f) => f.slice(0, -4))
  .filter((s) => wanted.length === 0 || wanted.includes(s));
let failed = false;
for (const s of suites) {
  const r = spawnSync(process.execPath, [`${dir}${s}.mjs`], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
