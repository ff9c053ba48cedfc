// Public API of @nv-one-logger/core.

export type { LoggerConfig, LoggerConfigInput, OneLoggerConfigInput, ValueOrFn } from './api/config.js';
export { ErrorHandlingStrategy, LogLevel, OneLoggerConfig } from './api/config.js';
export type { ExitHandlerOptions } from './api/exit-handlers.js';
export { installExitHandlers } from './api/exit-handlers.js';
export type { ExporterConfigOptions } from './api/provider.js';
export { createExportersFromConfig, OneLoggerProvider } from './api/provider.js';
export type { Recorder, StartSpanOptions, StopSpanOptions } from './api/recorder.js';
export type { TelemetryConfig } from './api/telemetry-config.js';
export { ApplicationType, isTelemetryConfig } from './api/telemetry-config.js';
export type { TimedSpanOptions } from './api/timed-span.js';
export { getRecorder, startTimedSpan, TimedSpanHandle, timedSpan } from './api/timed-span.js';
export type { AttributePrimitive, AttributesInput, AttributeValue } from './core/attributes.js';
export { Attribute, Attributes, validateAttribute } from './core/attributes.js';
export { assertThat, ConfigError, describeValue, ExportError, MAX_QUOTED_CHARS, messageOf, OneLoggerError } from './core/errors.js';
export type { ErrorTextField, EventJson } from './core/event.js';
export {
  describeException,
  ErrorEvent,
  Event,
  StandardEventAttributeName,
  StandardEventName,
  TelemetryDataError,
  TelemetryDataErrorType,
} from './core/event.js';
export type { IdGenerator } from './core/ids.js';
export { randomUuid, setIdGenerator } from './core/ids.js';
export type { SpanCreateOptions } from './core/span.js';
export { durationMsecBetween, NVTXColor, Span, StandardSpanAttributeName, StandardSpanName } from './core/span.js';
export type { Clock } from './core/time.js';
export { perfNowMs, setClock, TIMESTAMP_TOLERANCE_SEC, Timer, TracingTimestamp, wallNowMs } from './core/time.js';

export { BaseJsonExporter } from './exporter/base-json-exporter.js';
export type { Exporter } from './exporter/exporter.js';
export { BaseExporter, ExporterState } from './exporter/exporter.js';
export type { ExporterConfigErrorDetails, ExporterConfigInput, ExporterConfigOrigin } from './exporter/exporter-config.js';
export { ExporterConfig, ExporterConfigError, ExporterConfigSource } from './exporter/exporter-config.js';
export type { ExporterConfigManagerOptions, GenerateExportConfigOptions } from './exporter/exporter-config-manager.js';
export {
  EXPORTER_CONFIG_FILE_NAMES,
  EXPORTER_CONFIG_PATH_ENV,
  ExporterConfigManager,
  MAX_EXPORTER_CONFIG_FILE_BYTES,
} from './exporter/exporter-config-manager.js';
export type { ConfigOption, ExporterFactory, ExporterFactoryContext, PackageExporterDefaults } from './exporter/exporter-registry.js';
export {
  configOption,
  createExporterRegistry,
  ExporterRegistry,
  exporterRegistry,
  fileExporterFactory,
  isExporter,
  loggerExporterFactory,
  parseFactoryConfig,
  registerExporterFactory,
  registerPackageExporterDefaults,
  registerPackageExporterFactories,
  unregisterExporterFactory,
  unregisterPackageExporterDefaults,
} from './exporter/exporter-registry.js';
export type { FileBufferOptions, FileExporterOptions } from './exporter/file-exporter.js';
export { expandFilePath, FileExporter } from './exporter/file-exporter.js';
export type { FirstPartyExporterPackage } from './exporter/first-party-exporters.js';
export { FIRST_PARTY_EXPORTERS, firstPartyPackageOf } from './exporter/first-party-exporters.js';
export { recordToJsonLine } from './exporter/json-line.js';
export { finiteNumberJson, toJsonLine } from './exporter/json-value.js';
export type { InfoLogger, LoggerExporterOptions } from './exporter/logger-exporter.js';

export { compareCodePoints, deserializeLog, formatLog, LoggerExporter } from './exporter/logger-exporter.js';
export type { EventPayload, EventRecord, JsonRecord, SpanRecord, TelemetryDataErrorRecord } from './exporter/record.js';
export { MAX_RECORD_LINE_BYTES, RECORD_SCHEMA_VERSION, RecordType } from './exporter/record.js';
export { flatString } from './internal/flat-string.js';
export { internalLogger } from './internal/logger.js';
export { MetricSummarizer } from './internal/metric-summarizer.js';
export { MultiWindowTimer } from './internal/multi-window-timer.js';
export type { TelemetryDataErrorSink } from './internal/runtime.js';
export { handleTelemetryFailure, noteSkipped, rejectInput, runtime as telemetryRuntime, safelyExecute } from './internal/runtime.js';
export { evaluateValue, isThenable, patchFunction, patchMethod, temporarilyModifyEnv } from './internal/utils.js';
export { getVersion, readPackageVersion, VERSION } from './internal/version.js';
export type { DefaultRecorderOptions, ExporterStatus } from './recorder/default-recorder.js';
export {
  DEFAULT_EXPORTER_TIMEOUT_MILLIS,
  DEFAULT_MAX_EXPORTER_FAILURES,
  DEFAULT_MAX_OPEN_SPANS,
  DefaultRecorder,
  ExportCustomizationMode,
} from './recorder/default-recorder.js';
