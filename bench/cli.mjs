// CLI benchmarks (issue: summarize reads >= 200k records/s; a large file in bounded memory, < 200 MB RSS; the job
// view of 256 rank files of 20k iterations each >= 200k records/s in <= 300 MB RSS).
// Generates the inputs with the real training-telemetry library in os.tmpdir(), runs each case in fresh processes,
// deletes the files.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCase, writeResults } from './lib.mjs';

const script = fileURLToPath(new URL('./cli-cases.mjs', import.meta.url));
const ITERATIONS = Number(process.env.CLI_BENCH_ITERATIONS ?? 1_250_000);
const EVENT_ITERATIONS = Number(process.env.CLI_BENCH_EVENT_ITERATIONS ?? 400_000);
const JOB_RANKS = Number(process.env.CLI_BENCH_JOB_RANKS ?? 256);
const JOB_ITERATIONS = Number(process.env.CLI_BENCH_JOB_ITERATIONS ?? 20_000);
const dir = mkdtempSync(join(os.tmpdir(), 'olbench-cli-'));

function generate(name, iterations, kind) {
  const file = join(dir, name);
  const gen = spawnSync(process.execPath, [script, 'generate', file, String(iterations), kind], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generating the input failed:\n${gen.stderr}`);
  const input = JSON.parse(gen.stdout.trim().split('\n').pop());
  return { file, kind, iterations, mb: input.bytes / 2 ** 20, generate_seconds: input.seconds };
}

/** The rank files of one job (every span exported), written by two generator processes in parallel. */
async function generateRanks(name, ranks, iterations) {
  const out = join(dir, name);
  mkdirSync(out);
  const half = Math.ceil(ranks / 2);
  const t0 = performance.now();
  const parts = await Promise.all(
    [
      [0, half],
      [half, ranks - half],
    ].map(
      ([first, count]) =>
        new Promise((done, fail) => {
          const child = spawn(process.execPath, [
            script,
            'generate-ranks',
            out,
            String(iterations),
            String(first),
            String(count),
            String(ranks),
          ]);
          let stdout = '';
          child.stdout.on('data', (d) => (stdout += d));
          child.on('exit', (code) =>
            code === 0 ? done(JSON.parse(stdout.trim().split('\n').pop())) : fail(new Error(`generating ranks failed (${code})`)),
          );
        }),
    ),
  );
  const bytes = parts.reduce((n, p) => n + p.bytes, 0);
  return { dir: out, ranks, iterations, mb: bytes / 2 ** 20, generate_seconds: (performance.now() - t0) / 1000 };
}

try {
  // The main input: every span exported (the way files reach a GB): summarized, run as the command, validated.
  const spans = generate('spans.jsonl', ITERATIONS, 'spans');
  process.env.CLI_BENCH_FILE = spans.file;
  const r = { input: spans };
  r.summarize = runCase(script, 'summarize');
  spans.records = r.summarize.records;
  process.env.CLI_BENCH_RECORDS = String(spans.records);
  r.cli_summarize_json = runCase(script, 'cli_summarize_json');
  r.validate = runCase(script, 'validate');
  rmSync(spans.file);
  // The worst case for summarize: every record a large training_metrics_update (default export, N = 1).
  const events = generate('events.jsonl', EVENT_ITERATIONS, 'events');
  process.env.CLI_BENCH_FILE = events.file;
  r.events_input = events;
  r.summarize_events = runCase(script, 'summarize');
  events.records = r.summarize_events.records;
  rmSync(events.file);
  delete spans.file;
  delete events.file;
  // The job view: 256 rank files of one job, summarized from their directory (API, then the command).
  const job = await generateRanks('job', JOB_RANKS, JOB_ITERATIONS);
  process.env.CLI_BENCH_DIR = job.dir;
  r.job_input = job;
  r.summarize_jobs = runCase(script, 'summarize_jobs');
  job.records = r.summarize_jobs.records;
  process.env.CLI_BENCH_JOB_RECORDS = String(job.records);
  r.cli_summarize_dir = runCase(script, 'cli_summarize_dir');
  rmSync(job.dir, { recursive: true });
  delete job.dir;

  const k = (x) => `${(x / 1000).toFixed(0)}k/s`;
  const mb = (x) => `${x.toFixed(0)} MB`;
  const desc = (i) => `${i.records.toLocaleString('en-US')} records, ${i.mb.toFixed(0)} MiB`;
  console.log(
    `inputs: every span exported ${desc(spans)}; metric events only ${desc(events)}; job view ${job.ranks} rank files of ${job.iterations.toLocaleString('en-US')} iterations, ${desc(job)}`,
  );
  const s = r.summarize;
  const c = r.cli_summarize_json;
  const e = r.summarize_events;
  const v = r.validate;
  const j = r.summarize_jobs;
  const jc = r.cli_summarize_dir;
  writeResults('cli', r, [
    ['summarize (API), records/s', k(s.records_per_sec), '>= 200k/s', s.records_per_sec >= 200_000],
    ['summarize (API), records per CPU-second', k(s.records_per_cpu_sec), '>= 200k/s', s.records_per_cpu_sec >= 200_000],
    ['summarize (API), peak RSS', mb(s.peak_rss_mb), '< 200 MB', s.peak_rss_mb < 200],
    ['summarize --json (command), records/s', k(c.records_per_sec), '>= 200k/s', c.records_per_sec >= 200_000],
    ['summarize --json (command), peak RSS', mb(c.peak_rss_mb), '< 200 MB', c.peak_rss_mb < 200],
    ['summarize, metric events only, records/s', k(e.records_per_sec), 'reference', true],
    ['summarize, metric events only, peak RSS', mb(e.peak_rss_mb), '< 200 MB', e.peak_rss_mb < 200],
    ['validate (schema + rules), records/s', k(v.records_per_sec), 'reference', true],
    ['validate, peak RSS', mb(v.peak_rss_mb), '< 200 MB', v.peak_rss_mb < 200],
    [`job view, ${job.ranks} rank files (API), records/s`, k(j.records_per_sec), '>= 200k/s', j.records_per_sec >= 200_000],
    [
      `job view, ${job.ranks} rank files (API), records per CPU-second`,
      k(j.records_per_cpu_sec),
      '>= 200k/s',
      j.records_per_cpu_sec >= 200_000,
    ],
    [`job view, ${job.ranks} rank files (API), peak RSS`, mb(j.peak_rss_mb), '<= 300 MB', j.peak_rss_mb <= 300],
    [`summarize <dir> (command), ${job.ranks} rank files, records/s`, k(jc.records_per_sec), '>= 200k/s', jc.records_per_sec >= 200_000],
    [`summarize <dir> (command), ${job.ranks} rank files, peak RSS`, mb(jc.peak_rss_mb), '<= 300 MB', jc.peak_rss_mb <= 300],
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
