// A fast path for summaries: records the summary does not look into are not JSON-parsed — start/stop/complete
// records of spans it does not use (e.g. millions of exported `training_single_iteration` spans) and events it
// needs at most the last of (`training_metrics_update`, whose text is kept and parsed only if it stays the last).
// Their fixed layout (spec/core.md §5.4, the same in both libraries) is checked and the few fields needed are read
// directly. Anything unusual (escapes, NaN tokens, a second record glued on by a torn write, another key order)
// falls back to the full parse, so problems are still reported; `one-logger validate` parses every line.

export interface LightSpanItem {
  kind: 'light-span';
  line: number;
  type: 'start' | 'stop' | 'complete';
  id: string;
  name: string;
  pid: number;
  startMs: number | undefined;
  stopMs: number | undefined;
  /** `duration_msec` of a stop or complete record (the last span attribute), when present. */
  durationMs: number | undefined;
}

const PREFIXES = [
  ['{"type":"complete","id":"', 'complete'],
  ['{"type":"start","id":"', 'start'],
  ['{"type":"stop","id":"', 'stop'],
] as const;

export interface LightEventItem {
  kind: 'light-event';
  line: number;
  name: string;
  spanId: string;
  pid: number;
  timeMs: number;
  /** The whole line, for a later JSON.parse if the consumer needs it after all. */
  text: string;
}

/** Lines that can never take the light path. */
function unusual(text: string): boolean {
  return text.indexOf('{"type":"', 1) !== -1 || text.includes('\\') || text.includes('NaN') || text.includes('Infinity');
}

/** The light form of a span record, or undefined when it must be parsed (tracked span name, or anything unusual). */
export function readLightSpan(text: string, line: number, tracked: ReadonlySet<string>): LightSpanItem | undefined {
  // `{"type":"s…` or `{"type":"c…`: a cheap first test before the prefixes.
  const t9 = text.charCodeAt(9);
  if (t9 !== 115 && t9 !== 99) return undefined;
  let type: LightSpanItem['type'] | undefined;
  let pos = 0;
  for (const [prefix, t] of PREFIXES) {
    if (text.startsWith(prefix)) {
      type = t;
      pos = prefix.length;
      break;
    }
  }
  if (type === undefined || unusual(text)) return undefined;
  const idEnd = text.indexOf('"', pos);
  if (idEnd === -1 || !text.startsWith(',"name":"', idEnd + 1)) return undefined;
  const id = text.slice(pos, idEnd);
  const nameStart = idEnd + 10;
  const nameEnd = text.indexOf('"', nameStart);
  if (nameEnd === -1) return undefined;
  const name = text.slice(nameStart, nameEnd);
  if (tracked.has(name) || id === '' || name === '') return undefined;
  // `…,"pid":123}` ends every record.
  const pidAt = text.lastIndexOf(',"pid":');
  if (pidAt === -1 || text.charCodeAt(text.length - 1) !== 125) return undefined;
  const pid = digitsAt(text, pidAt + 7, text.length - 1);
  if (pid === undefined) return undefined;
  const startAt = type === 'stop' ? -1 : text.indexOf('"start_event":{', nameEnd);
  const stopAt = type === 'start' ? -1 : text.indexOf('"stop_event":{', nameEnd);
  const startMs = startAt === -1 ? undefined : timestampAfter(text, startAt, stopAt === -1 ? pidAt : stopAt);
  const stopMs = stopAt === -1 ? undefined : timestampAfter(text, stopAt, pidAt);
  if ((type !== 'stop' && startMs === undefined) || (type !== 'start' && stopMs === undefined)) return undefined;
  let durationMs: number | undefined;
  if (type !== 'start') {
    // `…"duration_msec":12},"start_event"…` (complete) or `…},"stop_event"…` (stop): the same value the full
    // parse reads, so both paths give the same durations. Anything else there falls back to the full parse.
    const attrsEnd = (type === 'complete' ? startAt : stopAt) - 2;
    const at = text.lastIndexOf(DURATION_KEY, attrsEnd);
    if (at > nameEnd) {
      durationMs = digitsAt(text, at + DURATION_KEY.length, attrsEnd);
      if (durationMs === undefined || !text.startsWith('},', attrsEnd)) return undefined;
    }
  }
  return { kind: 'light-span', line, type, id, name, pid, startMs, stopMs, durationMs };
}

const DURATION_KEY = '"duration_msec":';

const EVENT_PREFIX = '{"type":"event","span_id":"';
const EVENT_NAME = '","event":{"name":"';

/** The light form of an event record whose name is not in `tracked`, or undefined when it must be parsed. */
export function readLightEvent(text: string, line: number, tracked: ReadonlySet<string>): LightEventItem | undefined {
  if (!text.startsWith(EVENT_PREFIX) || unusual(text)) return undefined;
  const idEnd = text.indexOf('"', EVENT_PREFIX.length);
  if (idEnd === -1 || !text.startsWith(EVENT_NAME, idEnd)) return undefined;
  const nameStart = idEnd + EVENT_NAME.length;
  const nameEnd = text.indexOf('"', nameStart);
  if (nameEnd === -1) return undefined;
  const name = text.slice(nameStart, nameEnd);
  if (tracked.has(name) || name === '' || idEnd === EVENT_PREFIX.length) return undefined;
  const pidAt = text.lastIndexOf(',"pid":');
  if (pidAt === -1 || text.charCodeAt(text.length - 1) !== 125) return undefined;
  const pid = digitsAt(text, pidAt + 7, text.length - 1);
  // `…"timestamp_msec":123}},"count":…`: the event time is the last attribute.
  const tsAt = text.lastIndexOf(TS_KEY, pidAt);
  if (pid === undefined || tsAt < nameEnd) return undefined;
  const timeMs = timestampAfter(text, tsAt, pidAt);
  if (timeMs === undefined || text.charCodeAt(text.indexOf('}', tsAt) + 1) !== 125) return undefined;
  return { kind: 'light-event', line, name, spanId: text.slice(EVENT_PREFIX.length, idEnd), pid, timeMs, text };
}

const TS_KEY = '"timestamp_msec":';

function timestampAfter(text: string, from: number, limit: number): number | undefined {
  const at = text.indexOf(TS_KEY, from);
  if (at === -1 || at > limit) return undefined;
  const start = at + TS_KEY.length;
  let end = start;
  while (end < limit) {
    const c = text.charCodeAt(end);
    if (c < 48 || c > 57) break;
    end++;
  }
  // The value must end the attributes object: `…"timestamp_msec":123}` (it is always the last attribute).
  return text.charCodeAt(end) === 125 ? digitsAt(text, start, end) : undefined;
}

/** The non-negative integer written in text[start, end), or undefined. */
function digitsAt(text: string, start: number, end: number): number | undefined {
  if (end <= start || end - start > 16) return undefined;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    v = v * 10 + (c - 48);
  }
  return v;
}
