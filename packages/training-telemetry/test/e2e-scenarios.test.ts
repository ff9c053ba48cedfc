// End-to-end scenarios with a real FileExporter (spec/training.md §3, §4, §6, §7, §9, §10 items 72-80):
// resume, async checkpoints out of order, validation and testing loops, application end with open spans,
// two ranks in two real processes, a disabled rank, and the quiet error strategy. Every record read back is
// validated against the JSON Schema of the records (readRecords).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ExportCustomizationMode, FileExporter, internalLogger, OneLoggerError, telemetryRuntime } from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { type Rec, readRecords } from '../../core/test/helpers/records.js';
import {
  application,
  checkpointLoad,
  checkpointSave,
  dataloaderInit,
  modelInit,
  onAppEnd,
  onAppStart,
  onDataloaderInitEnd,
  onDataloaderInitStart,
  onDistributedInitEnd,
  onDistributedInitStart,
  onLoadCheckpointEnd,
  onLoadCheckpointStart,
  onModelInitEnd,
  onModelInitStart,
  onOptimizerInitEnd,
  onOptimizerInitStart,
  onSaveCheckpointEnd,
  onSaveCheckpointStart,
  onSaveCheckpointSuccess,
  onTestingEnd,
  onTestingStart,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationSingleIterationEnd,
  onValidationSingleIterationStart,
  onValidationStart,
  optimizerInit,
  TrainingTelemetryProvider,
  testingLoop,
  trainingIteration,
  trainingLoop,
  validationIteration,
  validationLoop,
} from '../src/index.js';
import { createFakeClock, secAtMs as sec, T0 } from './helpers/fake-clock.js';
import { timedIteration } from './helpers/iterations.js';
import { attrsOf, eventsNamed, idOf, label, summary as labels, spanRecs } from './helpers/record-queries.js';
import { fileSetup } from './helpers/setup.js';
import { useTestEnvironment } from './helpers/test-environment.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TT_SRC_URL = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;
const CORE_DIST_URL = pathToFileURL(join(REPO_ROOT, 'packages/core/dist/index.js')).href;

// ------------------------------------------------------------------ fake clock and setup

const clock = createFakeClock({ perfOriginMs: 50_000 });
const { advanceMs: advance, elapsedMs: now } = clock;
const testEnv = useTestEnvironment({ clock, tmpPrefix: 'tt-e2e-', tmpDirPer: 'test', sequentialIds: false, closeRecorder: false });
const { setup, logs } = fileSetup(testEnv, {
  core: { applicationName: 'e2e_app', sessionTag: 'e2e_session', worldSize: 1 },
  telemetry: { perfTag: 'e2e_perf', globalBatchSize: 32 },
});

// ------------------------------------------------------------------ record helpers

function near(actual: unknown, expected: number, what = 'value'): void {
  assert.equal(typeof actual, 'number', `${what} is a number`);
  const a = actual as number;
  const tolerance = expected === 0 ? 1e-12 : Math.abs(expected) * 1e-9;
  assert.ok(Math.abs(a - expected) <= tolerance, `${what}: ${a} ≈ ${expected}`);
}

/** One training iteration of `ms` on the fake clock (callbacks). */
const iteration = timedIteration(clock);

// ------------------------------------------------------------------ scenarios

describe('resume from a checkpoint', () => {
  test('non-zero trainIterationsStart: metrics aligned on the global step, productivity includes earlier iterations', async () => {
    const { path, recorder } = setup({
      telemetry: {
        logEveryNTrainIterations: 8,
        seqLength: 1024,
        flopsPerSample: 100,
        isLogThroughputEnabled: true,
        trainIterationsTarget: 1000,
        trainSamplesTarget: 32000,
      },
      core: { worldSize: 4 },
    });
    onAppStart();
    onLoadCheckpointStart();
    advance(2000);
    onLoadCheckpointEnd();
    advance(1000);
    onTrainStart({ trainIterationsStart: 10 }); // at T0+3000; samples start defaults to 10 × 32
    const ends: number[] = [];
    for (let i = 0; i < 10; i++) {
      ends.push(iteration(50_000));
      if (i === 3) {
        // After the 4th iteration of this job: global step 14.
        onSaveCheckpointStart({ globalStep: 14 });
        advance(8000);
        onSaveCheckpointSuccess({ globalStep: 14 });
        advance(2000);
        onSaveCheckpointEnd();
      }
    }
    const trainEnd = now();
    onTrainEnd();
    advance(1000);
    await onAppEnd();

    const recs = readRecords(path);
    assert.deepEqual(labels(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'complete:checkpoint_load',
      'start:training_loop',
      'start:checkpoint_save_sync',
      'event:save_checkpoint_success',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_sync',
      'event:training_metrics_update',
      'event:training_metrics_update',
      'stop:training_loop',
      'stop:application',
    ]);
    const loopStart = spanRecs(recs, 'training_loop')[0] as Rec;
    assert.deepEqual(loopStart.attributes, {
      train_iterations_start: 10,
      train_samples_start: 320,
      train_tokens_target: 1024 * 32000,
      completed_floating_point_operations_overall: 10 * 32 * 100,
      train_iterations_target: 1000,
      train_samples_target: 32000,
    });
    assert.equal(loopStart.start_event.attributes.timestamp_msec, T0 + 3000);

    const [first, last] = attrsOf(recs, 'training_metrics_update') as [Rec, Rec];
    const tput = (k: number): number => (k * 3200) / (k * 50 * 1e12 * 4);
    // Global completed count 16 is the first multiple of 8: current_iteration 15 after 6 iterations of this job.
    assert.deepEqual(Object.keys(first), [
      'train_iterations_start',
      'current_iteration',
      'num_iterations',
      'train_samples_start',
      'num_train_samples',
      'interval',
      'avg_iteration_time_sec',
      'min_iteration_time_sec',
      'max_iteration_time_sec',
      'total_iteration_time_sec',
      'train_tokens',
      'completed_floating_point_operations_overall',
      'total_flops',
      'train_throughput_per_gpu',
      'train_throughput_per_gpu_max',
      'train_throughput_per_gpu_min',
      'first_logged_train_iterations_finish_timestamp_sec',
      'last_logged_train_iterations_finish_timestamp_sec',
      'timestamp_msec',
    ]);
    assert.equal(first.train_iterations_start, 10);
    assert.equal(first.current_iteration, 15);
    assert.equal(first.num_iterations, 6);
    assert.equal(first.train_samples_start, 320);
    assert.equal(first.num_train_samples, 192);
    assert.equal(first.interval, 6);
    assert.equal(first.avg_iteration_time_sec, 50);
    assert.equal(first.min_iteration_time_sec, 50);
    assert.equal(first.max_iteration_time_sec, 50);
    assert.equal(first.total_iteration_time_sec, 300);
    assert.equal(first.train_tokens, 1024 * 192);
    assert.equal(first.completed_floating_point_operations_overall, 51200);
    assert.equal(first.total_flops, 19200);
    near(first.train_throughput_per_gpu, tput(6), 'throughput');
    near(first.train_throughput_per_gpu_max, 1.6e-11, 'throughput max');
    near(first.train_throughput_per_gpu_min, 1.6e-11, 'throughput min');
    assert.equal(first.first_logged_train_iterations_finish_timestamp_sec, sec(ends[0] as number));
    assert.equal(first.last_logged_train_iterations_finish_timestamp_sec, sec(ends[5] as number));
    assert.equal(first.timestamp_msec, T0 + (ends[5] as number));

    // The 4 trailing iterations are reported when the loop ends (W8).
    assert.equal(last.current_iteration, 19);
    assert.equal(last.num_iterations, 10);
    assert.equal(last.num_train_samples, 320);
    assert.equal(last.interval, 4);
    assert.equal(last.total_iteration_time_sec, 500);
    assert.equal(last.train_tokens, 1024 * 320);
    assert.equal(last.completed_floating_point_operations_overall, 20 * 3200);
    assert.equal(last.total_flops, 10 * 3200);
    assert.equal(last.last_logged_train_iterations_finish_timestamp_sec, sec(ends[9] as number));
    assert.equal(last.timestamp_msec, T0 + trainEnd);

    // Productivity at the step-14 save start: 14 global iterations, 320 + 4 × 32 samples, 200 s of this job.
    const [success] = attrsOf(recs, 'save_checkpoint_success') as [Rec];
    const successAt = (ends[3] as number) + 8000;
    assert.deepEqual(success, {
      checkpoint_strategy: 'sync',
      current_iteration: 14,
      first_successful_save_checkpoint_timestamp_sec: sec(successAt),
      latest_successful_save_checkpoint_timestamp_sec: sec(successAt),
      save_checkpoint_success_count: 1,
      productive_train_iterations: 14,
      productive_train_samples: 448,
      productive_train_iterations_sec: 200,
      productive_validation_iterations_sec: 0,
      productive_train_tflops: (14 * 3200) / 1e12,
      training_start_timestamp_sec: sec(3000),
      timestamp_msec: T0 + successAt,
    });
    const [timing] = attrsOf(recs, 'sync_checkpoint_metrics_update') as [Rec];
    assert.deepEqual(timing, {
      save_checkpoint_sync_time_total_sec: 10,
      save_checkpoint_sync_time_min_sec: 10,
      save_checkpoint_sync_time_max_sec: 10,
      timestamp_msec: T0 + (ends[3] as number) + 10_000,
    });
    assert.deepEqual(recorder.state, {
      trainIterationsStart: 10,
      completedIterationsOverall: 20,
      trainSamplesStart: 320,
      trainSamplesJob: 320,
      flopsJob: 32000,
      flopsOverall: 64000,
      tokensJob: 1024 * 320,
      checkpointSuccessCount: 1,
      pendingCheckpointSteps: [],
    });
  });
});

describe('async checkpoints completing out of order', () => {
  test('saves at steps 3 and 6 started; success of 6 then 3: 6 lands on the application span, the late 3 is skipped (W12)', async () => {
    const { path, recorder } = setup({ telemetry: { saveCheckpointStrategy: 'async', globalBatchSize: 16 } });
    onAppStart();
    advance(500);
    onTrainStart({ trainIterationsStart: 0 }); // T0+500
    for (let i = 0; i < 3; i++) iteration(1000);
    onSaveCheckpointStart({ globalStep: 3 });
    advance(200);
    onSaveCheckpointEnd();
    for (let i = 0; i < 3; i++) iteration(1000);
    onSaveCheckpointStart({ globalStep: 6 });
    advance(300);
    onSaveCheckpointEnd();
    advance(1000);
    const success6At = now();
    onSaveCheckpointSuccess({ globalStep: 6 });
    assert.deepEqual(recorder.state.pendingCheckpointSteps, [], 'the success of 6 supersedes the pending save of 3');
    advance(500);
    onSaveCheckpointSuccess({ globalStep: 3 });
    onTrainEnd();
    await onAppEnd();

    const recs = readRecords(path);
    const appId = idOf(recs, 'application');
    const onApp = recs.filter((r) => r.type === 'event' && r.span_id === appId);
    assert.deepEqual(
      onApp.map((r) => r.event.name),
      ['one_logger_initialization', 'update_training_telemetry_config', 'save_checkpoint_success'],
    );
    assert.deepEqual(onApp[2]?.event.attributes, {
      checkpoint_strategy: 'async',
      current_iteration: 6,
      first_successful_save_checkpoint_timestamp_sec: sec(success6At),
      latest_successful_save_checkpoint_timestamp_sec: sec(success6At),
      save_checkpoint_success_count: 1,
      productive_train_iterations: 6,
      productive_train_samples: 96,
      productive_train_iterations_sec: 6,
      productive_validation_iterations_sec: 0,
      training_start_timestamp_sec: sec(500),
      timestamp_msec: T0 + success6At,
    });
    assert.equal(eventsNamed(recs, 'save_checkpoint_success').length, 1);

    // Both async save spans: attributes, timing events with the cumulative async timer, parent = training loop.
    const loopId = idOf(recs, 'training_loop');
    const saves = spanRecs(recs, 'checkpoint_save_async');
    assert.deepEqual(
      saves.map((r) => [r.type, r.attributes.current_iteration, r.attributes.save_checkpoint_attempt_count, r.parent_id]),
      [
        ['start', 3, 1, loopId],
        ['stop', 3, 1, loopId],
        ['start', 6, 2, loopId],
        ['stop', 6, 2, loopId],
      ],
    );
    assert.deepEqual(
      saves.filter((r) => r.type === 'stop').map((r) => r.attributes.duration_msec),
      [200, 300],
    );
    const timings = attrsOf(recs, 'sync_checkpoint_metrics_update');
    assert.deepEqual(
      timings.map((a) => [a.save_checkpoint_sync_time_total_sec, a.save_checkpoint_sync_time_min_sec, a.save_checkpoint_sync_time_max_sec]),
      [
        [0.2, 0.2, 0.2],
        [0.5, 0.2, 0.3],
      ],
    );
    assert.equal(recorder.state.checkpointSuccessCount, 1);
    assert.ok(
      logs.some(([level, m]) => level === 'WARNING' && m.includes('no pending checkpoint save for global step 3')),
      `a warning names step 3: ${JSON.stringify(logs)}`,
    );
    assert.equal(recs.filter((r) => r.type === 'telemetry_data_error').length, 0);
  });
});

describe('validation and testing loops', () => {
  test('multiple validation loops: cumulative timer statistics, per-loop interval', async () => {
    const { path } = setup({ telemetry: { logEveryNTrainIterations: 1000 } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    const valLoop = (iterations: number, ms: number): void => {
      onValidationStart();
      advance(10);
      for (let i = 0; i < iterations; i++) {
        onValidationSingleIterationStart();
        advance(ms);
        onValidationSingleIterationEnd();
      }
      advance(10);
      onValidationEnd();
    };
    for (let i = 0; i < 30; i++) iteration(1000);
    valLoop(10, 5000);
    for (let i = 0; i < 40; i++) iteration(1000);
    valLoop(10, 10_000);
    valLoop(0, 0); // no training in between: interval 0, statistics still cumulative
    onTrainEnd();
    await onAppEnd();

    const recs = readRecords(path);
    const loopId = idOf(recs, 'training_loop');
    const vals = attrsOf(recs, 'validation_metrics_update');
    assert.deepEqual(
      vals.map(({ timestamp_msec: _t, ...rest }) => rest),
      [
        {
          current_iteration: 29,
          interval: 30,
          avg_iteration_time_sec: 5,
          min_iteration_time_sec: 5,
          max_iteration_time_sec: 5,
          total_iteration_time_sec: 50,
        },
        {
          current_iteration: 69,
          interval: 40,
          avg_iteration_time_sec: 7.5,
          min_iteration_time_sec: 5,
          max_iteration_time_sec: 10,
          total_iteration_time_sec: 150,
        },
        {
          current_iteration: 69,
          interval: 0,
          avg_iteration_time_sec: 7.5,
          min_iteration_time_sec: 5,
          max_iteration_time_sec: 10,
          total_iteration_time_sec: 150,
        },
      ],
    );
    const stops = spanRecs(recs, 'validation_loop').filter((r) => r.type === 'stop');
    assert.deepEqual(
      stops.map((r) => [r.attributes.duration_msec, r.parent_id]),
      [
        [50_020, loopId],
        [100_020, loopId],
        [20, loopId],
      ],
    );
    // The event is stamped at the loop end (same time as the stop event).
    for (let i = 0; i < 3; i++) assert.equal(vals[i]?.timestamp_msec, stops[i]?.stop_event.attributes.timestamp_msec);
    assert.equal(spanRecs(recs, 'validation_single_iteration').length, 0, 'validation iterations are not exported by default');
  });

  test('validation before any training reports only current_iteration 0 and interval 0', async () => {
    const { path } = setup({ telemetry: {} });
    onAppStart();
    onValidationStart();
    advance(400);
    onValidationEnd();
    await onAppEnd();
    const recs = readRecords(path);
    assert.deepEqual(attrsOf(recs, 'validation_metrics_update'), [{ current_iteration: 0, interval: 0, timestamp_msec: T0 + 400 }]);
    assert.deepEqual(
      spanRecs(recs, 'validation_loop').map((r) => r.type),
      ['start', 'stop'],
    );
  });

  test('testing loops: current_iteration and the interval since the previous testing loop, nothing else', async () => {
    const { path } = setup({ telemetry: { logEveryNTrainIterations: 1000 } });
    onAppStart();
    testingLoop(() => advance(100)); // before training
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 12; i++) iteration(100);
    onTestingStart();
    advance(300);
    onTestingEnd();
    for (let i = 0; i < 5; i++) iteration(100);
    const t = now();
    testingLoop(() => undefined);
    onTrainEnd();
    await onAppEnd();

    const recs = readRecords(path);
    assert.deepEqual(attrsOf(recs, 'testing_metrics_update'), [
      { current_iteration: 0, interval: 0, timestamp_msec: T0 + 100 },
      { current_iteration: 11, interval: 12, timestamp_msec: T0 + 100 + 1200 + 300 },
      { current_iteration: 16, interval: 5, timestamp_msec: T0 + t },
    ]);
    const testing = spanRecs(recs, 'testing_loop');
    assert.deepEqual(
      testing.filter((r) => r.type === 'stop').map((r) => r.attributes.duration_msec),
      [100, 300, 0],
    );
    assert.equal(testing[0]?.parent_id, idOf(recs, 'application'));
    assert.equal(testing[2]?.parent_id, idOf(recs, 'training_loop'));
  });
});

describe('application end with open spans', () => {
  test('children are stopped first, at the application stop time; auto-stop errors only on exported timer-backed spans', async () => {
    const { path, recorder } = setup({ telemetry: { logEveryNTrainIterations: 1000 } });
    onAppStart();
    advance(1000);
    onLoadCheckpointStart(); // never ended
    advance(100);
    onTrainStart({ trainIterationsStart: 0 });
    advance(250);
    iteration(1000);
    advance(250);
    onTrainingSingleIterationStart(); // never ended (not exported)
    advance(500);
    onValidationStart(); // never ended
    onValidationSingleIterationStart(); // never ended (not exported)
    advance(200);
    onSaveCheckpointStart({ globalStep: 1 }); // never ended
    advance(300);
    const appStop = now(); // T0+3600
    advance(5000); // onAppEnd is called later with the earlier time
    await onAppEnd({ finishTimeMsec: T0 + appStop });

    const recs = readRecords(path);
    assert.deepEqual(labels(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:checkpoint_load',
      'start:training_loop',
      'start:validation_loop',
      'start:checkpoint_save_sync',
      'application_error:error',
      'stop:checkpoint_save_sync',
      'stop:validation_loop',
      'stop:training_loop',
      'application_error:error',
      'stop:checkpoint_load',
      'stop:application',
    ]);
    // Every stop at the application's stop time, children before the application.
    for (const r of recs.filter((x) => x.type === 'stop')) {
      assert.equal(r.stop_event.attributes.timestamp_msec, T0 + appStop, `${r.name} stops at the app stop time`);
    }
    const durations = Object.fromEntries(recs.filter((x) => x.type === 'stop').map((r) => [r.name, r.attributes.duration_msec]));
    assert.deepEqual(durations, {
      checkpoint_save_sync: 300,
      validation_loop: 500,
      training_loop: 2500,
      checkpoint_load: 2600,
      application: 3600,
    });
    const errors = recs.filter((r) => r.type === 'application_error');
    const saveId = idOf(recs, 'checkpoint_save_sync');
    const loadId = idOf(recs, 'checkpoint_load');
    assert.deepEqual(
      errors.map((r) => r.span_id),
      [saveId, loadId],
    );
    for (const [r, name] of [
      [errors[0], 'checkpoint_save_sync'],
      [errors[1], 'checkpoint_load'],
    ] as const) {
      const message = r?.event.attributes.error_message as string;
      assert.ok(message.startsWith(`Timer for span ${name} (id=`), message);
      assert.ok(message.includes('automatically stopped because the span is being stopped'), message);
      assert.ok(message.includes('on_xxx_end method was not called correctly'), message);
    }
    // No metrics at application end (only onTrainEnd flushes trailing iterations).
    assert.equal(eventsNamed(recs, 'training_metrics_update').length, 0);
    // The never-materialised iteration windows were closed at the application stop time too.
    assert.equal(recorder.trainIterationTimer.isActive, false);
    assert.equal(recorder.trainIterationTimer.completedWindowCount, 2);
    assert.equal(recorder.trainIterationTimer.maxWindowDurationSec, 1);
    assert.equal(recorder.trainIterationTimer.totalTimeSec, 2);
    assert.equal(recorder.validationIterationTimer.isActive, false);
    assert.equal(recorder.validationIterationTimer.totalTimeSec, 0.5);
    assert.equal(recorder.checkpointLoadTimer.isActive, false);
    assert.equal(recorder.checkpointLoadTimer.totalTimeSec, 2.6);
    assert.equal(recorder.checkpointSaveSyncTimer.isActive, false);
    assert.equal(recorder.closed, true);
  });

  test('the auto-stop error event is stamped at the span stop time, not after the span ended', async () => {
    const { path } = setup({ telemetry: {} });
    onAppStart();
    onLoadCheckpointStart();
    advance(400);
    const appStop = now();
    advance(5000);
    await onAppEnd({ finishTimeMsec: T0 + appStop });
    const recs = readRecords(path);
    const [error] = recs.filter((r) => r.type === 'application_error');
    const [stop] = spanRecs(recs, 'checkpoint_load').filter((r) => r.type === 'stop');
    assert.equal(stop?.stop_event.attributes.timestamp_msec, T0 + appStop);
    assert.equal(error?.event.attributes.timestamp_msec, T0 + appStop, 'an event of a span must not lie after its stop');
  });
});

describe('two ranks in two processes', () => {
  test('RANK=0 and RANK=1 write their own {rank} files with their own rank, pid and metrics', async () => {
    const script = join(testEnv.dir, 'train.mjs');
    writeFileSync(
      script,
      `import { join } from 'node:path';
const [ttUrl, coreUrl, outDir] = process.argv.slice(2);
const tt = await import(ttUrl);
const core = await import(coreUrl);
const rank = Number(process.env.RANK);
tt.TrainingTelemetryProvider.instance()
  .withBaseConfig({
    applicationName: 'two_ranks',
    sessionTag: 'ranks',
    worldSize: 2,
    telemetryConfig: { perfTag: 'p', globalBatchSize: 8, logEveryNTrainIterations: 2 },
  })
  .withExporter(new core.FileExporter({ filePath: join(outDir, 'telemetry-{rank}.jsonl') }))
  .configureProvider();
await tt.application(async () => {
  tt.trainingLoop({ trainIterationsStart: 0 }, () => {
    for (let i = 0; i < 3 + rank; i++) tt.trainingIteration(() => {});
  });
});
`,
    );
    const run = (rank: number): Promise<{ code: number | null; pid: number; stderr: string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, TT_SRC_URL, CORE_DIST_URL, testEnv.dir], {
          cwd: REPO_ROOT,
          env: { ...process.env, RANK: String(rank), NODE_NO_WARNINGS: '1' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, pid: child.pid as number, stderr }));
      });
    const results = await Promise.all([run(0), run(1)]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);

    const files = [0, 1].map((rank) => join(testEnv.dir, `telemetry-${rank}.jsonl`));
    for (const [rank, file] of files.entries()) {
      const recs = readRecords(file);
      const pid = results[rank]?.pid;
      assert.ok(
        recs.every((r) => r.pid === pid),
        `every record of rank ${rank} carries the pid of its process`,
      );
      assert.deepEqual(
        recs.map((r) => r.count),
        recs.map((_r, i) => i + 1),
      );
      const [init] = attrsOf(recs, 'one_logger_initialization');
      assert.equal(init?.rank, rank);
      assert.equal(init?.world_size, 2);
      assert.equal(init?.session_tag, 'ranks');
      const metrics = attrsOf(recs, 'training_metrics_update');
      // Rank 0: 3 iterations (update at 2, trailing 1 at loop end); rank 1: 4 iterations (updates at 2 and 4).
      assert.deepEqual(
        metrics.map((m) => [m.current_iteration, m.num_iterations, m.interval, m.num_train_samples]),
        rank === 0
          ? [
              [1, 2, 2, 16],
              [2, 3, 1, 24],
            ]
          : [
              [1, 2, 2, 16],
              [3, 4, 2, 32],
            ],
      );
      assert.deepEqual(recs.filter((r) => r.type !== 'event').map(label), [
        'start:application',
        'start:training_loop',
        'stop:training_loop',
        'stop:application',
      ]);
    }
    assert.notEqual(results[0]?.pid, results[1]?.pid);
  });
});

describe('disabled rank', () => {
  test('enableForCurrentRank: false writes nothing and every callback and helper returns undefined', async () => {
    const { path, recorder } = setup({ telemetry: { saveCheckpointStrategy: 'sync' }, core: { enableForCurrentRank: false } });
    assert.equal(recorder.exporters.length, 0);
    assert.equal(telemetryRuntime.enabled, false);
    const results: unknown[] = [
      onAppStart(),
      onDistributedInitStart(),
      onDistributedInitEnd(),
      onModelInitStart(),
      onModelInitEnd(),
      onDataloaderInitStart(),
      onDataloaderInitEnd(),
      onOptimizerInitStart(),
      onOptimizerInitEnd(),
      onLoadCheckpointStart(),
      onLoadCheckpointEnd(),
      onTrainStart({ trainIterationsStart: 0 }),
      onTrainingSingleIterationStart(),
      onTrainingSingleIterationEnd(),
      onValidationStart(),
      onValidationSingleIterationStart(),
      onValidationSingleIterationEnd(),
      onValidationEnd(),
      onTestingStart(),
      onTestingEnd(),
      onSaveCheckpointStart({ globalStep: 1 }),
      onSaveCheckpointSuccess({ globalStep: 1 }),
      onSaveCheckpointEnd(),
      onTrainEnd(),
    ];
    assert.deepEqual(results, new Array(results.length).fill(undefined));
    const spans: unknown[] = [];
    const value = await application(async (app) => {
      spans.push(app);
      modelInit((s) => spans.push(s));
      dataloaderInit((s) => spans.push(s));
      optimizerInit((s) => spans.push(s));
      checkpointLoad((s) => spans.push(s));
      trainingLoop({ trainIterationsStart: 0 }, (s) => {
        spans.push(s);
        trainingIteration((it) => spans.push(it));
        validationLoop((v) => {
          spans.push(v);
          validationIteration((vi) => spans.push(vi));
        });
        checkpointSave({ globalStep: 1 }, (c) => spans.push(c));
      });
      testingLoop((s) => spans.push(s));
      return 'body result';
    });
    assert.equal(value, 'body result', 'the bodies still run');
    assert.deepEqual(spans, new Array(11).fill(undefined));
    assert.equal(await onAppEnd(), undefined);
    assert.equal(existsSync(path), false, 'the exporter was never initialised');
    assert.deepEqual(recorder.state.completedIterationsOverall, 0);
    assert.equal(recorder.trainIterationTimer.totalWindowCount, 0);
  });
});

describe('spec §10 items 72-80 (test_app_e2e_scenarios.py)', () => {
  test('item 72: an exception inside nested helpers propagates; app start/stop share an id, no iteration records, recorder closed', async () => {
    const { path, recorder } = setup({ telemetry: { logEveryNTrainIterations: 10 } });
    const boom = new Error('boom in iteration');
    await assert.rejects(
      application(() =>
        trainingLoop({ trainIterationsStart: 0 }, () => {
          advance(100);
          trainingIteration(() => {
            advance(50);
            throw boom;
          });
        }),
      ),
      (e) => e === boom,
    );
    const recs = readRecords(path);
    assert.deepEqual(labels(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:training_loop',
      'event:training_metrics_update',
      'stop:training_loop',
      'stop:application',
    ]);
    const app = spanRecs(recs, 'application');
    assert.equal(app[0]?.id, app[1]?.id);
    assert.equal(app[1]?.attributes.duration_msec, 150);
    // The iteration's end still ran (the helper's finally), so the loop end reports it (W8).
    const [m] = attrsOf(recs, 'training_metrics_update');
    assert.equal(m?.current_iteration, 0);
    assert.equal(m?.num_iterations, 1);
    assert.equal(m?.interval, 1);
    assert.equal(m?.total_iteration_time_sec, 0.05);
    assert.equal(spanRecs(recs, 'training_single_iteration').length, 0);
    assert.equal(recorder.closed, true);
  });

  test('item 72 (variant): an exception in the loop body before any iteration gives one complete loop record', async () => {
    const { path } = setup({ telemetry: {} });
    await assert.rejects(
      application(() =>
        trainingLoop({ trainIterationsStart: 0 }, () => {
          advance(70);
          throw new RangeError('bad data');
        }),
      ),
      RangeError,
    );
    const recs = readRecords(path);
    const loop = spanRecs(recs, 'training_loop');
    assert.deepEqual(
      loop.map((r) => [r.type, r.attributes.duration_msec, r.parent_id]),
      [['complete', 70, idOf(recs, 'application')]],
    );
  });

  test('item 73: open spans and a manual telemetry-data error: the held-back start is written first, then the error', async () => {
    const { path, recorder } = setup({ telemetry: {} });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    onTrainingSingleIterationStart();
    advance(20);
    // Spans in the recorder (the blacklisted iteration is only a timer window) plus the open iteration.
    const running = recorder.getActiveSpansByName('application').length + recorder.getActiveSpansByName('training_loop').length;
    const open = running + (recorder.trainIterationTimer.isActive ? 1 : 0);
    recorder.telemetryDataError('Training crashed', { active_span_count: open, phase: 'train' });
    const recs = readRecords(path);
    assert.deepEqual(labels(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:training_loop',
      'telemetry_data_error',
    ]);
    assert.deepEqual(recs[4]?.error, {
      name: 'telemetry_data_error',
      attributes: {
        error_message: 'Training crashed',
        telemetry_data_error_type: 'incomplete_telemetry_data',
        active_span_count: 3,
        phase: 'train',
        timestamp_msec: T0 + 20,
      },
    });
    await onAppEnd();
  });

  test('item 74: five iterations (N=10) update the timer without any metrics event before the loop ends', async () => {
    const { path, recorder } = setup({ telemetry: { logEveryNTrainIterations: 10 } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 5; i++) {
      iteration(100 + 10 * i);
      advance(5);
    }
    const timer = recorder.trainIterationTimer;
    assert.equal(timer.totalWindowCount, 5);
    assert.equal(timer.completedWindowCount, 5);
    near(timer.totalTimeSec, 0.6, 'total');
    near(timer.avgWindowDurationSec, 0.12, 'avg');
    near(timer.minWindowDurationSec, 0.1, 'min');
    near(timer.maxWindowDurationSec, 0.14, 'max');
    assert.equal(eventsNamed(readRecords(path), 'training_metrics_update').length, 0);
    await onAppEnd();
    assert.equal(eventsNamed(readRecords(path), 'training_metrics_update').length, 0, 'onAppEnd does not report metrics');
  });

  test('item 75: N=5, 15 iterations → 3 metrics events with growing cumulative statistics', async () => {
    const { path, recorder } = setup({ telemetry: { logEveryNTrainIterations: 5 } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 15; i++) {
      iteration(100 + 10 * i);
      advance(5);
    }
    const metrics = attrsOf(readRecords(path), 'training_metrics_update');
    assert.deepEqual(
      metrics.map((m) => [m.current_iteration, m.num_iterations, m.interval]),
      [
        [4, 5, 5],
        [9, 10, 5],
        [14, 15, 5],
      ],
    );
    const expectedTotals = [5, 10, 15].map((n) => Array.from({ length: n }, (_x, i) => 0.1 + 0.01 * i).reduce((a, b) => a + b, 0));
    metrics.forEach((m, i) => {
      near(m.total_iteration_time_sec, expectedTotals[i] as number, `total ${i}`);
      assert.ok(m.min_iteration_time_sec <= m.avg_iteration_time_sec && m.avg_iteration_time_sec <= m.max_iteration_time_sec);
      near(m.total_iteration_time_sec, m.avg_iteration_time_sec * m.num_iterations, `total = avg × num (${i})`);
      near(m.min_iteration_time_sec, 0.1, `min ${i}`);
    });
    near(metrics[2]?.max_iteration_time_sec, 0.24, 'max');
    const timer = recorder.trainIterationTimer;
    const last = metrics[2] as Rec;
    assert.equal(last.total_iteration_time_sec, timer.totalTimeSec);
    assert.equal(last.avg_iteration_time_sec, timer.avgWindowDurationSec);
    assert.equal(last.min_iteration_time_sec, timer.minWindowDurationSec);
    assert.equal(last.max_iteration_time_sec, timer.maxWindowDurationSec);
    onTrainEnd();
    assert.equal(attrsOf(readRecords(path), 'training_metrics_update').length, 3, 'nothing trailing to report');
    await onAppEnd();
  });

  test('item 76: N=5, 7 iterations → the event covers the first 5; the loop end reports all 7', async () => {
    const { path, recorder } = setup({ telemetry: { logEveryNTrainIterations: 5 } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 7; i++) {
      iteration(100 + 10 * i);
      advance(5);
    }
    let metrics = attrsOf(readRecords(path), 'training_metrics_update');
    assert.equal(metrics.length, 1);
    near(metrics[0]?.total_iteration_time_sec, 0.6, 'total of 0.10…0.14');
    near(metrics[0]?.max_iteration_time_sec, 0.14, 'max');
    assert.equal(recorder.trainIterationTimer.totalWindowCount, 7);
    near(recorder.trainIterationTimer.totalTimeSec, 0.6 + 0.15 + 0.16, 'timer total');
    onTrainEnd();
    metrics = attrsOf(readRecords(path), 'training_metrics_update');
    assert.deepEqual(
      metrics.map((m) => [m.current_iteration, m.num_iterations, m.interval]),
      [
        [4, 5, 5],
        [6, 7, 2],
      ],
    );
    near(metrics[1]?.total_iteration_time_sec, 0.91, 'final total');
    near(metrics[1]?.max_iteration_time_sec, 0.16, 'final max');
    await onAppEnd();
  });

  /** Six completed iterations (0.10…0.15 s) and a 7th that crashes before its end callback. */
  function crashInSeventhIteration(): void {
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 6; i++) {
      iteration(100 + 10 * i);
      advance(5);
    }
    assert.throws(() => {
      onTrainingSingleIterationStart();
      advance(100);
      throw new Error('CUDA error: device-side assert');
    }, /device-side assert/);
  }

  test('item 77: a crash inside iteration 7 leaves the timer running with 7 windows and statistics over 6', () => {
    const { path, recorder } = setup({ telemetry: { logEveryNTrainIterations: 5 } });
    crashInSeventhIteration();
    const timer = recorder.trainIterationTimer;
    assert.equal(timer.isActive, true);
    assert.equal(timer.totalWindowCount, 7);
    assert.equal(timer.completedWindowCount, 6);
    near(timer.totalTimeSec, 0.75, 'total');
    near(timer.avgWindowDurationSec, 0.125, 'avg over completed windows');
    near(timer.maxWindowDurationSec, 0.15, 'max');
    assert.equal(attrsOf(readRecords(path), 'training_metrics_update').length, 1);
    assert.equal(recorder.closed, false);
  });

  test('item 78: after the crash, onAppEnd stops loop and app and force-closes the open window at the app stop time', async () => {
    const { path, recorder } = setup({ telemetry: { logEveryNTrainIterations: 5 } });
    crashInSeventhIteration();
    advance(160); // the open window is 0.26 s at the app stop time
    const appStop = now();
    advance(3000);
    await onAppEnd({ finishTimeMsec: T0 + appStop });
    const recs = readRecords(path);
    assert.deepEqual(
      recs.filter((r) => r.type === 'stop').map((r) => [r.name, r.stop_event.attributes.timestamp_msec]),
      [
        ['training_loop', T0 + appStop],
        ['application', T0 + appStop],
      ],
    );
    const timer = recorder.trainIterationTimer;
    assert.equal(timer.isActive, false);
    assert.equal(timer.completedWindowCount, 7);
    near(timer.maxWindowDurationSec, 0.26, 'max includes the force-closed window');
    near(timer.totalTimeSec, 1.01, 'total');
    assert.equal(eventsNamed(recs, 'training_metrics_update').length, 1);
    assert.equal(recs.filter((r) => r.type === 'application_error').length, 0, 'the iteration span is not exported');
    assert.equal(recorder.closed, true);
  });

  test('item 79: starting an iteration while one is open throws and reports one telemetry-data error', async () => {
    const { path } = setup({ telemetry: {} });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    onTrainingSingleIterationStart();
    assert.throws(
      () => onTrainingSingleIterationStart(),
      (e) => e instanceof OneLoggerError && e.message === 'Cannot start timer since it is already active',
    );
    // The open window is still usable.
    advance(30);
    onTrainingSingleIterationEnd();
    await onAppEnd();
    const recs = readRecords(path);
    const tde = recs.filter((r) => r.type === 'telemetry_data_error');
    assert.equal(tde.length, 1);
    assert.equal(
      tde[0]?.error.attributes.error_message,
      'Exception in telemetry code when calling onTrainingSingleIterationStart: Cannot start timer since it is already active',
    );
  });

  test('item 80: a missing onLoadCheckpointEnd: onAppEnd stops the load span at the app stop time and its timer', async () => {
    const { path, recorder } = setup({ telemetry: {} });
    onAppStart();
    onLoadCheckpointStart();
    advance(700);
    await onAppEnd();
    const recs = readRecords(path);
    const load = spanRecs(recs, 'checkpoint_load');
    const app = spanRecs(recs, 'application');
    assert.equal(load.at(-1)?.type, 'stop');
    assert.equal(load.at(-1)?.stop_event.attributes.timestamp_msec, app.at(-1)?.stop_event.attributes.timestamp_msec);
    assert.equal(load.at(-1)?.attributes.duration_msec, 700);
    assert.equal(recorder.checkpointLoadTimer.isActive, false);
    near(recorder.checkpointLoadTimer.totalTimeSec, 0.7, 'load timer');
    assert.equal(recs.filter((r) => r.type === 'application_error' && r.span_id === load[0]?.id).length, 1);
  });
});

describe('quiet error strategy', () => {
  test('an internal error mid-run disables the library; onAppEnd still stops spans and closes the exporter; one error record', async () => {
    const { path, exporter, recorder } = setup({
      telemetry: { logEveryNTrainIterations: 2 },
      core: { errorHandlingStrategy: 'disable_quietly_and_report_metric_error' },
    });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    iteration(100);
    iteration(100); // metrics event at 2
    onTrainingSingleIterationStart();
    advance(10);
    assert.equal(onTrainingSingleIterationStart(), undefined, 'the internal error is swallowed');
    assert.equal(telemetryRuntime.enabled, false);
    // From now on everything is a no-op.
    onTrainingSingleIterationEnd();
    assert.equal(onValidationStart(), undefined);
    onValidationEnd();
    onTrainEnd();
    assert.equal(recorder.trainIterationTimer.completedWindowCount, 2);
    advance(40);
    await onAppEnd();
    assert.equal(exporter.closed, true);
    assert.equal(recorder.closed, true);

    const recs = readRecords(path);
    assert.deepEqual(labels(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:training_loop',
      'event:training_metrics_update',
      'telemetry_data_error',
      'stop:training_loop',
      'stop:application',
    ]);
    assert.deepEqual(recs[5]?.error.attributes, {
      error_message:
        'Exception in telemetry code when calling onTrainingSingleIterationStart: Cannot start timer since it is already active',
      telemetry_data_error_type: 'incomplete_telemetry_data',
      timestamp_msec: T0 + 210,
    });
    assert.deepEqual(
      recs.filter((r) => r.type === 'stop').map((r) => r.stop_event.attributes.timestamp_msec),
      [T0 + 250, T0 + 250],
    );
    assert.ok(logs.some(([level, m]) => level === 'ERROR' && m.includes('Disabling OneLogger')));
  });

  test('with ExportCustomizationMode.EXPORT_ALL_SPANS the open iteration span gets its auto-stop error at application end', async () => {
    const path = join(testEnv.dir, 'all.jsonl');
    TrainingTelemetryProvider.instance()
      .withBaseConfig({
        applicationName: 'e2e_app',
        sessionTag: 's',
        worldSize: 1,
        telemetryConfig: { perfTag: 'p', globalBatchSize: 1 },
      })
      .withExporter(new FileExporter({ filePath: path }))
      .withExportCustomization(ExportCustomizationMode.EXPORT_ALL_SPANS)
      .configureProvider();
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    onTrainingSingleIterationStart();
    advance(80);
    await onAppEnd();
    const recs = readRecords(path);
    assert.deepEqual(labels(recs).slice(3), [
      'start:training_loop',
      'start:training_single_iteration',
      'application_error:error',
      'stop:training_single_iteration',
      'stop:training_loop',
      'stop:application',
    ]);
    assert.equal(recs.find((r) => r.type === 'application_error')?.span_id, idOf(recs, 'training_single_iteration'));
  });
});

describe('helpers end to end', () => {
  test('a whole job with the callback helpers writes the expected record sequence and parents', async () => {
    const { path } = setup({ telemetry: { logEveryNTrainIterations: 2 } });
    await application(async () => {
      modelInit(() => advance(10));
      optimizerInit(() => advance(10));
      dataloaderInit(() => advance(10));
      await trainingLoop({ trainIterationsStart: 0 }, async () => {
        for (let i = 0; i < 4; i++) {
          await trainingIteration(async () => {
            advance(25);
          });
          if (i === 1) checkpointSave({ globalStep: 2 }, () => advance(40));
        }
        validationLoop(() => validationIteration(() => advance(15)));
      });
    });
    const recs = readRecords(path);
    assert.deepEqual(labels(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'complete:model_initialization',
      'complete:optimizer_initialization',
      'complete:data_loader_initialization',
      'start:training_loop',
      'event:training_metrics_update',
      'start:checkpoint_save_sync',
      'event:save_checkpoint_success',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_sync',
      'event:training_metrics_update',
      'start:validation_loop',
      'event:validation_metrics_update',
      'stop:validation_loop',
      'stop:training_loop',
      'stop:application',
    ]);
    const appId = idOf(recs, 'application');
    const loopId = idOf(recs, 'training_loop');
    const parents = Object.fromEntries(recs.filter((r) => r.type === 'start' || r.type === 'complete').map((r) => [r.name, r.parent_id]));
    assert.deepEqual(parents, {
      application: undefined,
      model_initialization: appId,
      optimizer_initialization: appId,
      data_loader_initialization: appId,
      training_loop: appId,
      checkpoint_save_sync: loopId,
      validation_loop: loopId,
    });
    assert.equal(spanRecs(recs, 'application').at(-1)?.attributes.duration_msec, 30 + 100 + 40 + 15);
    const [success] = attrsOf(recs, 'save_checkpoint_success');
    assert.equal(success?.productive_train_iterations, 2);
    assert.equal(success?.productive_train_samples, 64);
    near(success?.productive_train_iterations_sec, 0.05, 'productive seconds');
  });
});
