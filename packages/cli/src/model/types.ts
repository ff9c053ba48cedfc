// The typed model shared by the CLI's commands and the HTML report. Everything here is plain JSON data;
// `JobSummary` is also the documented `one-logger summarize --json` document (SUMMARY_SCHEMA_VERSION).

export const SUMMARY_SCHEMA_VERSION = '1.2.0';

/** One problem found while reading or checking input: `file:line: message`. */
export interface Finding {
  file: string;
  /** 1-based line number; 0 for problems of the whole file. */
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

/** A span rebuilt from start/stop/complete records. Times are epoch milliseconds. */
export interface SpanNode {
  id: string;
  name: string;
  /** From `parent_id` when present, else inferred (see `parentInferred`). */
  parentId: string | undefined;
  /** True when the parent was inferred from time nesting (files without `parent_id`, e.g. from the Python library). */
  parentInferred: boolean;
  pid: number | undefined;
  startMs: number | undefined;
  endMs: number | undefined;
  durationMs: number | undefined;
  attributes: Record<string, unknown>;
  /** Events (incl. errors) recorded on this span, in file order. */
  events: { name: string; timeMs: number | undefined; attributes: Record<string, unknown>; kind: 'event' | 'application_error' }[];
  children: SpanNode[];
}

/** One `training_metrics_update` event, flattened for charts and tables. */
export interface TrainingMetricPoint {
  timeMs: number;
  currentIteration: number;
  numIterations: number;
  avgIterationTimeSec: number | undefined;
  minIterationTimeSec: number | undefined;
  maxIterationTimeSec: number | undefined;
  trainThroughputPerGpu: number | undefined;
  trainSamples: number | undefined;
  /**
   * Set when the series was downsampled: the logged updates this point stands for (since the previous kept point)
   * and the smallest and largest interval-mean iteration time among them, so spikes survive sampling.
   */
  updates?: number;
  intervalMinSec?: number;
  intervalMaxSec?: number;
}

/** One model metric over a job (from `model_metrics` events): its last value, min and max, with their steps. */
export interface ModelMetricStats {
  name: string;
  /** Values logged. */
  count: number;
  last: number;
  lastStep: number | undefined;
  /** Time of the last value (epoch ms), to pick the latest across files. */
  lastTimeMs: number | undefined;
  min: number;
  minStep: number | undefined;
  max: number;
  maxStep: number | undefined;
}

/** One point of a model metric, for charts. */
export interface ModelMetricPoint {
  step: number;
  value: number;
  timeMs: number | undefined;
}

/** The series of one model metric in one file (downsampled; first and last points kept). */
export interface ModelMetricSeriesData {
  name: string;
  /** A validation metric (`val_` / `validation_` prefix, or logged during a validation loop). */
  validation: boolean;
  points: ModelMetricPoint[];
}

/** The completed spans of one name (durations in ms). */
export interface SpanNameStats {
  name: string;
  count: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
  /**
   * totalMs over the application time (summed over processes for several); undefined without one. Spans nest
   * and run concurrently, so the shares of several names do not add up to 1.
   */
  shareOfApplication: number | undefined;
}

export interface PhaseDurations {
  distributedInitMs: number | undefined;
  modelInitMs: number | undefined;
  optimizerInitMs: number | undefined;
  dataloaderInitMs: number | undefined;
  checkpointLoadMs: number | undefined;
}

/** The summary of one file, or of several files of one session (ranks / resumed jobs). */
export interface JobSummary {
  schemaVersion: string;
  /** The files this summary covers. */
  files: string[];
  application: {
    name: string | undefined;
    sessionTag: string | undefined;
    perfTag: string | string[] | undefined;
    ranks: number[];
    worldSize: number | undefined;
    startMs: number | undefined;
    endMs: number | undefined;
    durationMs: number | undefined;
    /** The application span has a stop record. */
    endedCleanly: boolean;
    /** Compute backend from a `backend` custom-metadata entry (e.g. `cpu`, `webgl`, `cuda`). */
    backend: string | undefined;
  };
  phases: PhaseDurations;
  training: {
    /** Iterations / samples done by this job (or these jobs) and overall (including resumed-from progress). */
    iterationsJob: number | undefined;
    iterationsOverall: number | undefined;
    samplesJob: number | undefined;
    samplesOverall: number | undefined;
    tokensJob: number | undefined;
    avgIterationTimeSec: number | undefined;
    minIterationTimeSec: number | undefined;
    maxIterationTimeSec: number | undefined;
    throughputPerGpuTflops: { latest: number | undefined; min: number | undefined; max: number | undefined };
    /** Global samples per second of training-iteration time (all ranks). */
    samplesPerSec: number | undefined;
    /** Global steps per second of training-iteration time. */
    iterationsPerSec: number | undefined;
    /** From the application start to the end of the first iteration. */
    timeToFirstIterationMs: number | undefined;
    loops: number;
  };
  validation: { loops: number; iterations: number | undefined; timeMs: number };
  /** The model's own metrics (`model_metrics` events), training and validation, each in first-logged order. */
  modelMetrics: { training: ModelMetricStats[]; validation: ModelMetricStats[] };
  testing: { loops: number; timeMs: number };
  checkpoints: {
    saves: number;
    syncSaves: number;
    asyncSaves: number;
    successes: number;
    saveTimeTotalMs: number;
    saveTimeMinMs: number | undefined;
    saveTimeMaxMs: number | undefined;
    lastSuccessfulStep: number | undefined;
    productiveIterations: number | undefined;
    productiveSamples: number | undefined;
    productiveTrainTimeSec: number | undefined;
    /** Iterations done after the last successful checkpoint (lost if the job died now). */
    iterationsSinceLastCheckpoint: number | undefined;
  };
  /** Shares of the application time (0..1); they add up to 1 when the application time is known. */
  timeBreakdown:
    | {
        initialization: number;
        training: number;
        validation: number;
        checkpointSaving: number;
        other: number;
        /** Time between resumed runs, when no process of the job ran (0 for a single run). */
        betweenRuns: number;
      }
    | undefined;
  /**
   * Completed spans by name, every span but the application span, largest total time first: at most
   * MAX_SPAN_NAMES names; spans of further names are counted together in `other`.
   */
  spanStats: {
    byName: SpanNameStats[];
    other: { count: number; totalMs: number; maxMs: number | undefined; shareOfApplication: number | undefined };
  };
  errors: { spanName: string | undefined; message: string; exceptionType: string | undefined; timeMs: number | undefined }[];
  telemetryDataErrors: { message: string; type: string | undefined; timeMs: number | undefined }[];
  /** Non-standard JSON tokens (NaN/Infinity from the Python library) and other tolerated problems. */
  findings: Finding[];
  records: number;
}
