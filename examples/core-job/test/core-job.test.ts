// Runs the demo job (examples/core-job) in a temp dir and checks its output and telemetry.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRecords } from '../../../packages/core/test/helpers/records.js';

const program = fileURLToPath(new URL('../main.mjs', import.meta.url));

test('the core demo job writes its totals and a complete, well-parented telemetry file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'core-job-'));
  try {
    const run = spawnSync(process.execPath, [program], { cwd: dir, encoding: 'utf8', env: { ...process.env, CORE_JOB_RECORDS: '2000' } });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /telemetry written to .*telemetry\/core-job\.jsonl/);
    // The summary of a job without training telemetry: where the time went, by span name; no empty training sections.
    const sections = run.stdout.split('\n').filter((l) => /^[A-Z]/.test(l));
    assert.deepEqual(sections, [
      'Application',
      'Spans (by total time: total, share of application time, count, mean, max)',
      'Errors: none',
      'Telemetry-data errors: none',
    ]);
    assert.doesNotMatch(run.stdout, /Phases|Checkpoints|Time breakdown|none recorded/);
    const spanRows = run.stdout.slice(run.stdout.indexOf('\nSpans (')).split('\nErrors')[0] ?? '';
    assert.match(spanRows, /^ {2}process_shard +\S.* {2}4 spans, mean /m);
    assert.match(spanRows, /^ {2}hash_batch +\S.* {2}8 spans, mean /m);
    for (const single of ['generate', 'aggregate', 'write_output'])
      assert.match(spanRows, new RegExp(`^ {2}${single} +\\S.* {2}1 span, mean `, 'm'));
    assert.doesNotMatch(spanRows, /^ {2}application /m, 'the application span is the base of the shares, not a row');
    assert.equal(run.stdout.match(/core-job-report\.html/g)?.length, 1, 'the report path is printed once');
    const csv = readFileSync(join(dir, 'out/core-job-totals.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'customer,total');
    const records = readRecords(join(dir, 'telemetry/core-job.jsonl'));
    const byId = new Map(records.filter((r) => r.id).map((r) => [r.id, r]));
    const summary = records.find((r) => r.type === 'event' && r.event.name === 'job_summary');
    assert.equal(summary?.event.attributes.records, 2000);
    assert.equal(summary?.event.attributes.customers, csv.length - 1);
    const batches = records.filter((r) => r.name === 'hash_batch' && r.type !== 'stop');
    assert.equal(batches.length, 8); // 4 shards x 500 orders / 250 per batch
    for (const b of batches) assert.equal(byId.get(b.parent_id)?.name, 'process_shard');
    const done = records.filter((r) => r.type === 'event' && r.event.name === 'shard_done');
    assert.equal(
      done.reduce((n, d) => n + d.event.attributes.rows + d.event.attributes.rejected, 0),
      2000,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
