// A report that never misleads: a resumed run's gap, a corrupt or empty input, sampled metric series, span-tree
// limits, a warm-up iteration and sub-millisecond times — each drawn and counted as it is. Files are written by the
// real training-telemetry library with a fake clock; reports are rendered and read back with linkedom.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { logMetrics, onTrainEnd, onTrainStart } from '@nv-one-logger/training-telemetry';
import { parseHTML } from 'linkedom';
import { renderSummary } from '../src/cli/render-summary.js';
import { summarizeJobs } from '../src/job/summarize-jobs.js';
import type { JobSummary, TrainingMetricPoint } from '../src/model/types.js';
import { renderReport } from '../src/report/index.js';
import { iterationTimeFigure, loggedUpdates } from '../src/report/metric-charts.js';
import { timeAxisFor } from '../src/report/time-axis.js';
import { MetricSeries } from '../src/summary/metric-series.js';
import { analyzeFile, summarize } from '../src/summary/summarize.js';
import { clock, iteration, runJob, T0 } from './helpers/jobs.js';
import { writeFullJob, writeKilledAsyncJob, writeResumedJob } from './helpers/scenarios.js';

const BIN = fileURLToPath(new URL('../bin/one-logger.js', import.meta.url));
/** The killed job's last record is at 5.2 s; the resumed job starts 10 minutes after T0. */
const RESUME_AT = T0 + 600_000;
const GAP_MS = 600_000 - 5200;

let dir: string;
const paths = { resumed: '', full: '', empty: '', corrupt: '', manyEvents: '', subMs: '' };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-honesty-'));
  for (const k of Object.keys(paths) as (keyof typeof paths)[]) paths[k] = join(dir, `${k}.jsonl`);
  // One file, two runs of the same session: killed, then resumed minutes later (appending).
  await writeKilledAsyncJob(paths.resumed, 'resume_gap');
  await writeResumedJob(paths.resumed, 'resume_gap', RESUME_AT);
  await writeFullJob(paths.full);
  writeFileSync(paths.empty, '');
  const lines = readFileSync(paths.full, 'utf8').split('\n');
  lines.splice(3, 0, '{"type":"event","span_id":');
  writeFileSync(paths.corrupt, lines.join('\n'));
  // 3,000 model-metric events on the training loop: a legitimate file, past the 1,000 events kept per span.
  await runJob({ path: paths.manyEvents, sessionTag: 'many_events', telemetry: { logEveryNTrainIterations: 1000 } }, () => {
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 3000; i++) {
      iteration(10);
      logMetrics({ loss: 1 / (i + 1) });
    }
    onTrainEnd();
  });
  // Iterations of 40 µs.
  await runJob({ path: paths.subMs, sessionTag: 'sub_ms', telemetry: { logEveryNTrainIterations: 2 } }, () => {
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 4; i++) iteration(0.04);
    onTrainEnd();
    clock.advance(10);
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

function doc(html: string): Document {
  return parseHTML(html).document as unknown as Document;
}

/** Cumulative metric points of a series of per-update interval means (`perUpdate` iterations each). */
function cumulativePoints(intervalMeans: readonly number[], perUpdate: number): TrainingMetricPoint[] {
  let n = 0;
  let total = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  return intervalMeans.map((mean, i) => {
    n += perUpdate;
    total += mean * perUpdate;
    min = Math.min(min, mean);
    max = Math.max(max, mean);
    return {
      timeMs: T0 + total * 1000,
      currentIteration: n - 1,
      numIterations: n,
      avgIterationTimeSec: total / n,
      minIterationTimeSec: min,
      maxIterationTimeSec: max,
      trainThroughputPerGpu: undefined,
      trainSamples: n * 32,
      ...(i < 0 ? { updates: 0 } : {}),
    };
  });
}

describe('a report that never misleads', () => {
  test('a resumed run: the gap is shaded, no line crosses it, and the time breakdown accounts for it', async () => {
    const r = await summarizeJobs([paths.resumed], { spans: true, metrics: true });
    const s = r.perFile[0] as JobSummary;
    assert.equal(s.application.durationMs, 600_000 + 3000, 'the duration includes the gap');
    const b = s.timeBreakdown;
    assert.ok(b);
    assert.ok(Math.abs(b.betweenRuns - GAP_MS / (600_000 + 3000)) < 1e-9, `between runs ${b.betweenRuns}`);
    assert.ok(Math.abs(b.initialization + b.training + b.validation + b.checkpointSaving + b.other + b.betweenRuns - 1) < 1e-9);
    assert.match(renderSummary('resumed', s), /between runs \(idle\) +98\.6%/);

    const html = renderReport({ summaries: r.perSession, perFile: r.details });
    const figure = doc(html).querySelector('figure[data-chart="iteration-time"]');
    assert.ok(figure);
    const gaps = Array.from(figure.querySelectorAll('g.ol-gap rect'));
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0]?.querySelector('title')?.textContent, 'no process running: 9 min 55 s between runs');
    // The cumulative mean and the min–max band: one path per run, never one across the gap.
    assert.equal(figure.querySelectorAll('g.ol-cumulative path').length, 2);
    assert.equal(figure.querySelectorAll('g.ol-range path').length, 2);
    assert.match(figure.querySelector('figcaption')?.textContent ?? '', /A gap of 9 min 55 s between process runs \(shaded\)/);
    const breakdown = doc(html).querySelector('figure[data-chart="time-breakdown"]');
    assert.match(breakdown?.textContent ?? '', /between runs \(idle\)/);
  });

  test('a corrupt or an empty file: the report counts input errors, never "0 errors" beside one', () => {
    // The corrupt file has two findings: the line itself and the whole-file count of unreadable lines.
    for (const [file, subtitle, problem] of [
      [paths.empty, '1 file · 0 sessions · 0 recorded errors · 1 input error', [/is empty: no records/]],
      [
        paths.corrupt,
        '1 file · 1 session · 1 recorded error · 2 input errors',
        [/line is not JSON/, /1 unreadable line skipped \(line 4\)/],
      ],
    ] as const) {
      const out = join(dir, 'report.html');
      const r = spawnSync(process.execPath, [BIN, 'report', file, '-o', out], { encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr);
      const d = doc(readFileSync(out, 'utf8'));
      assert.equal(d.querySelector('header .sub')?.textContent, subtitle);
      const rows = Array.from(d.querySelectorAll('table[data-table="findings"] tbody tr'));
      assert.equal(rows.length, problem.length);
      for (const [i, p] of problem.entries()) assert.match(rows[i]?.textContent ?? '', p);
    }
  });

  test('100,000 metric updates: the caption counts what was logged, kept and drawn, and a spike survives sampling', () => {
    const means = Array.from({ length: 100_000 }, (_, i) => (i === 50_001 ? 5 : 0.1));
    const series = new MetricSeries();
    for (const p of cumulativePoints(means, 10)) series.push(p);
    const points = series.finish();
    assert.equal(points.length, 6251, 'every 16th update, first and last kept');
    assert.equal(loggedUpdates(points), 100_000, 'every update is accounted for');
    const spike = points.filter((p) => (p.intervalMaxSec ?? 0) > 4.9);
    assert.equal(spike.length, 1, 'the spike is the max of the sample that stands for it');
    const axis = timeAxisFor(points.map((p) => p.timeMs));
    assert.ok(axis);
    const html = iterationTimeFigure({ metrics: points, checkpoints: [], errors: [], axis, marginLeft: 64 })?.html ?? '';
    const caption = doc(`<body>${html}</body>`).querySelector('figcaption')?.textContent ?? '';
    assert.match(caption, /^100,000 metric updates logged; 6,251 kept for drawing \(evenly spaced samples, first and last kept\)/);
    assert.match(caption, /Dots thinned to 2,000 of 6,251 evenly spaced points; the lines use all 6,251\./);
    assert.doesNotMatch(caption, /uses all of them/);
    assert.equal(
      doc(`<body>${html}</body>`).querySelectorAll('g.ol-sample-range line').length,
      1999,
      'a min–max bar for each drawn dot but the first',
    );
  });

  test('a legitimate file with 3,000 events on one span is not flagged as truncated; dropped spans are', async () => {
    const a = await analyzeFile(paths.manyEvents, { spans: true, metrics: true });
    assert.deepEqual(
      a.summary.findings.map((f) => f.message),
      [],
    );
    const limited = await analyzeFile(paths.manyEvents, { spans: true, spanTree: { maxSpans: 1 } });
    assert.deepEqual(
      limited.summary.findings.map((f) => f.message),
      ["span tree truncated: 2 spans (limit 1) not kept; the report's timeline and markers leave them out"],
    );
  });

  test('a warm-up iteration does not set the y axis; it is marked at the top edge', () => {
    // One warm-up interval of 30 s, then 60 intervals around 50 ms.
    const points = cumulativePoints([30, ...Array.from({ length: 60 }, (_, i) => 0.05 + (i % 5) * 0.001)], 10);
    const axis = timeAxisFor(points.map((p) => p.timeMs));
    assert.ok(axis);
    const html = iterationTimeFigure({ metrics: points, checkpoints: [], errors: [], axis, marginLeft: 64 })?.html ?? '';
    const d = doc(`<body>${html}</body>`);
    const ticks = Array.from(d.querySelectorAll('g[aria-label="y-axis tick label"] text')).map((t) => Number(t.textContent));
    assert.ok(ticks.length > 2);
    assert.ok(Math.max(...ticks) < 0.1, `y ticks ${ticks.join(', ')} follow the 50 ms bulk, not the 30 s warm-up`);
    const triangles = Array.from(d.querySelectorAll('g[aria-label="dot"] path')).filter((p) =>
      /interval mean 30\.0 s \(above the axis\)/.test(p.textContent ?? ''),
    );
    assert.equal(triangles.length, 1, 'the warm-up is drawn as a marker at the top edge');
    assert.match(
      d.querySelector('figcaption')?.textContent ?? '',
      /1 slower interval \(e\.g\. the warm-up\) is drawn as ▲ at the top edge/,
    );
  });

  test('sub-millisecond iterations print with their digits, never "0.0 ms"', async () => {
    const r = await summarize([paths.subMs]);
    const s = r.perFile[0] as JobSummary;
    assert.ok(Math.abs((s.training.avgIterationTimeSec ?? 0) - 0.00004) < 1e-9);
    const text = renderSummary('sub-ms', s);
    assert.match(text, /40 µs/);
    assert.doesNotMatch(text, /0\.0 ms/);
    const html = renderReport({ summaries: r.perSession, perFile: r.details });
    const rows = Array.from(doc(html).querySelectorAll('table.summary tr')).map((tr) => tr.textContent ?? '');
    assert.ok(
      rows.some((t) => /Iteration time mean \(min – max\)40 µs/.test(t)),
      rows.filter((t) => /Iteration time/.test(t)).join('\n'),
    );
  });
});
