// Groups the process runs of all files into jobs (by session tag and application name) and ranks (by the rank
// each run recorded), then computes per-rank figures, their spread and the stragglers.

import { combineSegments } from '../summary/combine.js';
import type { SegmentSummary } from '../summary/segment.js';
import type { Bucket } from './bucket-series.js';
import type { IterationTimeSource, JobSeries, JobView, RankSeries, RankView } from './job-types.js';
import { QuantileSketch } from './quantile-sketch.js';
import type { RankRun } from './rank-recorder.js';
import { spreadRows } from './spread-rules.js';
import { DEFAULT_STRAGGLER_THRESHOLD, findStragglers } from './straggler.js';

/** Exported iteration spans carry whole milliseconds; below this median the metric updates are more precise. */
export const MIN_SPAN_MEDIAN_SEC = 0.02;
/** Most ranks reported per job (a rank number is user data; a corrupt file could claim millions). */
export const MAX_RANKS_PER_JOB = 65_536;

export interface FileSegments {
  file: string;
  segments: readonly SegmentSummary[];
}

export interface BuiltJob {
  view: JobView;
  series: JobSeries;
}

interface JobGroup {
  sessionTag: string | undefined;
  applicationName: string | undefined;
  runs: RankRun[];
}

export function buildJobs(runs: readonly RankRun[], files: readonly FileSegments[], threshold = DEFAULT_STRAGGLER_THRESHOLD): BuiltJob[] {
  const groups = new Map<string, JobGroup>();
  for (const run of runs) {
    // Runs without a session tag cannot be told apart from other jobs: each file is a job of its own.
    const key = run.sessionTag === undefined ? `file\u0000${run.file}` : `session\u0000${run.sessionTag}\u0000${run.applicationName ?? ''}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { sessionTag: run.sessionTag, applicationName: run.applicationName, runs: [] }));
    g.runs.push(run);
  }
  const segmentsByFile = new Map(files.map((f) => [f.file, f.segments]));
  return [...groups.values()].map((g) => buildJob(g, segmentsByFile, threshold));
}

function buildJob(g: JobGroup, segmentsByFile: Map<string, readonly SegmentSummary[]>, threshold: number): BuiltJob {
  const byRank = new Map<number | undefined, RankRun[]>();
  for (const run of g.runs) {
    if (!byRank.has(run.rank) && byRank.size >= MAX_RANKS_PER_JOB) continue;
    let list = byRank.get(run.rank);
    if (list === undefined) byRank.set(run.rank, (list = []));
    list.push(run);
  }
  const ranks = [...byRank.entries()].sort(([a], [b]) => (a ?? Number.POSITIVE_INFINITY) - (b ?? Number.POSITIVE_INFINITY));
  const views: RankView[] = [];
  const series: RankSeries[] = [];
  const duplicateRanks: number[] = [];
  for (const [rank, rankRuns] of ranks) {
    rankRuns.sort((a, b) => (a.firstMs ?? 0) - (b.firstMs ?? 0));
    if (rank !== undefined && overlapping(rankRuns)) duplicateRanks.push(rank);
    const built = rankView(rank, rankRuns, segmentsByFile, g.sessionTag);
    views.push(built.view);
    series.push(built.series);
  }
  const result = findStragglers(
    views.map((v) => ({ rank: v.rank, medianSec: v.iterationTimeSec.median, iterations: v.iterations })),
    threshold,
  );
  const jobMedian = result.jobMedianIterationTimeSec;
  for (const v of views) {
    const s = result.stragglers.find((x) => x.rank === v.rank);
    v.straggler = s !== undefined;
    v.costMs = s?.costMs ?? 0;
    const m = v.iterationTimeSec.median;
    v.vsJobMedian = m !== undefined && jobMedian !== undefined && jobMedian > 0 ? (m - jobMedian) / jobMedian : undefined;
  }
  for (const s of series) s.straggler = result.stragglers.some((x) => x.rank === s.rank);
  const worldSize = maxOf(g.runs.map((r) => r.worldSize));
  const present = new Set(views.map((v) => v.rank));
  const missingRanks: number[] = [];
  if (worldSize !== undefined && worldSize <= MAX_RANKS_PER_JOB)
    for (let r = 0; r < worldSize; r++) if (!present.has(r)) missingRanks.push(r);
  const files = [...new Set(g.runs.map((r) => r.file))];
  return {
    view: {
      sessionTag: g.sessionTag,
      applicationName: g.applicationName,
      worldSize,
      files,
      ranks: views,
      missingRanks,
      duplicateRanks,
      jobMedianIterationTimeSec: jobMedian,
      stragglerThreshold: threshold,
      stragglers: result.stragglers,
      stragglerCostMs: result.costMs,
      spread: spreadRows(views),
    },
    series: {
      ranks: series,
      startMs: minOf(g.runs.map((r) => r.firstMs)),
      endMs: maxOf(g.runs.map((r) => r.lastMs)),
    },
  };
}

function rankView(
  rank: number | undefined,
  runs: readonly RankRun[],
  segmentsByFile: Map<string, readonly SegmentSummary[]>,
  sessionTag: string | undefined,
): { view: RankView; series: RankSeries } {
  const spanTimes = new QuantileSketch();
  const updateTimes = new QuantileSketch();
  let loggedMax: number | undefined;
  for (const r of runs) {
    spanTimes.merge(r.spanTimes);
    updateTimes.merge(r.updateTimes);
    if (r.loggedMaxSec !== undefined && (loggedMax === undefined || r.loggedMaxSec > loggedMax)) loggedMax = r.loggedMaxSec;
  }
  const spanMedian = spanTimes.quantile(0.5);
  const useSpans = spanTimes.count > 0 && (updateTimes.count === 0 || (spanMedian !== undefined && spanMedian >= MIN_SPAN_MEDIAN_SEC));
  const sketch = useSpans ? spanTimes : updateTimes;
  const source: IterationTimeSource | undefined = sketch.count === 0 ? undefined : useSpans ? 'iteration spans' : 'metric updates';
  const observedMax = sketch.count > 0 ? sketch.max : undefined;
  const files = [...new Set(runs.map((r) => r.file))];
  // The rank's own summary (checkpoints, duration, time breakdown) from the summary segments of its files.
  const segments = files.flatMap((f) =>
    (segmentsByFile.get(f) ?? []).filter(
      (s) => s.summary.application.sessionTag === sessionTag && (s.summary.application.ranks[0] ?? undefined) === rank,
    ),
  );
  const summary = segments.length > 0 ? combineSegments([...segments], files) : undefined;
  const t = summary?.training;
  const perIteration =
    t?.samplesJob !== undefined && t.iterationsJob !== undefined && t.iterationsJob > 0 ? t.samplesJob / t.iterationsJob : undefined;
  const median = sketch.quantile(0.5);
  const view: RankView = {
    rank,
    files,
    runs: runs.length,
    iterations: Math.round(sketch.count),
    iterationTimeSource: source,
    iterationTimeSec: {
      median,
      p90: sketch.quantile(0.9),
      max: observedMax === undefined ? loggedMax : Math.max(observedMax, loggedMax ?? observedMax),
    },
    throughputPerGpuTflops: t?.throughputPerGpuTflops.latest,
    samplesPerSec: perIteration !== undefined && median !== undefined && median > 0 ? perIteration / median : undefined,
    checkpointSaveMs: { total: summary?.checkpoints.saveTimeTotalMs ?? 0, max: summary?.checkpoints.saveTimeMaxMs },
    durationMs: summary?.application.durationMs,
    timeBreakdown: summary?.timeBreakdown,
    vsJobMedian: undefined,
    straggler: false,
    costMs: 0,
  };
  const metricNames = new Set(runs.flatMap((r) => [...r.modelMetrics.keys()]));
  const series: RankSeries = {
    rank,
    straggler: false,
    iterationTimeSec: runs.map((r) => (useSpans ? r.spanSeries : r.updateSeries).buckets).filter(nonEmpty),
    throughputTflops: runs.map((r) => r.throughput.buckets).filter(nonEmpty),
    modelMetrics: new Map(
      [...metricNames].map((name) => [name, runs.map((r) => r.modelMetrics.get(name)?.buckets ?? []).filter(nonEmpty)]),
    ),
  };
  return { view, series };
}

function nonEmpty(b: Bucket[]): boolean {
  return b.length > 0;
}

/** Two runs of the same rank at the same time: two processes claim one rank. */
function overlapping(runs: readonly RankRun[]): boolean {
  for (let i = 1; i < runs.length; i++) {
    const prev = runs[i - 1] as RankRun;
    const cur = runs[i] as RankRun;
    if (prev.lastMs !== undefined && cur.firstMs !== undefined && cur.firstMs < prev.lastMs) return true;
  }
  return false;
}

function maxOf(values: readonly (number | undefined)[]): number | undefined {
  let out: number | undefined;
  for (const v of values) if (v !== undefined && (out === undefined || v > out)) out = v;
  return out;
}

function minOf(values: readonly (number | undefined)[]): number | undefined {
  let out: number | undefined;
  for (const v of values) if (v !== undefined && (out === undefined || v < out)) out = v;
  return out;
}
