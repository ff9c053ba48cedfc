// What the job view reads from one file while it streams: per process (pid), the rank and job it belongs to, its
// iteration times (from exported `training_single_iteration` spans and from consecutive `training_metrics_update`
// events), its throughput and its model metrics, each as a bounded quantile sketch and a bounded time series.

import { EVENT } from '../model/names.js';
import type { LightEventItem, LightSpanItem } from '../records/light-record.js';
import { parseJsonLine } from '../records/parse-line.js';
import { type Attrs, asAttrs, eventTimeMs, num, payloadOf, pidOf, type RawRecord, recordTimeMs, str } from '../records/raw-record.js';
import type { RecordItem } from '../records/read.js';
import { BucketSeries } from './bucket-series.js';
import { QuantileSketch } from './quantile-sketch.js';

export const ITERATION_SPAN = 'training_single_iteration';
/** The model's own metrics (`logMetrics`), an additive event of this project's writer. */
const MODEL_METRICS = 'model_metrics';
/** Model metrics charted per rank (the first ones logged); the summary lists them all. */
export const MAX_RANK_METRICS = 6;
/** Processes (pids) followed per file; a file claiming more (corrupt or hostile) adds no more runs. */
export const MAX_RUNS_PER_FILE = 4096;
/** Iteration spans started and not yet stopped that are tracked (more means a malformed file; the rest are ignored). */
const MAX_OPEN_ITERATIONS = 64;

/** One process run of one file, as the job view sees it. */
export interface RankRun {
  file: string;
  pid: number | undefined;
  rank: number | undefined;
  worldSize: number | undefined;
  sessionTag: string | undefined;
  applicationName: string | undefined;
  firstMs: number | undefined;
  lastMs: number | undefined;
  /** Durations (s) of exported iteration spans (millisecond resolution: the writers round `duration_msec`). */
  spanTimes: QuantileSketch;
  spanSeries: BucketSeries;
  /** Mean iteration time (s) of each reporting interval, weighted by its iterations (full precision). */
  updateTimes: QuantileSketch;
  updateSeries: BucketSeries;
  /** Largest `max_iteration_time_sec` logged. */
  loggedMaxSec: number | undefined;
  /** `train_throughput_per_gpu` (TFLOP/s, job average so far) of each update. */
  throughput: BucketSeries;
  modelMetrics: Map<string, BucketSeries>;
}

/** The attributes of a training_metrics_update the job view reads. */
const UPDATE_FIELDS = [
  'num_iterations',
  'avg_iteration_time_sec',
  'min_iteration_time_sec',
  'max_iteration_time_sec',
  'train_throughput_per_gpu',
].map((k) => [k, `"${k}":`] as const);

/**
 * The numbers the job view needs, read from the text of a light `training_metrics_update` line (all its attributes
 * are numbers; `"name":` with the quotes and colon cannot match inside another key). Undefined if one of the
 * always-present fields is missing or not a plain number: then the line is parsed in full.
 */
export function updateFields(text: string, timeMs: number): Attrs | undefined {
  const out: Attrs = { timestamp_msec: timeMs };
  // The writers put these keys in this order: search on from the last one, then from the start.
  let pos = 0;
  for (const [key, quoted] of UPDATE_FIELDS) {
    let at = text.indexOf(quoted, pos);
    if (at === -1 && pos > 0) at = text.indexOf(quoted);
    if (at === -1) continue;
    const from = at + quoted.length;
    let end = from;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 44 || c === 125) break; // , or }
      end++;
    }
    const value = Number(text.slice(from, end));
    if (end === from || !Number.isFinite(value)) return undefined;
    out[key] = value;
    pos = end;
  }
  return out.num_iterations === undefined ? undefined : out;
}

interface UpdateState {
  n: number;
  avg: number;
  timeMs: number;
}

/** Routes the items of one file to the run of their pid. */
export class FileRankRecorder {
  private readonly runs = new Map<number | undefined, RankRun>();
  private readonly open = new Map<string, number>();
  private readonly prevUpdate = new Map<number | undefined, UpdateState>();
  /** Records of processes past MAX_RUNS_PER_FILE, not in the job view. */
  ignored = 0;
  /** Receives the records of processes past the limit. */
  private readonly overflow: RankRun;

  constructor(private readonly file: string) {
    this.overflow = this.newRun(undefined);
  }

  add(item: RecordItem | LightSpanItem | LightEventItem): void {
    if (item.kind === 'light-span') {
      if (item.name !== ITERATION_SPAN) return;
      this.iterationSpan(item.pid, item.type, item.id, item.startMs, item.stopMs, undefined);
      return;
    }
    if (item.kind === 'light-event') {
      const run = this.run(item.pid);
      this.touch(run, item.timeMs);
      if (item.name !== EVENT.TRAINING_METRICS_UPDATE && item.name !== MODEL_METRICS) return;
      // Light events keep their text: the job view needs every update. Its few numbers are read from the text
      // (a light line has the writer's layout, no escapes, no NaN); anything else is parsed in full.
      const fields = item.name === EVENT.TRAINING_METRICS_UPDATE ? updateFields(item.text, item.timeMs) : undefined;
      if (fields !== undefined) {
        this.update(item.pid, run, fields);
        return;
      }
      let record: RawRecord;
      try {
        record = parseJsonLine(item.text).value as RawRecord;
      } catch {
        return;
      }
      this.event(item.pid, record);
      return;
    }
    const r = item.record;
    const pid = pidOf(r);
    this.touch(this.run(pid), recordTimeMs(r));
    if (r.type === 'start' || r.type === 'stop' || r.type === 'complete') {
      if (str(r.name) !== ITERATION_SPAN) return;
      const id = str(r.id);
      if (id === undefined) return;
      this.iterationSpan(pid, r.type, id, eventTimeMs(r.start_event), eventTimeMs(r.stop_event), num(asAttrs(r.attributes).duration_msec));
      return;
    }
    if (r.type === 'event') this.event(pid, r);
  }

  finish(): RankRun[] {
    return [...this.runs.values()];
  }

  private run(pid: number | undefined): RankRun {
    let run = this.runs.get(pid);
    if (run === undefined) {
      if (this.runs.size >= MAX_RUNS_PER_FILE) {
        this.ignored++;
        return this.overflow;
      }
      run = this.newRun(pid);
      this.runs.set(pid, run);
    }
    return run;
  }

  private newRun(pid: number | undefined): RankRun {
    return {
      file: this.file,
      pid,
      rank: undefined,
      worldSize: undefined,
      sessionTag: undefined,
      applicationName: undefined,
      firstMs: undefined,
      lastMs: undefined,
      spanTimes: new QuantileSketch(),
      spanSeries: new BucketSeries(),
      updateTimes: new QuantileSketch(),
      updateSeries: new BucketSeries(),
      loggedMaxSec: undefined,
      throughput: new BucketSeries(),
      modelMetrics: new Map(),
    };
  }

  private touch(run: RankRun, t: number | undefined): void {
    if (t === undefined) return;
    if (run.firstMs === undefined || t < run.firstMs) run.firstMs = t;
    if (run.lastMs === undefined || t > run.lastMs) run.lastMs = t;
  }

  private iterationSpan(
    pid: number | undefined,
    type: 'start' | 'stop' | 'complete',
    id: string,
    startMs: number | undefined,
    stopMs: number | undefined,
    durationMs: number | undefined,
  ): void {
    const run = this.run(pid);
    this.touch(run, startMs);
    this.touch(run, stopMs);
    if (type === 'start') {
      if (startMs !== undefined && this.open.size < MAX_OPEN_ITERATIONS) this.open.set(id, startMs);
      return;
    }
    let start = startMs;
    if (type === 'stop') {
      start = this.open.get(id);
      this.open.delete(id);
    }
    const ms = durationMs ?? (start !== undefined && stopMs !== undefined ? stopMs - start : undefined);
    if (ms === undefined || ms < 0 || stopMs === undefined) return;
    run.spanTimes.add(ms / 1000);
    run.spanSeries.add(stopMs, ms / 1000, 1, stopMs - ms);
  }

  private event(pid: number | undefined, r: RawRecord): void {
    const payload = payloadOf(r);
    const name = str(payload?.name);
    const a = asAttrs(payload?.attributes);
    const run = this.run(pid);
    switch (name) {
      case EVENT.ONE_LOGGER_INITIALIZATION:
        run.rank = num(a.rank) ?? run.rank;
        run.worldSize = num(a.world_size) ?? run.worldSize;
        run.sessionTag = str(a.session_tag) ?? run.sessionTag;
        run.applicationName = str(a.application_name) ?? str(a.app_name) ?? run.applicationName;
        return;
      case EVENT.UPDATE_TRAINING_TELEMETRY_CONFIG:
        run.applicationName = str(a.application_name) ?? str(a.app_name) ?? run.applicationName;
        return;
      case EVENT.TRAINING_METRICS_UPDATE:
        this.update(pid, run, a);
        return;
      case MODEL_METRICS:
        this.modelMetrics(run, a);
        return;
      default:
        return;
    }
  }

  /** One reporting interval: its mean iteration time from the cumulative means and counts of two updates. */
  private update(pid: number | undefined, run: RankRun, a: Attrs): void {
    const n = num(a.num_iterations);
    const avg = num(a.avg_iteration_time_sec);
    const t = num(a.timestamp_msec);
    const tput = num(a.train_throughput_per_gpu);
    if (t !== undefined && tput !== undefined) run.throughput.add(t, tput);
    const max = num(a.max_iteration_time_sec);
    if (max !== undefined && (run.loggedMaxSec === undefined || max > run.loggedMaxSec)) run.loggedMaxSec = max;
    if (n === undefined || avg === undefined || t === undefined || n <= 0) return;
    const prev = this.prevUpdate.get(pid);
    this.prevUpdate.set(pid, { n, avg, timeMs: t });
    let mean = avg;
    let weight = n;
    // A new process run restarts the counts; then the first update covers the run so far.
    if (prev !== undefined && n > prev.n) {
      weight = n - prev.n;
      mean = (avg * n - prev.avg * prev.n) / weight;
      // Every iteration lies within the logged min..max, so their mean does too; this bounds rounding noise.
      const min = num(a.min_iteration_time_sec);
      if (min !== undefined) mean = Math.max(mean, min);
      if (max !== undefined) mean = Math.min(mean, max);
    } else if (prev !== undefined && n === prev.n) return;
    if (!Number.isFinite(mean) || mean < 0) return;
    run.updateTimes.add(mean, weight);
    // The interval began at the previous update (the first one: its iterations' time before it).
    run.updateSeries.add(t, mean, weight, prev !== undefined && n > prev.n ? prev.timeMs : t - mean * weight * 1000);
  }

  private modelMetrics(run: RankRun, a: Attrs): void {
    const t = num(a.timestamp_msec);
    if (t === undefined) return;
    for (const key of Object.keys(a)) {
      if (key === 'global_step' || key === 'timestamp_msec') continue;
      const v = num(a[key]);
      if (v === undefined) continue;
      let series = run.modelMetrics.get(key);
      if (series === undefined) {
        if (run.modelMetrics.size >= MAX_RANK_METRICS) continue;
        run.modelMetrics.set(key, (series = new BucketSeries()));
      }
      series.add(t, v);
    }
  }
}
