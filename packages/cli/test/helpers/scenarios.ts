// Jobs with known content, written by the real training-telemetry library (see jobs.ts). Times are offsets from
// T0 in milliseconds; the comments give the expected metrics that the tests check.
import {
  CheckpointStrategy,
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
  onTrainStart,
  onValidationEnd,
  onValidationSingleIterationEnd,
  onValidationSingleIterationStart,
  onValidationStart,
} from '@nv-one-logger/training-telemetry';
import { clock, iteration, runJob, T0 } from './jobs.js';

/** Iteration durations of the full job (ms). */
export const FULL_ITERATIONS = [1000, 2000, 1000, 2000, 1000, 2000, 1000, 2000, 1000, 2000, 1000, 3000];
export const FULL = { worldSize: 4, gbs: 32, seq: 16, flopsPerSample: 1e9, start: 10 } as const;

/**
 * Every phase and metric, sync checkpoints, resumed at step 10:
 *  0-1000 distributed init, 1000-3000 model init, 3000-3500 optimizer init, 3500-4000 dataloader init,
 *  4000-6000 checkpoint load; 6000 training loop (start 10); iterations 1-4 until 12000;
 *  save step 14 12000-12500 (success); iterations 5-8 until 18500 (update at overall 15);
 *  validation 18500-19200 (3 × 200 ms); iterations 9-10 until 22200 (update at overall 20);
 *  save step 20 22200-23700 (success); iteration 11 until 24700; save step 21 24700-24950 (no success);
 *  iteration 12 (3000 ms) until 27950; error on the loop at 28000; testing 28000-28400; telemetry-data error
 *  at 28500; train end 29000 (final update, W8); application end 30000.
 */
export async function writeFullJob(path: string, sessionTag = 'full_session', exportAllSpans = false): Promise<void> {
  await runJob(
    {
      path,
      sessionTag,
      exportAllSpans,
      worldSize: FULL.worldSize,
      telemetry: {
        globalBatchSize: FULL.gbs,
        seqLength: FULL.seq,
        flopsPerSample: FULL.flopsPerSample,
        isLogThroughputEnabled: true,
        logEveryNTrainIterations: 5,
        trainIterationsTarget: 100,
        trainSamplesTarget: 3200,
        saveCheckpointStrategy: CheckpointStrategy.SYNC,
      },
    },
    (recorder) => {
      const phase = (start: () => void, end: () => void, ms: number) => {
        start();
        clock.advance(ms);
        end();
      };
      phase(onDistributedInitStart, onDistributedInitEnd, 1000);
      phase(onModelInitStart, onModelInitEnd, 2000);
      phase(onOptimizerInitStart, onOptimizerInitEnd, 500);
      phase(onDataloaderInitStart, onDataloaderInitEnd, 500);
      phase(onLoadCheckpointStart, onLoadCheckpointEnd, 2000);
      const loop = onTrainStart({ trainIterationsStart: FULL.start });
      const its = FULL_ITERATIONS;
      for (const ms of its.slice(0, 4)) iteration(ms);
      save(14, 500, 400);
      for (const ms of its.slice(4, 8)) iteration(ms);
      onValidationStart();
      for (let v = 0; v < 3; v++) {
        if (v > 0) clock.advance(50);
        onValidationSingleIterationStart();
        clock.advance(200);
        onValidationSingleIterationEnd();
      }
      onValidationEnd();
      for (const ms of its.slice(8, 10)) iteration(ms);
      save(20, 1500, 1400);
      iteration(its[10] as number);
      save(21, 250, undefined);
      iteration(its[11] as number);
      clock.advance(50);
      recorder.error(loop, 'loss spiked', new RangeError('loss is NaN'));
      onTestingStart();
      clock.advance(400);
      onTestingEnd();
      clock.advance(100);
      recorder.telemetryDataError('exporter X dropped 3 records');
      clock.advance(500);
      onTrainEnd();
      clock.advance(1000);
    },
  );
}

/** A sync save of `ms` with its success after `successAfterMs` (none when undefined). */
function save(step: number, ms: number, successAfterMs: number | undefined): void {
  onSaveCheckpointStart({ globalStep: step });
  if (successAfterMs !== undefined) {
    clock.advance(successAfterMs);
    onSaveCheckpointSuccess({ globalStep: step });
    clock.advance(ms - successAfterMs);
  } else {
    clock.advance(ms);
  }
  onSaveCheckpointEnd();
}

/**
 * Async checkpoints, then killed: 5 iterations of 1000 ms from step 0 (updates at overall 2 and 4), async save at
 * step 2 (100 ms blocking, success reported after iteration 3), async save at step 4 (never succeeds),
 * iteration 5, then the process dies (no train end, no application end). Starts at `startWallMs`.
 */
export async function writeKilledAsyncJob(path: string, sessionTag: string, startWallMs = T0): Promise<void> {
  await runJob(
    {
      path,
      sessionTag,
      startWallMs,
      kill: true,
      telemetry: { logEveryNTrainIterations: 2, saveCheckpointStrategy: CheckpointStrategy.ASYNC },
    },
    () => {
      clock.advance(1000);
      onTrainStart({ trainIterationsStart: 0 });
      iteration(1000);
      iteration(1000);
      onSaveCheckpointStart({ globalStep: 2 });
      clock.advance(100);
      onSaveCheckpointEnd();
      iteration(1000);
      onSaveCheckpointSuccess({ globalStep: 2 });
      iteration(1000);
      onSaveCheckpointStart({ globalStep: 4 });
      clock.advance(100);
      onSaveCheckpointEnd();
      iteration(1000);
    },
  );
}

/** The resumed job: from step 2, 4 iterations of 500 ms (updates at overall 4 and 6), sync save at step 6, clean end. */
export async function writeResumedJob(path: string, sessionTag: string, startWallMs: number): Promise<void> {
  await runJob(
    { path, sessionTag, startWallMs, telemetry: { logEveryNTrainIterations: 2, saveCheckpointStrategy: CheckpointStrategy.SYNC } },
    () => {
      clock.advance(500);
      onTrainStart({ trainIterationsStart: 2 });
      for (let i = 0; i < 4; i++) iteration(500);
      save(6, 200, 100);
      onTrainEnd();
      clock.advance(300);
    },
  );
}

/** One rank of a two-rank job: 4 iterations of `iterationMs`, logEvery 2, world size 2. */
export async function writeRankJob(path: string, rank: number, iterationMs: number): Promise<void> {
  await runJob({ path, sessionTag: 'ranks_session', rank, worldSize: 2, telemetry: { logEveryNTrainIterations: 2 } }, () => {
    clock.advance(100 * (rank + 1));
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 4; i++) iteration(iterationMs);
    onTrainEnd();
    clock.advance(100);
  });
}
