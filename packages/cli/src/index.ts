// Public typed API of @nv-one-logger/cli: read records, rebuild span trees, summarize, validate.
// The `one-logger` command (./cli.ts) is a thin layer over these.

export type { CliIo, CliStream } from './cli/io.js';
export { main } from './cli/main.js';
export type { IterationTimeSource, JobSeries, JobView, RankSeries, RankView, SpreadRow } from './job/job-types.js';
export { DEFAULT_STRAGGLER_THRESHOLD, findStragglers, type Straggler, type StragglerInput } from './job/straggler.js';
export { type JobSummarizeOptions, type JobSummarizeResult, summarizeJobs } from './job/summarize-jobs.js';
export { EVENT, INIT_SPANS, SPAN } from './model/names.js';
export { buildSpanForest, SpanTreeBuilder, type SpanTreeOptions } from './model/span-tree.js';
export type {
  Finding,
  JobSummary,
  ModelMetricPoint,
  ModelMetricSeriesData,
  ModelMetricStats,
  PhaseDurations,
  SpanNode,
  TrainingMetricPoint,
} from './model/types.js';
export { SUMMARY_SCHEMA_VERSION } from './model/types.js';
export { LineSyntaxError, type ParsedLine, parseJsonLine } from './records/parse-line.js';
export {
  type Attrs,
  isRecordType,
  payloadOf,
  type RawEvent,
  type RawRecord,
  RECORD_TYPES,
  type RecordType,
  recordTimeMs,
} from './records/raw-record.js';
export {
  type FindingItem,
  type LightEventItem,
  type LightOptions,
  type LightSpanItem,
  type ReadItem,
  type ReadOptions,
  type ReadProgress,
  type RecordItem,
  readRecordBatches,
  readRecords,
} from './records/read.js';
export { combineSegments, emptySummary } from './summary/combine.js';
export { cliVersion, type SummaryDocument, stringifyDocument, toSummaryDocument } from './summary/json-document.js';
export { DEFAULT_MAX_METRIC_POINTS, MetricSeries } from './summary/metric-series.js';
export { DEFAULT_MAX_MODEL_METRIC_POINTS, ModelMetricSeries } from './summary/model-metric-series.js';
export { isValidationMetric, ModelMetricsAccumulator, mergeModelMetrics, trainingTwinOf } from './summary/model-metrics.js';
export { SegmentAccumulator, type SegmentSummary } from './summary/segment.js';
export {
  analyzeFile,
  type FileAnalysis,
  type FileReport,
  type SummarizeOptions,
  type SummarizeProgress,
  type SummarizeResult,
  sessionSummaries,
  summarize,
} from './summary/summarize.js';
export { SemanticChecker } from './validate/rules.js';
export { loadSchemaCheck, type RecordSchemaCheck } from './validate/schema.js';
export { type FileValidation, type ValidateOptions, type ValidationResult, validateFiles } from './validate/validate.js';
