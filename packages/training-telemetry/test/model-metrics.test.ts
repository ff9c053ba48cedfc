// logMetrics: the additive `model_metrics` event (metrics, then global_step, then timestamp_msec) on the innermost
// running span among validation loop, training loop and application; name and value rules under both error
// strategies; `latest_loss` in training updates; the recorder method and the context-helper forms. A real
// FileExporter writes every record (validated against the JSON Schema by readRecords) and a deterministic clock.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { type Event, type Exporter, FileExporter, internalLogger, telemetryRuntime } from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { readRecords } from '../../core/test/helpers/records.js';
import {
  logMetrics,
  METRIC_NAME_PATTERN,
  metricNameProblem,
  onAppEnd,
  onAppStart,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationStart,
  RESERVED_METRIC_NAMES,
  startApplication,
  startTrainingLoop,
  startValidationLoop,
  type TrainingTelemetryConfigInput,
  TrainingTelemetryProvider,
} from '../src/index.js';
import { throwsMessage } from './helpers/assert-throws.js';
import { createFakeClock, ms } from './helpers/fake-clock.js';
import { attrsOf, eventsNamed, idOf, summary } from './helpers/record-queries.js';
import { recordedSetup } from './helpers/setup.js';
import { useTestEnvironment } from './helpers/test-environment.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const clock = createFakeClock({ perfOriginMs: 7_000 });
const { at, advance } = clock;
const testEnv = useTestEnvironment({ clock, tmpPrefix: 'tt-model-metrics-', filePrefix: 'run', isolateRank: true });
const TELEMETRY: TrainingTelemetryConfigInput = { perfTag: 'mm', globalBatchSize: 4, logEveryNTrainIterations: 2 };
const setup = recordedSetup(testEnv, TELEMETRY);

function iteration(): void {
  onTrainingSingleIterationStart();
  advance(0.5);
  onTrainingSingleIterationEnd();
}

describe('logMetrics records', () => {
  test('one model_metrics event per call: metrics as given, then global_step, then timestamp_msec, on the training loop', async () => {
    const { records } = setup();
    at(0);
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    iteration();
    iteration();
    iteration();
    at(10);
    logMetrics({ loss: 0.42, accuracy: 0.91 });
    logMetrics({ val_loss: 0.5, 'val/acc-top.1': 0.88 }, { step: 1200 });
    onTrainEnd();
    await onAppEnd();
    const recs = records();
    const events = eventsNamed(recs, 'model_metrics');
    assert.equal(events.length, 2);
    for (const e of events) assert.equal(e.span_id, idOf(recs, 'training_loop'));
    // Key order is part of the contract (deepStrictEqual does not check it).
    assert.deepEqual(Object.keys(events[0]?.event.attributes), ['loss', 'accuracy', 'global_step', 'timestamp_msec']);
    assert.deepStrictEqual(events[0]?.event.attributes, { loss: 0.42, accuracy: 0.91, global_step: 3, timestamp_msec: ms(10) });
    assert.deepStrictEqual(events[1]?.event.attributes, {
      val_loss: 0.5,
      'val/acc-top.1': 0.88,
      global_step: 1200,
      timestamp_msec: ms(10),
    });
  });

  test('the innermost running span among validation loop, training loop and application gets the event', async () => {
    const { records } = setup();
    at(0);
    onAppStart();
    logMetrics({ setup_metric: 1 });
    onTrainStart({ trainIterationsStart: 0 });
    iteration();
    logMetrics({ loss: 2 });
    onValidationStart();
    logMetrics({ val_loss: 3 });
    onValidationEnd();
    onTrainEnd();
    logMetrics({ test_accuracy: 0.5 });
    await onAppEnd();
    const recs = records();
    const where = eventsNamed(recs, 'model_metrics').map((e) => [Object.keys(e.event.attributes)[0], e.span_id]);
    assert.deepStrictEqual(where, [
      ['setup_metric', idOf(recs, 'application')],
      ['loss', idOf(recs, 'training_loop')],
      ['val_loss', idOf(recs, 'validation_loop')],
      ['test_accuracy', idOf(recs, 'application')],
    ]);
  });

  test('an explicit time is the event time', async () => {
    const { records } = setup();
    at(100);
    onAppStart();
    logMetrics({ loss: 1 }, { timeMsec: ms(40), step: 7 });
    await onAppEnd();
    assert.deepStrictEqual(attrsOf(records(), 'model_metrics'), [{ loss: 1, global_step: 7, timestamp_msec: ms(40) }]);
  });

  test('latest_loss: absent until a training loss is logged, then the last training loss (validation losses do not count)', async () => {
    const { records } = setup();
    at(0);
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    iteration();
    iteration(); // update at step 2: no loss yet
    logMetrics({ loss: 1.5 });
    iteration();
    logMetrics({ loss: 1.25, accuracy: 0.5 });
    onValidationStart();
    logMetrics({ loss: 9 }); // on the validation loop: a validation loss
    onValidationEnd();
    iteration(); // update at step 4
    onTrainEnd();
    await onAppEnd();
    const updates = attrsOf(records(), 'training_metrics_update');
    assert.equal(updates.length, 2);
    assert.equal('latest_loss' in (updates[0] ?? {}), false);
    assert.equal(updates[1]?.latest_loss, 1.25);
    // The reference's key order: latest_loss after avg_tokens_per_second / train_tokens, before total_flops.
    const keys = Object.keys(updates[1] ?? {});
    assert.ok(keys.indexOf('latest_loss') < keys.indexOf('total_flops'), keys.join(','));
    assert.ok(keys.indexOf('latest_loss') > keys.indexOf('total_iteration_time_sec'), keys.join(','));
  });

  test('a job that never calls logMetrics writes no model_metrics event and no latest_loss key', async () => {
    const { records } = setup();
    at(0);
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 4; i++) iteration();
    onTrainEnd();
    await onAppEnd();
    const recs = records();
    assert.deepStrictEqual(eventsNamed(recs, 'model_metrics'), []);
    for (const u of attrsOf(recs, 'training_metrics_update')) assert.equal('latest_loss' in u, false);
  });

  test('the recorder method and the disposable scopes record the same events', async () => {
    const { records, recorder } = setup();
    at(0);
    {
      await using app = startApplication();
      app.logMetrics({ a: 1 });
      {
        using loop = startTrainingLoop({ trainIterationsStart: 0 });
        iteration();
        loop.logMetrics({ loss: 0.5 });
        {
          using validation = startValidationLoop();
          validation.logMetrics({ val_loss: 0.75 });
        }
        const event = recorder.logMetrics({ loss: 0.25 }, { step: 5 });
        assert.equal(event?.name, 'model_metrics');
      }
    }
    const recs = records();
    assert.deepStrictEqual(
      eventsNamed(recs, 'model_metrics').map((e) => [e.event.attributes.global_step, e.span_id]),
      [
        [0, idOf(recs, 'application')],
        [1, idOf(recs, 'training_loop')],
        [1, idOf(recs, 'validation_loop')],
        [5, idOf(recs, 'training_loop')],
      ],
    );
  });
});

describe('logMetrics events', () => {
  test("the returned event holds the record's attributes; an exporter before the file that changes them changes the line", async () => {
    const file = testEnv.newFile();
    // Listed before the FileExporter: reads the event's attributes (they are then built from the record text)
    // and adds one, which the file must then show.
    const annotating: Exporter = {
      initialize() {},
      exportStart() {},
      exportStop() {},
      exportEvent(event: Event) {
        if (event.name === 'model_metrics') event.attributes.add('annotated', 1);
      },
      exportError() {},
      exportTelemetryDataError() {},
      flush() {},
      close() {},
    };
    const provider = TrainingTelemetryProvider.instance()
      .withBaseConfig({ applicationName: 'mm', sessionTag: 's', worldSize: 1, telemetryConfig: TELEMETRY })
      .withExporter(annotating)
      .withExporter(new FileExporter({ filePath: file }));
    provider.configureProvider();
    at(0);
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    iteration();
    at(3);
    const event = provider.recorder.logMetrics({ loss: 0.125, 'grad.norm': 1e21 });
    const plain = provider.recorder.logMetrics({ loss: -0 });
    onTrainEnd();
    await onAppEnd();
    assert.deepEqual(
      [...(event?.attributes.map ?? [])],
      [
        ['loss', 0.125],
        ['grad.norm', 1e21],
        ['global_step', 1],
        ['timestamp_msec', ms(3)],
        ['annotated', 1],
      ],
    );
    // -0 is written 0 (as JSON writes it), and the event says what the record says.
    assert.ok(Object.is(plain?.attributes.map.get('loss'), 0));
    const written = eventsNamed(readRecords(file), 'model_metrics').map((e) => e.event.attributes);
    assert.deepStrictEqual(written, [
      { loss: 0.125, 'grad.norm': 1e21, global_step: 1, timestamp_msec: ms(3), annotated: 1 },
      { loss: 0, global_step: 1, timestamp_msec: ms(3), annotated: 1 },
    ]);
  });
});

describe('logMetrics lines, byte for byte', () => {
  test('random metric sets, values and steps give the text JSON.stringify writes for the same record', async () => {
    // The FileExporter formats numbers and reuses unchanged entries of the previous record; the expected line is
    // built independently, with the numbers as JavaScript writes them and the keys in the caller's order.
    const { file, records } = setup();
    let seed = 5;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const bits = new DataView(new ArrayBuffer(8));
    const value = (): number => {
      const r = rand();
      if (r < 0.15) return Math.floor(rand() * 1000);
      if (r < 0.25) return Math.fround(rand());
      if (r < 0.3) return -0;
      if (r < 0.4) return (rand() - 0.5) * 1e25;
      if (r < 0.5) {
        // Any finite double, from random bits.
        do {
          bits.setUint32(0, Math.floor(rand() * 2 ** 32));
          bits.setUint32(4, Math.floor(rand() * 2 ** 32));
        } while (!Number.isFinite(bits.getFloat64(0)));
        return bits.getFloat64(0);
      }
      return rand() < 0.3 ? 0.5 : rand();
    };
    const names = ['loss', 'accuracy', 'val/acc-top.1', '_lr', 'grad.norm', 'tokens_per_s'];
    at(0);
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    const expected: Array<{ attributes: Record<string, number> }> = [];
    let t = 1;
    for (let i = 0; i < 3000; i++) {
      // A timestamp that mostly repeats, a step that sometimes does, key sets and orders that vary.
      if (rand() < 0.2) t += 0.0004;
      at(t);
      const metrics: Record<string, number> = {};
      const count = 1 + Math.floor(rand() * 4);
      const start = Math.floor(rand() * names.length);
      for (let k = 0; k < count; k++) metrics[names[(start + k) % names.length] as string] = value();
      const step = rand() < 0.5 ? 7 : Math.floor(rand() * 1e9);
      logMetrics(metrics, { step });
      expected.push({ attributes: { ...metrics, global_step: step, timestamp_msec: ms(t) } });
    }
    onTrainEnd();
    await onAppEnd();
    const loop = idOf(records(), 'training_loop');
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"name":"model_metrics"'));
    assert.equal(lines.length, expected.length);
    lines.forEach((line, i) => {
      const { count, pid } = JSON.parse(line) as { count: number; pid: number };
      const want = JSON.stringify({
        type: 'event',
        span_id: loop,
        event: { name: 'model_metrics', attributes: expected[i]?.attributes },
        count,
        pid,
      });
      assert.equal(line, want, `call ${i}`);
    });
  });
});

describe('logMetrics input rules', () => {
  test('names: the pattern, non-empty, not a reserved attribute name', () => {
    assert.equal(METRIC_NAME_PATTERN.source, '^[A-Za-z_][A-Za-z0-9_./-]*$');
    for (const ok of ['loss', 'val_loss', '_x', 'train/acc', 'a.b-c', 'L2']) assert.equal(metricNameProblem(ok), undefined, ok);
    assert.equal(metricNameProblem(''), 'logMetrics: a metric name must not be empty');
    assert.equal(
      metricNameProblem('1loss'),
      'logMetrics: metric name "1loss" must match ^[A-Za-z_][A-Za-z0-9_./-]*$ (a letter or _ first, then letters, digits, _ . / -)',
    );
    assert.match(metricNameProblem('val loss') ?? '', /metric name "val loss" must match/);
    for (const reserved of ['global_step', 'timestamp_msec', 'current_iteration', 'train_iterations_start', 'latest_loss', 'rank']) {
      assert.ok(RESERVED_METRIC_NAMES.has(reserved), reserved);
      assert.equal(
        metricNameProblem(reserved),
        `logMetrics: metric name "${reserved}" is reserved (the records already use an attribute of that name); rename the metric`,
      );
    }
  });

  test('propagate strategy: a bad name or value throws a clear error and nothing is written for that call', async () => {
    const { records } = setup();
    at(0);
    onAppStart();
    throwsMessage(
      () => logMetrics({ loss: 1, global_step: 3 }),
      'logMetrics: metric name "global_step" is reserved (the records already use an attribute of that name); rename the metric',
    );
    throwsMessage(() => logMetrics({ loss: Number.NaN }), 'logMetrics: metric loss must be a finite number (got NaN)');
    throwsMessage(
      () => logMetrics({ acc: 0.5, loss: '0.3' as unknown as number }),
      'logMetrics: metric loss must be a finite number (got "0.3")',
    );
    throwsMessage(() => logMetrics({ loss: 1 }, { step: -1 }), 'logMetrics step must be a non-negative integer (got -1)');
    throwsMessage(
      () => logMetrics(null as unknown as Record<string, number>),
      'logMetrics expects an object of metrics like { loss: 0.42 } (got null)',
    );
    logMetrics({ loss: 1 });
    await onAppEnd();
    assert.deepStrictEqual(attrsOf(records(), 'model_metrics'), [{ loss: 1, global_step: 0, timestamp_msec: ms(0) }]);
  });

  test('without a running application: the error names the missing call', () => {
    setup();
    throwsMessage(() => logMetrics({ loss: 1 }), 'logMetrics needs a running application span: call onAppStart() first.');
  });

  test('quiet strategy: a bad metric is left out and reported once; the others are written; the library stays enabled', async () => {
    const { records } = setup({ quiet: true });
    const warnings: string[] = [];
    internalLogger.listener = (level, message) => {
      if (level === 'WARNING') warnings.push(message);
    };
    at(0);
    onAppStart();
    for (let i = 0; i < 3; i++) logMetrics({ loss: Number.POSITIVE_INFINITY, accuracy: 0.5, 'bad name': 1 });
    logMetrics({ timestamp_msec: 5 }); // nothing left: no event
    assert.equal(telemetryRuntime.enabled, true);
    await onAppEnd();
    internalLogger.listener = undefined;
    const recs = records();
    assert.deepStrictEqual(
      attrsOf(recs, 'model_metrics'),
      [0, 1, 2].map(() => ({ accuracy: 0.5, global_step: 0, timestamp_msec: ms(0) })),
    );
    // The file carries one telemetry_data_error (an exporter reports the first one); every problem is logged once.
    const reported = recs.filter((r) => r.type === 'telemetry_data_error').map((r) => r.error.attributes.error_message);
    assert.deepStrictEqual(reported, ['Invalid telemetry input left out: logMetrics: metric loss must be a finite number (got Infinity)']);
    assert.deepStrictEqual(warnings, [
      'logMetrics: metric loss must be a finite number (got Infinity); the value is left out.',
      'logMetrics: metric name "bad name" must match ^[A-Za-z_][A-Za-z0-9_./-]*$ (a letter or _ first, then letters, digits, _ . / -); the value is left out.',
      'logMetrics: metric name "timestamp_msec" is reserved (the records already use an attribute of that name); rename the metric; the value is left out.',
    ]);
    assert.deepStrictEqual(summary(recs).slice(-1), ['stop:application']);
  });

  test('before the library is configured it is skipped, not thrown', () => {
    assert.doesNotThrow(() => logMetrics({ loss: 1 }));
  });
});
