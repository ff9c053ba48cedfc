// The job view: bounded quantiles and series, the straggler rule, grouping real rank files (written by the
// training-telemetry library with a fake clock) into jobs and ranks, and the command-line inputs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { onTrainEnd, onTrainStart } from '@nv-one-logger/training-telemetry';
import { expandInputs, patternRegExp } from '../src/cli/input-files.js';
import { BucketSeries } from '../src/job/bucket-series.js';
import { QuantileSketch } from '../src/job/quantile-sketch.js';
import { updateFields } from '../src/job/rank-recorder.js';
import { findStragglers, median } from '../src/job/straggler.js';
import { summarizeJobs } from '../src/job/summarize-jobs.js';
import { clock, iteration, runJob, T0 } from './helpers/jobs.js';

const BIN = fileURLToPath(new URL('../bin/one-logger.js', import.meta.url));
let dir: string;

interface RankOptions {
  session?: string;
  worldSize?: number;
  iterations?: number;
  startWallMs?: number;
  exportAllSpans?: boolean;
  kill?: boolean;
}

/** One rank: `iterations` iterations of `ms`, metrics every 5. */
async function writeRank(path: string, rank: number, ms: number, o: RankOptions = {}): Promise<void> {
  await runJob(
    {
      path,
      sessionTag: o.session ?? 'job_a',
      rank,
      worldSize: o.worldSize ?? 4,
      startWallMs: o.startWallMs ?? T0,
      exportAllSpans: o.exportAllSpans ?? true,
      kill: o.kill ?? false,
      telemetry: { logEveryNTrainIterations: 5 },
    },
    () => {
      clock.advance(50);
      onTrainStart({ trainIterationsStart: 0 });
      for (let i = 0; i < (o.iterations ?? 20); i++) iteration(ms);
      if (!o.kill) onTrainEnd();
      clock.advance(50);
    },
  );
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-job-view-'));
  mkdirSync(join(dir, 'job'));
  // World size 4, ranks 0-2 written: rank 2 is 30% slower.
  await writeRank(join(dir, 'job/rank0.jsonl'), 0, 100);
  await writeRank(join(dir, 'job/rank1.jsonl'), 1, 100);
  await writeRank(join(dir, 'job/rank2.jsonl'), 2, 130);
  writeFileSync(join(dir, 'job/notes.txt'), 'not telemetry\n');
  // Another job: rank 0 and rank 1, rank 1 killed and resumed 10 minutes later in a second file.
  await writeRank(join(dir, 'b0.jsonl'), 0, 50, { session: 'job_b', worldSize: 2, exportAllSpans: false });
  await writeRank(join(dir, 'b1.jsonl'), 1, 50, { session: 'job_b', worldSize: 2, exportAllSpans: false, kill: true, iterations: 10 });
  await writeRank(join(dir, 'b1-resumed.jsonl'), 1, 50, {
    session: 'job_b',
    worldSize: 2,
    exportAllSpans: false,
    startWallMs: T0 + 600_000,
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('bounded statistics', () => {
  test('quantiles: exact for few values (weighted), within 0.5% for a million, in bounded memory', () => {
    const small = new QuantileSketch();
    for (const [v, w] of [
      [1, 1],
      [2, 1],
      [3, 1],
      [10, 7],
    ] as const)
      small.add(v, w);
    assert.equal(small.quantile(0.5), 10, 'weighted: 7 of 10 iterations took 10');
    assert.equal(small.quantile(0.2), 2);
    assert.equal(small.count, 10);
    const big = new QuantileSketch();
    for (let i = 1; i <= 1_000_000; i++) big.add(i / 1000);
    for (const [q, exact] of [
      [0.5, 500],
      [0.9, 900],
      [0.99, 990],
    ] as const) {
      const v = big.quantile(q) as number;
      assert.ok(Math.abs(v - exact) / exact < 0.005, `q${q}: ${v} vs ${exact}`);
    }
    assert.equal(big.max, 1000);
    assert.ok(big.stored < 1500, `${big.stored} numbers held for a million values`);
    const merged = new QuantileSketch();
    merged.merge(small);
    merged.merge(big);
    assert.equal(merged.count, 1_000_010);
  });

  test('a bucketed series keeps every weight, the extremes and the time range in at most 240 buckets', () => {
    const s = new BucketSeries();
    for (let i = 0; i < 100_000; i++) s.add(T0 + i * 10, i === 77_777 ? 9 : 1, 2, T0 + i * 10 - 10);
    assert.ok(s.buckets.length <= 240 && s.buckets.length > 120, String(s.buckets.length));
    assert.equal(s.points, 100_000);
    assert.equal(
      s.buckets.reduce((w, b) => w + b.w, 0),
      200_000,
    );
    assert.equal(Math.max(...s.buckets.map((b) => b.max)), 9, 'the spike survives');
    assert.equal(s.buckets[0]?.t0, T0 - 10);
    assert.equal(s.buckets[s.buckets.length - 1]?.t1, T0 + 999_990);
  });
});

test('the numbers read from the text of a training_metrics_update equal the parsed ones', () => {
  const lines = readFileSync(join(dir, 'job/rank2.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"training_metrics_update"'));
  assert.ok(lines.length >= 4);
  for (const line of lines) {
    const a = JSON.parse(line).event.attributes;
    assert.deepEqual(updateFields(line, a.timestamp_msec), {
      timestamp_msec: a.timestamp_msec,
      num_iterations: a.num_iterations,
      avg_iteration_time_sec: a.avg_iteration_time_sec,
      min_iteration_time_sec: a.min_iteration_time_sec,
      max_iteration_time_sec: a.max_iteration_time_sec,
    });
  }
  assert.equal(updateFields('{"num_iterations":x}', 1), undefined, 'not a plain number: parsed in full instead');
});

describe('the straggler rule', () => {
  const cases: { name: string; medians: (number | undefined)[]; threshold?: number; ranks: number[]; costMs: number }[] = [
    { name: 'one slow rank of four', medians: [0.1, 0.1, 0.13, 0.1], ranks: [2], costMs: 0.03 * 100 * 1000 },
    { name: 'within the 5% threshold', medians: [0.1, 0.104, 0.1, 0.1], ranks: [], costMs: 0 },
    { name: 'a larger threshold', medians: [0.1, 0.1, 0.13, 0.1], threshold: 0.5, ranks: [], costMs: 0 },
    {
      name: 'two stragglers, slowest first; the job loses the larger cost',
      medians: [0.1, 0.2, 0.1, 0.15, 0.1],
      ranks: [1, 3],
      costMs: 0.1 * 100 * 1000,
    },
    { name: 'a single rank is never a straggler', medians: [0.5], ranks: [], costMs: 0 },
    { name: 'ranks without iteration times are left out', medians: [0.1, undefined, 0.2], ranks: [2], costMs: 0.05 * 100 * 1000 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = findStragglers(
        c.medians.map((m, rank) => ({ rank, medianSec: m, iterations: 100 })),
        c.threshold,
      );
      assert.deepEqual(
        r.stragglers.map((s) => s.rank),
        c.ranks,
      );
      assert.ok(Math.abs(r.costMs - c.costMs) < 1e-6, `${r.costMs}`);
    });
  }
  test('median of an even count is the mean of the middle two', () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), undefined);
  });
});

describe('jobs and ranks from real files', () => {
  test('ranks are grouped by session tag and recorded rank; iteration times from exported spans; the slow rank is the straggler', async () => {
    const { files } = await expandInputs([join(dir, 'job'), join(dir, 'b*.jsonl')]);
    const r = await summarizeJobs(files);
    assert.deepEqual(
      r.jobs.map((j) => [j.sessionTag, j.ranks.map((x) => x.rank)]),
      [
        ['job_a', [0, 1, 2]],
        ['job_b', [0, 1]],
      ],
    );
    const a = r.jobs[0]!;
    assert.equal(a.applicationName, 'cli_test_app');
    assert.equal(a.worldSize, 4);
    assert.deepEqual(a.missingRanks, [3]);
    assert.deepEqual(
      a.ranks.map((x) => [x.iterationTimeSource, x.iterations, x.iterationTimeSec.median, x.iterationTimeSec.max]),
      [
        ['iteration spans', 20, 0.1, 0.1],
        ['iteration spans', 20, 0.1, 0.1],
        ['iteration spans', 20, 0.13, 0.13],
      ],
    );
    assert.equal(a.jobMedianIterationTimeSec, 0.1);
    assert.deepEqual(
      a.stragglers.map((s) => [s.rank, Math.round(s.excess * 100), Math.round(s.costMs)]),
      [[2, 30, 600]],
    );
    assert.deepEqual(
      a.ranks.map((x) => x.straggler),
      [false, false, true],
    );
    const spread = a.spread.find((s) => s.key === 'iterationTimeMedianSec');
    assert.deepEqual([spread?.min, spread?.minRank, spread?.median, spread?.max, spread?.maxRank], [0.1, 0, 0.1, 0.13, 2]);
  });

  test('a rank killed and resumed in another file is one rank of two runs; its series keeps the gap', async () => {
    const r = await summarizeJobs([join(dir, 'b0.jsonl'), join(dir, 'b1.jsonl'), join(dir, 'b1-resumed.jsonl')]);
    const b = r.jobs[0]!;
    const rank1 = b.ranks.find((x) => x.rank === 1)!;
    assert.equal(rank1.runs, 2);
    assert.deepEqual(rank1.files, [join(dir, 'b1.jsonl'), join(dir, 'b1-resumed.jsonl')]);
    assert.equal(rank1.iterationTimeSource, 'metric updates', 'no iteration spans exported');
    assert.equal(rank1.iterations, 30, '10 before the kill, 20 after');
    assert.ok(Math.abs((rank1.iterationTimeSec.median ?? 0) - 0.05) < 1e-9);
    assert.deepEqual(b.stragglers, []);
    const series = r.jobSeries[0]!.ranks.find((x) => x.rank === 1)!;
    assert.equal(series.iterationTimeSec.length, 2, 'one bucket list per run: the charts never bridge the gap');
    assert.ok((series.iterationTimeSec[1]?.[0]?.t0 ?? 0) >= T0 + 600_000);
  });
});

describe('inputs', () => {
  test('a directory: its telemetry files in natural order; a quoted pattern; problems for no match', async () => {
    const d = join(dir, 'inputs');
    mkdirSync(d);
    for (const name of ['rank10.jsonl', 'rank2.jsonl', 'rank1.jsonl.gz', 'readme.md', 'rank3.ndjson']) writeFileSync(join(d, name), '');
    mkdirSync(join(d, 'sub.jsonl'));
    assert.deepEqual(
      (await expandInputs([d])).files,
      ['rank1.jsonl.gz', 'rank2.jsonl', 'rank3.ndjson', 'rank10.jsonl'].map((n) => join(d, n)),
    );
    assert.deepEqual((await expandInputs([join(d, 'rank[12]*.jsonl')])).files, [join(d, 'rank2.jsonl'), join(d, 'rank10.jsonl')]);
    assert.deepEqual(await expandInputs([join(d, 'nothing*.jsonl'), '-', join(d, 'missing.jsonl')]), {
      files: ['-', join(d, 'missing.jsonl')],
      problems: [`${join(d, 'nothing*.jsonl')}: error: no file matches this pattern`],
    });
    mkdirSync(join(d, 'empty'));
    assert.deepEqual((await expandInputs([join(d, 'empty')])).problems, [
      `${join(d, 'empty')}: error: is a directory without telemetry files (*.jsonl, *.jsonl.gz)`,
    ]);
    assert.ok(patternRegExp('r?nk[!0].json*').test('rank1.jsonl'));
    assert.ok(!patternRegExp('r?nk[!0].json*').test('rank0.jsonl'));
    assert.ok(patternRegExp('a.b(c)+').test('a.b(c)+'), 'regex characters are literal');
  });

  test('--straggler-threshold: a larger threshold clears the straggler; a bad value is a usage error naming it', () => {
    const r = spawnSync(process.execPath, [BIN, 'summarize', '--json', '--straggler-threshold', '50%', join(dir, 'job')], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const job = JSON.parse(r.stdout).jobs[0];
    assert.equal(job.stragglerThreshold, 0.5);
    assert.deepEqual(job.stragglers, []);
    const bad = spawnSync(process.execPath, [BIN, 'summarize', '--straggler-threshold', 'fast', join(dir, 'job')], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--straggler-threshold needs a percentage above 0 and at most 1000, like 5 or 5% \(got "fast"\)/);
  });
});
