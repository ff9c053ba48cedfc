// Test fixtures written by the REAL libraries (core + training-telemetry dist) with a fake clock, so every
// timestamp and duration in the JSONL is known exactly.
import { ExportCustomizationMode, FileExporter, setClock } from '@nv-one-logger/core';
import {
  onAppEnd,
  onAppStart,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  type TrainingRecorder,
  type TrainingTelemetryConfigInput,
  TrainingTelemetryProvider,
} from '@nv-one-logger/training-telemetry';

export const T0 = 1_700_000_000_000;

/** A shared fake clock: wall and monotonic advance together. */
export class FakeClock {
  wall = T0;
  perf = 50_000;

  install(startWallMs = T0): void {
    this.wall = startWallMs;
    this.perf = 50_000;
    setClock({ wallMs: () => this.wall, perfMs: () => this.perf });
  }

  advance(ms: number): void {
    this.wall += ms;
    this.perf += ms;
  }

  /** Milliseconds since `T0`. */
  get offset(): number {
    return this.wall - T0;
  }
}

export const clock = new FakeClock();

export interface JobOptions {
  path: string;
  sessionTag: string;
  worldSize?: number;
  rank?: number;
  startWallMs?: number;
  telemetry?: Partial<TrainingTelemetryConfigInput>;
  /** Leave the job without onAppEnd (a killed process: only records already due are in the file). */
  kill?: boolean;
  /** Export every span, including the per-iteration ones (many span records). */
  exportAllSpans?: boolean;
}

/**
 * Runs `body` as one job writing to `options.path` through a real FileExporter (append mode), then ends the
 * application (unless killed) and resets the provider for the next job.
 */
export async function runJob(options: JobOptions, body: (recorder: TrainingRecorder) => void | Promise<void>): Promise<void> {
  clock.install(options.startWallMs ?? T0);
  const previousRank = process.env.RANK;
  process.env.RANK = String(options.rank ?? 0);
  try {
    const builder = TrainingTelemetryProvider.instance();
    if (options.exportAllSpans) builder.withExportCustomization(ExportCustomizationMode.EXPORT_ALL_SPANS);
    const provider = builder
      .withBaseConfig({
        applicationName: 'cli_test_app',
        sessionTag: options.sessionTag,
        worldSize: options.worldSize ?? 1,
        telemetryConfig: { perfTag: 'cli_perf', globalBatchSize: 32, ...options.telemetry },
      })
      // A killed job's exporter stays open in this process (as the records of a dead process stay in its file);
      // it must not watch the file afterwards, or deleting the test's files is reported as a log rotation.
      .withExporter(new FileExporter({ filePath: options.path, ...(options.kill ? { rotationCheckIntervalMs: 0 } : {}) }))
      .configureProvider();
    onAppStart();
    await body(provider.recorder);
    if (!options.kill) await onAppEnd();
  } finally {
    TrainingTelemetryProvider.resetForTests();
    setClock(undefined);
    if (previousRank === undefined) delete process.env.RANK;
    else process.env.RANK = previousRank;
  }
}

/** One training iteration of `ms` milliseconds. */
export function iteration(ms: number): void {
  onTrainingSingleIterationStart();
  clock.advance(ms);
  onTrainingSingleIterationEnd();
}
