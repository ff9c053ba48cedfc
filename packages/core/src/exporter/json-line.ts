import type { Attributes } from '../core/attributes.js';
import { type Event, unreadAttributesJson } from '../core/event.js';
import type { Span } from '../core/span.js';
import type { TracingTimestamp } from '../core/time.js';
import { flatString, ReusedText, sequentialString } from '../internal/flat-string.js';
import { AttributesJsonMemo } from './attributes-json-memo.js';
import { FRAGMENT_CACHE_LIMIT, quote, writeMap } from './json-value.js';
import type { EventPayload, JsonRecord, SpanRecord } from './record.js';

// Records are built from as few pieces as possible: the constant parts of a record of one name are cached
// as flat strings, because every piece costs again when the line is copied into the file buffer.

/** What records of one span or event name share. */
class NameEntry {
  /** `"name"` */
  readonly quoted: string;
  /** `","name":"name"`: closes the span id that precedes it. */
  readonly afterSpanId: string;
  /** Span attributes: `,"attributes":{...}`. */
  readonly spanAttributes: AttributesJsonMemo;
  private creationText: CreationAttributesText | undefined;
  /** The last middle (see `spanMiddle`), whether it has been flattened, and what it was made of. */
  private readonly middle = new ReusedText();
  private middleParent: string | undefined;
  private middleAttributes = '';
  private middleStart = '';
  private middleStop = '';
  private middleCountHigh = '';
  private eventMemo: AttributesJsonMemo | undefined;
  private eventJsonHeadCache: string | undefined;

  /** `lasting`: the entry is cached, so its pieces are stored as single runs of characters (see sequentialString). */
  constructor(
    name: string,
    private readonly lasting: boolean,
  ) {
    this.quoted = this.fixed(quote(name));
    this.afterSpanId = this.fixed(`","name":${this.quoted}`);
    this.spanAttributes = new AttributesJsonMemo(',"attributes":', '', lasting);
  }

  private fixed(s: string): string {
    return this.lasting ? sequentialString(s) : s;
  }

  /**
   * `","name":"<name>"` (closing the span id), the parent id, attributes and events of a span record, and
   * `,"count":` with the count's digits before its last three (see countHigh): everything between the id and
   * the count's last digits. Consecutive records of one name mostly repeat it (same
   * attributes, the same millisecond), so the last one is kept and, once reused, stored as one run of characters:
   * a line of few flat pieces is copied into the file buffer faster than one of many.
   */
  spanMiddle(parent: string | undefined, attributes: string, start: string, stop: string, countHigh: string): string {
    if (
      this.middle.kept &&
      this.middleParent === parent &&
      this.middleAttributes === attributes &&
      this.middleStart === start &&
      this.middleStop === stop &&
      this.middleCountHigh === countHigh
    ) {
      return this.middle.reuse();
    }
    this.middleParent = parent;
    this.middleAttributes = attributes;
    this.middleStart = start;
    this.middleStop = stop;
    this.middleCountHigh = countHigh;
    return this.middle.keep(middleText(this.afterSpanId, parent, attributes, start, stop, countHigh));
  }

  /** Span attributes shared since the span's creation (see `Span.sharedAttributes`). */
  get creationAttributes(): CreationAttributesText {
    this.creationText ??= new CreationAttributesText(this.lasting);
    return this.creationText;
  }

  /** `","event":{"name":"name","attributes":` (closes the span id; the attributes' JSON text follows). */
  get eventJsonHead(): string {
    this.eventJsonHeadCache ??= this.fixed(`","event":{"name":${this.quoted},"attributes":`);
    return this.eventJsonHeadCache;
  }

  /**
   * Event name and attributes up to the count: `","event":{"name":"name","attributes":{...}},"count":` (closes
   * the span id; the count follows). The memo keeps the repeated end of the attributes and `,"count":` as one piece.
   */
  get eventAttributes(): AttributesJsonMemo {
    this.eventMemo ??= new AttributesJsonMemo(`","event":{"name":${this.quoted},"attributes":`, '},"count":', this.lasting);
    return this.eventMemo;
  }
}

/** A span record from the end of its id to its count's last three digits (see `NameEntry.spanMiddle`). */
function middleText(
  afterSpanId: string,
  parent: string | undefined,
  attributes: string,
  start: string,
  stop: string,
  countHigh: string,
): string {
  const parentPart = parent === undefined ? '' : `,"parent_id":"${parent}"`;
  return `${afterSpanId}${parentPart}${attributes}${start}${stop},"count":${countHigh}`;
}

/**
 * `,"attributes":{...}` of spans whose attributes have not changed since creation, followed by `duration_msec`
 * once stopped. Spans created from the same unchanged object share one collection (see creationAttributes), so
 * the text of the last collection is kept and reused, with the last duration.
 */
class CreationAttributesText {
  private readonly memo: AttributesJsonMemo;
  private attributes: Attributes | undefined;
  /** `,"attributes":{...}` of `attributes` ('' when empty). */
  private plain = '';
  private duration = Number.NaN;
  private readonly withDuration = new ReusedText();

  constructor(lasting: boolean) {
    this.memo = new AttributesJsonMemo(',"attributes":', '', lasting);
  }

  /** The text of a shared collection (which never holds `duration_msec` itself, see creationAttributes). */
  write(attributes: Attributes, duration: number | undefined): string {
    if (attributes !== this.attributes) {
      this.attributes = attributes;
      this.plain = attributes.size > 0 ? this.memo.write(attributes.map) : '';
      this.duration = Number.NaN;
    }
    if (duration === undefined) return this.plain;
    if (duration === this.duration) return this.withDuration.reuse();
    this.duration = duration;
    const plain = this.plain;
    return this.withDuration.keep(
      plain === '' ? `,"attributes":{"duration_msec":${duration}}` : `${plain.slice(0, -1)},"duration_msec":${duration}}`,
    );
  }
}

// Span and event names repeat on nearly every record (bounded: a program may create unbounded names).
const names = new Map<string, NameEntry>();
function nameEntry(name: string): NameEntry {
  let e = names.get(name);
  if (e === undefined) {
    const lasting = names.size < FRAGMENT_CACHE_LIMIT;
    e = new NameEntry(name, lasting);
    if (lasting) names.set(name, e);
  }
  return e;
}

const SPAN_HEAD: Readonly<Record<SpanRecord['type'], string>> = {
  start: '{"type":"start","id":"',
  stop: '{"type":"stop","id":"',
  complete: '{"type":"complete","id":"',
};
const EVENT_HEAD = { event: '{"type":"event","span_id":"', application_error: '{"type":"application_error","span_id":"' } as const;

/**
 * `,"<key>":{"name":"<event>","attributes":{"timestamp_msec":<ms>}}` of a start or stop event without
 * caller attributes. Consecutive spans mostly start and stop within the same millisecond: the last one is kept.
 */
class PlainEventFragment {
  private ms = Number.NaN;
  private fragment = '';
  constructor(private readonly head: string) {}

  at(ms: number): string {
    if (ms !== this.ms) {
      this.ms = ms;
      this.fragment = flatString(`${this.head}${ms}}}`);
    }
    return this.fragment;
  }
}
const plainStart = new PlainEventFragment(',"start_event":{"name":"span_start","attributes":{"timestamp_msec":');
const plainStop = new PlainEventFragment(',"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":');

// `,"pid":<pid>}` closes every record (the pid is the same on nearly every call).
let tailPid = Number.NaN;
let tail = '';
let tailWithNewline = '';
function pidTail(pid: number, newline: boolean): string {
  if (pid !== tailPid) {
    tailPid = pid;
    tail = sequentialString(`,"pid":${pid}}`);
    tailWithNewline = sequentialString(`${tail}\n`);
  }
  return newline ? tailWithNewline : tail;
}
function recordTail(count: number, pid: number, newline: boolean): string {
  return `,"count":${count}${pidTail(pid, newline)}`;
}

// The count changes on every record, so the record writers take its text in two parts that do: the digits before
// the last three (which change once per 1,000 records) and, from a table, the last three digits followed by the
// pid tail. No number is converted to text per record, and the line has one piece fewer.
let highCount = -1;
let highDigits = '';
/** The digits of `count` before its last three ('' below 1,000), kept while they repeat. */
function countHigh(count: number): string {
  if (count < 1000) return '';
  const high = Math.floor(count / 1000);
  if (high !== highCount) {
    highCount = high;
    highDigits = flatString(String(high));
  }
  return highDigits;
}

let tailsPid = Number.NaN;
let tails: string[] = [];
let tailsWithNewline: string[] = [];
/** The last three digits of `count` (all its digits below 1,000) and the pid tail, from a table of 1,000 per pid. */
function countTail(count: number, pid: number, newline: boolean): string {
  if (count < 1000) return `${count}${pidTail(pid, newline)}`;
  if (pid !== tailsPid) {
    tailsPid = pid;
    tails = new Array<string>(1000).fill('');
    tailsWithNewline = new Array<string>(1000).fill('');
  }
  const table = newline ? tailsWithNewline : tails;
  const low = count % 1000;
  let tail = table[low] as string;
  if (tail === '') {
    tail = sequentialString(String(low).padStart(3, '0') + pidTail(pid, newline));
    table[low] = tail;
  }
  return tail;
}

// `{"type":"event","span_id":"<id>`: events mostly go to the span of the previous one (the training loop).
const eventHeads = { event: { spanId: '', head: '' }, application_error: { spanId: '', head: '' } };
function eventHead(type: 'event' | 'application_error', spanId: string): string {
  const last = eventHeads[type];
  if (last.spanId !== spanId) {
    last.spanId = spanId;
    last.head = flatString(EVENT_HEAD[type] + spanId);
  }
  return last.head;
}

/**
 * Serialises a record produced by `BaseJsonExporter` (without the trailing newline). Written for the
 * known record shapes, so it does no per-key dispatch; keys come out in the order of the reference.
 */
export function recordToJsonLine(record: JsonRecord, newline = false): string {
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
      out = `{"type":"${record.type}","id":${quote(record.id)},"name":${nameEntry(record.name).quoted}`;
      if (record.parent_id !== undefined) out += `,"parent_id":${quote(record.parent_id)}`;
      if (record.attributes !== undefined) out += `,"attributes":${writeMap(record.attributes.map)}`;
      if (record.start_event !== undefined) out += `,"start_event":${payload(record.start_event)}`;
      if (record.stop_event !== undefined) out += `,"stop_event":${payload(record.stop_event)}`;
  }
  return out + recordTail(record.count, record.pid, newline);
}

/**
 * The JSON line of a span record, written straight from the span (same bytes as
 * `recordToJsonLine(buildSpanRecord(...))`, without building the record), with a trailing `\n` if
 * `newline`. Span ids are plain ASCII by construction (see `nextSpanId`): written without an escape check.
 */
export function spanRecordLine(type: SpanRecord['type'], span: Span, count: number, pid: number, newline = false): string {
  const entry = nameEntry(span.name);
  const shared = span.sharedAttributes;
  let attributes: string;
  if (shared !== undefined) {
    attributes = entry.creationAttributes.write(shared, span.stoppedDurationMsec);
  } else {
    const view = span.attributesView;
    attributes = view.size > 0 ? entry.spanAttributes.write(view.map) : '';
  }
  let start = '';
  if (type !== 'stop') {
    const user = span.startAttributes;
    start =
      user === undefined
        ? plainStart.at(span.startTime.millisecondsSinceEpoch)
        : `,"start_event":{"name":"span_start","attributes":${eventAttributes(user, span.startTime)}}`;
  }
  let stop = '';
  if (type !== 'start') {
    const user = span.stopAttributes;
    const time = span.stopTime as TracingTimestamp;
    stop =
      user === undefined
        ? plainStop.at(time.millisecondsSinceEpoch)
        : `,"stop_event":{"name":"span_stop","attributes":${eventAttributes(user, time)}}`;
  }
  const high = countHigh(count);
  // The kept middle only pays when the attributes repeat, as a shared snapshot's do; a span's own attributes mostly
  // change (comparing them with the kept ones would cost more than it saves).
  const parent = span.exportedParentId;
  const middle =
    shared !== undefined
      ? entry.spanMiddle(parent, attributes, start, stop, high)
      : middleText(entry.afterSpanId, parent, attributes, start, stop, high);
  return SPAN_HEAD[type] + span.id + middle + countTail(count, pid, newline);
}

/** The JSON line of an event or application-error record (see `spanRecordLine`). */
export function eventRecordLine(
  type: 'event' | 'application_error',
  event: Event,
  span: Span,
  count: number,
  pid: number,
  newline = false,
): string {
  const entry = nameEntry(event.name);
  // An event that carries its attributes as JSON text (model_metrics) is written from that text.
  const json = unreadAttributesJson(event);
  const body = json === undefined ? entry.eventAttributes.write(event.attributes.map) : `${entry.eventJsonHead}${json}},"count":`;
  return eventHead(type, span.id) + body + countHigh(count) + countTail(count, pid, newline);
}

/** A start/stop event's caller attributes followed by `timestamp_msec`. */
function eventAttributes(user: Attributes, time: TracingTimestamp): string {
  const ms = time.millisecondsSinceEpoch;
  const body = writeMap(user.map);
  if (user.has('timestamp_msec')) return body;
  return body === '{}' ? `{"timestamp_msec":${ms}}` : `${body.slice(0, -1)},"timestamp_msec":${ms}}`;
}

function payload(event: EventPayload): string {
  return `{"name":${nameEntry(event.name).quoted},"attributes":${writeMap(event.attributes.map)}}`;
}
