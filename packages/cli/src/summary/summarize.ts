// The typed summarize API: streams each file once, splitting it into segments (one per process run), and
// builds the per-file summaries, the per-session combined views and (on request) the span forest and the
// training-metrics series of each file.

import { EVENT, SPAN, SUMMARY_SPANS } from '../model/names.js';
import { SpanTreeBuilder, type SpanTreeOptions } from '../model/span-tree.js';
import type { Finding, JobSummary, ModelMetricSeriesData, SpanNode, TrainingMetricPoint } from '../model/types.js';
import type { LightEventItem, LightSpanItem } from '../records/light-record.js';
import { pidOf, type RawRecord, str } from '../records/raw-record.js';
import { type ReadOptions, type ReadProgress, type RecordItem, readRecordBatches } from '../records/read.js';
import { combineSegments } from './combine.js';
import { MetricSeries } from './metric-series.js';
import { ModelMetricSeries } from './model-metric-series.js';
import { SegmentAccumulator, type SegmentSummary } from './segment.js';

export interface SummarizeProgress extends ReadProgress {
  /** 0-based index of the file being read, and the number of files. */
  fileIndex: number;
  fileCount: number;
}

export interface SummarizeOptions {
  /** Rebuild the span forest of each file (memory grows with the number of spans; see SpanTreeOptions). */
  spans?: boolean;
  spanTree?: SpanTreeOptions;
  /** Collect the training_metrics_update and model_metrics series of each file. */
  metrics?: boolean;
  /** Most points per series (default 10 000; first and last always kept). */
  maxMetricPoints?: number;
  /** Findings kept per file summary (default 100); the rest are counted in one more finding. */
  maxFindingsPerFile?: number;
  onProgress?: (progress: SummarizeProgress) => void;
  /** Called once per file: the observer sees every record item as it is read, then the file's analysis. */
  observe?: (file: string) => FileObserver;
}

/** A consumer of one file's records in the same streaming pass (the job view). */
export interface FileObserver {
  add(item: RecordItem | LightSpanItem | LightEventItem): void;
  finish(analysis: FileAnalysis): void;
}

/** Everything the HTML report needs about one file (the `perFile` items of `renderReport`). */
export interface FileReport {
  file: string;
  summary: JobSummary;
  spans: SpanNode[];
  metrics: TrainingMetricPoint[];
  /** The model_metrics series, one per metric (empty unless requested). */
  modelMetrics: ModelMetricSeriesData[];
}

export interface FileAnalysis extends FileReport {
  /** One summary per process run in the file (usually one). */
  segments: SegmentSummary[];
}

export interface SummarizeResult {
  /** One summary per input file, in input order. */
  perFile: JobSummary[];
  /** One combined summary per session tag (ranks and resumed jobs), in order of first appearance. */
  perSession: JobSummary[];
  /** Per file, in input order; `spans`/`metrics` are empty unless requested. */
  details: FileReport[];
}

const DEFAULT_MAX_FINDINGS = 100;

/** Events the summary reads in full; the others (training updates included: only the last counts) may come light. */
const PARSED_EVENTS: ReadonlySet<string> = new Set<string>(Object.values(EVENT).filter((e) => e !== EVENT.TRAINING_METRICS_UPDATE));

export async function summarize(files: readonly string[], options: SummarizeOptions = {}): Promise<SummarizeResult> {
  const analyses: FileAnalysis[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as string;
    const onProgress = options.onProgress;
    const fileOptions: SummarizeOptions =
      onProgress === undefined ? options : { ...options, onProgress: (p) => onProgress({ ...p, fileIndex: i, fileCount: files.length }) };
    analyses.push(await analyzeFile(file, fileOptions));
  }
  return {
    perFile: analyses.map((a) => a.summary),
    perSession: sessionSummaries(analyses),
    details: analyses.map(({ file, summary, spans, metrics, modelMetrics }) => ({ file, summary, spans, metrics, modelMetrics })),
  };
}

/** Reads one file (streaming) into its summary, segments and optional span forest / metrics series. */
export async function analyzeFile(file: string, options: SummarizeOptions = {}): Promise<FileAnalysis> {
  const maxFindings = options.maxFindingsPerFile ?? DEFAULT_MAX_FINDINGS;
  const findings: Finding[] = [];
  let findingsDropped = 0;
  const tree = options.spans ? new SpanTreeBuilder(options.spanTree) : undefined;
  const series = options.metrics ? new MetricSeries(options.maxMetricPoints) : undefined;
  const modelSeries = options.metrics ? new ModelMetricSeries(options.maxMetricPoints) : undefined;
  const segments = new SegmentRouter(file);
  const observer = options.observe?.(file);
  const readOptions: ReadOptions = {};
  if (options.onProgress !== undefined) readOptions.onProgress = options.onProgress as (p: ReadProgress) => void;
  // Without a span tree or series, records the summary does not look into need not be parsed (light-record.ts).
  if (tree === undefined)
    readOptions.light = series === undefined ? { spansExcept: SUMMARY_SPANS, eventsExcept: PARSED_EVENTS } : { spansExcept: SUMMARY_SPANS };
  for await (const batch of readRecordBatches(file, readOptions)) {
    for (const item of batch) {
      if (item.kind === 'finding') {
        // Whole-file findings (why reading stopped, the count of unreadable lines) are few and always kept.
        if (findings.length < maxFindings || item.finding.line === 0) findings.push(item.finding);
        else findingsDropped++;
        continue;
      }
      observer?.add(item);
      if (item.kind === 'light-span' || item.kind === 'light-event') {
        segments.addLight(item);
        continue;
      }
      const r = item.record;
      segments.add(r);
      tree?.add(r);
      series?.add(r);
      modelSeries?.add(r);
    }
  }
  if (findingsDropped > 0) {
    findings.push({
      file,
      line: 0,
      severity: findings.some((f) => f.severity === 'error') ? 'error' : 'warning',
      message: `${findingsDropped} more problems not listed; run \`one-logger validate ${file}\` to see them all`,
    });
  }
  // Only what the report draws from the span tree counts as truncation: spans, and checkpoint/error events. Events
  // past the per-span limit (a metric logged every iteration) are in the summary and the series already.
  if (tree !== undefined && (tree.dropped.spans > 0 || tree.dropped.markers > 0)) {
    const lost = [
      tree.dropped.spans > 0 ? `${tree.dropped.spans} spans (limit ${options.spanTree?.maxSpans ?? 200_000})` : undefined,
      tree.dropped.markers > 0 ? `${tree.dropped.markers} checkpoint and error events` : undefined,
    ].filter((x) => x !== undefined);
    findings.push({
      file,
      line: 0,
      severity: 'warning',
      message: `span tree truncated: ${lost.join(' and ')} not kept; the report's timeline and markers leave them out`,
    });
  }
  const segs = segments.finish();
  findings.push(...segments.problems());
  const analysis: FileAnalysis = {
    file,
    summary: combineSegments(segs, [file], findings),
    segments: segs,
    spans: tree?.finish() ?? [],
    metrics: series?.finish() ?? [],
    modelMetrics: modelSeries?.finish() ?? [],
  };
  observer?.finish(analysis);
  return analysis;
}

/** Groups the segments of all files by session tag (segments without one are not grouped). */
export function sessionSummaries(analyses: readonly FileAnalysis[]): JobSummary[] {
  const groups = new Map<string, { segments: SegmentSummary[]; files: string[]; findings: Finding[] }>();
  for (const a of analyses) {
    for (const seg of a.segments) {
      const tag = seg.summary.application.sessionTag;
      if (tag === undefined) continue;
      let g = groups.get(tag);
      if (g === undefined) groups.set(tag, (g = { segments: [], files: [], findings: [] }));
      g.segments.push(seg);
      if (!g.files.includes(a.file)) {
        g.files.push(a.file);
        g.findings.push(...a.summary.findings);
      }
    }
  }
  return [...groups.values()].map((g) => combineSegments(g.segments, g.files, g.findings));
}

/** Routes records to the segment of their process; a second application span in a pid starts a new segment. */
class SegmentRouter {
  private readonly current = new Map<number | undefined, SegmentAccumulator>();
  private readonly order: SegmentAccumulator[] = [];

  constructor(private readonly file: string) {}

  add(r: RawRecord): void {
    const pid = pidOf(r);
    let seg = this.current.get(pid);
    const startsApp = (r.type === 'start' || r.type === 'complete') && str(r.name) === SPAN.APPLICATION;
    if (seg === undefined || (startsApp && seg.sawApplicationStart)) {
      seg = new SegmentAccumulator(this.file, pid);
      this.current.set(pid, seg);
      this.order.push(seg);
    }
    seg.add(r);
  }

  addLight(l: LightSpanItem | LightEventItem): void {
    let seg = this.current.get(l.pid);
    if (seg === undefined) {
      seg = new SegmentAccumulator(this.file, l.pid);
      this.current.set(l.pid, seg);
      this.order.push(seg);
    }
    if (l.kind === 'light-span') seg.addLight(l);
    else seg.addLightEvent(l);
  }

  finish(): SegmentSummary[] {
    return this.order.map((s) => s.finish());
  }

  /** Problems the segments found while finishing (after finish()). */
  problems(): Finding[] {
    return this.order.flatMap((s) => s.problems);
  }
}
