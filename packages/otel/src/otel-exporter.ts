import {
  BaseExporter,
  type ErrorEvent,
  type Event,
  ExportError,
  internalLogger,
  messageOf,
  OneLoggerProvider,
  type Span,
  type TelemetryDataError,
  telemetryRuntime,
  wallNowMs,
} from '@nv-one-logger/core';
import { BasicTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { otelAttributes } from './attributes.js';
import { BoundedBatchSpanProcessor, type ExportStats } from './bounded-batch-processor.js';
import { type DropReport, type OTelExporterOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { createOtlpSpanExporter } from './otlp-transport.js';
import { buildResource } from './resource.js';
import { SpanMapper } from './span-mapper.js';
import { hrTimeFromEpochMs } from './time.js';

/** The instrumentation scope of every span (the reference's tracer name). */
export const TRACER_NAME = 'one_logger';

interface Pipeline {
  readonly provider: BasicTracerProvider;
  readonly mapper: SpanMapper;
  /** Whether the resource was built with the job's configuration (application name, session tag, ...). */
  readonly describesJob: boolean;
}

/**
 * Exports one-logger spans, events and errors as OpenTelemetry spans to an OTLP collector (or any
 * OpenTelemetry JS `SpanExporter`). Export calls only build SDK span objects and enqueue them; sending,
 * batching and retries happen off the job's path, and `flush()`/`close()` return within a bound.
 */
export class OTelExporter extends BaseExporter {
  private readonly settings: ResolvedOptions;
  private processor: BoundedBatchSpanProcessor | undefined;
  private pipeline: Pipeline | undefined;
  /** Set by the first export: from then on the pipeline (and its resource) is fixed. */
  private pipelineInUse = false;
  private dropReported = false;
  private closing: Promise<void> | undefined;

  constructor(options: OTelExporterOptions = {}) {
    super();
    this.settings = resolveOptions(options);
  }

  /** Pipeline counters: enqueued, exported, dropped, failed exports, retries (all zero before initialize). */
  get stats(): Readonly<ExportStats> {
    return { ...(this.processor?.stats ?? { enqueued: 0, exported: 0, dropped: 0, failedExports: 0, retries: 0 }) };
  }

  /** The bound of `flush()` and `close()` (the recorder waits for this exporter that long, plus a second). */
  get shutdownTimeoutMillis(): number {
    return this.settings.shutdownTimeoutMillis;
  }

  /** The collector URL used by the built-in OTLP transport (`undefined` with a custom `spanExporter`). */
  get endpoint(): string | undefined {
    return this.settings.spanExporter === undefined ? this.settings.url : undefined;
  }

  /**
   * Builds the whole pipeline (transport, queue, tracer provider, resource) and only then becomes READY;
   * if any part fails, the exporter stays NOT_INITIALIZED and the error says why.
   */
  override initialize(): void {
    if (this.ready) return;
    let processor: BoundedBatchSpanProcessor;
    let pipeline: Pipeline;
    try {
      const spanExporter: SpanExporter = this.settings.spanExporter ?? createOtlpSpanExporter(this.settings);
      processor = new BoundedBatchSpanProcessor(spanExporter, this.settings, (report) => this.handleDrop(report));
      pipeline = this.buildPipeline(processor);
    } catch (e) {
      throw new ExportError(`Error initializing the exporter: ${messageOf(e)}`);
    }
    this.processor = processor;
    this.pipeline = pipeline;
    // READY only once the pipeline exists (the reference claimed READY before building it).
    super.initialize();
  }

  exportStart(span: Span): void {
    this.checkReady();
    try {
      this.mapper().start(
        span.id,
        span.name,
        span.exportedParentId,
        otelAttributes(span.attributesView),
        hrTimeFromEpochMs(span.startTime.wallMs),
        otelAttributes(span.startEvent.attributes),
      );
    } catch (e) {
      throw new ExportError(`Error exporting span ${span.id}: ${messageOf(e)}`);
    }
  }

  exportStop(span: Span): void {
    this.checkReady();
    const stop = span.stopEvent;
    if (stop === undefined) throw new ExportError(`Span ${span.id} has no stop event`);
    try {
      this.mapper().stop(
        span.id,
        otelAttributes(span.attributesView),
        otelAttributes(stop.attributes),
        hrTimeFromEpochMs(stop.timestamp.wallMs),
      );
    } catch (e) {
      throw new ExportError(`Error exporting span ${span.id}: ${messageOf(e)}`);
    }
  }

  exportEvent(event: Event, span: Span): void {
    this.checkReady();
    try {
      this.mapper().event(span.id, event.name, otelAttributes(event.attributes), hrTimeFromEpochMs(event.timestamp.wallMs));
    } catch (e) {
      throw new ExportError(`Error exporting event ${event.name}: ${messageOf(e)}`);
    }
  }

  exportError(event: ErrorEvent, span: Span): void {
    this.checkReady();
    try {
      this.mapper().error(
        span.id,
        event.name,
        otelAttributes(event.attributes),
        event.errorMessage,
        hrTimeFromEpochMs(event.timestamp.wallMs),
      );
    } catch (e) {
      throw new ExportError(`Error exporting error ${event.name}: ${messageOf(e)}`);
    }
  }

  exportTelemetryDataError(error: TelemetryDataError): void {
    this.checkReady();
    try {
      this.mapper().telemetryDataError(
        error.name,
        otelAttributes(error.attributes),
        error.errorMessage,
        hrTimeFromEpochMs(error.timestamp.wallMs),
      );
    } catch (e) {
      throw new ExportError(`Error exporting telemetry data error ${error.name}: ${messageOf(e)}`);
    }
  }

  /** Sends everything queued; resolves within `shutdownTimeoutMillis` even if the collector is down. */
  override async flush(): Promise<void> {
    await this.processor?.forceFlush();
  }

  /**
   * Ends spans still open (flagged `one_logger_span_incomplete`), sends what is queued and releases the
   * transport, within `shutdownTimeoutMillis`. Never rejects; a second call returns the same promise.
   */
  override close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    try {
      const left = this.pipeline?.mapper.endOpen(hrTimeFromEpochMs(wallNowMs()), 'span was still open when the exporter closed') ?? 0;
      if (left > 0)
        internalLogger.warning(
          `OTelExporter: ${left} span(s) were still open at close; ended and flagged ${'one_logger_span_incomplete'}.`,
        );
      await this.pipeline?.provider.shutdown();
      await this.processor?.shutdown();
    } catch (e) {
      internalLogger.error(`Error closing the OTel exporter: ${messageOf(e)}`);
    } finally {
      super.close();
    }
    const stats = this.stats;
    if (stats.dropped > 0) {
      internalLogger.warning(
        `OTelExporter closed: ${stats.exported} span(s) delivered, ${stats.dropped} dropped (see earlier warnings for why).`,
      );
    }
  }

  private buildPipeline(processor: BoundedBatchSpanProcessor): Pipeline {
    const describesJob = OneLoggerProvider.instance().isReady;
    const provider = new BasicTracerProvider({ resource: buildResource(this.settings.resource), spanProcessors: [processor] });
    const mapper = new SpanMapper(provider.getTracer(TRACER_NAME), { eventSpans: this.settings.eventSpans, orphans: 'error' });
    return { provider, mapper, describesJob };
  }

  /**
   * The mapper of the pipeline built by `initialize()`. A recorder initializes its exporters before the
   * provider holds the job's configuration, so on the first export, if the configuration has arrived since,
   * the pipeline is built once more (no span exists yet) for a resource that describes the job.
   */
  private mapper(): SpanMapper {
    const pipeline = this.pipeline as Pipeline;
    if (this.pipelineInUse) return pipeline.mapper;
    this.pipelineInUse = true;
    if (pipeline.describesJob || !OneLoggerProvider.instance().isReady) return pipeline.mapper;
    try {
      this.pipeline = this.buildPipeline(this.processor as BoundedBatchSpanProcessor);
    } catch (e) {
      internalLogger.warning(`OTelExporter: the resource could not describe the job (${messageOf(e)}); sending with the generic resource.`);
    }
    return (this.pipeline as Pipeline).mapper;
  }

  private handleDrop(report: DropReport): void {
    const why = report.detail === undefined ? report.reason : `${report.reason}: ${report.detail}`;
    const message = `OTelExporter dropped ${report.count} span(s) (${why}); ${report.total} dropped so far`;
    if (report.reason === 'queue_full')
      internalLogger.once('WARNING', 'otel:queue_full', `${message}. Further queue overflows are counted silently.`);
    else internalLogger.warning(message);
    if (!this.dropReported) {
      // Once, through the recorder's unguarded path: it reaches every exporter (file, logger, ...), never
      // throws, never recurses, and is a no-op once the recorder is closed.
      this.dropReported = true;
      telemetryRuntime.sink?.reportTelemetryDataErrorUnguarded(message);
    }
    this.settings.onDrop?.(report);
  }
}
