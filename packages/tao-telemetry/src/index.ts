// @nv-one-logger/tao-telemetry: the TAO telemetry metrics processor (seed 004), keys identical to the Python service.

export { InMemoryMetricStore, MetricAggregator, type MetricStore } from './aggregator.js';
export { incrementMetric, MetricBuilder, type MetricBuilderLike, timeLapsedOf } from './builders/base.js';
export { ComprehensiveMetricsBuilder, type ComprehensiveMetricsBuilderOptions } from './builders/comprehensive.js';
export {
  buildMetricKey,
  LABEL_PREFIX,
  LABELED_METRIC_NAMES,
  LabeledMetricsBuilder,
  type LabeledMetricsBuilderOptions,
} from './builders/labeled.js';
export { LegacyMetricsBuilder, type LegacyMetricsBuilderOptions } from './builders/legacy.js';
export { TimeMetricsBuilder, type TimeMetricsBuilderOptions } from './builders/time.js';
export { describeValue, MetricsStateError, RegistryError, TaoTelemetryError, TelemetryInputError } from './errors.js';
export { countGpuTypes, extractGpuType, extractPrimaryGpu, GPU_PRIORITY } from './gpu-type.js';
export { MetricProcessor, type MetricProcessorOptions } from './processor.js';
export { escapeLabelValue, type LabeledMetricKey, parseLabeledKey, toPrometheusText } from './prometheus.js';
export {
  formatIsoDateTime,
  type LastUpdatedFormat,
  parseIsoDateTime,
  sameCalendarDay,
  type TimeZoneMode,
} from './python-datetime.js';
export { compareCodePoints, PyStrLimitError, pyFloatRepr, pyRepr, pyStr, pyTruthy, reprString } from './python-str.js';
export { getAttributeMap, getRawKeyMap, METRIC_ATTRIBUTES, metricAttribute, RegistryCache, validateRegistry } from './registry.js';
export {
  AttributeType,
  type BuildContext,
  type MetricAttribute,
  type Metrics,
  type ProcessContext,
  type RawReport,
  type TelemetryData,
} from './types.js';
export {
  createGpuIdentifier,
  DEFAULT_EXTRACTION_LIMITS,
  type ExtractionLimits,
  type ExtractOptions,
  extractTelemetryData,
  sanitizeFieldValue,
  TELEMETRY_SANITIZE_PATTERN,
} from './utils.js';
