// A small real batch job instrumented with @nv-one-logger/core: it generates order records, validates
// and hashes them in concurrent shard workers, aggregates per-customer totals, and writes the result.
// Telemetry goes to telemetry/core-job.jsonl (appended per run).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { DefaultRecorder, Event, FileExporter, getRecorder, OneLoggerProvider, timedSpan } from '@nv-one-logger/core';

const RECORDS = Number(process.env.CORE_JOB_RECORDS ?? 5000);
const SHARDS = 4;
const BATCH = 250;
const telemetryPath = resolve('telemetry/core-job.jsonl');
const reportPath = resolve('telemetry/core-job-report.html');
const cli = new URL('../../packages/cli/bin/one-logger.js', import.meta.url).pathname;
// The exporter appends; the demo starts each run with a fresh file so its summary covers this run only.
rmSync(telemetryPath, { force: true });

OneLoggerProvider.instance().configure(
  { applicationName: 'core_job', sessionTag: `core-job-${new Date().toISOString().slice(0, 10)}`, worldSize: 1 },
  new DefaultRecorder({ exporters: [new FileExporter({ filePath: telemetryPath })] }),
);

function generate(n) {
  // Deterministic pseudo-random orders (LCG), so runs are comparable.
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, i) => ({
    id: i,
    customer: `c${Math.floor(next() * 200)}`,
    amount: Math.round(next() * 100_000) / 100,
    note: next() < 0.02 ? '' : `order ${i}`,
  }));
}

async function processShard(shard, orders) {
  return timedSpan(
    'process_shard',
    async (span) => {
      const valid = [];
      let rejected = 0;
      for (let i = 0; i < orders.length; i += BATCH) {
        const batch = orders.slice(i, i + BATCH);
        await timedSpan(
          'hash_batch',
          async () => {
            for (const o of batch) {
              if (o.note === '') {
                rejected++;
                continue;
              }
              const digest = createHash('sha256').update(JSON.stringify(o)).digest('hex');
              valid.push({ ...o, digest });
            }
            await yieldToLoop(); // let the other shards run: the stages really interleave
          },
          { spanAttributes: { shard, batch_start: i, batch_size: batch.length } },
        );
      }
      getRecorder().event(span, Event.create('shard_done', { shard, rows: valid.length, rejected }));
      return valid;
    },
    { spanAttributes: { shard, rows_in: orders.length } },
  );
}

const started = performance.now();
const summary = await timedSpan('application', async (app) => {
  const orders = await timedSpan('generate', () => generate(RECORDS), { spanAttributes: { records: RECORDS } });
  const shards = Array.from({ length: SHARDS }, (_, s) => orders.filter((o) => o.id % SHARDS === s));
  const results = await Promise.all(shards.map((part, s) => processShard(s, part)));
  const totals = await timedSpan('aggregate', () => {
    const byCustomer = new Map();
    for (const row of results.flat()) byCustomer.set(row.customer, (byCustomer.get(row.customer) ?? 0) + row.amount);
    return byCustomer;
  });
  await timedSpan('write_output', async () => {
    await mkdir('out', { recursive: true });
    const lines = [...totals].map(([c, t]) => `${c},${t.toFixed(2)}`).join('\n');
    await writeFile('out/core-job-totals.csv', `customer,total\n${lines}\n`);
  });
  const valid = results.reduce((n, r) => n + r.length, 0);
  getRecorder().event(app, Event.create('job_summary', { records: RECORDS, valid, rejected: RECORDS - valid, customers: totals.size }));
  return { valid, customers: totals.size };
});
await OneLoggerProvider.instance().shutdown();

const ms = (performance.now() - started).toFixed(0);
console.log(`core-job: ${RECORDS} records, ${summary.valid} valid, ${summary.customers} customers, ${ms} ms`);
console.log(`totals written to ${resolve('out/core-job-totals.csv')}`);
console.log(`telemetry written to ${telemetryPath}`);

// Turn the telemetry into answers: the terminal summary, then the HTML report.
console.log('');
const summarized = spawnSync(process.execPath, [cli, 'summarize', telemetryPath], { stdio: 'inherit' });
const report = spawnSync(process.execPath, [cli, 'report', telemetryPath, '-o', reportPath], { stdio: 'inherit' });
// The CLI names the report file it wrote.
if (summarized.status !== 0 || report.status !== 0) process.exitCode = 1;
