// Combines segment summaries (processes) into one JobSummary: a file with several runs, or a session.
// Segments whose application times overlap are ranks of one run (concurrent: slowest/largest rank wins);
// runs one after another are resumed jobs (sequential: amounts add up, "latest" values come from the last run).
import { type Finding, type JobSummary, SUMMARY_SCHEMA_VERSION } from '../model/types.js';
import { mergeModelMetrics, trainingRates } from './model-metrics.js';
import { iterationsSinceCheckpoint, MAX_LISTED_ERRORS, maxDefined, minDefined, type SegmentSummary, shares } from './segment.js';
import { emptySpanStats, mergeSpanStats, withShares } from './span-stats.js';

/** A JobSummary for inputs that yielded no records (missing, empty, foreign…). */
export function emptySummary(files: string[], findings: Finding[] = []): JobSummary {
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    files: [...files],
    application: {
      name: undefined,
      sessionTag: undefined,
      perfTag: undefined,
      ranks: [],
      worldSize: undefined,
      startMs: undefined,
      endMs: undefined,
      durationMs: undefined,
      endedCleanly: false,
      backend: undefined,
    },
    phases: {
      distributedInitMs: undefined,
      modelInitMs: undefined,
      optimizerInitMs: undefined,
      dataloaderInitMs: undefined,
      checkpointLoadMs: undefined,
    },
    training: {
      iterationsJob: undefined,
      iterationsOverall: undefined,
      samplesJob: undefined,
      samplesOverall: undefined,
      tokensJob: undefined,
      avgIterationTimeSec: undefined,
      minIterationTimeSec: undefined,
      maxIterationTimeSec: undefined,
      throughputPerGpuTflops: { latest: undefined, min: undefined, max: undefined },
      samplesPerSec: undefined,
      iterationsPerSec: undefined,
      timeToFirstIterationMs: undefined,
      loops: 0,
    },
    validation: { loops: 0, iterations: undefined, timeMs: 0 },
    modelMetrics: { training: [], validation: [] },
    testing: { loops: 0, timeMs: 0 },
    checkpoints: {
      saves: 0,
      syncSaves: 0,
      asyncSaves: 0,
      successes: 0,
      saveTimeTotalMs: 0,
      saveTimeMinMs: undefined,
      saveTimeMaxMs: undefined,
      lastSuccessfulStep: undefined,
      productiveIterations: undefined,
      productiveSamples: undefined,
      productiveTrainTimeSec: undefined,
      iterationsSinceLastCheckpoint: undefined,
    },
    timeBreakdown: undefined,
    spanStats: emptySpanStats(),
    errors: [],
    telemetryDataErrors: [],
    findings: [...findings],
    records: 0,
  };
}

/**
 * One summary of `segments` (any order) covering `files`, with `findings` attached.
 * A single segment is returned as is (its own files list replaced).
 */
export function combineSegments(segments: SegmentSummary[], files: string[], findings: Finding[] = []): JobSummary {
  if (segments.length === 0) return emptySummary(files, findings);
  const runs = groupRuns(segments).map((run) => run.reduce(mergeConcurrent));
  const all = runs.reduce(mergeSequential);
  // A single segment is returned by reduce as is: never mutate a segment's own summary.
  const s = structuredClone(all.summary);
  // Derived values are recomputed over the whole group.
  s.checkpoints.iterationsSinceLastCheckpoint = iterationsSinceCheckpoint(
    s.training.iterationsOverall,
    s.checkpoints.productiveIterations,
    s.checkpoints.successes === 0 ? all.extra.trainIterationsStart : undefined,
  );
  s.timeBreakdown = all.extra.breakdownBaseMs > 0 ? shares(all.extra.categoriesMs, all.extra.breakdownBaseMs) : undefined;
  // Span time is process time: its shares are over the summed application times, idle gaps left out.
  s.spanStats = withShares(s.spanStats, all.extra.breakdownBaseMs - all.extra.categoriesMs.betweenRuns);
  Object.assign(s.training, trainingRates(s.training));
  const dropped = all.extra.errorsDropped;
  s.files = [...files];
  s.findings = [...findings];
  if (dropped > 0) {
    s.findings.push({
      file: files[0] ?? '',
      line: 0,
      severity: 'warning',
      message: `${dropped} more errors not listed (limit ${MAX_LISTED_ERRORS})`,
    });
  }
  return s;
}

/** Clusters segments whose [start, end] overlap (ranks of one run), in start order; ranks sorted inside a run. */
function groupRuns(segments: SegmentSummary[]): SegmentSummary[][] {
  const timed = segments.filter((g) => g.summary.application.startMs !== undefined);
  const untimed = segments.filter((g) => g.summary.application.startMs === undefined);
  timed.sort((a, b) => (a.summary.application.startMs as number) - (b.summary.application.startMs as number));
  const runs: SegmentSummary[][] = [];
  let runEnd = Number.NEGATIVE_INFINITY;
  for (const g of timed) {
    const start = g.summary.application.startMs as number;
    const end = g.summary.application.endMs ?? start;
    const last = runs[runs.length - 1];
    if (last !== undefined && start < runEnd) {
      last.push(g);
      runEnd = Math.max(runEnd, end);
    } else {
      runs.push([g]);
      runEnd = end;
    }
  }
  for (const g of untimed) runs.push([g]);
  const rankOf = (g: SegmentSummary) => g.summary.application.ranks[0] ?? Number.POSITIVE_INFINITY;
  for (const run of runs) run.sort((a, b) => rankOf(a) - rankOf(b));
  return runs;
}

function sumDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : a + b;
}

function union(a: number[], b: number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

function byTime<T extends { timeMs: number | undefined }>(a: T[], b: T[]): T[] {
  const all = [...a, ...b];
  all.sort((x, y) => (x.timeMs ?? Number.POSITIVE_INFINITY) - (y.timeMs ?? Number.POSITIVE_INFINITY));
  return all.slice(0, MAX_LISTED_ERRORS);
}

/** Errors beyond the listing limit after concatenating two lists, plus those already dropped. */
function droppedBeyond(a: SegmentSummary, b: SegmentSummary): number {
  const over = (n: number) => Math.max(0, n - MAX_LISTED_ERRORS);
  return (
    a.extra.errorsDropped +
    b.extra.errorsDropped +
    over(a.summary.errors.length + b.summary.errors.length) +
    over(a.summary.telemetryDataErrors.length + b.summary.telemetryDataErrors.length)
  );
}

function mergeShared(
  a: SegmentSummary,
  b: SegmentSummary,
): Pick<SegmentSummary['extra'], 'categoriesMs' | 'breakdownBaseMs' | 'errorsDropped'> {
  const ca = a.extra.categoriesMs;
  const cb = b.extra.categoriesMs;
  return {
    // Shares are over rank-time: every process's time counts once.
    categoriesMs: {
      initialization: ca.initialization + cb.initialization,
      training: ca.training + cb.training,
      validation: ca.validation + cb.validation,
      checkpointSaving: ca.checkpointSaving + cb.checkpointSaving,
      other: ca.other + cb.other,
      betweenRuns: ca.betweenRuns + cb.betweenRuns,
    },
    breakdownBaseMs: a.extra.breakdownBaseMs + b.extra.breakdownBaseMs,
    errorsDropped: droppedBeyond(a, b),
  };
}

/** Time from the end of one run to the start of the next (0 when unknown or overlapping). */
function gapBetween(endMs: number | undefined, nextStartMs: number | undefined): number {
  return endMs !== undefined && nextStartMs !== undefined && nextStartMs > endMs ? nextStartMs - endMs : 0;
}

function span(startMs: number | undefined, endMs: number | undefined, fallback: number | undefined): number | undefined {
  return startMs !== undefined && endMs !== undefined ? endMs - startMs : fallback;
}

/** Ranks of one run: they do the same work at the same time, so amounts and durations take the largest rank. */
function mergeConcurrent(a: SegmentSummary, b: SegmentSummary): SegmentSummary {
  const x = a.summary;
  const y = b.summary;
  const startMs = minDefined(x.application.startMs, y.application.startMs);
  const endMs = maxDefined(x.application.endMs, y.application.endMs);
  const laterSuccess = (b.extra.lastSuccessMs ?? Number.NEGATIVE_INFINITY) > (a.extra.lastSuccessMs ?? Number.NEGATIVE_INFINITY) ? b : a;
  const cs = laterSuccess.summary.checkpoints;
  const summary: JobSummary = {
    ...x,
    application: {
      name: x.application.name ?? y.application.name,
      sessionTag: x.application.sessionTag ?? y.application.sessionTag,
      perfTag: x.application.perfTag ?? y.application.perfTag,
      ranks: union(x.application.ranks, y.application.ranks),
      worldSize: maxDefined(x.application.worldSize, y.application.worldSize),
      startMs,
      endMs,
      durationMs: span(startMs, endMs, maxDefined(x.application.durationMs, y.application.durationMs)),
      endedCleanly: x.application.endedCleanly && y.application.endedCleanly,
      backend: x.application.backend ?? y.application.backend,
    },
    phases: {
      distributedInitMs: maxDefined(x.phases.distributedInitMs, y.phases.distributedInitMs),
      modelInitMs: maxDefined(x.phases.modelInitMs, y.phases.modelInitMs),
      optimizerInitMs: maxDefined(x.phases.optimizerInitMs, y.phases.optimizerInitMs),
      dataloaderInitMs: maxDefined(x.phases.dataloaderInitMs, y.phases.dataloaderInitMs),
      checkpointLoadMs: maxDefined(x.phases.checkpointLoadMs, y.phases.checkpointLoadMs),
    },
    training: {
      iterationsJob: maxDefined(x.training.iterationsJob, y.training.iterationsJob),
      iterationsOverall: maxDefined(x.training.iterationsOverall, y.training.iterationsOverall),
      samplesJob: maxDefined(x.training.samplesJob, y.training.samplesJob),
      samplesOverall: maxDefined(x.training.samplesOverall, y.training.samplesOverall),
      tokensJob: maxDefined(x.training.tokensJob, y.training.tokensJob),
      avgIterationTimeSec: maxDefined(x.training.avgIterationTimeSec, y.training.avgIterationTimeSec),
      minIterationTimeSec: minDefined(x.training.minIterationTimeSec, y.training.minIterationTimeSec),
      maxIterationTimeSec: maxDefined(x.training.maxIterationTimeSec, y.training.maxIterationTimeSec),
      throughputPerGpuTflops: {
        latest: x.training.throughputPerGpuTflops.latest ?? y.training.throughputPerGpuTflops.latest,
        min: minDefined(x.training.throughputPerGpuTflops.min, y.training.throughputPerGpuTflops.min),
        max: maxDefined(x.training.throughputPerGpuTflops.max, y.training.throughputPerGpuTflops.max),
      },
      // Derived again from the merged figures (combineSegments).
      samplesPerSec: undefined,
      iterationsPerSec: undefined,
      timeToFirstIterationMs: maxDefined(x.training.timeToFirstIterationMs, y.training.timeToFirstIterationMs),
      loops: Math.max(x.training.loops, y.training.loops),
    },
    validation: {
      loops: Math.max(x.validation.loops, y.validation.loops),
      iterations: maxDefined(x.validation.iterations, y.validation.iterations),
      timeMs: Math.max(x.validation.timeMs, y.validation.timeMs),
    },
    testing: { loops: Math.max(x.testing.loops, y.testing.loops), timeMs: Math.max(x.testing.timeMs, y.testing.timeMs) },
    modelMetrics: mergeModelMetrics(x.modelMetrics, y.modelMetrics),
    checkpoints: {
      saves: Math.max(x.checkpoints.saves, y.checkpoints.saves),
      syncSaves: Math.max(x.checkpoints.syncSaves, y.checkpoints.syncSaves),
      asyncSaves: Math.max(x.checkpoints.asyncSaves, y.checkpoints.asyncSaves),
      successes: Math.max(x.checkpoints.successes, y.checkpoints.successes),
      saveTimeTotalMs: Math.max(x.checkpoints.saveTimeTotalMs, y.checkpoints.saveTimeTotalMs),
      saveTimeMinMs: minDefined(x.checkpoints.saveTimeMinMs, y.checkpoints.saveTimeMinMs),
      saveTimeMaxMs: maxDefined(x.checkpoints.saveTimeMaxMs, y.checkpoints.saveTimeMaxMs),
      lastSuccessfulStep: cs.lastSuccessfulStep,
      productiveIterations: cs.productiveIterations,
      productiveSamples: cs.productiveSamples,
      productiveTrainTimeSec: cs.productiveTrainTimeSec,
      iterationsSinceLastCheckpoint: undefined,
    },
    spanStats: mergeSpanStats(x.spanStats, y.spanStats),
    errors: byTime(x.errors, y.errors),
    telemetryDataErrors: byTime(x.telemetryDataErrors, y.telemetryDataErrors),
    findings: [],
    records: x.records + y.records,
    files: [...new Set([...x.files, ...y.files])],
  };
  return {
    summary,
    extra: {
      ...mergeShared(a, b),
      reportedIterations: Math.max(a.extra.reportedIterations, b.extra.reportedIterations),
      trainIterationsStart: minDefined(a.extra.trainIterationsStart, b.extra.trainIterationsStart),
      lastSuccessMs: laterSuccess.extra.lastSuccessMs,
    },
  };
}

/** A later run (resumed job) after an earlier one: amounts add up, "latest" values come from the later run. */
function mergeSequential(a: SegmentSummary, b: SegmentSummary): SegmentSummary {
  const x = a.summary;
  const y = b.summary;
  const startMs = x.application.startMs ?? y.application.startMs;
  const endMs = y.application.endMs ?? x.application.endMs;
  const ni = a.extra.reportedIterations;
  const nj = b.extra.reportedIterations;
  const ax = x.training.avgIterationTimeSec;
  const ay = y.training.avgIterationTimeSec;
  const avg = ax !== undefined && ay !== undefined && ni + nj > 0 ? (ax * ni + ay * nj) / (ni + nj) : (ay ?? ax);
  const later = y.checkpoints.successes > 0 ? b : a;
  const cs = later.summary.checkpoints;
  const summary: JobSummary = {
    ...x,
    application: {
      name: x.application.name ?? y.application.name,
      sessionTag: x.application.sessionTag ?? y.application.sessionTag,
      perfTag: y.application.perfTag ?? x.application.perfTag,
      ranks: union(x.application.ranks, y.application.ranks),
      worldSize: maxDefined(x.application.worldSize, y.application.worldSize),
      startMs,
      endMs,
      durationMs: span(startMs, endMs, sumDefined(x.application.durationMs, y.application.durationMs)),
      endedCleanly: y.application.endedCleanly,
      backend: y.application.backend ?? x.application.backend,
    },
    phases: {
      distributedInitMs: sumDefined(x.phases.distributedInitMs, y.phases.distributedInitMs),
      modelInitMs: sumDefined(x.phases.modelInitMs, y.phases.modelInitMs),
      optimizerInitMs: sumDefined(x.phases.optimizerInitMs, y.phases.optimizerInitMs),
      dataloaderInitMs: sumDefined(x.phases.dataloaderInitMs, y.phases.dataloaderInitMs),
      checkpointLoadMs: sumDefined(x.phases.checkpointLoadMs, y.phases.checkpointLoadMs),
    },
    training: {
      iterationsJob: sumDefined(x.training.iterationsJob, y.training.iterationsJob),
      iterationsOverall: y.training.iterationsOverall ?? x.training.iterationsOverall,
      samplesJob: sumDefined(x.training.samplesJob, y.training.samplesJob),
      samplesOverall: y.training.samplesOverall ?? x.training.samplesOverall,
      tokensJob: sumDefined(x.training.tokensJob, y.training.tokensJob),
      avgIterationTimeSec: avg,
      minIterationTimeSec: minDefined(x.training.minIterationTimeSec, y.training.minIterationTimeSec),
      maxIterationTimeSec: maxDefined(x.training.maxIterationTimeSec, y.training.maxIterationTimeSec),
      throughputPerGpuTflops: {
        latest: y.training.throughputPerGpuTflops.latest ?? x.training.throughputPerGpuTflops.latest,
        min: minDefined(x.training.throughputPerGpuTflops.min, y.training.throughputPerGpuTflops.min),
        max: maxDefined(x.training.throughputPerGpuTflops.max, y.training.throughputPerGpuTflops.max),
      },
      samplesPerSec: undefined,
      iterationsPerSec: undefined,
      timeToFirstIterationMs: x.training.timeToFirstIterationMs ?? y.training.timeToFirstIterationMs,
      loops: x.training.loops + y.training.loops,
    },
    validation: {
      loops: x.validation.loops + y.validation.loops,
      iterations: sumDefined(x.validation.iterations, y.validation.iterations),
      timeMs: x.validation.timeMs + y.validation.timeMs,
    },
    testing: { loops: x.testing.loops + y.testing.loops, timeMs: x.testing.timeMs + y.testing.timeMs },
    modelMetrics: mergeModelMetrics(x.modelMetrics, y.modelMetrics),
    checkpoints: {
      saves: x.checkpoints.saves + y.checkpoints.saves,
      syncSaves: x.checkpoints.syncSaves + y.checkpoints.syncSaves,
      asyncSaves: x.checkpoints.asyncSaves + y.checkpoints.asyncSaves,
      successes: x.checkpoints.successes + y.checkpoints.successes,
      saveTimeTotalMs: x.checkpoints.saveTimeTotalMs + y.checkpoints.saveTimeTotalMs,
      saveTimeMinMs: minDefined(x.checkpoints.saveTimeMinMs, y.checkpoints.saveTimeMinMs),
      saveTimeMaxMs: maxDefined(x.checkpoints.saveTimeMaxMs, y.checkpoints.saveTimeMaxMs),
      lastSuccessfulStep: cs.lastSuccessfulStep,
      productiveIterations: cs.productiveIterations,
      productiveSamples: cs.productiveSamples,
      productiveTrainTimeSec: cs.productiveTrainTimeSec,
      iterationsSinceLastCheckpoint: undefined,
    },
    spanStats: mergeSpanStats(x.spanStats, y.spanStats),
    errors: byTime(x.errors, y.errors),
    telemetryDataErrors: byTime(x.telemetryDataErrors, y.telemetryDataErrors),
    findings: [],
    records: x.records + y.records,
    files: [...new Set([...x.files, ...y.files])],
  };
  // The gap between the runs is part of the duration, so it is part of the breakdown too: idle rank-time of the
  // resumed run's ranks, shown as "between runs" (the charts leave it empty).
  const shared = mergeShared(a, b);
  const gapMs = gapBetween(x.application.endMs, y.application.startMs) * Math.max(1, y.application.ranks.length);
  shared.categoriesMs.betweenRuns += gapMs;
  shared.breakdownBaseMs += gapMs;
  return {
    summary,
    extra: {
      ...shared,
      reportedIterations: ni + nj,
      trainIterationsStart: a.extra.trainIterationsStart ?? b.extra.trainIterationsStart,
      lastSuccessMs: later.extra.lastSuccessMs,
    },
  };
}
