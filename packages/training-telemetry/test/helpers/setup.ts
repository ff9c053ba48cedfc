// Provider set-ups writing through a real FileExporter into the test environment's temporary directory.
import { join } from 'node:path';
import { beforeEach } from 'node:test';
import { ErrorHandlingStrategy, ExportCustomizationMode, FileExporter, internalLogger } from '@nv-one-logger/core';
import { type Rec, readRecords } from '../../../core/test/helpers/records.js';
import {
  type TrainingBaseConfigInput,
  type TrainingRecorder,
  type TrainingTelemetryConfigInput,
  TrainingTelemetryProvider,
} from '../../src/index.js';
import { RecordingExporter, type RecordingExporterOptions } from './recording-exporter.js';
import type { TestEnvironment } from './test-environment.js';

export const PID = process.pid;

/** The base config of the recorded set-up. */
export const TEST_BASE = { applicationName: 'test_app', sessionTag: 'test_session', worldSize: 4 } as const;

/** A complete training config with throughput logging and targets. */
export const TEST_TELEMETRY: TrainingTelemetryConfigInput = {
  perfTag: 'test_perf',
  globalBatchSize: 32,
  flopsPerSample: 100,
  isLogThroughputEnabled: true,
  trainIterationsTarget: 1000,
  trainSamplesTarget: 32000,
  logEveryNTrainIterations: 10,
};

// ------------------------------------------------------------------ a FileExporter plus a RecordingExporter

export interface RecordedSetupOptions {
  /** `null`: no training config at configure time. Default: the set-up's default telemetry. */
  telemetry?: TrainingTelemetryConfigInput | null;
  worldSize?: number;
  exportAll?: boolean;
  enableForCurrentRank?: boolean;
  /** The DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR error handling strategy. */
  quiet?: boolean;
}

export interface RecordedSetup {
  file: string;
  rec: RecordingExporter;
  recorder: TrainingRecorder;
  records(): Rec[];
}

/**
 * A `setup(options)` that configures the provider (TEST_BASE) with a FileExporter on a new file of `env` and a
 * RecordingExporter (made with `exporterOptions`), and `telemetry` as the default training config.
 */
export function recordedSetup(
  env: TestEnvironment,
  telemetry: TrainingTelemetryConfigInput,
  exporterOptions: RecordingExporterOptions = {},
): (options?: RecordedSetupOptions) => RecordedSetup {
  return (options = {}) => {
    const file = env.newFile();
    const rec = new RecordingExporter(exporterOptions);
    const telemetryConfig = options.telemetry === undefined ? telemetry : options.telemetry;
    const provider = TrainingTelemetryProvider.instance()
      .withBaseConfig({
        ...TEST_BASE,
        worldSize: options.worldSize ?? TEST_BASE.worldSize,
        ...(options.enableForCurrentRank === false ? { enableForCurrentRank: false } : {}),
        ...(options.quiet ? { errorHandlingStrategy: ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR } : {}),
        ...(telemetryConfig !== null ? { telemetryConfig } : {}),
      })
      .withExporter(new FileExporter({ filePath: file }))
      .withExporter(rec);
    if (options.exportAll) provider.withExportCustomization(ExportCustomizationMode.EXPORT_ALL_SPANS);
    provider.configureProvider();
    return { file, rec, recorder: provider.recorder, records: () => readRecords(file) };
  };
}

// ------------------------------------------------------------------ a FileExporter alone, with the internal log captured

export interface FileSetupDefaults {
  /** The base config. */
  core: TrainingBaseConfigInput;
  /** Merged under `options.telemetry` when a test gives one. */
  telemetry: TrainingTelemetryConfigInput;
}

export interface FileSetupOptions {
  /** `undefined`: no training config; otherwise merged over the defaults. */
  telemetry?: Partial<TrainingTelemetryConfigInput> | undefined;
  /** Merged over the default base config. */
  core?: Partial<TrainingBaseConfigInput>;
  mode?: ExportCustomizationMode;
  /** Default 'telemetry.jsonl'. */
  fileName?: string;
}

export interface FileSetup {
  path: string;
  recorder: TrainingRecorder;
  exporter: FileExporter;
  provider: TrainingTelemetryProvider;
}

export interface FileSetupHarness {
  setup(options?: FileSetupOptions): FileSetup;
  /** `[level, message]` of every internal log line since `setup` in the current test (emptied before each test). */
  readonly logs: Array<[string, string]>;
}

export function fileSetup(env: TestEnvironment, defaults: FileSetupDefaults): FileSetupHarness {
  const logs: Array<[string, string]> = [];
  beforeEach(() => {
    logs.length = 0;
  });
  const setup = (options: FileSetupOptions = {}): FileSetup => {
    const path = join(env.dir, options.fileName ?? 'telemetry.jsonl');
    const exporter = new FileExporter({ filePath: path });
    const telemetry = options.telemetry === undefined ? {} : { telemetryConfig: { ...defaults.telemetry, ...options.telemetry } };
    const provider = TrainingTelemetryProvider.instance()
      .withBaseConfig({ ...defaults.core, ...telemetry, ...options.core })
      .withExporter(exporter);
    if (options.mode !== undefined) provider.withExportCustomization(options.mode);
    provider.configureProvider();
    internalLogger.listener = (level, message) => logs.push([level, message]);
    return { path, recorder: provider.recorder, exporter, provider };
  };
  return { setup, logs };
}
