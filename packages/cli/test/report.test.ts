// Tests of `renderReport`: unit tests on hand-built model data, then the generated file in a real headless Chromium
// (offline, every non-file request aborted and counted) at desktop, phone and dark-mode settings.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseHTML } from 'linkedom';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { type JobSummary, type SpanNode, SUMMARY_SCHEMA_VERSION, type TrainingMetricPoint } from '../src/model/types.js';
import { type ReportFile, type ReportInput, renderReport } from '../src/report/index.js';
import { intervalMeans, MAX_DOTS } from '../src/report/metric-charts.js';
import { MAX_BARS_PER_ROW, MAX_ROWS } from '../src/report/timeline.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
// CHROMIUM_PATH overrides the browser (e.g. to check that a missing browser fails the tests).
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const sec = (s: number): number => T0 + s * 1000;

// ---------------------------------------------------------------------------------------------------------------
// Builders

let nextId = 0;

interface SpanOptions {
  attributes?: Record<string, unknown>;
  events?: SpanNode['events'];
  children?: SpanNode[];
}

/** A span from `start` to `end` seconds after T0 (`end` undefined: never stopped); children get their parentId. */
function span(name: string, start: number | undefined, end: number | undefined, opts: SpanOptions = {}): SpanNode {
  const id = `span-${++nextId}`;
  const children = opts.children ?? [];
  for (const c of children) c.parentId = id;
  return {
    id,
    name,
    parentId: undefined,
    parentInferred: false,
    pid: 4242,
    startMs: start === undefined ? undefined : sec(start),
    endMs: end === undefined ? undefined : sec(end),
    durationMs: start === undefined || end === undefined ? undefined : (end - start) * 1000,
    attributes: opts.attributes ?? {},
    events: opts.events ?? [],
    children,
  };
}

function event(name: string, at: number, attributes: Record<string, unknown> = {}): SpanNode['events'][number] {
  return { name, timeMs: sec(at), attributes: { ...attributes, timestamp_msec: sec(at) }, kind: 'event' };
}

function errorEvent(at: number, message: string): SpanNode['events'][number] {
  return {
    name: 'error',
    timeMs: sec(at),
    attributes: { error_message: message, exception_type: 'IOError', exception_message: 'disk full', timestamp_msec: sec(at) },
    kind: 'application_error',
  };
}

function summary(over: Partial<JobSummary> & { files: string[] }): JobSummary {
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    application: {
      name: 'llm_pretrain',
      sessionTag: 'run-42',
      perfTag: 'gpt_1b',
      ranks: [0],
      worldSize: 2,
      startMs: sec(0),
      endMs: sec(900),
      durationMs: 900_000,
      endedCleanly: true,
      backend: undefined,
    },
    phases: { distributedInitMs: 2500, modelInitMs: 17_000, optimizerInitMs: 2000, dataloaderInitMs: 3000, checkpointLoadMs: 15_000 },
    training: {
      iterationsJob: 2050,
      iterationsOverall: 2050,
      samplesJob: 16_400,
      samplesOverall: 16_400,
      tokensJob: 2_099_200,
      avgIterationTimeSec: 0.39,
      minIterationTimeSec: 0.31,
      maxIterationTimeSec: 1.2,
      throughputPerGpuTflops: { latest: 118.2, min: 101.5, max: 121.7 },
      samplesPerSec: undefined,
      iterationsPerSec: undefined,
      timeToFirstIterationMs: 41_000,
      loops: 1,
    },
    validation: { loops: 3, iterations: 60, timeMs: 30_000 },
    modelMetrics: { training: [], validation: [] },
    testing: { loops: 0, timeMs: 0 },
    checkpoints: {
      saves: 6,
      syncSaves: 6,
      asyncSaves: 0,
      successes: 5,
      saveTimeTotalMs: 48_000,
      saveTimeMinMs: 8000,
      saveTimeMaxMs: 8000,
      lastSuccessfulStep: 1700,
      productiveIterations: 1700,
      productiveSamples: 13_600,
      productiveTrainTimeSec: 663,
      iterationsSinceLastCheckpoint: 350,
    },
    timeBreakdown: { initialization: 0.044, training: 0.84, validation: 0.033, checkpointSaving: 0.053, other: 0.03, betweenRuns: 0 },
    spanStats: { byName: [], other: { count: 0, totalMs: 0, maxMs: undefined, shareOfApplication: undefined } },
    errors: [],
    telemetryDataErrors: [],
    findings: [],
    records: 120,
    ...over,
  };
}

interface RunOptions {
  file: string;
  rank: number;
  /** Seconds between metric updates. */
  metricEvery: number;
  withError: boolean;
}

/** A 15-minute training job: init phases, a training loop with 6 sync checkpoint saves (the last fails when
 * `withError`) and 3 validation loops, and metric updates from t=60 s to t=860 s. */
function trainingRun(
  o: RunOptions,
): ReportFile & { expect: { metrics: number; throughput: number; spans: number; checkpoints: number; errors: number } } {
  const saves: SpanNode[] = [];
  let checkpoints = 0;
  for (let k = 0; k < 6; k++) {
    const start = 120 + 130 * k;
    const failed = o.withError && k === 5;
    const events = failed
      ? [errorEvent(start + 8, 'Error in checkpoint_save_sync: ')]
      : [
          event('save_checkpoint_success', start + 7.5, { current_iteration: 300 * (k + 1) }),
          event('sync_checkpoint_metrics_update', start + 8),
        ];
    if (!failed) checkpoints++;
    saves.push(
      span('checkpoint_save_sync', start, start + 8, {
        attributes: { checkpoint_strategy: 'sync', current_iteration: 300 * (k + 1) },
        events,
      }),
    );
  }
  const validations = [300, 600, 850].map((t) => span('validation_loop', t, t + 10));
  const loop = span('training_loop', 40, 880, { attributes: { train_iterations_start: 0 }, children: [...saves, ...validations] });
  const app = span('application', 0, 900, {
    events: [event('one_logger_initialization', 0, { world_size: 2, rank: o.rank })],
    children: [
      span('distributed_code_initialization', 0.5, 3),
      span('model_initialization', 3, 20),
      span('optimizer_initialization', 20, 22),
      span('data_loader_initialization', 22, 25),
      span('checkpoint_load', 25, 40),
      loop,
    ],
  });
  const metrics: TrainingMetricPoint[] = [];
  for (let t = 60, k = 1; t <= 860; t += o.metricEvery, k++) {
    const n = Math.round((t - 40) / 0.4 / 10) * 10;
    metrics.push({
      timeMs: sec(t),
      currentIteration: n - 1,
      numIterations: n,
      avgIterationTimeSec: 0.38 + 0.02 * Math.sin(k / 3) + (t > 500 && t < 560 ? 0.05 : 0),
      minIterationTimeSec: 0.31,
      maxIterationTimeSec: 1.2,
      // The first update has no throughput yet, so the throughput chart has one dot fewer.
      trainThroughputPerGpu: k === 1 ? undefined : 110 + 8 * Math.cos(k / 4),
      trainSamples: n * 8,
    });
  }
  const errors = o.withError
    ? [
        {
          spanName: 'checkpoint_save_sync',
          message: 'Error in checkpoint_save_sync: disk full',
          exceptionType: 'IOError',
          timeMs: sec(778),
        },
      ]
    : [];
  const s = summary({
    files: [o.file],
    application: { ...summary({ files: [] }).application, ranks: [o.rank] },
    errors,
    checkpoints: { ...summary({ files: [] }).checkpoints, successes: checkpoints },
  });
  return {
    file: o.file,
    spans: [app],
    metrics,
    summary: s,
    expect: {
      metrics: metrics.length,
      throughput: metrics.length - 1,
      spans: 16,
      checkpoints,
      errors: o.withError ? 1 : 0,
    },
  };
}

function twoRankReport(): { input: ReportInput; files: ReturnType<typeof trainingRun>[] } {
  const rank0 = trainingRun({ file: 'runs/run-42/rank0.jsonl', rank: 0, metricEvery: 20, withError: true });
  const rank1 = trainingRun({ file: 'runs/run-42/rank1.jsonl', rank: 1, metricEvery: 40, withError: false });
  rank0.summary.telemetryDataErrors = [
    { message: 'exporter file failed 5 times and was disabled', type: 'incomplete_telemetry_data', timeMs: sec(500) },
  ];
  const session = summary({
    files: [rank0.file, rank1.file],
    application: { ...rank0.summary.application, ranks: [0, 1] },
    errors: rank0.summary.errors,
    telemetryDataErrors: rank0.summary.telemetryDataErrors,
  });
  return { input: { summaries: [session], perFile: [rank0, rank1] }, files: [rank0, rank1] };
}

const EVIL = '<img src=x onerror="window.__pwned=1">';
const EVIL2 = '"><script>window.__pwned=2</script>';
const EVIL3 = "</style></title><svg onload='window.__pwned=3'>&amp;";

function hostileReport(): ReportInput {
  const evilSpan = span(EVIL, 5, 10, {
    attributes: { [EVIL2]: EVIL3, note: EVIL },
    events: [{ ...errorEvent(7, EVIL2), attributes: { error_message: EVIL, exception_type: EVIL3 } }],
  });
  const app = span('application', 0, 20, { children: [evilSpan, span(EVIL2, 11, 12), span(EVIL3, 12, 13)] });
  const file = `evil${EVIL2}.jsonl`;
  const s = summary({
    files: [file],
    application: { ...summary({ files: [] }).application, name: EVIL, sessionTag: EVIL2, perfTag: [EVIL3, EVIL] },
    errors: [{ spanName: EVIL, message: EVIL2, exceptionType: EVIL3, timeMs: sec(7) }],
    telemetryDataErrors: [{ message: EVIL, type: EVIL2, timeMs: sec(8) }],
    findings: [{ file: EVIL3, line: 3, severity: 'warning', message: EVIL }],
  });
  const metrics: TrainingMetricPoint[] = [
    {
      timeMs: sec(6),
      currentIteration: 9,
      numIterations: 10,
      avgIterationTimeSec: 0.5,
      minIterationTimeSec: 0.4,
      maxIterationTimeSec: 0.6,
      trainThroughputPerGpu: 1,
      trainSamples: 80,
    },
  ];
  return { summaries: [s], perFile: [{ file, spans: [app], metrics, summary: s }] };
}

// ---------------------------------------------------------------------------------------------------------------
// DOM helpers (linkedom for unit tests, the same selectors run in Chromium)

function dom(html: string): Document {
  return parseHTML(html).document as unknown as Document;
}

function count(doc: ParentNode, selector: string): number {
  return doc.querySelectorAll(selector).length;
}

/** Selectors for the number of data points of each chart in file section `n` (1-based). */
function sel(n: number) {
  const f = `section#file-${n}`;
  return {
    // Dots to scale are circles; intervals above the robust y axis (the warm-up) are triangles at its top edge.
    iterationDots: `${f} figure[data-chart="iteration-time"] g[aria-label="dot"] circle, ${f} figure[data-chart="iteration-time"] g.ol-outlier path`,
    throughputDots: `${f} figure[data-chart="throughput"] g[aria-label="dot"] circle`,
    timelineBars: `${f} figure[data-chart="timeline"] g[aria-label="bar"] rect`,
    timelineCheckpoints: `${f} figure[data-chart="timeline"] g.ol-checkpoint > *`,
    timelineErrors: `${f} figure[data-chart="timeline"] g.ol-error > *`,
    iterationCheckpoints: `${f} figure[data-chart="iteration-time"] g.ol-checkpoint line`,
    iterationErrors: `${f} figure[data-chart="iteration-time"] g.ol-error line`,
    throughputCheckpoints: `${f} figure[data-chart="throughput"] g.ol-checkpoint line`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Unit tests

describe('renderReport', () => {
  test('draws one mark per metric point, span, checkpoint and error, per file', () => {
    const { input, files } = twoRankReport();
    const doc = dom(renderReport(input));
    files.forEach((f, i) => {
      const s = sel(i + 1);
      assert.equal(count(doc, s.iterationDots), f.expect.metrics, `iteration dots of ${f.file}`);
      assert.equal(count(doc, s.throughputDots), f.expect.throughput, `throughput dots of ${f.file}`);
      assert.equal(count(doc, s.timelineBars), f.expect.spans, `timeline bars of ${f.file}`);
      assert.equal(count(doc, s.timelineCheckpoints), f.expect.checkpoints);
      assert.equal(count(doc, s.iterationCheckpoints), f.expect.checkpoints);
      assert.equal(count(doc, s.throughputCheckpoints), f.expect.checkpoints);
      assert.equal(count(doc, s.timelineErrors), f.expect.errors);
      assert.equal(count(doc, s.iterationErrors), f.expect.errors);
    });
    assert.deepEqual([files[0]!.expect.metrics, files[1]!.expect.metrics], [41, 21]);
    // Sessions and files tables plus one breakdown chart for each.
    assert.equal(count(doc, '[data-table="sessions"] table.summary'), 7);
    assert.equal(count(doc, '[data-table="files"] table.summary'), 7);
    assert.equal(count(doc, 'figure[data-chart="time-breakdown"]'), 2);
    // A column per summary, after the group name.
    assert.equal(count(doc, '[data-table="sessions"] .card:first-child thead th'), 2);
    assert.equal(count(doc, '[data-table="files"] .card:first-child thead th'), 3);
    // The five non-zero shares of each summary are bars.
    assert.equal(count(doc, '#sessions figure[data-chart="time-breakdown"] g[aria-label="bar"] rect'), 5);
    assert.equal(count(doc, '#files figure[data-chart="time-breakdown"] g[aria-label="bar"] rect'), 10);
    assert.equal(count(doc, 'table[data-table="errors"] tbody tr'), 1);
    assert.equal(
      count(doc, 'table[data-table="telemetry-data-errors"] tbody tr'),
      1,
      'listed once (from the files), not again per session',
    );
  });

  test('puts the summary values in the tables', () => {
    const { input } = twoRankReport();
    const doc = dom(renderReport(input));
    const table = doc.querySelector('[data-table="sessions"]')!;
    const rows = new Map(
      Array.from(table.querySelectorAll('tbody tr')).map((tr) => [
        tr.querySelector('th')!.textContent,
        Array.from(tr.querySelectorAll('td')).map((td) => td.textContent),
      ]),
    );
    assert.deepEqual(rows.get('Name'), ['llm_pretrain']);
    assert.deepEqual(rows.get('Ranks'), ['0, 1']);
    assert.deepEqual(rows.get('Duration'), ['15 min 00 s']);
    assert.deepEqual(rows.get('Start'), ['2025-01-15 09:00:00 UTC']);
    assert.deepEqual(rows.get('Iterations (job / overall)'), ['2,050 / 2,050']);
    assert.deepEqual(rows.get('Iteration time mean (min – max)'), ['390 ms (310 ms – 1.20 s)']);
    assert.deepEqual(rows.get('TFLOP/s latest (min – max)'), ['118.2 (101.5 – 121.7) per GPU']);
    assert.deepEqual(rows.get('Saves (sync / async)'), ['6 (6 / 0)']);
    assert.deepEqual(rows.get('Training'), ['84.0%']);
    assert.deepEqual(rows.get('Errors'), ['1']);
    assert.deepEqual(rows.get('Input findings'), ['0']);
    // Attention cells: one error, a failed save, iterations after the last checkpoint.
    assert.ok(count(table, 'td.warn') >= 3);
  });

  test('escapes every string from the input', () => {
    const html = renderReport(hostileReport());
    const doc = dom(html);
    assert.equal(count(doc, 'script'), 0);
    assert.equal(count(doc, 'img'), 0);
    assert.equal(count(doc, 'svg[onload]'), 0);
    for (const element of Array.from(doc.querySelectorAll('*'))) {
      for (const attr of element.getAttributeNames())
        assert.ok(!attr.startsWith('on'), `no event handler attributes (${attr} on ${element.tagName})`);
    }
    assert.doesNotMatch(html, /<script|<img|<svg onload/i);
    // One <style> (ours) and one per chart (Plot's); the hostile </style> stayed text.
    assert.equal(count(doc, 'style'), 1 + count(doc, 'svg.ol-plot'));
    // The strings are shown as text.
    const text = doc.body.textContent ?? '';
    for (const s of [EVIL, EVIL2, EVIL3]) assert.ok(text.includes(s), `shows ${s} as text`);
    assert.ok(doc.querySelector('title')!.textContent!.includes(EVIL));
    assert.equal(doc.querySelector('section.file')!.getAttribute('data-file'), `evil${EVIL2}.jsonl`);
    // The span names reach the timeline as tick labels and tooltips.
    const timeline = doc.querySelector('figure[data-chart="timeline"]')!;
    assert.ok(timeline.textContent!.includes(EVIL));
    assert.equal(count(doc, 'figure[data-chart="timeline"] g[aria-label="bar"] rect'), 4);
    assert.equal(count(doc, 'figure[data-chart="timeline"] g.ol-error > *'), 1);
  });

  test('is self-contained: no scripts, no external resources, a CSP that forbids both', () => {
    const html = renderReport(twoRankReport().input);
    const doc = dom(html);
    assert.equal(count(doc, 'script, link, iframe, object, embed, img, image, use'), 0);
    assert.equal(count(doc, '[src]'), 0);
    for (const a of Array.from(doc.querySelectorAll('[href]'))) assert.match(a.getAttribute('href')!, /^#/);
    assert.doesNotMatch(html, /@import|url\(\s*['"]?(?:https?:|\/\/)/i);
    const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src/);
    // Responsive charts: viewBox, width 100% from the stylesheet.
    for (const svg of Array.from(doc.querySelectorAll('svg.ol-plot'))) assert.match(svg.getAttribute('viewBox')!, /^0 0 \d+ \d+$/);
    assert.match(html, /svg\.ol-plot \{[^}]*width: 100%/);
    assert.match(html, /prefers-color-scheme: dark/);
  });

  test('renders the same bytes for the same input', () => {
    assert.equal(renderReport(twoRankReport().input), renderReport(twoRankReport().input));
  });

  test('empty input: no charts and a clear note', () => {
    const doc = dom(renderReport({ summaries: [], perFile: [] }));
    assert.equal(count(doc, 'figure, svg'), 0);
    assert.match(doc.querySelector('[data-note="empty"]')!.textContent!, /No telemetry to report/);
  });

  test('a file without training: no metric charts, a note, and the timeline of what there is', () => {
    const app = span('application', 0, 30, { children: [span('data_loading_custom', 1, 29)] });
    const s = summary({
      files: ['etl.jsonl'],
      timeBreakdown: undefined,
      training: { ...summary({ files: [] }).training, loops: 0, iterationsJob: undefined },
    });
    const doc = dom(renderReport({ summaries: [s], perFile: [{ file: 'etl.jsonl', spans: [app], metrics: [], summary: s }] }));
    assert.equal(
      count(doc, 'figure[data-chart="iteration-time"], figure[data-chart="throughput"], figure[data-chart="time-breakdown"]'),
      0,
    );
    assert.match(doc.querySelector('[data-note="no-training"]')!.textContent!, /No training_metrics_update events/);
    assert.equal(count(doc, sel(1).timelineBars), 2);
    // One summary covering exactly this file: no separate files table.
    assert.equal(count(doc, '[data-table="files"]'), 0);
  });

  test('a file with no spans and no metrics renders without any chart', () => {
    const s = summary({ files: ['empty.jsonl'], timeBreakdown: undefined });
    const doc = dom(renderReport({ summaries: [s], perFile: [{ file: 'empty.jsonl', spans: [], metrics: [], summary: s }] }));
    assert.equal(count(doc, 'figure, svg'), 0);
    assert.ok(doc.querySelector('[data-note="no-training"]'));
    assert.ok(doc.querySelector('[data-note="no-spans"]'));
    assert.equal(count(doc, '[data-table="sessions"]'), 1);
  });

  test('metrics without throughput: iteration chart only, with a note', () => {
    const run = trainingRun({ file: 'a.jsonl', rank: 0, metricEvery: 100, withError: false });
    for (const m of run.metrics) m.trainThroughputPerGpu = undefined;
    const doc = dom(renderReport({ summaries: [], perFile: [run] }));
    assert.equal(count(doc, sel(1).iterationDots), run.metrics.length);
    assert.equal(count(doc, 'figure[data-chart="throughput"]'), 0);
    assert.ok(doc.querySelector('[data-note="no-throughput"]'));
    assert.ok(doc.querySelector('#sessions [class="note"]'), 'says there are no session summaries');
  });

  test('aggregates long runs of repeated spans and says so', () => {
    const iterations = Array.from({ length: 1000 }, (_, i) => span('training_single_iteration', 10 + i * 0.5, 10 + i * 0.5 + 0.4));
    const app = span('application', 0, 520, { children: [span('training_loop', 5, 515, { children: iterations })] });
    const s = summary({ files: ['iters.jsonl'] });
    const doc = dom(renderReport({ summaries: [s], perFile: [{ file: 'iters.jsonl', spans: [app], metrics: [], summary: s }] }));
    const perBar = Math.ceil(1000 / MAX_BARS_PER_ROW);
    assert.equal(count(doc, sel(1).timelineBars), 2 + Math.ceil(1000 / perBar));
    const figure = doc.querySelector('figure[data-chart="timeline"]')!;
    assert.match(
      figure.querySelector('figcaption')!.textContent!,
      /training_single_iteration: 1,000 spans drawn as 143 bars of up to 7 consecutive spans/,
    );
    // One row for the thousand siblings, labelled with their count.
    assert.ok(figure.textContent!.includes('training_single_iteration ×1,000'));
  });

  test('caps the number of rows and says how many were left out', () => {
    const kids = Array.from({ length: MAX_ROWS + 20 }, (_, i) => span(`step_${String(i).padStart(2, '0')}`, i, i + 1));
    const app = span('application', 0, 100, { children: kids });
    const s = summary({ files: ['wide.jsonl'] });
    const doc = dom(renderReport({ summaries: [s], perFile: [{ file: 'wide.jsonl', spans: [app], metrics: [], summary: s }] }));
    assert.equal(count(doc, sel(1).timelineBars), MAX_ROWS);
    assert.match(doc.querySelector('figure[data-chart="timeline"] figcaption')!.textContent!, /21 more rows \(21 spans\) not shown/);
  });

  test('accepts a flat span list as well as a tree, and draws never-stopped spans', () => {
    const { files } = twoRankReport();
    const rank0 = files[0]!;
    const flat: SpanNode[] = [];
    const walk = (n: SpanNode): void => {
      flat.push({ ...n, children: [] });
      n.children.forEach(walk);
    };
    rank0.spans.forEach(walk);
    flat.push({ ...span('checkpoint_load', 895, undefined), parentId: flat[0]!.id });
    const doc = dom(renderReport({ summaries: [], perFile: [{ ...rank0, spans: flat }] }));
    assert.equal(count(doc, sel(1).timelineBars), rank0.expect.spans + 1);
    assert.equal(count(doc, `${sel(1).timelineBars}[fill-opacity="0.4"]`), 1, 'the open span is faded');
  });

  test('thins the dots of very long runs and keeps the line', () => {
    const metrics: TrainingMetricPoint[] = Array.from({ length: MAX_DOTS + 500 }, (_, i) => ({
      timeMs: sec(i),
      currentIteration: i,
      numIterations: i + 1,
      avgIterationTimeSec: 1,
      minIterationTimeSec: 1,
      maxIterationTimeSec: 1,
      trainThroughputPerGpu: 5,
      trainSamples: i,
    }));
    const s = summary({ files: ['long.jsonl'] });
    const doc = dom(renderReport({ summaries: [s], perFile: [{ file: 'long.jsonl', spans: [], metrics, summary: s }] }));
    assert.equal(count(doc, sel(1).iterationDots), MAX_DOTS);
    assert.match(doc.querySelector('figure[data-chart="iteration-time"] figcaption')!.textContent!, /Dots thinned to 2,000 of 2,500/);
  });

  test('interval means come from consecutive cumulative means; a restart starts over', () => {
    const p = (numIterations: number, avg: number | undefined, currentIteration = numIterations): TrainingMetricPoint => ({
      timeMs: 0,
      currentIteration,
      numIterations,
      avgIterationTimeSec: avg,
      minIterationTimeSec: undefined,
      maxIterationTimeSec: undefined,
      trainThroughputPerGpu: undefined,
      trainSamples: undefined,
    });
    // 10 iterations of 1 s, then 10 of 3 s (cumulative 2 s), then a resumed job at 2 s.
    assert.deepEqual(intervalMeans([p(10, 1), p(20, 2), p(5, 2), p(6, undefined)]), [1, 3, 2, undefined]);
    // The logged maximum bounds an interval mean that rounding in the input would push above it.
    assert.deepEqual(intervalMeans([p(10, 1), { ...p(20, 2), maxIterationTimeSec: 2.5 }]), [1, 2.5]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Real browser

describe('renderReport in headless Chromium', () => {
  let browser: Browser;
  const reportPath = join(ARTIFACTS, 'report.html');
  const hostilePath = join(ARTIFACTS, 'report-hostile.html');
  const { input, files } = twoRankReport();

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(reportPath, renderReport(input));
    writeFileSync(hostilePath, renderReport(hostileReport()));
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
    } catch (err) {
      throw new Error(
        `Cannot launch headless Chromium at ${CHROMIUM}; the HTML report tests need it (install Debian's chromium: apt-get install -y chromium).\n${String(err)}`,
      );
    }
  });

  after(async () => {
    await browser?.close();
  });

  interface Opened {
    page: Page;
    context: BrowserContext;
    problems: string[];
    networkAttempts: string[];
  }

  /** Opens a file offline; any non-file request is aborted and recorded, console errors and page errors too. */
  async function open(path: string, options: BrowserContextOptions): Promise<Opened> {
    const context = await browser.newContext({ ...options, offline: true, javaScriptEnabled: true });
    const networkAttempts: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      networkAttempts.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) networkAttempts.push(r.url());
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    return { page, context, problems, networkAttempts };
  }

  async function layout(page: Page): Promise<{ scrollWidth: number; viewport: number; figures: number; tablesFit: boolean }> {
    return page.evaluate(() => {
      const root = document.documentElement;
      // Wide content must scroll inside its own box: every chart and table container is no wider than the page.
      const boxes = Array.from(document.querySelectorAll('figure, .scroll'));
      return {
        scrollWidth: Math.max(root.scrollWidth, document.body.scrollWidth),
        viewport: root.clientWidth,
        figures: boxes.filter((b) => b.tagName === 'FIGURE').length,
        tablesFit: boxes.every((b) => b.getBoundingClientRect().right <= root.clientWidth + 0.5),
      };
    });
  }

  async function counts(page: Page, n: number): Promise<Record<string, number>> {
    const s = sel(n);
    return page.evaluate(
      (selectors) => Object.fromEntries(Object.entries(selectors).map(([k, q]) => [k, document.querySelectorAll(q).length])),
      s,
    );
  }

  test('desktop 1280×800: charts with the expected points, no errors, no network, fits the width', async () => {
    const o = await open(reportPath, { viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    try {
      await o.page.screenshot({ path: join(ARTIFACTS, 'report-desktop.png'), fullPage: true });
      for (const [i, f] of files.entries()) {
        assert.deepEqual(await counts(o.page, i + 1), {
          iterationDots: f.expect.metrics,
          throughputDots: f.expect.throughput,
          timelineBars: f.expect.spans,
          timelineCheckpoints: f.expect.checkpoints,
          timelineErrors: f.expect.errors,
          iterationCheckpoints: f.expect.checkpoints,
          iterationErrors: f.expect.errors,
          throughputCheckpoints: f.expect.checkpoints,
        });
      }
      const l = await layout(o.page);
      assert.equal(l.figures, 10); // per file: iteration time, throughput, samples/s, timeline; plus the two session figures
      assert.ok(l.scrollWidth <= 1280, `no horizontal page overflow (scrollWidth ${l.scrollWidth})`);
      assert.ok(l.tablesFit, 'tables and charts stay inside the page');
      // Charts are drawn at a readable size on a desktop.
      const chartWidth = await o.page
        .locator('section#file-1 figure[data-chart="timeline"] svg')
        .evaluate((e) => e.getBoundingClientRect().width);
      assert.ok(chartWidth >= 1000, `timeline is ${chartWidth}px wide`);
      assert.deepEqual(o.problems, []);
      assert.deepEqual(o.networkAttempts, []);
    } finally {
      await o.context.close();
    }
  });

  test('phone 390×844: no horizontal page overflow; wide charts and tables scroll in their own box', async () => {
    const o = await open(reportPath, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      await o.page.screenshot({ path: join(ARTIFACTS, 'report-phone.png'), fullPage: true });
      const l = await layout(o.page);
      assert.equal(l.viewport, 390);
      assert.ok(l.scrollWidth <= 390, `no horizontal page overflow (scrollWidth ${l.scrollWidth})`);
      assert.ok(l.tablesFit, 'tables and charts stay inside the page');
      const scrolls = await o.page.evaluate(() => {
        const box = document.querySelector('#sessions .card')!;
        const chart = document.querySelector('figure[data-chart="timeline"] .chart')!;
        return { table: box.scrollWidth > box.clientWidth, chart: chart.scrollWidth > chart.clientWidth };
      });
      assert.deepEqual(scrolls, { table: false, chart: true }, 'the one-column table fits; the chart scrolls inside its figure');
      assert.equal((await counts(o.page, 1)).iterationDots, files[0]!.expect.metrics);
      assert.deepEqual(o.problems, []);
      assert.deepEqual(o.networkAttempts, []);
    } finally {
      await o.context.close();
    }
  });

  test('dark mode changes background and text colours, charts follow', async () => {
    const colors = async (scheme: 'light' | 'dark'): Promise<{ bg: string; fg: string; axis: string; dot: string }> => {
      const o = await open(reportPath, { viewport: { width: 1280, height: 800 }, colorScheme: scheme });
      try {
        const c = await o.page.evaluate(() => ({
          bg: getComputedStyle(document.body).backgroundColor,
          fg: getComputedStyle(document.body).color,
          axis: getComputedStyle(document.querySelector('figure[data-chart="timeline"] svg g[aria-label="x-axis tick label"] text')!).fill,
          dot: getComputedStyle(document.querySelector('figure[data-chart="iteration-time"] g[aria-label="dot"] circle')!).fill,
        }));
        if (scheme === 'dark') await o.page.screenshot({ path: join(ARTIFACTS, 'report-dark.png'), fullPage: true });
        assert.deepEqual(o.problems, []);
        assert.deepEqual(o.networkAttempts, []);
        return c;
      } finally {
        await o.context.close();
      }
    };
    const light = await colors('light');
    const dark = await colors('dark');
    assert.equal(light.bg, 'rgb(255, 255, 255)');
    assert.notEqual(dark.bg, light.bg);
    assert.ok(luminance(dark.bg) < 0.1 && luminance(dark.fg) > 0.7, `dark: ${dark.bg} / ${dark.fg}`);
    assert.equal(dark.axis, dark.fg, 'axis labels use the text colour (currentColor)');
    assert.notEqual(dark.dot, light.dot, 'chart colours come from the theme variables');
  });

  test('control: the network guard sees requests a page makes', async () => {
    const control = join(ARTIFACTS, 'network-guard-control.html');
    writeFileSync(control, '<!doctype html><title>control</title><img src="http://example.invalid/x.png">');
    const o = await open(control, { viewport: { width: 400, height: 300 } });
    try {
      assert.ok(o.networkAttempts.length >= 1, 'an external image is seen and aborted');
    } finally {
      await o.context.close();
    }
  });

  test('hostile strings stay text in the browser', async () => {
    const o = await open(hostilePath, { viewport: { width: 1280, height: 800 } });
    try {
      const r = await o.page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned,
        scripts: document.querySelectorAll('script, img').length,
        title: document.title,
        labels: document.querySelector('figure[data-chart="timeline"]')!.textContent,
      }));
      assert.equal(r.pwned, undefined);
      assert.equal(r.scripts, 0);
      assert.ok(r.title.includes(EVIL));
      assert.ok(r.labels!.includes(EVIL));
      assert.deepEqual(o.problems, []);
      assert.deepEqual(o.networkAttempts, []);
    } finally {
      await o.context.close();
    }
  });
});

/** Relative luminance (0..1) of an `rgb(r, g, b)` string. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
