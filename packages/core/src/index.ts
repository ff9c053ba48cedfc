// Public API of @nv-one-logger/core.
export { Attribute, Attributes, validateAttribute } from './core/attributes.js';
export type { AttributePrimitive, AttributeValue, AttributesInput } from './core/attributes.js';
export { ConfigError, ExportError, OneLoggerError, assertThat } from './core/errors.js';
export {
  ErrorEvent,
  Event,
  StandardEventAttributeName,
  StandardEventName,
  TelemetryDataError,
  TelemetryDataErrorType,
  describeException,
} from './core/event.js';
export type { EventJson } from './core/event.js';
export { randomUuid, setIdGenerator } from './core/ids.js';
export type { IdGenerator } from './core/ids.js';
export { NVTXColor, Span, StandardSpanAttributeName, StandardSpanName, durationMsecBetween } from './core/span.js';
export type { SpanCreateOptions } from './core/span.js';
export { TIMESTAMP_TOLERANCE_SEC, Timer, TracingTimestamp, perfNowMs, setClock, wallNowMs } from './core/time.js';
export type { Clock } from './core/time.js';

export { ErrorHandlingStrategy, LogLevel, OneLoggerConfig } from './api/config.js';
export type { LoggerConfig, LoggerConfigInput, OneLoggerConfigInput, ValueOrFn } from './api/config.js';
export { installExitHandlers } from './api/exit-handlers.js';
export type { ExitHandlerOptions } from './api/exit-handlers.js';
export { OneLoggerProvider } from './api/provider.js';
export type { ExporterConfigOptions } from './api/provider.js';
export type { Recorder, StartSpanOptions, StopSpanOptions } from './api/recorder.js';
export { ApplicationType, isTelemetryConfig } from './api/telemetry-config.js';
export type { TelemetryConfig } from './api/telemetry-config.js';
export { TimedSpanHandle, getRecorder, startTimedSpan, timedSpan } from './api/timed-span.js';
export type { TimedSpanOptions } from './api/timed-span.js';

export { BaseJsonExporter } from './exporter/base-json-exporter.js';
export { BaseExporter, ExporterState } from './exporter/exporter.js';
export type { Exporter } from './exporter/exporter.js';
export { FileExporter, expandFilePath } from './exporter/file-exporter.js';
export type { FileBufferOptions, FileExporterOptions } from './exporter/file-exporter.js';
export { toJsonLine } from './exporter/json-line.js';
export { RECORD_SCHEMA_VERSION, RecordType } from './exporter/record.js';
export type { EventPayload, EventRecord, JsonRecord, SpanRecord, TelemetryDataErrorRecord } from './exporter/record.js';

export { DEFAULT_MAX_EXPORTER_FAILURES, DefaultRecorder, ExportCustomizationMode } from './recorder/default-recorder.js';
export type { DefaultRecorderOptions, ExporterStatus } from './recorder/default-recorder.js';

export { handleTelemetryFailure, runtime as telemetryRuntime } from './internal/runtime.js';
export type { TelemetryDataErrorSink } from './internal/runtime.js';
export { internalLogger } from './internal/logger.js';
