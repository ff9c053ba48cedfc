// Public API of @nv-one-logger/otel. Importing the package registers the `otel` exporter factory.
import { registerOTelExporter } from './factory.js';

export { otelAttributes, otelAttributesFromJson } from './attributes.js';
export type { BatchSettings, ExportStats } from './bounded-batch-processor.js';
export { BoundedBatchSpanProcessor } from './bounded-batch-processor.js';
export { otelExporterFactory, registerOTelExporter } from './factory.js';
export type { DropReport, OTelExporterOptions, ResolvedOptions } from './options.js';
export { OtlpProtocol, resolveOptions } from './options.js';
export { OTelExporter, TRACER_NAME } from './otel-exporter.js';
export { createOtlpSpanExporter } from './otlp-transport.js';
export type { ReplayOptions, ReplayResult } from './replay.js';
export { replayRecords } from './replay.js';
export { buildResource, JobResourceKey, jobResourceAttributes } from './resource.js';
export { ONE_LOGGER_SPAN_ID, ONE_LOGGER_SPAN_INCOMPLETE, SpanMapper, TELEMETRY_DATA_ERROR_SPAN } from './span-mapper.js';
export { hrTimeFromEpochMs } from './time.js';

registerOTelExporter();
