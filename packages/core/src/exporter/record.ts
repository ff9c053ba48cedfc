import type { Attributes } from '../core/attributes.js';

export const RecordType = {
  START: 'start',
  STOP: 'stop',
  COMPLETE: 'complete',
  EVENT: 'event',
  APPLICATION_ERROR: 'application_error',
  TELEMETRY_DATA_ERROR: 'telemetry_data_error',
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

/** An event as embedded in a record. Attributes are the live collection (serialise before the next call). */
export interface EventPayload {
  name: string;
  attributes: Attributes;
}

export interface SpanRecord {
  type: 'start' | 'stop' | 'complete';
  id: string;
  name: string;
  /** Additive key (not in the Python records): the id of the nearest exported ancestor span. */
  parent_id?: string;
  attributes?: Attributes;
  start_event?: EventPayload;
  stop_event?: EventPayload;
  count: number;
  pid: number;
}

export interface EventRecord {
  type: 'event' | 'application_error';
  span_id: string;
  event: EventPayload;
  count: number;
  pid: number;
}

export interface TelemetryDataErrorRecord {
  type: 'telemetry_data_error';
  error: EventPayload;
  count: number;
  pid: number;
}

/** One line of the JSONL wire format, before serialisation. */
export type JsonRecord = SpanRecord | EventRecord | TelemetryDataErrorRecord;

/** The version of the record format, also the version of `schema/records.schema.json`. */
export const RECORD_SCHEMA_VERSION = '1.0.0';

/**
 * The longest record line a FileExporter writes, in UTF-8 bytes including its newline (8 MiB). A record that
 * would be longer is replaced by a telemetry-data error naming the span and this limit; every reader of the
 * project accepts lines up to this length (a line has at most as many characters as bytes).
 */
export const MAX_RECORD_LINE_BYTES = 8 * 1024 * 1024;
