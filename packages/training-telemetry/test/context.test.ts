// Context helpers: callback forms (sync and async bodies) and disposable forms around the callbacks
// (spec/training.md §4, §10 items 49-58; DESIGN §3 "Context managers become two forms").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { internalLogger, OneLoggerError, type Span } from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import type { Rec } from '../../core/test/helpers/records.js';
import {
  application,
  CheckpointStrategy,
  checkpointLoad,
  checkpointSave,
  dataloaderInit,
  distributedInit,
  modelInit,
  onAppStart,
  onSaveCheckpointSuccess,
  onTrainingSingleIterationStart,
  onValidationEnd,
  optimizerInit,
  startApplication,
  startCheckpointLoad,
  startCheckpointSave,
  startDataloaderInit,
  startDistributedInit,
  startModelInit,
  startOptimizerInit,
  startTestingLoop,
  startTrainingIteration,
  startTrainingLoop,
  startValidationIteration,
  startValidationLoop,
  type TrainingTelemetryConfigInput,
  TrainingTelemetryProvider,
  testingLoop,
  trainingIteration,
  trainingLoop,
  validationIteration,
  validationLoop,
} from '../src/index.js';
import { assertExact } from './helpers/assert-exact.js';
import { createFakeClock, ms, sec } from './helpers/fake-clock.js';
import { summary } from './helpers/record-queries.js';
import { PID, recordedSetup } from './helpers/setup.js';
import { useTestEnvironment } from './helpers/test-environment.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

// ------------------------------------------------------------------------------------------- helpers

const clock = createFakeClock({ perfOriginMs: 3_000 });
const { advance } = clock;
const testEnv = useTestEnvironment({ clock, tmpPrefix: 'tt-context-', filePrefix: 'ctx' });

/** Lets pending promise continuations run (a real asynchronous boundary). */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const TELEMETRY: TrainingTelemetryConfigInput = {
  perfTag: 'test_perf',
  globalBatchSize: 32,
  flopsPerSample: 100,
  isLogThroughputEnabled: true,
  logEveryNTrainIterations: 10,
};

// Telemetry data errors are logged unnamed: the error-semantics tests filter them out of `sequence` by op.
const setup = recordedSetup(testEnv, TELEMETRY, { nameTelemetryDataErrors: false });

// ------------------------------------------------------------------------------------------- callback forms

describe('callback forms (spec §10 items 49-57)', () => {
  test('item 49: application(): one span, init and config events, duration 700000 ms, exporters closed', async () => {
    const { rec, records } = setup();
    const result = await application(async (span) => {
      assert.equal(span?.name, 'application');
      await tick();
      advance(700);
      return 42;
    });
    assert.equal(result, 42);
    assert.deepStrictEqual(rec.sequence, [
      'initialize',
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'stop:application',
      'flush',
      'close',
    ]);
    assertExact(rec.calls[4]?.attributes, { duration_msec: 700000 });
    assertExact(records(), [
      {
        type: 'start',
        id: 'id1',
        name: 'application',
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(0) } },
        count: 1,
        pid: PID,
      },
      records()[1],
      records()[2],
      {
        type: 'stop',
        id: 'id1',
        name: 'application',
        attributes: { duration_msec: 700000 },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(700) } },
        count: 4,
        pid: PID,
      },
    ]);
  });

  test('item 50: trainingLoop(): loop attributes (FLOPs 0, starts 0/0, targets), duration, no events', async () => {
    const { rec, records } = setup();
    const out = trainingLoop({ trainIterationsStart: 0, trainIterationsTarget: 1000, trainSamplesTarget: 32000 }, (span) => {
      assert.equal(span?.name, 'training_loop');
      advance(30);
      return 'done';
    });
    assert.equal(out, 'done');
    const loopAttributes = {
      train_iterations_start: 0,
      train_samples_start: 0,
      completed_floating_point_operations_overall: 0,
      train_iterations_target: 1000,
      train_samples_target: 32000,
    };
    assert.deepStrictEqual(rec.sequence, ['initialize', 'start:training_loop', 'stop:training_loop']);
    assertExact(rec.calls[1]?.attributes, loopAttributes);
    assertExact(rec.calls[2]?.attributes, { ...loopAttributes, duration_msec: 30000 });
    await TrainingTelemetryProvider.instance().recorder.close();
    assertExact(records(), [
      {
        type: 'complete',
        id: 'id1',
        name: 'training_loop',
        attributes: { ...loopAttributes, duration_msec: 30000 },
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(0) } },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(30) } },
        count: 1,
        pid: PID,
      },
    ]);
  });

  test('item 51: trainingIteration() inside a loop exports only the loop; sync and async bodies are timed', async () => {
    const { rec, recorder } = setup();
    await trainingLoop({ trainIterationsStart: 0, trainIterationsTarget: 10, trainSamplesTarget: 320 }, async () => {
      const value = trainingIteration((span) => {
        assert.equal(span, undefined, 'iteration spans are not materialised by default');
        advance(2);
        return 7;
      });
      assert.equal(value, 7);
      const asyncValue = await trainingIteration(async () => {
        await tick();
        advance(3);
        return 'async';
      });
      assert.equal(asyncValue, 'async');
    });
    // Only the loop is exported; its end reports the two iterations (final metrics update, W8).
    assert.deepStrictEqual(rec.sequence, ['initialize', 'start:training_loop', 'event:training_metrics_update', 'stop:training_loop']);
    assert.equal(rec.calls[2]?.attributes?.num_iterations, 2);
    assert.equal(rec.calls[2]?.attributes?.interval, 2);
    assert.equal(rec.calls[2]?.attributes?.total_iteration_time_sec, 5);
    assert.equal(recorder.trainIterationTimer.completedWindowCount, 2);
    assert.equal(recorder.trainIterationTimer.totalTimeSec, 5);
    assert.equal(recorder.trainIterationTimer.maxWindowDurationSec, 3);
    assert.equal(recorder.state.trainSamplesJob, 64);
  });

  test('item 52: validationLoop() with iteration times alternating 50/60 s', () => {
    const { rec } = setup();
    validationLoop(() => {
      for (let i = 0; i < 10; i++) {
        validationIteration(() => advance(i % 2 === 0 ? 50 : 60));
      }
    });
    assert.deepStrictEqual(rec.sequence, [
      'initialize',
      'start:validation_loop',
      'event:validation_metrics_update',
      'stop:validation_loop',
    ]);
    assertExact(rec.calls[2]?.attributes, {
      current_iteration: 0,
      interval: 0,
      avg_iteration_time_sec: 55,
      min_iteration_time_sec: 50,
      max_iteration_time_sec: 60,
      total_iteration_time_sec: 550,
      timestamp_msec: ms(550),
    });
    assertExact(rec.calls[3]?.attributes, { duration_msec: 550000 });
  });

  test('item 53: testingLoop() → {current_iteration 0, interval 0} plus timestamp', () => {
    const { rec } = setup();
    testingLoop((span) => {
      assert.equal(span?.name, 'testing_loop');
      advance(5);
    });
    assert.deepStrictEqual(rec.sequence, ['initialize', 'start:testing_loop', 'event:testing_metrics_update', 'stop:testing_loop']);
    assertExact(rec.calls[2]?.attributes, { current_iteration: 0, interval: 0, timestamp_msec: ms(5) });
  });

  const phases: [string, (fn: (span: Span | undefined) => unknown) => unknown][] = [
    ['checkpoint_load', checkpointLoad],
    ['model_initialization', modelInit],
    ['data_loader_initialization', dataloaderInit],
    ['optimizer_initialization', optimizerInit],
    ['distributed_code_initialization', distributedInit],
  ];
  for (const [name, helper] of phases) {
    test(`item 54: ${name}: start/stop only, with its duration`, async () => {
      const { rec, records } = setup();
      advance(1);
      helper((span) => {
        assert.equal(span?.name, name);
        advance(12.5);
      });
      assert.deepStrictEqual(rec.sequence, ['initialize', `start:${name}`, `stop:${name}`]);
      assertExact(rec.calls[1]?.attributes, {});
      assertExact(rec.calls[2]?.attributes, { duration_msec: 12500 });
      await TrainingTelemetryProvider.instance().recorder.close();
      assertExact(records(), [
        {
          type: 'complete',
          id: 'id1',
          name,
          attributes: { duration_msec: 12500 },
          start_event: { name: 'span_start', attributes: { timestamp_msec: ms(1) } },
          stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(13.5) } },
          count: 1,
          pid: PID,
        },
      ]);
    });
  }

  test('item 55: checkpointSave() success: attributes, success then timing event (200 s); no tflops or training start without a loop', async () => {
    const { rec, records } = setup({ telemetry: { perfTag: 'p', globalBatchSize: 32 } });
    advance(10);
    checkpointSave({ globalStep: 100 }, (span) => {
      assert.equal(span?.name, 'checkpoint_save_sync');
      advance(200);
    });
    assert.deepStrictEqual(rec.sequence, [
      'initialize',
      'start:checkpoint_save_sync',
      'event:save_checkpoint_success',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_sync',
    ]);
    assertExact(rec.calls[1]?.attributes, { checkpoint_strategy: 'sync', current_iteration: 100, save_checkpoint_attempt_count: 1 });
    assertExact(rec.calls[2]?.attributes, {
      checkpoint_strategy: 'sync',
      current_iteration: 100,
      first_successful_save_checkpoint_timestamp_sec: sec(210),
      latest_successful_save_checkpoint_timestamp_sec: sec(210),
      save_checkpoint_success_count: 1,
      productive_train_iterations: 0,
      productive_train_samples: 0,
      productive_train_iterations_sec: 0,
      productive_validation_iterations_sec: 0,
      timestamp_msec: ms(210),
    });
    assertExact(rec.calls[3]?.attributes, {
      save_checkpoint_sync_time_total_sec: 200,
      save_checkpoint_sync_time_min_sec: 200,
      save_checkpoint_sync_time_max_sec: 200,
      timestamp_msec: ms(210),
    });
    assertExact(rec.calls[4]?.attributes, {
      checkpoint_strategy: 'sync',
      current_iteration: 100,
      save_checkpoint_attempt_count: 1,
      duration_msec: 200000,
    });
    await TrainingTelemetryProvider.instance().recorder.close();
    assert.deepStrictEqual(summary(records()), [
      'start:checkpoint_save_sync',
      'event:save_checkpoint_success',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_sync',
    ]);
  });

  test('item 56: checkpointSave() with a failing body: the error propagates, only the timing event (40 s), span stopped', () => {
    const { rec, recorder } = setup();
    const failure = new Error('disk full');
    assert.throws(
      () =>
        checkpointSave({ globalStep: 3 }, () => {
          advance(40);
          throw failure;
        }),
      (e: unknown) => e === failure,
    );
    assert.deepStrictEqual(rec.sequence, [
      'initialize',
      'start:checkpoint_save_sync',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_sync',
    ]);
    assertExact(rec.calls[2]?.attributes, {
      save_checkpoint_sync_time_total_sec: 40,
      save_checkpoint_sync_time_min_sec: 40,
      save_checkpoint_sync_time_max_sec: 40,
      timestamp_msec: ms(40),
    });
    assert.equal(recorder.activeStandardSpan('checkpoint_save_sync'), undefined);
    assert.equal(recorder.state.checkpointSuccessCount, 0);
    assert.deepStrictEqual(recorder.state.pendingCheckpointSteps, [3], 'the failed attempt stays pending');
  });

  test('checkpointSave() with an async body: success and end once the promise resolves; no success on rejection', async () => {
    const { rec } = setup();
    const pending = checkpointSave({ globalStep: 1 }, async () => {
      await tick();
      advance(5);
    });
    assert.deepStrictEqual(rec.sequence, ['initialize', 'start:checkpoint_save_sync'], 'nothing more before the body settles');
    await pending;
    assert.deepStrictEqual(rec.sequence.slice(2), [
      'event:save_checkpoint_success',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_sync',
    ]);
    assert.equal(rec.calls.at(-1)?.attributes?.duration_msec, 5000);

    const failure = new Error('upload failed');
    await assert.rejects(
      checkpointSave({ globalStep: 2 }, async () => {
        await tick();
        advance(1);
        throw failure;
      }),
      (e: unknown) => e === failure,
    );
    assert.deepStrictEqual(rec.sequence.slice(5), [
      'start:checkpoint_save_sync',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_sync',
    ]);
    assert.equal(rec.events('save_checkpoint_success').length, 1);
  });

  test('checkpointSave() with the async strategy never reports success itself', async () => {
    const { rec } = setup({ telemetry: { ...TELEMETRY, saveCheckpointStrategy: CheckpointStrategy.ASYNC } });
    onAppStart();
    checkpointSave({ globalStep: 9 }, (span) => {
      assert.equal(span?.name, 'checkpoint_save_async');
      advance(2);
    });
    assert.equal(rec.events('save_checkpoint_success').length, 0);
    assert.deepStrictEqual(rec.sequence.slice(-3), [
      'start:checkpoint_save_async',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_async',
    ]);
    advance(10);
    onSaveCheckpointSuccess({ globalStep: 9 });
    const success = rec.events('save_checkpoint_success');
    assert.equal(success.length, 1);
    assert.equal(success[0]?.spanId, 'id1', 'reported on the application span');
  });

  test('item 57: validationIteration() alone exports nothing but is timed', () => {
    const { rec, recorder } = setup();
    const v = validationIteration((span) => {
      assert.equal(span, undefined);
      advance(4);
      return 'v';
    });
    assert.equal(v, 'v');
    assert.deepStrictEqual(rec.sequence, ['initialize']);
    assert.equal(recorder.validationIterationTimer.completedWindowCount, 1);
    assert.equal(recorder.validationIterationTimer.totalTimeSec, 4);
  });
});

// ------------------------------------------------------------------------------------------- error semantics

describe('error semantics of the callback forms (spec §4)', () => {
  test('a body error still runs the end callback and propagates unchanged', () => {
    const { rec } = setup();
    const failure = new RangeError('bad batch');
    assert.throws(
      () =>
        modelInit(() => {
          advance(3);
          throw failure;
        }),
      (e: unknown) => e === failure,
    );
    assert.deepStrictEqual(rec.sequence, ['initialize', 'start:model_initialization', 'stop:model_initialization']);
    assert.equal(rec.calls[2]?.attributes?.duration_msec, 3000);
  });

  test('a non-Error throwable is propagated as is', () => {
    setup();
    assert.throws(
      () =>
        dataloaderInit(() => {
          throw 'plain string';
        }),
      (e: unknown) => e === 'plain string',
    );
  });

  test('if the start callback throws (propagate), the body does not run and the end callback is not called', () => {
    const { rec, recorder } = setup();
    let ran = false;
    modelInit(() => {
      assert.throws(
        () =>
          modelInit(() => {
            ran = true;
          }),
        (e: unknown) =>
          e instanceof OneLoggerError &&
          e.message ===
            'Cannot start span model_initialization while 1 span(s) with the same name is already active. Please ensure the callback is called correctly.',
      );
      assert.ok(recorder.activeStandardSpan('model_initialization') !== undefined, 'the outer span was not ended by the failed inner one');
    });
    assert.equal(ran, false);
    assert.deepStrictEqual(
      rec.sequence.filter((s) => s !== 'telemetry_data_error'),
      ['initialize', 'start:model_initialization', 'stop:model_initialization'],
    );
  });

  test('application(): if onAppStart throws, the body does not run and the running application is not ended', async () => {
    const { rec, recorder } = setup();
    onAppStart();
    let ran = false;
    await assert.rejects(
      application(() => {
        ran = true;
      }),
      (e: unknown) =>
        e instanceof OneLoggerError &&
        e.message ===
          'Cannot start span application while 1 span(s) with the same name is already active. Please ensure the callback is called correctly.',
    );
    assert.equal(ran, false);
    assert.equal(recorder.closed, false);
    assert.ok(recorder.activeStandardSpan('application')?.active);
    assert.equal(rec.sequence.includes('stop:application'), false);
  });

  test("an error of the end callback never replaces the body's error; without a body error it propagates", () => {
    setup();
    const failure = new Error('body failed');
    assert.throws(
      () =>
        validationLoop(() => {
          onValidationEnd();
          throw failure;
        }),
      (e: unknown) => e === failure,
    );
    assert.throws(
      () =>
        validationLoop(() => {
          onValidationEnd();
        }),
      (e: unknown) =>
        e instanceof OneLoggerError && e.message === 'Expected to have one and only one span named validation_loop but found 0.',
    );
  });

  test('an async body rejection: the end runs after the rejection and the rejection propagates', async () => {
    const { rec } = setup();
    const failure = new Error('async failure');
    const pending = testingLoop(async () => {
      await tick();
      advance(6);
      throw failure;
    });
    assert.deepStrictEqual(rec.sequence, ['initialize', 'start:testing_loop']);
    await assert.rejects(pending, (e: unknown) => e === failure);
    assert.deepStrictEqual(rec.sequence, ['initialize', 'start:testing_loop', 'event:testing_metrics_update', 'stop:testing_loop']);
    assert.equal(rec.calls[3]?.attributes?.duration_msec, 6000);
  });

  test('application(): a body error still ends the application and closes the exporters', async () => {
    const { rec, recorder, records } = setup();
    const failure = new Error('training crashed');
    await assert.rejects(
      application(async () => {
        trainingLoop({ trainIterationsStart: 0, trainIterationsTarget: 10, trainSamplesTarget: 320 }, () => {
          advance(2);
          onTrainingSingleIterationStart();
          advance(1);
          throw failure;
        });
      }),
      (e: unknown) => e === failure,
    );
    assert.equal(recorder.closed, true);
    assert.equal(rec.sequence.at(-1), 'close');
    assert.deepStrictEqual(summary(records()), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'complete:training_loop',
      'stop:application',
    ]);
    assert.equal(recorder.trainIterationTimer.isActive, false, 'the open iteration window was closed at application end');
  });
});

// ------------------------------------------------------------------------------------------- disposable forms

describe('disposable forms (using / await using)', () => {
  test('using: every phase ends when its scope is left, in reverse order', async () => {
    const { rec, records } = setup();
    {
      await using app = startApplication();
      assert.equal(app.span?.name, 'application');
      {
        using dist = startDistributedInit();
        assert.equal(dist.span?.name, 'distributed_code_initialization');
        advance(1);
      }
      {
        using _model = startModelInit();
        using _data = startDataloaderInit();
        using _opt = startOptimizerInit();
        using _load = startCheckpointLoad();
        advance(2);
      }
      {
        using loop = startTrainingLoop({ trainIterationsStart: 0, trainIterationsTarget: 10, trainSamplesTarget: 320 });
        assert.equal(loop.span?.name, 'training_loop');
        for (let i = 0; i < 3; i++) {
          using _it = startTrainingIteration();
          advance(1);
        }
        {
          using save = startCheckpointSave({ globalStep: 3 });
          advance(4);
          save.success();
        }
        {
          using _val = startValidationLoop();
          using _vi = startValidationIteration();
          advance(0.5);
        }
      }
      {
        using _test = startTestingLoop();
        advance(1);
      }
    }
    assert.equal(rec.sequence.at(-1), 'close');
    assert.deepStrictEqual(summary(records()), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'complete:distributed_code_initialization',
      'start:model_initialization',
      'start:data_loader_initialization',
      'start:optimizer_initialization',
      'complete:checkpoint_load',
      'stop:optimizer_initialization',
      'stop:data_loader_initialization',
      'stop:model_initialization',
      'start:training_loop',
      'start:checkpoint_save_sync',
      'event:save_checkpoint_success',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_sync',
      'start:validation_loop',
      'event:validation_metrics_update',
      'stop:validation_loop',
      'event:training_metrics_update',
      'stop:training_loop',
      'start:testing_loop',
      'event:testing_metrics_update',
      'stop:testing_loop',
      'stop:application',
    ]);
    const recs = records();
    const success = recs.find((r) => r.event?.name === 'save_checkpoint_success') as Rec;
    assert.equal(success.event.attributes.productive_train_iterations, 3);
    assert.equal(success.event.attributes.productive_train_samples, 96);
    assert.equal(success.event.attributes.productive_train_iterations_sec, 3);
    const validation = recs.find((r) => r.event?.name === 'validation_metrics_update') as Rec;
    assertExact(validation.event.attributes, {
      current_iteration: 2,
      interval: 3,
      avg_iteration_time_sec: 0.5,
      min_iteration_time_sec: 0.5,
      max_iteration_time_sec: 0.5,
      total_iteration_time_sec: 0.5,
      timestamp_msec: ms(10.5),
    });
    const finalMetrics = recs.find((r) => r.event?.name === 'training_metrics_update') as Rec;
    assert.equal(finalMetrics.event.attributes.current_iteration, 2);
    assert.equal(finalMetrics.event.attributes.interval, 3);
    assert.equal(recs.at(-1)?.attributes.duration_msec, 11500);
  });

  test('a scope ends once: end() then dispose is a single end callback', () => {
    const { rec } = setup();
    const scope = startModelInit();
    advance(1);
    scope.end();
    scope[Symbol.dispose]();
    scope.end();
    assert.deepStrictEqual(rec.sequence, ['initialize', 'start:model_initialization', 'stop:model_initialization']);
  });

  test('ApplicationScope.end() returns the same promise every time', async () => {
    const { rec } = setup();
    const app = startApplication();
    const first = app.end();
    assert.equal(app.end(), first);
    await first;
    await app[Symbol.asyncDispose]();
    assert.equal(rec.sequence.filter((s) => s === 'stop:application').length, 1);
  });
});

// ------------------------------------------------------------------------------------------- disabled rank

describe('disabled rank (spec §10 item 58)', () => {
  test('every helper yields undefined, still runs the body and returns its value; nothing is exported', async () => {
    const { rec, records } = setup({ enableForCurrentRank: false });
    const seen: unknown[] = [];
    const body = (span: Span | undefined): string => {
      seen.push(span);
      return 'ok';
    };
    const results = [
      modelInit(body),
      dataloaderInit(body),
      optimizerInit(body),
      distributedInit(body),
      checkpointLoad(body),
      trainingLoop({ trainIterationsStart: 0 }, body),
      trainingIteration(body),
      validationLoop(body),
      validationIteration(body),
      testingLoop(body),
      checkpointSave({ globalStep: 1 }, body),
      await application(body),
    ];
    assert.deepStrictEqual(results, new Array(12).fill('ok'));
    assert.deepStrictEqual(seen, new Array(12).fill(undefined));
    for (const scope of [startModelInit(), startTrainingLoop({ trainIterationsStart: 0 }), startCheckpointSave({ globalStep: 1 })]) {
      assert.equal(scope.span, undefined);
      scope.end();
    }
    assert.deepStrictEqual(rec.calls, []);
    assert.throws(() => records(), /ENOENT/);
  });
});
