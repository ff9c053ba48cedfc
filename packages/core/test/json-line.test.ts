import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Attributes } from '../src/core/attributes.js';
import { Event } from '../src/core/event.js';
import { Span } from '../src/core/span.js';
import { buildSpanRecord } from '../src/exporter/base-json-exporter.js';
import { eventRecordLine, recordToJsonLine, spanRecordLine } from '../src/exporter/json-line.js';
import { finiteNumberJson, mapValueJson, toJsonLine } from '../src/exporter/json-value.js';

/** Serialises, checks the line is one line of JSON, and returns it with its parsed value. */
function roundTrip(value: unknown): { line: string; parsed: unknown } {
  const line = toJsonLine(value);
  assert.equal(line.includes('\n'), false, `a JSON line must not contain a raw newline: ${line}`);
  return { line, parsed: JSON.parse(line) };
}

describe('toJsonLine: layout', () => {
  test('keys keep insertion order, output is compact and equals JSON.stringify for plain data', () => {
    const record = { type: 'start', id: 'abc', name: 'n', zeta: 1, alpha: 2, count: 3, pid: 4 };
    const { line, parsed } = roundTrip(record);
    assert.equal(line, '{"type":"start","id":"abc","name":"n","zeta":1,"alpha":2,"count":3,"pid":4}');
    assert.equal(line, JSON.stringify(record));
    assert.deepEqual(Object.keys(parsed as object), ['type', 'id', 'name', 'zeta', 'alpha', 'count', 'pid']);
  });

  test('integer-like keys are written in the order JavaScript enumerates them (same as JSON.stringify)', () => {
    const obj = { b: 1, 2: 'two', a: 3, 1: 'one' };
    assert.equal(toJsonLine(obj), JSON.stringify(obj));
    assert.equal(toJsonLine(obj), '{"1":"one","2":"two","b":1,"a":3}');
  });

  test('nested Attributes are written from their map in insertion order, overwrites keep the first position', () => {
    const attrs = new Attributes({ z_first: 'v', a_second: 2 });
    attrs.add('m_third', true).add('z_first', 'replaced');
    const record = { type: 'event', span_id: 's', event: { name: 'e', attributes: attrs }, count: 1, pid: 9 };
    const { line, parsed } = roundTrip(record);
    assert.equal(
      line,
      '{"type":"event","span_id":"s","event":{"name":"e","attributes":{"z_first":"replaced","a_second":2,"m_third":true}},"count":1,"pid":9}',
    );
    assert.deepEqual(parsed, {
      type: 'event',
      span_id: 's',
      event: { name: 'e', attributes: { z_first: 'replaced', a_second: 2, m_third: true } },
      count: 1,
      pid: 9,
    });
  });

  test('an empty Attributes collection is an empty object', () => {
    assert.equal(toJsonLine({ attributes: new Attributes() }), '{"attributes":{}}');
  });

  test('arrays of strings, numbers and booleans, empty arrays and arrays inside Attributes', () => {
    const attrs = new Attributes({ s: ['a', 'b'], n: [1, 2.5, -3], b: [true, false], e: [] });
    const { line, parsed } = roundTrip({ a: attrs, top: [[1], ['x'], []] });
    assert.equal(line, '{"a":{"s":["a","b"],"n":[1,2.5,-3],"b":[true,false],"e":[]},"top":[[1],["x"],[]]}');
    assert.deepEqual(parsed, { a: { s: ['a', 'b'], n: [1, 2.5, -3], b: [true, false], e: [] }, top: [[1], ['x'], []] });
  });

  test('numbers are written as JavaScript shortest round-trip form (1.0 is 1, exponents stay valid JSON)', () => {
    const values = [0, -0, 1, 1.0, -1.5, 0.1 + 0.2, 1e-7, 1e21, 123456789012345, Number.MAX_SAFE_INTEGER, 5e-324];
    const { line, parsed } = roundTrip(values);
    assert.equal(line, '[0,0,1,1,-1.5,0.30000000000000004,1e-7,1e+21,123456789012345,9007199254740991,5e-324]');
    assert.equal(line, JSON.stringify(values));
    assert.deepEqual(parsed, [0, 0, 1, 1, -1.5, 0.30000000000000004, 1e-7, 1e21, 123456789012345, 9007199254740991, 5e-324]);
  });

  test('every finite number is written as its String() text (random bit patterns, integers and fractions)', () => {
    const view = new DataView(new ArrayBuffer(8));
    let a = 7;
    const next = () => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return a;
    };
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      view.setUint32(0, next());
      view.setUint32(4, next());
      values.push(view.getFloat64(0));
      values.push(next() / (next() + 1), next() * 1000 + (next() % 1000), Math.fround(next() / 4294967296), -next() * 1e6);
    }
    for (const v of values) {
      if (!Number.isFinite(v)) continue;
      assert.equal(finiteNumberJson(v), String(v), `bits of ${v}`);
      assert.equal(mapValueJson(v), String(v));
    }
  });

  test('booleans and null', () => {
    assert.equal(toJsonLine({ t: true, f: false, n: null }), '{"t":true,"f":false,"n":null}');
  });

  test('top-level primitives', () => {
    assert.equal(toJsonLine('x'), '"x"');
    assert.equal(toJsonLine(42), '42');
    assert.equal(toJsonLine(false), 'false');
    assert.equal(toJsonLine(null), 'null');
    assert.equal(toJsonLine(undefined), 'null');
  });
});

describe('toJsonLine: strings', () => {
  const cases: Array<[string, string]> = [
    ['double quotes', 'say "hi"'],
    ['backslashes', 'C:\\path\\to\\file \\" \\\\'],
    ['newline, tab, carriage return', 'line1\nline2\tcol\r\n'],
    ['other control characters', '\u0000\u0001\u0007\b\f\u000b\u001f'],
    ['DEL and C1 controls', '\u007f\u0080\u009f'],
    ['line and paragraph separators', 'a\u2028b\u2029c'],
    ['lone high surrogate', 'x\ud800y'],
    ['lone low surrogate', 'x\udc00y'],
    ['reversed surrogate pair', '\udc00\ud800'],
    ['valid surrogate pair (emoji)', 'smile 😀'],
    ['non-ASCII letters', 'é ü ß 中文 Ω'],
    ['empty string', ''],
    ['slashes and html', '</script><b>&amp;</b>'],
  ];
  for (const [label, value] of cases) {
    test(`${label}: JSON.parse reads back the identical string, as value and as key`, () => {
      const record = { [value === '' ? 'empty' : value]: value, nested: new Attributes({ [`k${value}`]: value, list: [value, value] }) };
      const { line, parsed } = roundTrip(record);
      const p = parsed as Record<string, unknown>;
      assert.equal(p[value === '' ? 'empty' : value], value);
      assert.deepEqual(p.nested, { [`k${value}`]: value, list: [value, value] });
      // Standard JSON encoding: byte-for-byte what JSON.stringify produces for the same plain data.
      assert.equal(
        line,
        JSON.stringify({ [value === '' ? 'empty' : value]: value, nested: { [`k${value}`]: value, list: [value, value] } }),
      );
    });
  }

  test('control characters and lone surrogates are escaped, non-ASCII is written as is (no \\u forcing)', () => {
    assert.equal(toJsonLine('a\u0001b'), '"a\\u0001b"');
    assert.equal(toJsonLine('\n\t"\\'), '"\\n\\t\\"\\\\"');
    assert.equal(toJsonLine('\ud800'), '"\\ud800"');
    assert.equal(toJsonLine('é😀'), '"é😀"');
    assert.equal(toJsonLine('\u007f'), '"\u007f"');
  });
});

describe('toJsonLine: values JSON cannot represent', () => {
  test('non-finite numbers are omitted from objects (no NaN/Infinity tokens, no null)', () => {
    const line = toJsonLine({ a: 1, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, ninf: Number.NEGATIVE_INFINITY, b: 2 });
    assert.equal(line, '{"a":1,"b":2}');
    assert.deepEqual(JSON.parse(line), { a: 1, b: 2 });
  });

  test('non-finite numbers are omitted from attribute maps too', () => {
    const attrs = new Attributes({ ok: 1 });
    // Validation keeps non-finite numbers out of Attributes; force one in through the backing map.
    attrs.map.set('bad', Number.NaN);
    attrs.map.set('last', 'x');
    assert.equal(toJsonLine({ attributes: attrs }), '{"attributes":{"ok":1,"last":"x"}}');
  });

  test('a record whose only value is non-finite becomes an empty object', () => {
    assert.equal(toJsonLine({ nan: Number.NaN }), '{}');
  });

  test('non-finite numbers inside arrays become null so the array keeps its length', () => {
    const line = toJsonLine({ a: [1, Number.NaN, Number.POSITIVE_INFINITY, 2] });
    assert.equal(line, '{"a":[1,null,null,2]}');
    assert.deepEqual(JSON.parse(line), { a: [1, null, null, 2] });
  });

  test('undefined, functions and symbols are omitted from objects and become null in arrays', () => {
    const line = toJsonLine({ u: undefined, f: () => 1, s: Symbol('x'), keep: 'k', arr: [undefined, () => 1] });
    assert.equal(line, '{"keep":"k","arr":[null,null]}');
  });
});

describe('spanRecordLine (the FileExporter fast path)', () => {
  test('writes exactly the bytes of the generic record path for every record type and attribute shape', () => {
    const parent = Span.create('parent');
    const cases: Span[] = [
      Span.create('plain'),
      Span.create('with "quotes" and \\ and é', {
        parentSpan: parent,
        spanAttributes: { s: 'tab\there', n: -1.5, b: false, l: [1, 2, 3] },
      }),
      Span.create('user start attrs', { startEventAttributes: { shard: 3, tags: ['a', 'b'] } }),
      Span.create('user timestamp', { startEventAttributes: { timestamp_msec: 5, x: 'y' } }),
      Span.create('emoji 😀', { spanAttributes: { '😀 key': '😀 value', duration_msec: 7 } }),
    ];
    for (const span of cases) {
      for (const type of ['start'] as const) {
        assert.equal(spanRecordLine(type, span, 3, 42), recordToJsonLine(buildSpanRecord(type, span, 3, 42)));
      }
      span.stop({ stopEventAttributes: { ok: true } });
      for (const type of ['stop', 'complete'] as const) {
        const line = spanRecordLine(type, span, 4, 42);
        assert.equal(line, recordToJsonLine(buildSpanRecord(type, span, 4, 42)));
        const parsed = JSON.parse(line);
        assert.equal(parsed.name, span.name);
        assert.equal(parsed.stop_event.attributes.ok, true);
        assert.equal(parsed.stop_event.attributes.timestamp_msec, span.stopTime?.millisecondsSinceEpoch);
      }
    }
    const userTs = JSON.parse(spanRecordLine('complete', cases[3] as Span, 1, 1));
    // A caller-supplied timestamp_msec keeps its position and gets the event's real time (reference behaviour).
    assert.deepEqual(Object.keys(userTs.start_event.attributes), ['timestamp_msec', 'x']);
    assert.equal(userTs.start_event.attributes.timestamp_msec, cases[3]?.startTime.millisecondsSinceEpoch);
  });
});

describe('record counts in span and event lines', () => {
  test('every count, across the thousands and with zeros in its last digits, with and without the newline, for two pids', () => {
    const span = Span.create('counted', { spanAttributes: { a: 1 } });
    span.stop();
    const event = Event.create('counted_event', { v: 2 });
    const counts = [1, 9, 10, 99, 100, 999, 1000, 1001, 1009, 1010, 1099, 1100, 1999, 2000, 12_005, 999_999, 1_000_000, 123_456_789];
    for (const pid of [42, 7]) {
      for (const count of counts) {
        for (const newline of [false, true]) {
          const generic = recordToJsonLine(buildSpanRecord('complete', span, count, pid), newline);
          assert.equal(spanRecordLine('complete', span, count, pid, newline), generic, `span count ${count} pid ${pid}`);
          const parsed = JSON.parse(spanRecordLine('complete', span, count, pid));
          assert.equal(parsed.count, count);
          assert.equal(parsed.pid, pid);
          const line = eventRecordLine('event', event, span, count, pid, newline);
          assert.equal(line.endsWith('\n'), newline);
          const record = JSON.parse(line);
          assert.deepEqual(
            [record.type, record.span_id, record.event.name, record.event.attributes.v],
            ['event', span.id, 'counted_event', 2],
          );
          assert.deepEqual(Object.keys(record), ['type', 'span_id', 'event', 'count', 'pid']);
          assert.deepEqual([record.count, record.pid], [count, pid], `event count ${count} pid ${pid}`);
        }
      }
    }
  });
});

describe('record lines past the bound of the fragment caches', () => {
  test('more distinct span names, event names and keys than the caches keep: the same bytes as the generic path', () => {
    // The caches keep 4,096 names and keys; the names and keys after that are written without being kept.
    for (let i = 0; i < 5000; i++) {
      const span = Span.create(`span_${i}`, { spanAttributes: { [`key_${i}`]: i, shared: 'x' } });
      span.stop();
      assert.equal(spanRecordLine('complete', span, i, 7), recordToJsonLine(buildSpanRecord('complete', span, i, 7)), `span ${i}`);
      const event = Event.create(`event_${i}`, { [`key_${i}`]: i / 3 });
      const generic = recordToJsonLine({
        type: 'event',
        span_id: span.id,
        event: { name: event.name, attributes: event.attributes },
        count: i,
        pid: 7,
      });
      assert.equal(eventRecordLine('event', event, span, i, 7), generic, `event ${i}`);
    }
  });
});
