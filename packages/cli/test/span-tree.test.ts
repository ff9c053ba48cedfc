// Span forests from our records (parent_id) and from the Python layout (parents inferred by time nesting per pid),
// and the downsampled training-metrics series.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSpanForest } from '../src/model/span-tree.js';
import type { SpanNode, TrainingMetricPoint } from '../src/model/types.js';
import type { RawRecord } from '../src/records/raw-record.js';
import { MetricSeries } from '../src/summary/metric-series.js';
import { analyzeFile } from '../src/summary/summarize.js';
import { T0 } from './helpers/jobs.js';
import { FULL_ITERATIONS, writeFullJob } from './helpers/scenarios.js';

const PYTHON_FIXTURE = fileURLToPath(new URL('./fixtures/python-reference.jsonl', import.meta.url));

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-tree-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** `name(children…)` outline of a forest. */
function outline(nodes: SpanNode[]): string {
  return nodes.map((n) => (n.children.length === 0 ? n.name : `${n.name}(${outline(n.children)})`)).join(' ');
}

function find(nodes: SpanNode[], name: string): SpanNode | undefined {
  for (const n of nodes) {
    if (n.name === name) return n;
    const c = find(n.children, name);
    if (c !== undefined) return c;
  }
  return undefined;
}

const span = (
  type: 'start' | 'stop' | 'complete',
  id: string,
  name: string,
  pid: number,
  start?: number,
  stop?: number,
  extra = {},
): RawRecord =>
  ({
    type,
    id,
    name,
    ...extra,
    ...(start !== undefined ? { start_event: { name: 'span_start', attributes: { timestamp_msec: start } } } : {}),
    ...(stop !== undefined
      ? { attributes: { duration_msec: stop - (start ?? stop) }, stop_event: { name: 'span_stop', attributes: { timestamp_msec: stop } } }
      : {}),
    count: 1,
    pid,
  }) as RawRecord;

describe('span forest', () => {
  test('our records: parents from parent_id, events and errors on their span', async () => {
    const path = join(dir, 'full.jsonl');
    await writeFullJob(path);
    const { spans } = await analyzeFile(path, { spans: true });
    assert.equal(
      outline(spans),
      'application(distributed_code_initialization model_initialization optimizer_initialization data_loader_initialization checkpoint_load ' +
        'training_loop(checkpoint_save_sync validation_loop checkpoint_save_sync checkpoint_save_sync testing_loop))',
    );
    const loop = find(spans, 'training_loop') as SpanNode;
    assert.equal(loop.parentInferred, false);
    assert.equal(loop.startMs, T0 + 6000);
    assert.equal(loop.endMs, T0 + 29_000);
    assert.equal(loop.durationMs, 23_000);
    assert.equal(loop.attributes.train_iterations_start, 10);
    assert.deepEqual(
      loop.events.map((e) => [e.name, e.kind]),
      [
        ['training_metrics_update', 'event'],
        ['training_metrics_update', 'event'],
        ['error', 'application_error'],
        ['training_metrics_update', 'event'],
      ],
    );
    const error = loop.events[2];
    assert.equal(error?.timeMs, T0 + 28_000);
    assert.equal(error?.attributes.exception_type, 'RangeError');
    const app = spans[0] as SpanNode;
    assert.deepEqual(
      app.events.map((e) => e.name),
      ['one_logger_initialization', 'update_training_telemetry_config'],
    );
  });

  test('the Python layout: parents inferred from time nesting and marked', async () => {
    const { spans } = await analyzeFile(PYTHON_FIXTURE, { spans: true });
    assert.equal(outline(spans), 'application(training_loop(checkpoint_save_sync validation_loop))');
    const app = spans[0] as SpanNode;
    assert.equal(app.parentInferred, false, 'a root has no parent');
    const loop = find(spans, 'training_loop') as SpanNode;
    assert.equal(loop.parentId, app.id);
    assert.equal(loop.parentInferred, true);
    assert.equal((find(spans, 'validation_loop') as SpanNode).parentId, loop.id);
    const save = find(spans, 'checkpoint_save_sync') as SpanNode;
    assert.deepEqual(
      save.events.map((e) => e.name),
      ['save_checkpoint_success', 'sync_checkpoint_metrics_update'],
    );
    assert.deepEqual([save.startMs, save.endMs, save.durationMs], [T0 + 4750, T0 + 8250, 3500]);
  });

  test('inference: per pid, siblings that end when the next starts, open spans, stops without starts', () => {
    const forest = buildSpanForest([
      span('start', 'a', 'app', 1, 0),
      span('complete', 'b', 'first', 1, 10, 20),
      span('complete', 'c', 'second', 1, 20, 30), // starts when `first` ends: a sibling
      span('start', 'd', 'open', 1, 40), // never stopped (killed): parent of what follows
      span('complete', 'e', 'inner', 1, 50, 60),
      span('start', 'x', 'other-process', 2, 15),
      span('complete', 'y', 'child-of-x', 2, 16, 17),
      span('stop', 'z', 'stop-only', 2, undefined, 18), // start derived from duration 0 → nested in x
      span('stop', 'a', 'app', 1, undefined, 100),
    ]);
    assert.equal(outline(forest), 'app(first second open(inner)) other-process(child-of-x stop-only)');
    assert.equal((find(forest, 'stop-only') as SpanNode).startMs, 18);
  });

  test('a file with parent_id in a pid: spans without one are roots there, not inferred', () => {
    const forest = buildSpanForest([
      span('start', 'a', 'app', 1, 0),
      span('complete', 'b', 'child', 1, 10, 20, { parent_id: 'a' }),
      span('complete', 'c', 'root-too', 1, 12, 14),
      span('stop', 'a', 'app', 1, undefined, 100),
    ]);
    assert.equal(outline(forest), 'app(child) root-too');
    assert.equal((find(forest, 'child') as SpanNode).parentInferred, false);
  });

  test('limits: spans and events beyond the caps are counted, not kept', async () => {
    const path = join(dir, 'all.jsonl');
    await writeFullJob(path, 'full_session', true);
    const a = await analyzeFile(path, { spans: true, spanTree: { maxSpans: 5, maxEventsPerSpan: 1 } });
    let count = 0;
    const walk = (ns: SpanNode[]) => {
      for (const n of ns) {
        count++;
        assert.ok(n.events.length <= 1);
        walk(n.children);
      }
    };
    walk(a.spans);
    assert.equal(count, 5);
    assert.ok(a.summary.findings.some((f) => f.severity === 'warning' && /span tree truncated/.test(f.message)));
  });
});

describe('training metrics series', () => {
  test('from the real library: one point per training_metrics_update', async () => {
    const path = join(dir, 'series.jsonl');
    await writeFullJob(path);
    const { metrics } = await analyzeFile(path, { metrics: true });
    assert.deepEqual(
      metrics.map((p) => [p.currentIteration, p.numIterations, p.trainSamples]),
      [
        [14, 5, 160],
        [19, 10, 320],
        [21, 12, 384],
      ],
    );
    const last = metrics[2] as TrainingMetricPoint;
    assert.equal(last.timeMs, T0 + 29_000);
    assert.equal(last.maxIterationTimeSec, Math.max(...FULL_ITERATIONS) / 1000);
    assert.ok(last.trainThroughputPerGpu !== undefined && last.trainThroughputPerGpu > 0);
  });

  test('downsampled to at most maxPoints, in order, first and last kept', () => {
    const series = new MetricSeries(1000);
    const n = 25_001;
    for (let i = 0; i < n; i++) {
      series.push({
        timeMs: i,
        currentIteration: i,
        numIterations: i + 1,
        avgIterationTimeSec: 1,
        minIterationTimeSec: 1,
        maxIterationTimeSec: 1,
        trainThroughputPerGpu: undefined,
        trainSamples: i,
      });
    }
    const points = series.finish();
    assert.ok(points.length <= 1000 && points.length >= 400, String(points.length));
    assert.equal(points[0]?.currentIteration, 0);
    assert.equal(points[points.length - 1]?.currentIteration, n - 1);
    for (let i = 1; i < points.length; i++)
      assert.ok((points[i] as TrainingMetricPoint).timeMs > (points[i - 1] as TrainingMetricPoint).timeMs);
  });

  test('small series are kept whole', () => {
    const series = new MetricSeries();
    for (let i = 0; i < 10_000; i++) {
      series.push({
        timeMs: i,
        currentIteration: i,
        numIterations: i,
        avgIterationTimeSec: undefined,
        minIterationTimeSec: undefined,
        maxIterationTimeSec: undefined,
        trainThroughputPerGpu: undefined,
        trainSamples: undefined,
      });
    }
    assert.equal(series.finish().length, 10_000);
  });
});
