#!/usr/bin/env node
// Runs every *.test.ts under packages/*/test, examples/*/test and test/ with node:test (via tsx).
// Node 20 does not expand globs, so the files are listed here explicitly.
// Every JSONL line a FileExporter writes meanwhile is validated against the record schema (see
// scripts/test-record-check.mjs); an invalid line fails the run.
// Usage: node scripts/run-tests.mjs [substring-filter ...]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { recordValidatorSource } from './record-schema.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = [];
for (const base of ['packages', 'examples']) {
  for (const pkg of readdirSync(join(root, base)).sort()) walk(join(root, base, pkg, 'test'), files);
}
walk(join(root, 'test'), files); // repository-wide tests (the doc snippets)
const selected = files.map((f) => relative(root, f)).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (selected.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
// The record check is preloaded through NODE_OPTIONS, not execArgv, so the Node processes the tests spawn
// (example jobs, crash children, the CLI) are checked too. A file URL has no spaces to quote.
const checkDir = mkdtempSync(join(tmpdir(), 'one-logger-record-check-'));
const preload = `--import=${pathToFileURL(join(root, 'scripts', 'test-record-check.mjs')).href}`;
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...selected], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_NO_WARNINGS: '1',
    NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' '),
    ONE_LOGGER_TEST_RECORD_CHECK_DIR: checkDir,
  },
});
// Compiled while node:test starts (~0.2 s); written atomically. A process that needs it earlier compiles its own.
let schemaError;
try {
  writeFileSync(join(checkDir, 'records-validator.tmp'), recordValidatorSource());
  renameSync(join(checkDir, 'records-validator.tmp'), join(checkDir, 'records-validator.cjs'));
} catch (e) {
  schemaError = e;
}
const status = await new Promise((resolve) => {
  child.on('error', (e) => {
    console.error(`run-tests: cannot start node: ${e.message}`);
    resolve(1);
  });
  child.on('exit', (code) => resolve(code ?? 1));
});
if (schemaError !== undefined)
  console.error(`record check: FAILED: the record schema does not compile: ${schemaError.stack ?? schemaError}`);
const checkFailed = summarizeRecordCheck(checkDir, filters.length === 0) || schemaError !== undefined;
rmSync(checkDir, { recursive: true, force: true });
process.exit(checkFailed ? 1 : status);

/** Adds up what the checked processes reported; true if a line was invalid (or, for a full run, none was seen). */
function summarizeRecordCheck(dir, fullRun) {
  let lines = 0;
  let processes = 0;
  let fromTests = 0;
  const failures = [];
  for (const name of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, name), 'utf8');
    if (name.startsWith('stats-')) {
      const s = JSON.parse(text);
      lines += s.lines;
      processes++;
      if (s.isTestFile) fromTests++;
    } else if (name.startsWith('failures-')) {
      for (const l of text.split('\n')) if (l !== '') failures.push(JSON.parse(l));
    }
  }
  const where = `${processes} processes (${fromTests} test files, ${processes - fromTests} spawned by tests)`;
  console.log(
    `\nrecord check: ${lines} JSONL lines written by FileExporter validated against packages/core/schema/records.schema.json in ${where}; ${failures.length} invalid`,
  );
  for (const f of failures) console.error(f.message);
  if (failures.length > 0) {
    console.error(
      `record check: FAILED: ${failures.length} line(s) written by FileExporter do not match the record schema (details above)`,
    );
    return true;
  }
  if (fullRun && lines === 0) {
    console.error('record check: FAILED: no FileExporter line was seen, so the check is not wired in (scripts/test-record-check.mjs)');
    return true;
  }
  return false;
}
