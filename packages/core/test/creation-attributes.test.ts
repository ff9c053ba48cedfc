import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OneLoggerError } from '../src/core/errors.js';
import { Span } from '../src/core/span.js';
import { TracingTimestamp } from '../src/core/time.js';
import { buildSpanRecord } from '../src/exporter/base-json-exporter.js';
import { recordToJsonLine, spanRecordLine } from '../src/exporter/json-line.js';

// Spans created from the same unchanged attributes object share one copy (core/creation-attributes.ts) and their
// record lines reuse its text: what the caller and the records see must be exactly what a fresh copy gives.

const T0 = TracingTimestamp.ofMillis(1_700_000_000_000, 1000);
const at = (ms: number) => TracingTimestamp.ofMillis(1_700_000_000_000 + ms, 1000 + ms);

/** A span created from `input`, stopped after `durationMs`, with its complete line parsed. */
function stopped(name: string, input: Record<string, unknown>, durationMs: number): { span: Span; line: Record<string, unknown> } {
  const span = Span.create(name, { spanAttributes: input as never, startTime: T0 });
  span.stop({ stopTime: at(durationMs) });
  return { span, line: JSON.parse(spanRecordLine('complete', span, 1, 1)) };
}

describe('attributes a span is created with, when the caller passes the same object again', () => {
  test('a value changed after some spans shows in the next span only; each record has its own duration', () => {
    const input = { a: 1, b: 'x', c: true };
    const first = [stopped('same', input, 3), stopped('same', input, 5), stopped('same', input, 5)];
    input.a = 2;
    const later = stopped('same', input, 7);
    for (const [i, { span, line }] of first.entries()) {
      assert.deepEqual(line.attributes, { a: 1, b: 'x', c: true, duration_msec: i === 0 ? 3 : 5 }, `span ${i}`);
      assert.deepEqual(span.attributes.toJSON(), { a: 1, b: 'x', c: true, duration_msec: i === 0 ? 3 : 5 });
    }
    assert.deepEqual(later.line.attributes, { a: 2, b: 'x', c: true, duration_msec: 7 });
  });

  test('a running span keeps the values it was created with when the caller changes its object', () => {
    const input: Record<string, unknown> = { step: 1 };
    stopped('running', input, 1);
    const span = Span.create('running', { spanAttributes: input as never, startTime: T0 });
    input.step = 2;
    input.added = 'later';
    assert.equal(JSON.parse(spanRecordLine('start', span, 1, 1)).attributes.step, 1);
    span.stop({ stopTime: at(2) });
    assert.deepEqual(JSON.parse(spanRecordLine('complete', span, 2, 1)).attributes, { step: 1, duration_msec: 2 });
  });

  test('keys added, removed or reordered in the reused object show in the next span', () => {
    const input: Record<string, unknown> = { a: 1, b: 2 };
    stopped('keys', input, 0);
    stopped('keys', input, 0);
    input.c = 3;
    assert.deepEqual(Object.keys(stopped('keys', input, 0).line.attributes as object), ['a', 'b', 'c', 'duration_msec']);
    delete input.a;
    assert.deepEqual(stopped('keys', input, 0).line.attributes, { b: 2, c: 3, duration_msec: 0 });
    delete input.b;
    input.b = 2;
    assert.deepEqual(Object.keys(stopped('keys', input, 0).line.attributes as object), ['c', 'b', 'duration_msec']);
  });

  test('an array value changed in place is never written stale', () => {
    const tags = ['a'];
    const input = { tags };
    stopped('array', input, 0);
    stopped('array', input, 0);
    tags.push('b');
    assert.deepEqual(stopped('array', input, 0).line.attributes, { tags: ['a', 'b'], duration_msec: 0 });
  });

  test('0 and -0 are told apart, as a fresh copy keeps them', () => {
    const input = { v: 0 };
    stopped('zero', input, 0);
    stopped('zero', input, 0);
    input.v = -0;
    assert.ok(Object.is(stopped('zero', input, 0).span.attributes.getValue('v'), -0));
  });

  test('a change made to one span does not reach the other spans created from the same object', () => {
    const input = { a: 1 };
    const one = Span.create('shared', { spanAttributes: input, startTime: T0 });
    const two = Span.create('shared', { spanAttributes: input, startTime: T0 });
    const three = Span.create('shared', { spanAttributes: input, startTime: T0 });
    two.addAttribute('b', 2);
    three.addAttributes({ a: 5 });
    for (const span of [one, two, three]) span.stop({ stopTime: at(1) });
    assert.deepEqual(JSON.parse(spanRecordLine('complete', one, 1, 1)).attributes, { a: 1, duration_msec: 1 });
    assert.deepEqual(JSON.parse(spanRecordLine('complete', two, 1, 1)).attributes, { a: 1, b: 2, duration_msec: 1 });
    assert.deepEqual(JSON.parse(spanRecordLine('complete', three, 1, 1)).attributes, { a: 5, duration_msec: 1 });
    assert.deepEqual(two.updatedAttributes.toJSON(), { b: 2, duration_msec: 1 });
    assert.deepEqual(one.updatedAttributes.toJSON(), { duration_msec: 1 });
    assert.equal(one.durationMsec(), 1);
    // A stopped span's attributes stay final, whether or not they were shared.
    assert.throws(() => one.addAttribute('late', 1), OneLoggerError);
    assert.deepEqual(one.attributes.toJSON(), { a: 1, duration_msec: 1 });
  });

  test('a getter that throws on a later read is reported like any unreadable value', () => {
    let reads = 0;
    const input = {
      get a(): number {
        reads++;
        if (reads > 5) throw new Error('gone');
        return 1;
      },
    };
    // Spans are created until the getter throws (whether a read checks a reused copy or makes a new one).
    let error: unknown;
    const made: Record<string, unknown>[] = [];
    for (let i = 0; i < 10 && error === undefined; i++) {
      try {
        made.push(stopped('getter', input, 0).line);
      } catch (e) {
        error = e;
      }
    }
    assert.ok(made.length >= 1);
    for (const line of made) assert.deepEqual(line.attributes, { a: 1, duration_msec: 0 });
    assert.ok(error instanceof OneLoggerError);
    assert.match(error.message, /Attribute a: the value could not be read \(gone\)/);
  });

  test('spans created from equal inputs share one copy, also from fresh objects; a different input gets its own', () => {
    const spans = [1, 2, 3, 4].map(() => Span.create('equal', { spanAttributes: { k: 'v', n: 1 }, startTime: T0 }));
    const shared = spans[3]?.sharedAttributes;
    assert.notEqual(shared, undefined);
    assert.equal(spans[2]?.sharedAttributes, shared);
    const other = Span.create('equal', { spanAttributes: { k: 'v', n: 2 }, startTime: T0 });
    assert.notEqual(other.sharedAttributes, shared);
    assert.deepEqual(other.attributes.toJSON(), { k: 'v', n: 2 });
    for (const span of spans) assert.deepEqual(span.attributes.toJSON(), { k: 'v', n: 1 });
  });

  test('inputs that change at every call are copied each time; once they repeat again, they are shared again', () => {
    for (let step = 0; step < 3000; step++) {
      const { line } = stopped('stepping', { step, tag: 'x' }, step % 3);
      assert.deepEqual(line.attributes, { step, tag: 'x', duration_msec: step % 3 }, `step ${step}`);
    }
    let last: Span | undefined;
    for (let i = 0; i < 1200; i++) {
      const made = stopped('stepping', { step: 7, tag: 'x' }, 1);
      assert.deepEqual(made.line.attributes, { step: 7, tag: 'x', duration_msec: 1 });
      last = made.span;
    }
    assert.notEqual(last?.sharedAttributes, undefined, 'shared again after the checks resumed');
  });

  test("each span reads each of the caller's values once while they repeat", () => {
    let reads = 0;
    const input = {
      get a(): number {
        reads++;
        return 1;
      },
    };
    for (let i = 1; i <= 5; i++) {
      stopped('read once', input, 0);
      assert.equal(reads, i, `after span ${i}`);
    }
  });

  test('the record lines equal the generic record path: shared, own copy, empty, a given duration_msec', () => {
    const shared = { k: 'v', n: 2.5 };
    const inputs: (Record<string, unknown> | undefined)[] = [shared, shared, shared, {}, undefined, { duration_msec: 99, z: 1 }];
    for (const [i, input] of inputs.entries()) {
      const span = Span.create(`generic_${i % 3}`, { spanAttributes: input as never, startTime: T0 });
      const start = spanRecordLine('start', span, 1, 5);
      span.stop({ stopTime: at(i) });
      const stop = spanRecordLine('stop', span, 2, 5);
      const complete = spanRecordLine('complete', span, 3, 5);
      // The generic path reads the span's merged attributes (which makes the span's own copy).
      assert.equal(complete, recordToJsonLine(buildSpanRecord('complete', span, 3, 5)), `complete ${i}`);
      assert.equal(stop, recordToJsonLine(buildSpanRecord('stop', span, 2, 5)), `stop ${i}`);
      const startAttributes = JSON.parse(start).attributes;
      const expected = { ...(input ?? {}) };
      assert.deepEqual(startAttributes, Object.keys(expected).length > 0 ? expected : undefined, `start ${i}`);
      assert.deepEqual(JSON.parse(complete).attributes, { ...expected, duration_msec: i }, `complete attributes ${i}`);
    }
  });
});
