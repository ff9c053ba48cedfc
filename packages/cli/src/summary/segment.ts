// Accumulates the records of one process run (a "segment": one pid, one application span) into a JobSummary,
// record by record, keeping only scalars, the last metric events and the spans still open (bounded memory).
import { EVENT, INIT_SPANS, SPAN } from '../model/names.js';
import type { Finding } from '../model/types.js';
import { type JobSummary, SUMMARY_SCHEMA_VERSION } from '../model/types.js';
import type { LightEventItem, LightSpanItem } from '../records/light-record.js';
import { parseJsonLine } from '../records/parse-line.js';
import { type Attrs, asAttrs, eventTimeMs, num, payloadOf, type RawRecord, str } from '../records/raw-record.js';
import { backendOf, MAX_MODEL_METRICS, ModelMetricsAccumulator, trainingRates } from './model-metrics.js';
import { SpanStatsAccumulator } from './span-stats.js';

/** Errors kept per summary; the rest are counted in a finding. */
export const MAX_LISTED_ERRORS = 1_000;

/** What combining segments needs beyond the JobSummary. */
export interface SegmentExtra {
  /** Iterations counted by the last training_metrics_update (`num_iterations`), for weighted averages. */
  reportedIterations: number;
  /** `train_iterations_start` of the first training loop. */
  trainIterationsStart: number | undefined;
  /** Time of the last checkpoint success (to pick the latest across ranks). */
  lastSuccessMs: number | undefined;
  /** Milliseconds per time-breakdown category and the time they are shares of. */
  categoriesMs: {
    initialization: number;
    training: number;
    validation: number;
    checkpointSaving: number;
    other: number;
    betweenRuns: number;
  };
  breakdownBaseMs: number;
  errorsDropped: number;
}

export interface SegmentSummary {
  summary: JobSummary;
  extra: SegmentExtra;
}

const PHASE_KEY = {
  [SPAN.DIST_INIT]: 'distributedInitMs',
  [SPAN.MODEL_INIT]: 'modelInitMs',
  [SPAN.OPTIMIZER_INIT]: 'optimizerInitMs',
  [SPAN.DATA_LOADER_INIT]: 'dataloaderInitMs',
  [SPAN.CHECKPOINT_LOAD]: 'checkpointLoadMs',
} as const;

export class SegmentAccumulator {
  records = 0;
  /** An application span was started (a second one in the same pid begins a new segment). */
  sawApplicationStart = false;
  private appName: string | undefined;
  /** A one_logger_initialization event was seen (a training-telemetry job). */
  private sawInitialization = false;
  /** Name of the first span of the segment: its root, which names a core-only job. */
  private firstSpanName: string | undefined;
  private backend: string | undefined;
  private readonly modelMetrics = new ModelMetricsAccumulator();
  private sessionTag: string | undefined;
  private perfTag: string | string[] | undefined;
  private rank: number | undefined;
  private worldSize: number | undefined;
  private globalBatchSize: number | undefined;
  private seqLength: number | undefined;
  private appStartMs: number | undefined;
  private appEndMs: number | undefined;
  private appDurationMs: number | undefined;
  private appStopped = false;
  private spansStarted = 0;
  private firstTimeMs: number | undefined;
  private lastTimeMs: number | undefined;
  /** Running spans: id → name (for the span names of errors; removed at stop). */
  private readonly open = new Map<string, string>();
  /** Start times of running spans (id → epoch ms), for the duration of a stop record that carries none. */
  private readonly openStartMs = new Map<string, number>();
  private readonly spanStats = new SpanStatsAccumulator();
  private readonly phases: Partial<Record<(typeof PHASE_KEY)[keyof typeof PHASE_KEY], number>> = {};
  private readonly initIntervals: [number, number][] = [];
  private trainingLoops = 0;
  private trainIterationsStart: number | undefined;
  private lastTrain: Attrs | undefined;
  /** The last training update when it came as a light event: parsed only if it stays the last one. */
  private lastTrainLine: { text: string; line: number } | undefined;
  /** Completed iterations evidenced by events after the last training update (validation, testing, checkpoints). */
  private iterationEvidence: number | undefined;
  private validationLoops = 0;
  private validationTimeMs = 0;
  private lastValidation: Attrs | undefined;
  private testingLoops = 0;
  private testingTimeMs = 0;
  private saves = 0;
  private syncSaves = 0;
  private asyncSaves = 0;
  private successes = 0;
  private saveTimeTotalMs = 0;
  private saveTimeMinMs: number | undefined;
  private saveTimeMaxMs: number | undefined;
  private lastSuccess: Attrs | undefined;
  private lastSuccessMs: number | undefined;
  private readonly errors: JobSummary['errors'] = [];
  private readonly telemetryDataErrors: JobSummary['telemetryDataErrors'] = [];
  private errorsDropped = 0;
  /** Problems found late (a deferred line that turns out not to be JSON). */
  readonly problems: Finding[] = [];

  constructor(
    private readonly file: string,
    readonly pid: number | undefined,
  ) {}

  add(r: RawRecord): void {
    this.records++;
    switch (r.type) {
      case 'start':
        this.onStart(r, eventTimeMs(r.start_event));
        return;
      case 'stop':
        this.onStop(r, undefined, eventTimeMs(r.stop_event));
        return;
      case 'complete': {
        const start = eventTimeMs(r.start_event);
        this.onStart(r, start);
        this.onStop(r, start, eventTimeMs(r.stop_event));
        return;
      }
      case 'event':
        this.onEvent(r);
        return;
      case 'application_error':
        this.onError(r);
        return;
      case 'telemetry_data_error':
        this.onTelemetryDataError(r);
        return;
    }
  }

  /** A record of a span the summary does not look into (never one of SUMMARY_SPANS): times and bookkeeping only. */
  addLight(l: LightSpanItem): void {
    this.records++;
    this.seeTime(l.startMs);
    this.seeTime(l.stopMs);
    if (l.type === 'stop') {
      this.open.delete(l.id);
      this.countSpan(l.name, l.durationMs, this.takeStartMs(l.id), l.stopMs);
      return;
    }
    this.spansStarted++;
    this.firstSpanName ??= l.name;
    if (l.type === 'start') {
      this.open.set(l.id, l.name);
      if (l.startMs !== undefined) this.openStartMs.set(l.id, l.startMs);
    } else this.countSpan(l.name, l.durationMs, l.startMs, l.stopMs);
  }

  private takeStartMs(id: string | undefined): number | undefined {
    if (id === undefined) return undefined;
    const startMs = this.openStartMs.get(id);
    this.openStartMs.delete(id);
    return startMs;
  }

  /** A completed span for the per-name statistics: its recorded duration, else the time between start and stop. */
  private countSpan(name: string, durationMs: number | undefined, startMs: number | undefined, endMs: number | undefined): void {
    if (name === SPAN.APPLICATION) return;
    const d = durationMs ?? (startMs !== undefined && endMs !== undefined ? endMs - startMs : undefined);
    if (d !== undefined) this.spanStats.add(name, d);
  }

  /** An event the summary needs at most the last of (never one onEvent reads, except training updates). */
  addLightEvent(l: LightEventItem): void {
    this.records++;
    this.seeTime(l.timeMs);
    if (l.name !== EVENT.TRAINING_METRICS_UPDATE) return;
    this.lastTrain = undefined;
    this.lastTrainLine = { text: l.text, line: l.line };
    this.iterationEvidence = undefined;
  }

  /** The attributes of the last training update, parsing it now if it was deferred. */
  private lastTrainAttrs(): Attrs | undefined {
    const deferred = this.lastTrainLine;
    if (deferred === undefined) return this.lastTrain;
    this.lastTrainLine = undefined;
    try {
      const value = parseJsonLine(deferred.text).value as RawRecord;
      this.lastTrain = asAttrs(payloadOf(value)?.attributes);
    } catch (e) {
      this.problems.push({ file: this.file, line: deferred.line, severity: 'error', message: `line is ${(e as Error).message}` });
    }
    return this.lastTrain;
  }

  private seeTime(t: number | undefined): void {
    if (t === undefined) return;
    if (this.firstTimeMs === undefined || t < this.firstTimeMs) this.firstTimeMs = t;
    if (this.lastTimeMs === undefined || t > this.lastTimeMs) this.lastTimeMs = t;
  }

  private onStart(r: RawRecord, startMs: number | undefined): void {
    this.seeTime(startMs);
    const name = str(r.name);
    const id = str(r.id);
    this.spansStarted++;
    this.firstSpanName ??= name;
    if (r.type === 'start' && id !== undefined && name !== undefined) {
      this.open.set(id, name);
      if (startMs !== undefined) this.openStartMs.set(id, startMs);
    }
    switch (name) {
      case SPAN.APPLICATION:
        this.sawApplicationStart = true;
        this.appStartMs ??= startMs;
        return;
      case SPAN.TRAINING_LOOP:
        this.trainingLoops++;
        this.trainIterationsStart ??= num(asAttrs(r.attributes).train_iterations_start);
        return;
      case SPAN.VALIDATION_LOOP:
        this.validationLoops++;
        return;
      case SPAN.TESTING_LOOP:
        this.testingLoops++;
        return;
      case SPAN.CHECKPOINT_SAVE_SYNC:
        this.saves++;
        this.syncSaves++;
        return;
      case SPAN.CHECKPOINT_SAVE_ASYNC:
        this.saves++;
        this.asyncSaves++;
        return;
    }
  }

  private onStop(r: RawRecord, knownStartMs: number | undefined, endMs: number | undefined): void {
    this.seeTime(endMs);
    const id = str(r.id);
    if (id !== undefined) this.open.delete(id);
    const openedMs = r.type === 'stop' ? this.takeStartMs(id) : undefined;
    const name = str(r.name);
    if (name === undefined) return;
    const attrDuration = num(asAttrs(r.attributes).duration_msec);
    const durationMs = attrDuration ?? (knownStartMs !== undefined && endMs !== undefined ? endMs - knownStartMs : undefined);
    this.countSpan(name, durationMs, openedMs, endMs);
    if (name === SPAN.APPLICATION) {
      this.appStopped = true;
      this.appEndMs = endMs;
      this.appDurationMs = durationMs;
      if (this.appStartMs === undefined && endMs !== undefined && durationMs !== undefined) this.appStartMs = endMs - durationMs;
      return;
    }
    if (durationMs === undefined) return;
    const phase = PHASE_KEY[name as keyof typeof PHASE_KEY];
    if (phase !== undefined) this.phases[phase] = (this.phases[phase] ?? 0) + durationMs;
    if (INIT_SPANS.has(name) && endMs !== undefined) this.initIntervals.push([knownStartMs ?? endMs - durationMs, endMs]);
    switch (name) {
      case SPAN.VALIDATION_LOOP:
        this.validationTimeMs += durationMs;
        return;
      case SPAN.TESTING_LOOP:
        this.testingTimeMs += durationMs;
        return;
      case SPAN.CHECKPOINT_SAVE_SYNC:
      case SPAN.CHECKPOINT_SAVE_ASYNC:
        this.saveTimeTotalMs += durationMs;
        if (this.saveTimeMinMs === undefined || durationMs < this.saveTimeMinMs) this.saveTimeMinMs = durationMs;
        if (this.saveTimeMaxMs === undefined || durationMs > this.saveTimeMaxMs) this.saveTimeMaxMs = durationMs;
        return;
    }
  }

  private onEvent(r: RawRecord): void {
    const event = payloadOf(r);
    const a = asAttrs(event?.attributes);
    const timeMs = num(a.timestamp_msec);
    this.seeTime(timeMs);
    switch (event?.name) {
      case EVENT.ONE_LOGGER_INITIALIZATION:
        this.sessionTag = str(a.session_tag) ?? this.sessionTag;
        this.rank = num(a.rank) ?? this.rank;
        this.worldSize = num(a.world_size) ?? this.worldSize;
        this.appName = str(a.application_name) ?? str(a.app_name) ?? this.appName;
        this.backend = backendOf(a.custom_metadata) ?? this.backend;
        this.sawInitialization = true;
        return;
      case EVENT.UPDATE_TRAINING_TELEMETRY_CONFIG: {
        const tag = a.perf_tag;
        if (typeof tag === 'string' || (Array.isArray(tag) && tag.every((t) => typeof t === 'string'))) this.perfTag = tag;
        this.globalBatchSize = num(a.global_batch_size) ?? this.globalBatchSize;
        this.seqLength = num(a.seq_length) ?? this.seqLength;
        this.appName = str(a.application_name) ?? str(a.app_name) ?? this.appName;
        this.backend = backendOf(a.custom_metadata) ?? this.backend;
        return;
      }
      case EVENT.MODEL_METRICS: {
        const spanId = str(r.span_id);
        this.modelMetrics.add(a, spanId !== undefined && this.open.get(spanId) === SPAN.VALIDATION_LOOP);
        return;
      }
      case EVENT.TRAINING_METRICS_UPDATE:
        this.lastTrain = a;
        this.lastTrainLine = undefined;
        this.iterationEvidence = undefined;
        return;
      case EVENT.VALIDATION_METRICS_UPDATE:
        this.lastValidation = a;
        this.noteCurrentIteration(num(a.current_iteration));
        return;
      case EVENT.TESTING_METRICS_UPDATE:
        this.noteCurrentIteration(num(a.current_iteration));
        return;
      case EVENT.SAVE_CHECKPOINT_SUCCESS:
        this.successes++;
        this.lastSuccess = a;
        this.lastSuccessMs = timeMs;
        this.noteCompleted(num(a.productive_train_iterations));
        return;
    }
  }

  /** `current_iteration` of validation/testing updates is max(0, completed − 1): evidence only when > 0. */
  private noteCurrentIteration(current: number | undefined): void {
    if (current !== undefined && current > 0) this.noteCompleted(current + 1);
  }

  private noteCompleted(completed: number | undefined): void {
    if (completed !== undefined && (this.iterationEvidence === undefined || completed > this.iterationEvidence)) {
      this.iterationEvidence = completed;
    }
  }

  private onError(r: RawRecord): void {
    const a = asAttrs(payloadOf(r)?.attributes);
    const timeMs = num(a.timestamp_msec);
    this.seeTime(timeMs);
    if (this.errors.length >= MAX_LISTED_ERRORS) {
      this.errorsDropped++;
      return;
    }
    const spanId = str(r.span_id);
    this.errors.push({
      spanName: spanId === undefined ? undefined : this.open.get(spanId),
      message: str(a.error_message) ?? '',
      exceptionType: str(a.exception_type),
      timeMs,
    });
  }

  private onTelemetryDataError(r: RawRecord): void {
    const a = asAttrs(payloadOf(r)?.attributes);
    const timeMs = num(a.timestamp_msec);
    this.seeTime(timeMs);
    if (this.telemetryDataErrors.length >= MAX_LISTED_ERRORS) {
      this.errorsDropped++;
      return;
    }
    this.telemetryDataErrors.push({ message: str(a.error_message) ?? '', type: str(a.telemetry_data_error_type), timeMs });
  }

  finish(): SegmentSummary {
    const startMs = this.appStartMs ?? this.firstTimeMs;
    // A killed job has no application stop: its end is the last time seen.
    const endMs = this.appEndMs ?? this.lastTimeMs;
    const durationMs = this.appDurationMs ?? (startMs !== undefined && endMs !== undefined ? endMs - startMs : undefined);
    const endedCleanly = this.sawApplicationStart || this.appStopped ? this.appStopped : this.spansStarted > 0 && this.open.size === 0;
    const training = this.trainingSummary(startMs);
    const checkpoints = this.checkpointSummary(training.iterationsOverall);
    const validationIterations = validationIterationCount(this.lastValidation);
    const categoriesMs = this.categories(durationMs, training.totalIterationTimeMs);
    const base = durationMs ?? 0;
    if (this.modelMetrics.dropped > 0) {
      this.problems.push({
        file: this.file,
        line: 0,
        severity: 'warning',
        message: `model metrics: only the first ${MAX_MODEL_METRICS} metric names are summarized; ${this.modelMetrics.dropped} values of other metrics left out`,
      });
    }
    const summary: JobSummary = {
      schemaVersion: SUMMARY_SCHEMA_VERSION,
      files: [this.file],
      application: {
        // A core-only job (no initialization event) is named by its root span.
        name: this.appName ?? (this.sawInitialization ? undefined : this.firstSpanName),
        sessionTag: this.sessionTag,
        perfTag: this.perfTag,
        ranks: this.rank === undefined ? [] : [this.rank],
        worldSize: this.worldSize,
        startMs,
        endMs,
        durationMs,
        endedCleanly,
        backend: this.backend,
      },
      phases: {
        distributedInitMs: this.phases.distributedInitMs,
        modelInitMs: this.phases.modelInitMs,
        optimizerInitMs: this.phases.optimizerInitMs,
        dataloaderInitMs: this.phases.dataloaderInitMs,
        checkpointLoadMs: this.phases.checkpointLoadMs,
      },
      training: training.summary,
      validation: { loops: this.validationLoops, iterations: validationIterations, timeMs: this.validationTimeMs },
      testing: { loops: this.testingLoops, timeMs: this.testingTimeMs },
      modelMetrics: this.modelMetrics.finish(),
      checkpoints,
      timeBreakdown: base > 0 ? shares(categoriesMs, base) : undefined,
      spanStats: this.spanStats.finish(durationMs),
      errors: this.errors,
      telemetryDataErrors: this.telemetryDataErrors,
      findings: [],
      records: this.records,
    };
    return {
      summary,
      extra: {
        reportedIterations: num(this.lastTrainAttrs()?.num_iterations) ?? 0,
        trainIterationsStart: this.trainIterationsStart ?? num(this.lastTrainAttrs()?.train_iterations_start),
        lastSuccessMs: this.lastSuccessMs,
        categoriesMs,
        breakdownBaseMs: base,
        errorsDropped: this.errorsDropped,
      },
    };
  }

  private trainingSummary(startMs: number | undefined): {
    summary: JobSummary['training'];
    iterationsOverall: number | undefined;
    totalIterationTimeMs: number;
  } {
    const t = this.lastTrainAttrs();
    const current = num(t?.current_iteration);
    const reportedOverall = current === undefined ? undefined : current + 1;
    const iterationsOverall = maxDefined(reportedOverall, this.iterationEvidence);
    // Iterations finished after the last training update (the Python library never reports them, W8).
    const extra = reportedOverall !== undefined && iterationsOverall !== undefined ? iterationsOverall - reportedOverall : 0;
    const reportedJob = num(t?.num_iterations);
    const start = this.trainIterationsStart ?? num(t?.train_iterations_start);
    const iterationsJob =
      reportedJob !== undefined
        ? reportedJob + extra
        : iterationsOverall !== undefined && start !== undefined
          ? iterationsOverall - start
          : undefined;
    const gbs = this.globalBatchSize;
    const reportedSamples = num(t?.num_train_samples);
    const samplesJob = reportedSamples === undefined ? undefined : reportedSamples + (gbs === undefined ? 0 : extra * gbs);
    const samplesStart = num(t?.train_samples_start);
    const reportedTokens = num(t?.train_tokens);
    const tokensJob =
      reportedTokens === undefined
        ? undefined
        : reportedTokens + (gbs === undefined || this.seqLength === undefined ? 0 : extra * gbs * this.seqLength);
    // The process's first iteration end: the same value in every update.
    const firstEnd = num(t?.first_logged_train_iterations_finish_timestamp_sec);
    const latest = num(t?.train_throughput_per_gpu);
    const avgIterationTimeSec = num(t?.avg_iteration_time_sec);
    return {
      iterationsOverall,
      totalIterationTimeMs: (num(t?.total_iteration_time_sec) ?? 0) * 1000,
      summary: {
        iterationsJob,
        iterationsOverall,
        samplesJob,
        samplesOverall: samplesJob !== undefined && samplesStart !== undefined ? samplesStart + samplesJob : undefined,
        tokensJob,
        avgIterationTimeSec,
        minIterationTimeSec: num(t?.min_iteration_time_sec),
        maxIterationTimeSec: num(t?.max_iteration_time_sec),
        throughputPerGpuTflops: {
          latest,
          min: num(t?.train_throughput_per_gpu_min) ?? latest,
          max: num(t?.train_throughput_per_gpu_max) ?? latest,
        },
        ...trainingRates({ avgIterationTimeSec, samplesJob, iterationsJob }),
        timeToFirstIterationMs: firstEnd !== undefined && startMs !== undefined ? firstEnd * 1000 - startMs : undefined,
        loops: this.trainingLoops,
      },
    };
  }

  private checkpointSummary(iterationsOverall: number | undefined): JobSummary['checkpoints'] {
    const s = this.lastSuccess;
    const productiveIterations = num(s?.productive_train_iterations);
    return {
      saves: this.saves,
      syncSaves: this.syncSaves,
      asyncSaves: this.asyncSaves,
      successes: this.successes,
      saveTimeTotalMs: this.saveTimeTotalMs,
      saveTimeMinMs: this.saveTimeMinMs,
      saveTimeMaxMs: this.saveTimeMaxMs,
      lastSuccessfulStep: num(s?.current_iteration),
      productiveIterations,
      productiveSamples: num(s?.productive_train_samples),
      productiveTrainTimeSec: num(s?.productive_train_iterations_sec),
      iterationsSinceLastCheckpoint: iterationsSinceCheckpoint(
        iterationsOverall,
        productiveIterations,
        s === undefined ? (this.trainIterationsStart ?? num(this.lastTrainAttrs()?.train_iterations_start)) : undefined,
      ),
    };
  }

  private categories(durationMs: number | undefined, trainingMs: number): SegmentExtra['categoriesMs'] {
    return splitTime(durationMs ?? 0, {
      initialization: unionLength(this.initIntervals),
      training: trainingMs,
      validation: this.validationTimeMs,
      checkpointSaving: this.saveTimeTotalMs,
    });
  }
}

/** Iterations after the last successful checkpoint; without one, since the job's starting iteration. */
export function iterationsSinceCheckpoint(
  overall: number | undefined,
  productive: number | undefined,
  startWithoutCheckpoint: number | undefined,
): number | undefined {
  if (overall === undefined) return undefined;
  const base = productive ?? startWithoutCheckpoint;
  return base === undefined ? undefined : Math.max(0, overall - base);
}

/** Validation iterations = round(total / avg) of the last validation update (both are process-cumulative). */
function validationIterationCount(a: Attrs | undefined): number | undefined {
  const total = num(a?.total_iteration_time_sec);
  const avg = num(a?.avg_iteration_time_sec);
  if (total === undefined || avg === undefined) return undefined;
  return avg > 0 ? Math.round(total / avg) : 0;
}

/** The named categories, scaled down together if they overlap beyond the total; the rest is `other`. */
export function splitTime(
  totalMs: number,
  parts: { initialization: number; training: number; validation: number; checkpointSaving: number },
): SegmentExtra['categoriesMs'] {
  const sum = parts.initialization + parts.training + parts.validation + parts.checkpointSaving;
  const scale = sum > totalMs && sum > 0 ? totalMs / sum : 1;
  const c = {
    initialization: parts.initialization * scale,
    training: parts.training * scale,
    validation: parts.validation * scale,
    checkpointSaving: parts.checkpointSaving * scale,
    other: 0,
    betweenRuns: 0,
  };
  c.other = Math.max(0, totalMs - (c.initialization + c.training + c.validation + c.checkpointSaving));
  return c;
}

export function shares(c: SegmentExtra['categoriesMs'], baseMs: number): NonNullable<JobSummary['timeBreakdown']> {
  return {
    initialization: c.initialization / baseMs,
    training: c.training / baseMs,
    validation: c.validation / baseMs,
    checkpointSaving: c.checkpointSaving / baseMs,
    other: c.other / baseMs,
    betweenRuns: c.betweenRuns / baseMs,
  };
}

function unionLength(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curStart = Number.NEGATIVE_INFINITY;
  let curEnd = Number.NEGATIVE_INFINITY;
  for (const [s, e] of sorted) {
    if (s > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else if (e > curEnd) curEnd = e;
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

export function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

export function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
