import { Attributes } from '../core/attributes.js';
import type { Event } from '../core/event.js';
import type { Span } from '../core/span.js';
import type { TracingTimestamp } from '../core/time.js';
import type { EventPayload, JsonRecord, SpanRecord } from './record.js';

// Strings without quotes, backslashes, control characters or surrogates can be quoted as they are;
// that is nearly every id, name and key, and skipping JSON.stringify for them is most of the speed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

// Span and event names repeat on nearly every record: cache their quoted form.
const nameCache = new Map<string, string>();
function quoteName(name: string): string {
  let q = nameCache.get(name);
  if (q === undefined) {
    q = quote(name);
    if (nameCache.size < KEY_CACHE_LIMIT) nameCache.set(name, q);
  }
  return q;
}

// Keys repeat across records (attribute names): cache their `"key":` prefix.
const keyCache = new Map<string, string>();
const KEY_CACHE_LIMIT = 4096;
function keyPrefix(k: string): string {
  let p = keyCache.get(k);
  if (p === undefined) {
    p = `${quote(k)}:`;
    if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(k, p);
  }
  return p;
}

/**
 * Serialises a record produced by `BaseJsonExporter` (without the trailing newline). Written for the
 * known record shapes, so it does no per-key dispatch; keys come out in the order of the reference.
 */
export function recordToJsonLine(record: JsonRecord): string {
  let out: string;
  switch (record.type) {
    case 'event':
    case 'application_error':
      out = `{"type":"${record.type}","span_id":${quote(record.span_id)},"event":${payload(record.event)}`;
      break;
    case 'telemetry_data_error':
      out = `{"type":"telemetry_data_error","error":${payload(record.error)}`;
      break;
    default:
      out = `{"type":"${record.type}","id":${quote(record.id)},"name":${quoteName(record.name)}`;
      if (record.parent_id !== undefined) out += `,"parent_id":${quote(record.parent_id)}`;
      if (record.attributes !== undefined) out += `,"attributes":${writeMap(record.attributes.map)}`;
      if (record.start_event !== undefined) out += `,"start_event":${payload(record.start_event)}`;
      if (record.stop_event !== undefined) out += `,"stop_event":${payload(record.stop_event)}`;
  }
  return `${out},"count":${record.count},"pid":${record.pid}}`;
}

/**
 * The JSON line of a span record, written straight from the span (same bytes as
 * `recordToJsonLine(buildSpanRecord(...))`, without building the record). Span ids are plain ASCII by
 * construction (see `nextSpanId`), so they are written without an escape check.
 */
export function spanRecordLine(type: SpanRecord['type'], span: Span, count: number, pid: number): string {
  let out = `{"type":"${type}","id":"${span.id}","name":${quoteName(span.name)}`;
  if (span.exportedParentId !== undefined) out += `,"parent_id":"${span.exportedParentId}"`;
  const attributes = span.attributesView;
  if (attributes.size > 0) out += `,"attributes":${writeMap(attributes.map)}`;
  if (type !== 'stop') out += `,"start_event":{"name":"span_start","attributes":${eventAttributes(span.startAttributes, span.startTime)}}`;
  if (type !== 'start') {
    out += `,"stop_event":{"name":"span_stop","attributes":${eventAttributes(span.stopAttributes, span.stopTime as TracingTimestamp)}}`;
  }
  return `${out},"count":${count},"pid":${pid}}`;
}

/** The JSON line of an event or application-error record. */
export function eventRecordLine(type: 'event' | 'application_error', event: Event, span: Span, count: number, pid: number): string {
  return `{"type":"${type}","span_id":"${span.id}","event":{"name":${quoteName(event.name)},"attributes":${writeMap(event.attributes.map)}},"count":${count},"pid":${pid}}`;
}

/** A start/stop event's attributes: the caller's (if any) then `timestamp_msec`. */
function eventAttributes(user: Attributes | undefined, time: TracingTimestamp): string {
  const ms = time.millisecondsSinceEpoch;
  if (user === undefined) return `{"timestamp_msec":${ms}}`;
  const body = writeMap(user.map);
  if (user.has('timestamp_msec')) return body;
  return body === '{}' ? `{"timestamp_msec":${ms}}` : `${body.slice(0, -1)},"timestamp_msec":${ms}}`;
}

function payload(event: EventPayload): string {
  return `{"name":${quoteName(event.name)},"attributes":${writeMap(event.attributes.map)}}`;
}

/**
 * Serialises any value to one line of standard JSON, keys in insertion order. Attribute collections are
 * written straight from their maps. Non-finite numbers never reach here (attributes are validated);
 * if one does, its key is omitted, so the output is always valid JSON.
 */
export function toJsonLine(value: unknown): string {
  return writeValue(value) ?? 'null';
}

function writeValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? `${value}` : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Attributes) return writeMap(value.map);
      if (Array.isArray(value)) return writeArray(value);
      return writeObject(value as Record<string, unknown>);
    default:
      return undefined;
  }
}

function writeArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += writeValue(items[i]) ?? 'null';
  }
  return `${out}]`;
}

function writeMap(map: ReadonlyMap<string, unknown>): string {
  let out = '{';
  let first = true;
  for (const [k, v] of map) {
    let s: string | undefined;
    if (typeof v === 'number') s = Number.isFinite(v) ? `${v}` : undefined;
    else if (typeof v === 'string') s = quote(v);
    else s = writeValue(v);
    if (s === undefined) continue;
    out += first ? `${keyPrefix(k)}${s}` : `,${keyPrefix(k)}${s}`;
    first = false;
  }
  return `${out}}`;
}

function writeObject(obj: Record<string, unknown>): string {
  let out = '';
  for (const k in obj) {
    const s = writeValue(obj[k]);
    if (s === undefined) continue;
    out += out === '' ? `{${keyPrefix(k)}${s}` : `,${keyPrefix(k)}${s}`;
  }
  return out === '' ? '{}' : `${out}}`;
}
