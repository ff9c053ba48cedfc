// Compares what an OTLP receiver decoded with the JSONL records of the same run: one OTel span per span
// record (same name, parent, start time, final attributes with their OTLP types) and every event on its span.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { Rec } from '../../../core/test/helpers/records.js';
import type { ReceivedSpan } from './otlp-receiver.js';

/** The OTel span carrying a one-logger span id. */
export function realSpans(spans: ReceivedSpan[]): Map<string, ReceivedSpan> {
  const out = new Map<string, ReceivedSpan>();
  for (const s of spans) {
    const id = s.attributes.one_logger_span_id;
    if (typeof id === 'string') out.set(id, s);
  }
  return out;
}

/** Checks every span and event record of `records` against what the receiver decoded. */
export function assertMatchesRecords(records: Rec[], spans: ReceivedSpan[]): void {
  const real = realSpans(spans);
  const spanRecords = records.filter((r) => r.type === 'start' || r.type === 'complete');
  assert.equal(real.size, spanRecords.length, 'one OTel span per exported one-logger span');
  for (const r of spanRecords) {
    const s = real.get(r.id);
    assert.ok(s, `span ${r.name} (${r.id}) reached the collector`);
    assert.equal(s.name, r.name);
    assert.equal(s.types.one_logger_span_id, 'string');
    if (r.parent_id === undefined) assert.equal(s.parentSpanId, undefined, `${r.name} is a root`);
    else assert.equal(s.parentSpanId, real.get(r.parent_id)?.spanId, `${r.name}'s parent is span ${r.parent_id}`);
    assertAtMs(s.startNs, r.start_event.attributes.timestamp_msec, `${r.name} starts at its start_event time`);
    assert.equal(s.events[0]?.name, 'span_start');
    assert.equal(s.events.at(-1)?.name, 'span_stop');
  }
  const finals = records.filter((r) => r.type === 'stop' || r.type === 'complete');
  for (const r of finals) {
    const s = real.get(r.id) as ReceivedSpan;
    assertAtMs(s.endNs, r.stop_event.attributes.timestamp_msec, `${r.name} ends at its stop_event time`);
    assert.ok(s.endNs >= s.startNs);
    for (const [k, v] of Object.entries(r.attributes as Record<string, unknown>)) {
      assert.deepEqual(s.attributes[k], v, `${r.name}.${k}`);
      const expected =
        typeof v === 'string'
          ? 'string'
          : typeof v === 'boolean'
            ? 'bool'
            : Array.isArray(v)
              ? 'array'
              : Number.isInteger(v)
                ? 'int'
                : 'double';
      assert.equal(s.types[k], expected, `type of ${r.name}.${k}`);
    }
  }
  for (const r of records.filter((x) => x.type === 'event' || x.type === 'application_error')) {
    const owner = real.get(r.span_id) as ReceivedSpan;
    // Several events of one name can share a millisecond (two training updates): the one with the same attributes.
    const sameName = owner.events.filter((e) => e.name === r.event.name);
    const found = sameName.find((e) => isDeepStrictEqual(e.attributes, r.event.attributes));
    assert.ok(
      found,
      `event ${r.event.name} on ${owner.name} with ${JSON.stringify(r.event.attributes)}; got ${JSON.stringify(sameName.map((e) => e.attributes))}`,
    );
    assertAtMs(found.timeNs, r.event.attributes.timestamp_msec, `event ${r.event.name} at its time`);
    const fakeName = r.type === 'event' ? `${r.event.name}_event_for_${owner.name}` : `error_for_${owner.name}`;
    // Concurrent spans can have events in the same millisecond: the child span is found under its owner.
    const fake = spans.find(
      (s) => s.name === fakeName && s.parentSpanId === owner.spanId && isDeepStrictEqual(s.attributes, r.event.attributes),
    );
    assert.ok(fake, `child span ${fakeName} under ${owner.name} with the event's attributes`);
    assert.equal(fake.startNs, fake.endNs);
    assert.equal(fake.startNs, found.timeNs);
  }
}

/**
 * `ns` (OTLP nanoseconds) is the instant whose truncated millisecond is `timestampMsec` (the record's
 * `timestamp_msec`), give or take the nanosecond rounding at a millisecond boundary.
 */
function assertAtMs(ns: bigint, timestampMsec: unknown, what: string): void {
  assert.equal(typeof timestampMsec, 'number', what);
  const offset = ns - BigInt(timestampMsec as number) * 1_000_000n;
  assert.ok(offset >= 0n && offset <= 1_000_000n, `${what}: ${ns} ns vs ${String(timestampMsec)} ms`);
}
