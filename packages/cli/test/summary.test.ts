// Every metric of the summary on files with known content: jobs written by the real training-telemetry library
// with a fake clock (helpers/scenarios.ts), and the hand-written Python-layout fixture (spec/training.md §9.2).
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DefaultRecorder, FileExporter, OneLoggerProvider, setClock, timedSpan } from '@nv-one-logger/core';
import type { JobSummary } from '../src/model/types.js';
import { SUMMARY_SCHEMA_VERSION } from '../src/model/types.js';
import { analyzeFile, summarize } from '../src/summary/summarize.js';
import { clock, T0 } from './helpers/jobs.js';
import { FULL, FULL_ITERATIONS, writeFullJob, writeKilledAsyncJob, writeRankJob, writeResumedJob } from './helpers/scenarios.js';

const PYTHON_FIXTURE = fileURLToPath(new URL('./fixtures/python-reference.jsonl', import.meta.url));

let dir: string;
const paths = {
  full: '',
  killed: '',
  resumed: '',
  rank0: '',
  rank1: '',
  appended: '',
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-summary-'));
  for (const k of Object.keys(paths) as (keyof typeof paths)[]) paths[k] = join(dir, `${k}.jsonl`);
  await writeFullJob(paths.full);
  await writeKilledAsyncJob(paths.killed, 'resume_session');
  await writeResumedJob(paths.resumed, 'resume_session', T0 + 3_600_000);
  await writeRankJob(paths.rank0, 0, 1000);
  await writeRankJob(paths.rank1, 1, 1500);
  // Two runs of one process appended to one file (the exporter appends; same pid).
  await writeKilledAsyncJob(paths.appended, 'append_session');
  await writeResumedJob(paths.appended, 'append_session', T0 + 7_200_000);
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function one(path: string): Promise<JobSummary> {
  const r = await summarize([path]);
  return r.perFile[0] as JobSummary;
}

const close = (actual: number | undefined, expected: number, what: string) => {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} ≠ ${expected}`,
  );
};

/** The job-average TFLOP/s per GPU after each iteration (spec/training.md §6.3). */
function throughputSeries(durationsMs: number[]): number[] {
  const out: number[] = [];
  let total = 0;
  durationsMs.forEach((ms, i) => {
    total += ms / 1000;
    out.push(((i + 1) * FULL.gbs * FULL.flopsPerSample) / (total * 1e12 * FULL.worldSize));
  });
  return out;
}

describe('summary of a full job written by the real library', () => {
  test('application', async () => {
    const s = await one(paths.full);
    assert.equal(s.schemaVersion, SUMMARY_SCHEMA_VERSION);
    assert.deepEqual(s.files, [paths.full]);
    assert.deepEqual(s.application, {
      name: 'cli_test_app', // one_logger_initialization carries it (additive key)
      sessionTag: 'full_session',
      perfTag: 'cli_perf',
      ranks: [0],
      worldSize: 4,
      startMs: T0,
      endMs: T0 + 30_000,
      durationMs: 30_000,
      endedCleanly: true,
      backend: undefined,
    });
    assert.ok(s.records > 20);
    assert.deepEqual(s.findings, []);
  });

  test('phases', async () => {
    const s = await one(paths.full);
    assert.deepEqual(s.phases, {
      distributedInitMs: 1000,
      modelInitMs: 2000,
      optimizerInitMs: 500,
      dataloaderInitMs: 500,
      checkpointLoadMs: 2000,
    });
  });

  test('training', async () => {
    const t = (await one(paths.full)).training;
    const tp = throughputSeries(FULL_ITERATIONS);
    assert.equal(t.loops, 1);
    assert.equal(t.iterationsJob, 12);
    assert.equal(t.iterationsOverall, 22, 'resumed at 10, 12 iterations');
    assert.equal(t.samplesJob, 12 * 32);
    assert.equal(t.samplesOverall, 10 * 32 + 12 * 32);
    assert.equal(t.tokensJob, 12 * 32 * 16);
    close(t.avgIterationTimeSec, 19 / 12, 'avg');
    assert.equal(t.minIterationTimeSec, 1);
    assert.equal(t.maxIterationTimeSec, 3);
    close(t.throughputPerGpuTflops.latest, tp[11] as number, 'latest');
    close(t.throughputPerGpuTflops.min, Math.min(...tp), 'min');
    close(t.throughputPerGpuTflops.max, Math.max(...tp), 'max');
    assert.equal(t.timeToFirstIterationMs, 7000, 'first iteration ends at 7000');
  });

  test('validation and testing', async () => {
    const s = await one(paths.full);
    assert.deepEqual(s.validation, { loops: 1, iterations: 3, timeMs: 700 });
    assert.deepEqual(s.testing, { loops: 1, timeMs: 400 });
  });

  test('checkpoints', async () => {
    const c = (await one(paths.full)).checkpoints;
    assert.deepEqual(c, {
      saves: 3,
      syncSaves: 3,
      asyncSaves: 0,
      successes: 2,
      saveTimeTotalMs: 500 + 1500 + 250,
      saveTimeMinMs: 250,
      saveTimeMaxMs: 1500,
      lastSuccessfulStep: 20,
      productiveIterations: 20,
      productiveSamples: 20 * 32,
      productiveTrainTimeSec: 15,
      iterationsSinceLastCheckpoint: 2,
    });
  });

  test('time breakdown: shares of the 30 s application time', async () => {
    const b = (await one(paths.full)).timeBreakdown;
    assert.ok(b);
    close(b.initialization, 6000 / 30_000, 'init');
    close(b.training, 19_000 / 30_000, 'training');
    close(b.validation, 700 / 30_000, 'validation');
    close(b.checkpointSaving, 2250 / 30_000, 'checkpoints');
    close(b.other, (30_000 - 6000 - 19_000 - 700 - 2250) / 30_000, 'other');
    close(b.initialization + b.training + b.validation + b.checkpointSaving + b.other, 1, 'sum');
  });

  test('errors and telemetry-data errors, with span names', async () => {
    const s = await one(paths.full);
    assert.deepEqual(s.errors, [{ spanName: 'training_loop', message: 'loss spiked', exceptionType: 'RangeError', timeMs: T0 + 28_000 }]);
    assert.deepEqual(s.telemetryDataErrors, [
      { message: 'exporter X dropped 3 records', type: 'incomplete_telemetry_data', timeMs: T0 + 28_500 },
    ]);
  });
});

describe('summary of the Python-layout fixture (spec/training.md §9.2, with NaN/Infinity tokens)', () => {
  test('every metric', async () => {
    const s = await one(PYTHON_FIXTURE);
    assert.deepEqual(s.application, {
      name: undefined,
      sessionTag: 'demo_session',
      perfTag: 'demo_perf',
      ranks: [0],
      worldSize: 2,
      startMs: T0,
      endMs: T0 + 12_900,
      durationMs: 12_900,
      endedCleanly: true,
      backend: undefined,
    });
    assert.deepEqual(s.phases, {
      distributedInitMs: undefined,
      modelInitMs: undefined,
      optimizerInitMs: undefined,
      dataloaderInitMs: undefined,
      checkpointLoadMs: undefined,
    });
    // The last training update says 2 iterations; the validation update after it proves a third (C = 3): the
    // Python library never reports iterations after the last multiple of N (W8), the summary adds them.
    assert.deepEqual(s.training, {
      iterationsJob: 3,
      iterationsOverall: 3,
      samplesJob: 24,
      samplesOverall: 24,
      tokensJob: 3072,
      avgIterationTimeSec: 1.5,
      minIterationTimeSec: 1,
      maxIterationTimeSec: 2,
      throughputPerGpuTflops: { latest: 2.6666666666666666e-9, min: 2.6666666666666666e-9, max: 4e-9 },
      // 8 samples per iteration (24 / 3) at 1.5 s per iteration.
      samplesPerSec: 8 / 1.5,
      iterationsPerSec: 1 / 1.5,
      timeToFirstIterationMs: 2250,
      loops: 1,
    });
    assert.deepEqual(s.validation, { loops: 1, iterations: 2, timeMs: 1400 });
    assert.deepEqual(s.testing, { loops: 0, timeMs: 0 });
    assert.deepEqual(s.checkpoints, {
      saves: 1,
      syncSaves: 1,
      asyncSaves: 0,
      successes: 1,
      saveTimeTotalMs: 3500,
      saveTimeMinMs: 3500,
      saveTimeMaxMs: 3500,
      lastSuccessfulStep: 2,
      productiveIterations: 2,
      productiveSamples: 16,
      productiveTrainTimeSec: 3,
      iterationsSinceLastCheckpoint: 1,
    });
    assert.ok(s.timeBreakdown);
    close(s.timeBreakdown.initialization, 0, 'init');
    close(s.timeBreakdown.training, 3000 / 12_900, 'training');
    close(s.timeBreakdown.validation, 1400 / 12_900, 'validation');
    close(s.timeBreakdown.checkpointSaving, 3500 / 12_900, 'checkpoints');
    close(s.timeBreakdown.other, (12_900 - 7900) / 12_900, 'other');
    assert.deepEqual(s.errors, []);
    assert.deepEqual(s.telemetryDataErrors, []);
    assert.equal(s.records, 14);
  });

  test('NaN/Infinity tokens are tolerated and reported as warnings, strings untouched', async () => {
    const s = await one(PYTHON_FIXTURE);
    assert.deepEqual(
      s.findings.map((f) => [f.line, f.severity, f.message.split(' (')[0]]),
      [
        [4, 'warning', 'non-standard JSON token NaN'],
        [11, 'warning', 'non-standard JSON tokens -Infinity, Infinity'],
        [13, 'warning', 'non-standard JSON token NaN'],
      ],
    );
    const analysis = await analyzeFile(PYTHON_FIXTURE, { spans: true });
    const loop = analysis.spans[0]?.children[0];
    assert.equal(loop?.name, 'training_loop');
    assert.equal(loop?.attributes.my_custom_metric, null);
  });
});

describe('killed job, async checkpoints, resumed session', () => {
  test('a killed job: no clean end, end = last record, work lost since the last successful checkpoint', async () => {
    const s = await one(paths.killed);
    assert.equal(s.application.endedCleanly, false);
    assert.equal(s.application.startMs, T0);
    // The last record written is the stop of the async save at step 4 (T0 + 5200); iteration 5 (until 6200)
    // was never reported and is lost with the process.
    assert.equal(s.application.endMs, T0 + 5200);
    assert.equal(s.application.durationMs, 5200);
    assert.equal(s.training.iterationsOverall, 4, 'iteration 5 was never reported');
    assert.equal(s.training.iterationsJob, 4);
    assert.deepEqual(
      [s.checkpoints.saves, s.checkpoints.syncSaves, s.checkpoints.asyncSaves, s.checkpoints.successes, s.checkpoints.saveTimeTotalMs],
      [2, 0, 2, 1, 200],
    );
    assert.equal(s.checkpoints.lastSuccessfulStep, 2);
    assert.equal(s.checkpoints.productiveIterations, 2);
    assert.equal(s.checkpoints.iterationsSinceLastCheckpoint, 2);
  });

  test('session view of a killed job and its resumed job (two files)', async () => {
    const r = await summarize([paths.killed, paths.resumed]);
    assert.equal(r.perFile.length, 2);
    const resumed = r.perFile[1] as JobSummary;
    assert.equal(resumed.training.iterationsJob, 4);
    assert.equal(resumed.training.iterationsOverall, 6);
    assert.equal(resumed.checkpoints.iterationsSinceLastCheckpoint, 0);
    assert.equal(r.perSession.length, 1);
    const s = r.perSession[0] as JobSummary;
    assert.deepEqual(s.files, [paths.killed, paths.resumed]);
    assert.equal(s.application.sessionTag, 'resume_session');
    assert.equal(s.application.startMs, T0);
    assert.equal(s.application.endMs, T0 + 3_600_000 + 500 + 2000 + 200 + 300);
    assert.equal(s.application.durationMs, 3_600_000 + 3000);
    assert.equal(s.application.endedCleanly, true, 'the last run ended cleanly');
    assert.equal(s.training.iterationsJob, 8, 'both jobs');
    assert.equal(s.training.iterationsOverall, 6, 'from the last job');
    assert.equal(s.training.samplesJob, 8 * 32);
    assert.equal(s.training.samplesOverall, 6 * 32);
    close(s.training.avgIterationTimeSec, (1 * 4 + 0.5 * 4) / 8, 'weighted avg');
    assert.equal(s.training.minIterationTimeSec, 0.5);
    assert.equal(s.training.maxIterationTimeSec, 1);
    assert.equal(s.training.timeToFirstIterationMs, 2000, 'from the first job');
    assert.equal(s.training.loops, 2);
    assert.deepEqual([s.checkpoints.saves, s.checkpoints.successes, s.checkpoints.asyncSaves, s.checkpoints.syncSaves], [3, 2, 2, 1]);
    assert.equal(s.checkpoints.lastSuccessfulStep, 6);
    assert.equal(s.checkpoints.iterationsSinceLastCheckpoint, 0);
    // Shares of the whole duration: the hour between the runs is idle time, accounted as "between runs".
    assert.ok(s.timeBreakdown);
    const gap = 3_600_000 - 5200;
    close(s.timeBreakdown.betweenRuns, gap / (5200 + 3000 + gap), 'between runs');
    close(s.timeBreakdown.training, (4000 + 2000) / (5200 + 3000 + gap), 'training share');
    close(s.timeBreakdown.checkpointSaving, (200 + 200) / (5200 + 3000 + gap), 'checkpoint share');
    const b = s.timeBreakdown;
    close(b.initialization + b.training + b.validation + b.checkpointSaving + b.other + b.betweenRuns, 1, 'shares add up');
    assert.equal(resumed.timeBreakdown?.betweenRuns, 0, 'a single run has no gap');
  });

  test('two runs appended to one file by the same pid are two segments, combined in sequence', async () => {
    const a = await analyzeFile(paths.appended);
    assert.equal(a.segments.length, 2);
    assert.deepEqual(
      a.segments.map((g) => g.summary.application.endedCleanly),
      [false, true],
    );
    assert.equal(a.summary.training.iterationsJob, 8);
    assert.equal(a.summary.training.iterationsOverall, 6);
    assert.equal(a.summary.application.endedCleanly, true);
  });
});

describe('two ranks of one job', () => {
  test('per file and combined per session', async () => {
    const r = await summarize([paths.rank0, paths.rank1]);
    assert.deepEqual(
      r.perFile.map((s) => s.application.ranks),
      [[0], [1]],
    );
    const s = r.perSession[0] as JobSummary;
    assert.equal(r.perSession.length, 1);
    assert.deepEqual(s.application.ranks, [0, 1]);
    assert.equal(s.application.worldSize, 2);
    // rank 0: 100 + 4×1000 + 100 = 4200 ms; rank 1: 200 + 4×1500 + 100 = 6300 ms; both start at T0.
    assert.equal(s.application.startMs, T0);
    assert.equal(s.application.endMs, T0 + 6300);
    assert.equal(s.application.durationMs, 6300);
    assert.equal(s.training.iterationsJob, 4, 'ranks do the same iterations: not added up');
    assert.equal(s.training.avgIterationTimeSec, 1.5, 'the slowest rank');
    assert.equal(s.training.minIterationTimeSec, 1);
    assert.equal(s.training.timeToFirstIterationMs, 1700, 'the later rank');
    assert.ok(s.timeBreakdown);
    close(s.timeBreakdown.training, (4000 + 6000) / (4200 + 6300), 'rank-time weighted');
  });
});

describe('jobs without training telemetry and odd inputs', () => {
  test('a core-only job: no application span, ended cleanly when every span stopped', async () => {
    const path = join(dir, 'core.jsonl');
    clock.install();
    OneLoggerProvider.instance().configure(
      { applicationName: 'etl', sessionTag: 'etl_session', worldSize: 1 },
      new DefaultRecorder({ exporters: [new FileExporter({ filePath: path })] }),
    );
    await timedSpan('etl_job', async () => {
      clock.advance(100);
      await timedSpan('load', async () => clock.advance(400));
      clock.advance(500);
    });
    await OneLoggerProvider.instance().shutdown();
    OneLoggerProvider.resetForTests();
    setClock(undefined);
    const s = await one(path);
    assert.equal(s.application.startMs, T0);
    assert.equal(s.application.endMs, T0 + 1000);
    assert.equal(s.application.endedCleanly, true);
    assert.equal(s.application.sessionTag, undefined, 'only the training layer records the session tag');
    assert.equal(s.training.loops, 0);
    assert.equal(s.training.iterationsOverall, undefined);
    assert.deepEqual(s.timeBreakdown, { initialization: 0, training: 0, validation: 0, checkpointSaving: 0, other: 1, betweenRuns: 0 });
    const r = await summarize([path]);
    assert.deepEqual(r.perSession, [], 'no session tag, no session view');
  });

  test('span statistics on the real clock: the light path reads the recorded durations, as the full parse does', async () => {
    // Sub-millisecond spans cross millisecond ticks: their timestamps differ by 1 where duration_msec says 0.
    const path = join(dir, 'real-clock.jsonl');
    OneLoggerProvider.instance().configure(
      { applicationName: 'etl', sessionTag: 'etl_session', worldSize: 1 },
      new DefaultRecorder({ exporters: [new FileExporter({ filePath: path })] }),
    );
    timedSpan('application', () => {
      for (let i = 0; i < 300; i++) timedSpan(i % 2 === 0 ? 'short' : 'shorter', () => JSON.stringify({ i }));
      // A span with a child is written as a start and a stop record (the stop carries the duration).
      timedSpan('outer', () => timedSpan('inner', () => JSON.stringify({ inner: true })));
    });
    await OneLoggerProvider.instance().shutdown();
    OneLoggerProvider.resetForTests();
    const light = (await summarize([path])).perFile[0] as JobSummary;
    const parsed = (await summarize([path], { spans: true })).perFile[0] as JobSummary;
    assert.deepEqual(light.spanStats, parsed.spanStats);
    const recorded = new Map<string, number>();
    for (const line of readFileSync(path, 'utf8').trim().split('\n')) {
      const r = JSON.parse(line);
      if (r.type !== 'start' && r.name !== 'application') recorded.set(r.name, (recorded.get(r.name) ?? 0) + r.attributes.duration_msec);
    }
    assert.deepEqual(Object.fromEntries(light.spanStats.byName.map((r) => [r.name, r.totalMs])), Object.fromEntries(recorded));
    assert.deepEqual(light.spanStats.byName.map((r) => [r.name, r.count]).sort(), [
      ['inner', 1],
      ['outer', 1],
      ['short', 150],
      ['shorter', 150],
    ]);
  });

  test('a missing file and a torn last line', async () => {
    const torn = join(dir, 'torn.jsonl');
    writeFileSync(torn, readFileSync(paths.full, 'utf8'));
    appendFileSync(torn, '{"type":"event","span_id":"abc","event":{"name":"training_me');
    const r = await summarize([join(dir, 'missing.jsonl'), torn]);
    const [missing, tornSummary] = r.perFile as [JobSummary, JobSummary];
    assert.deepEqual(missing.findings, [{ file: join(dir, 'missing.jsonl'), line: 0, severity: 'error', message: 'no such file' }]);
    assert.equal(missing.records, 0);
    assert.equal(missing.timeBreakdown, undefined);
    assert.equal(tornSummary.findings.length, 1);
    assert.equal(tornSummary.findings[0]?.severity, 'warning');
    assert.match(tornSummary.findings[0]?.message ?? '', /^incomplete last line/);
    assert.equal(tornSummary.training.iterationsOverall, 22, 'the rest of the file is summarized');
  });

  test('the light path (unused spans, deferred training updates) gives the same summary as parsing every record', async () => {
    // The full job with every span exported: most records are iteration spans the summary does not look into.
    const path = join(dir, 'all-spans.jsonl');
    await writeFullJob(path, 'full_session', true);
    const parsed = await summarize([path], { spans: true });
    const light = await summarize([path]);
    assert.deepEqual(light.perFile, parsed.perFile);
    for (const other of [PYTHON_FIXTURE, paths.killed, paths.appended, paths.rank1]) {
      assert.deepEqual((await summarize([other])).perFile, (await summarize([other], { spans: true })).perFile, other);
    }
    const base = await one(paths.full);
    const s = light.perFile[0] as JobSummary;
    assert.ok(s.records > base.records + 12, 'iteration spans are records');
    const withoutSpans = (x: JobSummary) => ({ ...x, files: [], records: 0, spanStats: undefined });
    assert.deepEqual(withoutSpans(s), withoutSpans(base), 'same metrics as without iteration spans');
    // The span statistics count what was exported: the iteration spans are two more names (training: 1 s and 2 s
    // iterations, one of 3 s; validation: 3 of 200 ms).
    const iterations = s.spanStats.byName.find((r) => r.name === 'training_single_iteration');
    assert.deepEqual(iterations, {
      name: 'training_single_iteration',
      count: 12,
      totalMs: 19_000,
      meanMs: 19_000 / 12,
      maxMs: 3000,
      shareOfApplication: 19 / 30,
    });
    assert.deepEqual(
      s.spanStats.byName.find((r) => r.name === 'validation_single_iteration'),
      { name: 'validation_single_iteration', count: 3, totalMs: 600, meanMs: 200, maxMs: 200, shareOfApplication: 0.02 },
    );
    assert.deepEqual(
      s.spanStats.byName.filter((r) => !r.name.endsWith('_single_iteration')),
      base.spanStats.byName,
    );
  });
});
