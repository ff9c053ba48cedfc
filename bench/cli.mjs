// CLI benchmarks (issue: summarize reads >= 200k records/s; a large file in bounded memory, < 200 MB RSS).
// Generates one large JSONL file with the real training-telemetry library in os.tmpdir(), runs each case in fresh
// processes, deletes the file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCase, writeResults } from './lib.mjs';

const script = fileURLToPath(new URL('./cli-cases.mjs', import.meta.url));
const ITERATIONS = Number(process.env.CLI_BENCH_ITERATIONS ?? 1_250_000);
const dir = mkdtempSync(join(os.tmpdir(), 'olbench-cli-'));
const file = join(dir, 'bench.jsonl');
try {
  const gen = spawnSync(process.execPath, [script, 'generate', file, String(ITERATIONS)], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generating the input failed:\n${gen.stderr}`);
  const input = JSON.parse(gen.stdout.trim().split('\n').pop());
  process.env.CLI_BENCH_FILE = file;
  const r = { input: { iterations: ITERATIONS, mb: input.bytes / 2 ** 20, generate_seconds: input.seconds } };
  r.summarize = runCase(script, 'summarize');
  r.input.records = r.summarize.records;
  process.env.CLI_BENCH_RECORDS = String(r.summarize.records);
  r.cli_summarize_json = runCase(script, 'cli_summarize_json');
  r.validate = runCase(script, 'validate');
  const k = (x) => `${(x / 1000).toFixed(0)}k/s`;
  const mb = (x) => `${x.toFixed(0)} MB`;
  console.log(`input: ${r.input.records.toLocaleString('en-US')} records, ${r.input.mb.toFixed(0)} MiB`);
  writeResults('cli', r, [
    ['summarize (API), records/s', k(r.summarize.records_per_sec), '>= 200k/s', r.summarize.records_per_sec >= 200_000],
    ['summarize (API), peak RSS', mb(r.summarize.peak_rss_mb), '< 200 MB', r.summarize.peak_rss_mb < 200],
    [
      'summarize --json (command), records/s',
      k(r.cli_summarize_json.records_per_sec),
      '>= 200k/s',
      r.cli_summarize_json.records_per_sec >= 200_000,
    ],
    ['summarize --json (command), peak RSS', mb(r.cli_summarize_json.peak_rss_mb), '< 200 MB', r.cli_summarize_json.peak_rss_mb < 200],
    ['validate (schema + rules), records/s', k(r.validate.records_per_sec), 'reference', true],
    ['validate, peak RSS', mb(r.validate.peak_rss_mb), '< 200 MB', r.validate.peak_rss_mb < 200],
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
