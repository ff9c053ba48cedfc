import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { Attribute, Attributes } from '../src/core/attributes.js';
import { OneLoggerError } from '../src/core/errors.js';
import { Event, StandardEventName } from '../src/core/event.js';
import { setIdGenerator } from '../src/core/ids.js';
import { durationMsecBetween, NVTXColor, Span, StandardSpanAttributeName } from '../src/core/span.js';
import { setClock, TracingTimestamp } from '../src/core/time.js';

const START = TracingTimestamp.of(1_700_000_000, 100.2);
const STOP = TracingTimestamp.of(1_700_000_020, 120.9);

/** A subclass, as training telemetry defines typed attribute collections. */
class CustomAttributes extends Attributes {
  get customField(): string | undefined {
    return this.getStrValue('custom_field');
  }
}

afterEach(() => {
  setClock(undefined);
  setIdGenerator(undefined);
});

describe('Span', () => {
  test('create() with a start time: no attributes, a start event with timestamp_msec, active (#67)', () => {
    setIdGenerator(() => 'span-id-1');
    const span = Span.create('test_span', { startTime: START });
    assert.equal(span.id, 'span-id-1');
    assert.equal(span.name, 'test_span');
    assert.equal(span.parentSpan, undefined);
    assert.equal(span.attributes.size, 0);
    assert.equal(span.startEvent.name, StandardEventName.SPAN_START);
    assert.equal(span.startEvent.timestamp, START);
    assert.deepEqual(span.startEvent.attributes.toJSON(), { timestamp_msec: 1_700_000_000_000 });
    assert.equal(span.active, true);
    assert.equal(span.stopEvent, undefined);
  });

  test('create() without a start time uses now(); ids are UUID-shaped (random per-process prefix, counter suffix) and unique', () => {
    setClock({ wallMs: () => 1_700_000_000_500, perfMs: () => 7000 });
    const span = Span.create('now_span');
    assert.equal(span.startEvent.timestamp.wallMs, 1_700_000_000_500);
    assert.equal(span.startEvent.timestamp.perfMs, 7000);
    assert.match(span.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const next = Span.create('other').id;
    assert.notEqual(next, span.id);
    assert.equal(next.slice(0, 30), span.id.slice(0, 30), 'same process prefix');
  });

  test('the id suffix counts up by one in hex, across every 4,096-id boundary of its two halves', () => {
    const ids = Array.from({ length: 9000 }, () => Span.create('counted').id);
    assert.equal(new Set(ids).size, ids.length);
    for (let i = 1; i < ids.length; i++) {
      const prev = ids[i - 1] as string;
      const id = ids[i] as string;
      // A new random prefix every 2^24 ids restarts the counter at 0.
      if (id.slice(0, 30) !== prev.slice(0, 30)) continue;
      assert.equal(Number.parseInt(id.slice(30), 16), Number.parseInt(prev.slice(30), 16) + 1, `${prev} -> ${id}`);
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  test('span and start-event attributes are kept (copied, with timestamp_msec on the event) (#68)', () => {
    const spanAttributes = new Attributes({ span_attr: 'value', count: 3 });
    const startEventAttributes = new Attributes({ event_attr: true });
    const parent = Span.create('parent', { startTime: START });
    const span = Span.create('child', { parentSpan: parent, spanAttributes, startEventAttributes, startTime: START });
    assert.equal(span.attributes.equals(spanAttributes), true);
    assert.equal(span.startEvent.attributes.equals(new Attributes({ event_attr: true, timestamp_msec: 1_700_000_000_000 })), true);
    assert.equal(span.parentSpan, parent);
    assert.deepEqual(span.toJSON(), { name: 'child', id: span.id, parent_id: parent.id, attributes: { span_attr: 'value', count: 3 } });
  });

  test('P4: addEvent accepts events while running but keeps no history (#69)', () => {
    const span = Span.create('s', { startTime: START });
    const first = Event.create('e1', { i: 1 }, TracingTimestamp.of(1_700_000_001, 101));
    const second = Event.create('e2', { i: 2 }, TracingTimestamp.of(1_700_000_002, 102));
    assert.equal(span.addEvent(first), first);
    assert.equal(span.addEvent(second), second);
    assert.equal('events' in span, false);
    assert.deepEqual(Object.keys(span.toJSON()), ['name', 'id']);
    assert.equal(span.startEvent.name, 'span_start');
  });

  test('addEvent on a stopped span is rejected (#70)', () => {
    const span = Span.create('s', { startTime: START });
    span.stop({ stopTime: STOP });
    assert.throws(() => span.addEvent(Event.create('late', undefined, STOP)), {
      name: 'OneLoggerError',
      message: 'Cannot add an event to a span that is not running.',
    });
  });

  test('addAttribute is visible in attributes and updatedAttributes (#71)', () => {
    const span = Span.create('s', { startTime: START });
    span.addAttribute('new_attr', 'new_value');
    assert.equal(span.attributes.getValue('new_attr'), 'new_value');
    assert.deepEqual(span.updatedAttributes.toJSON(), { new_attr: 'new_value' });
    assert.throws(() => span.addAttribute('bad', null as unknown as string), { message: /Attribute bad: value must be/ });
  });

  test('addAttributes makes every attribute visible (#72)', () => {
    const span = Span.create('s', { startTime: START });
    span.addAttributes(new Attributes({ a: 1, b: 'two' }));
    assert.deepEqual(span.attributes.toJSON(), { a: 1, b: 'two' });
    assert.deepEqual(span.updatedAttributes.toJSON(), { a: 1, b: 'two' });
  });

  test('overrides win in the merged view, keep position; updatedAttributes holds only the changes (#73)', () => {
    const span = Span.create('s', { startTime: START, spanAttributes: { keep: 'k', change1: 1, change2: 'old' } });
    span.addAttributes({ change1: 10, added: true });
    span.addAttribute('change2', 'new');
    assert.deepEqual(span.attributes.toJSON(), { keep: 'k', change1: 10, change2: 'new', added: true });
    assert.deepEqual(Object.keys(span.attributes.toJSON()), ['keep', 'change1', 'change2', 'added']);
    assert.deepEqual(span.updatedAttributes.toJSON(), { change1: 10, added: true, change2: 'new' });
  });

  test('a subclass of Attributes as initial attributes: its values are copied (#74, adapted)', () => {
    // The reference preserved the subclass in `attributes`; here the span holds a plain, copied collection.
    const initial = new CustomAttributes({ custom_field: 'x', n: 1 });
    const span = Span.create('s', { startTime: START, spanAttributes: initial });
    span.addAttribute('n', 2);
    assert.equal(initial.customField, 'x');
    assert.deepEqual(span.attributes.toJSON(), { custom_field: 'x', n: 2 });
    assert.deepEqual(span.updatedAttributes.toJSON(), { n: 2 });
    assert.deepEqual(initial.toJSON(), { custom_field: 'x', n: 1 });
  });

  test('stop(stopTime): not active, stop event with only timestamp_msec (#75)', () => {
    const span = Span.create('s', { startTime: START });
    span.stop({ stopTime: STOP });
    assert.equal(span.active, false);
    assert.equal(span.stopEvent?.name, StandardEventName.SPAN_STOP);
    assert.equal(span.stopEvent?.timestamp, STOP);
    assert.deepEqual(span.stopEvent?.attributes.toJSON(), { timestamp_msec: 1_700_000_020_000 });
  });

  test('stop with attributes: duration_msec 20700 for perf 100.2 -> 120.9 s (#76)', () => {
    const stopAttributes = new Attributes({ result: 'ok' });
    const span = Span.create('s', { startTime: START, spanAttributes: { a: 1 } });
    span.stop({ stopEventAttributes: stopAttributes, stopTime: STOP });
    assert.deepEqual(span.attributes.toJSON(), { a: 1, duration_msec: 20700 });
    assert.deepEqual(span.updatedAttributes.toJSON(), { duration_msec: 20700 });
    assert.equal(span.stopEvent?.attributes.equals(new Attributes({ result: 'ok', timestamp_msec: 1_700_000_020_000 })), true);
    assert.equal(span.durationMsec(), 20700);
    assert.deepEqual(stopAttributes.toJSON(), { result: 'ok' });
  });

  test('a second stop changes nothing (#77)', () => {
    const span = Span.create('s', { startTime: START });
    span.stop({ stopTime: STOP });
    const firstStop = span.stopEvent;
    span.stop({ stopTime: TracingTimestamp.of(1_700_000_050, 150) });
    assert.equal(span.stopEvent, firstStop);
    assert.equal(span.durationMsec(), 20700);
  });

  test('the NVTX color attribute is readable (#78)', () => {
    const span = Span.create('s', { startTime: START });
    span.addAttribute(StandardSpanAttributeName.NVTX_COLOR, NVTXColor.BLUE);
    assert.equal(span.attributes.getStrValue('nvtx_color'), 'blue');
    assert.equal(NVTXColor.DARK_GREEN, 'darkgreen');
  });

  test('durationMsec of a running span is rejected', () => {
    const span = Span.create('running', { startTime: START });
    assert.throws(() => span.durationMsec(), { name: 'OneLoggerError', message: 'Span running must be stopped to have a duration.' });
  });

  test('durations come from the monotonic clock only (wall clock deliberately inconsistent)', () => {
    const span = Span.create('s', { startTime: TracingTimestamp.of(1_700_000_000, 10) });
    span.stop({ stopTime: TracingTimestamp.of(1_699_999_000, 12.5) });
    assert.equal(span.durationMsec(), 2500);
  });

  test('durationMsec is robust to float rounding (1.0 -> 1.29 s gives 290; 100.2 -> 120.9 s gives 20700)', () => {
    assert.equal(durationMsecBetween(TracingTimestamp.of(1_700_000_000, 1.0), TracingTimestamp.of(1_700_000_000, 1.29)), 290);
    assert.equal(durationMsecBetween(START, STOP), 20700);
    assert.equal(durationMsecBetween(TracingTimestamp.of(0, 0.1), TracingTimestamp.of(0, 0.3)), 200);
    assert.equal(durationMsecBetween(TracingTimestamp.ofMillis(0, 5), TracingTimestamp.ofMillis(0, 5.9)), 0);
  });

  test('U9: a stop before the start is rejected and the span stays active', () => {
    setIdGenerator(() => 'id-9');
    const span = Span.create('early', { startTime: START });
    assert.throws(
      () => span.stop({ stopTime: TracingTimestamp.of(1_700_000_000, 99) }),
      (err: unknown) => {
        assert.ok(err instanceof OneLoggerError);
        assert.equal(
          err.message,
          'Span early (id=id-9) cannot stop before it started (start 100200 ms, stop 99000 ms on the monotonic clock)',
        );
        return true;
      },
    );
    assert.equal(span.active, true);
    assert.equal(span.attributes.has('duration_msec'), false);
    span.stop({ stopTime: STOP });
    assert.equal(span.durationMsec(), 20700);
  });

  test('B6: a start time with perf counter 0 is valid', () => {
    const span = Span.create('zero', { startTime: TracingTimestamp.of(1_700_000_000, 0) });
    assert.equal(span.startEvent.timestamp.perfCounterSeconds, 0);
    span.stop({ stopTime: TracingTimestamp.of(1_700_000_000.5, 0.5) });
    assert.equal(span.durationMsec(), 500);
  });

  test('B7: later changes to the caller objects do not reach the span', () => {
    const spanAttributes = new Attributes({ a: 1 });
    const startEventAttributes = new Attributes({ e: 'x' });
    const span = Span.create('s', { startTime: START, spanAttributes, startEventAttributes });
    spanAttributes.add('b', 2);
    startEventAttributes.add('f', 'y');
    assert.deepEqual(span.attributes.toJSON(), { a: 1 });
    assert.deepEqual(span.startEvent.attributes.toJSON(), { e: 'x', timestamp_msec: 1_700_000_000_000 });
    assert.deepEqual(startEventAttributes.toJSON(), { e: 'x', f: 'y' });
    const attr = new Attribute('z', 1);
    span.addAttributes(new Attributes().add(attr.name, attr.value));
    assert.equal(span.attributes.getValue('z'), 1);
  });

  test('B4: toJSON is plain JSON with a string id', () => {
    setIdGenerator(() => 'abc');
    const span = Span.create('s', { startTime: START, spanAttributes: { k: 'v' } });
    assert.equal(JSON.stringify(span), '{"name":"s","id":"abc","attributes":{"k":"v"}}');
  });
});
