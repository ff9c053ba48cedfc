// The job view's data: one JobView per job (the files of one session tag and application name), one RankView per
// rank. Plain JSON: `summarize --json` prints it under `jobs`. Chart series are kept apart (JobSeries).
import type { JobSummary } from '../model/types.js';
import type { Bucket } from './bucket-series.js';
import type { Straggler } from './straggler.js';

export type IterationTimeSource = 'iteration spans' | 'metric updates';

export interface RankView {
  rank: number | undefined;
  files: string[];
  /** Process runs of this rank (more than 1: the rank was resumed). */
  runs: number;
  /** Iterations behind the iteration-time figures. */
  iterations: number;
  iterationTimeSource: IterationTimeSource | undefined;
  iterationTimeSec: { median: number | undefined; p90: number | undefined; max: number | undefined };
  /** Latest logged TFLOP/s per GPU (the rank's job average). */
  throughputPerGpuTflops: number | undefined;
  /** Global samples per second of this rank's iteration time. */
  samplesPerSec: number | undefined;
  checkpointSaveMs: { total: number; max: number | undefined };
  durationMs: number | undefined;
  timeBreakdown: JobSummary['timeBreakdown'];
  /** (rank median − job median) / job median. */
  vsJobMedian: number | undefined;
  straggler: boolean;
  /** Time this rank cost the job (0 unless a straggler). */
  costMs: number;
}

/** min / median / max of one per-rank figure across the ranks, with the ranks holding the extremes. */
export interface SpreadRow {
  key: string;
  label: string;
  unit: 's' | 'ms' | 'TFLOP/s' | 'samples/s' | 'share';
  /** Ranks with a value. */
  ranks: number;
  min: number | undefined;
  minRank: number | undefined;
  median: number | undefined;
  max: number | undefined;
  maxRank: number | undefined;
}

export interface JobView {
  sessionTag: string | undefined;
  applicationName: string | undefined;
  worldSize: number | undefined;
  files: string[];
  /** Sorted by rank. */
  ranks: RankView[];
  /** Ranks below the world size without any file. */
  missingRanks: number[];
  /** Ranks recorded by more than one process at the same time (two files claim the same rank). */
  duplicateRanks: number[];
  jobMedianIterationTimeSec: number | undefined;
  stragglerThreshold: number;
  /** Slowest first. */
  stragglers: Straggler[];
  /** The largest single straggler cost (ms). */
  stragglerCostMs: number;
  spread: SpreadRow[];
}

/** One rank's chart data: each list holds one bucket array per process run (a gap between runs stays a gap). */
export interface RankSeries {
  rank: number | undefined;
  straggler: boolean;
  iterationTimeSec: Bucket[][];
  throughputTflops: Bucket[][];
  modelMetrics: Map<string, Bucket[][]>;
}

export interface JobSeries {
  ranks: RankSeries[];
  startMs: number | undefined;
  endMs: number | undefined;
}
