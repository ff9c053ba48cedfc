import { type AttributeValue, VERSION } from '@nv-one-logger/core';
import type { Attributes, HrTime } from '@opentelemetry/api';
import { BasicTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { otelAttributesFromJson } from './attributes.js';
import { BoundedBatchSpanProcessor, type ExportStats } from './bounded-batch-processor.js';
import { type DropReport, type OTelExporterOptions, resolveOptions } from './options.js';
import { TRACER_NAME } from './otel-exporter.js';
import { createOtlpSpanExporter } from './otlp-transport.js';
import { buildResource, JobResourceKey } from './resource.js';
import { SpanMapper } from './span-mapper.js';
import { hrTimeFromEpochMs } from './time.js';

export interface ReplayOptions extends Omit<OTelExporterOptions, 'resource'> {
  /** `service.name` of the replayed job (the records do not carry the application name). Default `one-logger-replay`. */
  serviceName?: string;
  /** More resource attributes (session tag, rank, ...), merged over `service.name`. */
  resource?: Readonly<Record<string, AttributeValue>>;
}

export interface ReplayResult extends ExportStats {
  /** Records read. */
  records: number;
  /** Spans sent (a stop without its start still counts: it is rebuilt from `duration_msec`). */
  spans: number;
  /** Records that could not be mapped (unknown type, no timestamp, event of an unknown span), with the first reasons. */
  skipped: number;
  skippedReasons: string[];
  /** Spans whose parent was not in the replayed records: sent as roots. */
  orphans: number;
  /** Spans with a start but no stop: ended at the last record's time and flagged `one_logger_span_incomplete`. */
  incomplete: number;
}

type Json = Record<string, unknown>;

const MAX_REASONS = 10;

/**
 * Sends JSONL records written earlier (by this library or the Python one) to an OTLP collector with the
 * same mapping as `OTelExporter`. `records` are parsed JSON objects in file order. Resolves once everything
 * was sent or dropped (within `shutdownTimeoutMillis` at the end); never rejects for a bad record.
 */
export async function replayRecords(
  records: Iterable<unknown> | AsyncIterable<unknown>,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const { serviceName, resource: extra, ...exporterOptions } = options;
  const settings = resolveOptions(exporterOptions);
  const spanExporter: SpanExporter = settings.spanExporter ?? createOtlpSpanExporter(settings);
  const processor = new BoundedBatchSpanProcessor(spanExporter, settings, (report: DropReport) => settings.onDrop?.(report));
  const resource = buildResource(extra ?? {}, { 'service.name': serviceName ?? 'one-logger-replay', [JobResourceKey.VERSION]: VERSION });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  const mapper = new SpanMapper(provider.getTracer(TRACER_NAME), { eventSpans: settings.eventSpans, orphans: 'root' });
  const out = { records: 0, spans: 0, skipped: 0, skippedReasons: [] as string[], orphans: 0, incomplete: 0 };
  let lastTime: HrTime | undefined;
  let sinceYield = 0;

  const skip = (reason: string): void => {
    out.skipped++;
    if (out.skippedReasons.length < MAX_REASONS) out.skippedReasons.push(`record ${out.records}: ${reason}`);
  };

  for await (const record of records) {
    out.records++;
    try {
      const time = replayOne(record, mapper, out);
      if (time !== undefined) lastTime = time;
    } catch (e) {
      skip(e instanceof Error ? e.message : String(e));
    }
    // Unlike a live job, a replay can wait: never let the queue overflow.
    if (processor.queued >= settings.maxQueueSize / 2) await processor.sendQueued();
    else if (++sinceYield >= 512) {
      sinceYield = 0;
      await new Promise((r) => setImmediate(r));
    }
  }
  out.incomplete = mapper.endOpen(lastTime ?? hrTimeFromEpochMs(Date.now()), 'span had no stop record in the replayed data');
  await provider.shutdown();
  return { ...out, ...processor.stats };
}

/** Maps one record; returns its time. Throws with a reason for records that cannot be mapped. */
function replayOne(record: unknown, mapper: SpanMapper, out: { spans: number; orphans: number }): HrTime | undefined {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new Error('not a JSON object');
  const r = record as Json;
  switch (r.type) {
    case 'start':
    case 'complete': {
      const id = text(r.id, 'id');
      const startEvent = payload(r.start_event, 'start_event');
      const start = timeOf(startEvent, 'start_event');
      const parentId = typeof r.parent_id === 'string' ? r.parent_id : undefined;
      if (parentId !== undefined && !mapper.has(parentId)) out.orphans++;
      mapper.start(id, text(r.name, 'name'), parentId, attrs(r.attributes), start, attrs(startEvent.attributes));
      out.spans++;
      if (r.type === 'start') return start;
      return stop(r, id, mapper);
    }
    case 'stop': {
      const id = text(r.id, 'id');
      if (!mapper.has(id)) {
        // The start is not in the data (file cut, or started before it): rebuild it from duration_msec.
        const stopEvent = payload(r.stop_event, 'stop_event');
        const stopMs = msOf(stopEvent, 'stop_event');
        const duration = (r.attributes as Json | undefined)?.duration_msec;
        const startMs = typeof duration === 'number' && Number.isFinite(duration) ? stopMs - duration : stopMs;
        mapper.start(id, text(r.name, 'name'), undefined, attrs(r.attributes), hrTimeFromEpochMs(startMs), undefined);
        out.spans++;
        out.orphans++;
      }
      return stop(r, id, mapper);
    }
    case 'event': {
      const event = payload(r.event, 'event');
      const time = timeOf(event, 'event');
      mapper.event(text(r.span_id, 'span_id'), text(event.name, 'event.name'), attrs(event.attributes), time);
      return time;
    }
    case 'application_error': {
      const event = payload(r.event, 'event');
      const time = timeOf(event, 'event');
      const message = (event.attributes as Json | undefined)?.error_message;
      mapper.error(
        text(r.span_id, 'span_id'),
        text(event.name, 'event.name'),
        attrs(event.attributes),
        typeof message === 'string' ? message : '',
        time,
      );
      return time;
    }
    case 'telemetry_data_error': {
      const error = payload(r.error, 'error');
      const time = timeOf(error, 'error');
      const message = (error.attributes as Json | undefined)?.error_message;
      const name = typeof error.name === 'string' && error.name !== '' ? error.name : 'telemetry_data_error';
      mapper.telemetryDataError(name, attrs(error.attributes), typeof message === 'string' ? message : '', time);
      return time;
    }
    default:
      throw new Error(`unknown record type ${JSON.stringify(r.type)}`);
  }
}

function stop(r: Json, id: string, mapper: SpanMapper): HrTime {
  const stopEvent = payload(r.stop_event, 'stop_event');
  const time = timeOf(stopEvent, 'stop_event');
  mapper.stop(id, attrs(r.attributes), attrs(stopEvent.attributes), time);
  return time;
}

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`${field} must be a non-empty string`);
  return v;
}

function payload(v: unknown, field: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${field} must be an object`);
  return v as Json;
}

function msOf(event: Json, field: string): number {
  const ms = (event.attributes as Json | undefined)?.timestamp_msec;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new Error(`${field}.attributes.timestamp_msec must be a number`);
  return ms;
}

function timeOf(event: Json, field: string): HrTime {
  return hrTimeFromEpochMs(msOf(event, field));
}

function attrs(v: unknown): Attributes | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? otelAttributesFromJson(v as Json) : undefined;
}
