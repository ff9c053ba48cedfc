// The record format of spec/core.md §5 as read back (untrusted JSON), with small typed accessors.
// Records of both libraries share the layout; ours add `parent_id` to span records.

export const RECORD_TYPES = ['start', 'stop', 'complete', 'event', 'application_error', 'telemetry_data_error'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

const TYPE_SET: ReadonlySet<unknown> = new Set(RECORD_TYPES);

export function isRecordType(v: unknown): v is RecordType {
  return TYPE_SET.has(v);
}

/** An embedded event: `{ name, attributes }`. */
export interface RawEvent {
  name?: unknown;
  attributes?: Record<string, unknown>;
}

/** One parsed line whose `type` is a known record type; every other key is unchecked JSON. */
export interface RawRecord {
  type: RecordType;
  id?: unknown;
  name?: unknown;
  parent_id?: unknown;
  span_id?: unknown;
  attributes?: unknown;
  start_event?: unknown;
  stop_event?: unknown;
  event?: unknown;
  error?: unknown;
  count?: unknown;
  pid?: unknown;
}

export type Attrs = Record<string, unknown>;

const EMPTY: Attrs = Object.freeze({}) as Attrs;

export function asAttrs(v: unknown): Attrs {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Attrs) : EMPTY;
}

export function asEvent(v: unknown): RawEvent | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as RawEvent) : undefined;
}

/** A finite number, else undefined (NaN/Infinity tokens were read as null). */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `timestamp_msec` of an embedded event. */
export function eventTimeMs(event: unknown): number | undefined {
  return num(asEvent(event)?.attributes?.timestamp_msec);
}

/** The event payload of an `event`/`application_error` record or the error of a `telemetry_data_error`. */
export function payloadOf(r: RawRecord): RawEvent | undefined {
  return asEvent(r.type === 'telemetry_data_error' ? r.error : r.event);
}

/** The time of a record: the stop time of stop/complete, the start time of start, the event time otherwise. */
export function recordTimeMs(r: RawRecord): number | undefined {
  switch (r.type) {
    case 'start':
      return eventTimeMs(r.start_event);
    case 'stop':
    case 'complete':
      return eventTimeMs(r.stop_event);
    default:
      return num(payloadOf(r)?.attributes?.timestamp_msec);
  }
}

export function isSpanRecord(r: RawRecord): boolean {
  return r.type === 'start' || r.type === 'stop' || r.type === 'complete';
}

/** `pid` as a number; records without one share the key `undefined`. */
export function pidOf(r: RawRecord): number | undefined {
  return num(r.pid);
}
