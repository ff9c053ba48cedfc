import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { Attributes } from '../src/core/attributes.js';
import { OneLoggerError } from '../src/core/errors.js';
import {
  ErrorEvent,
  Event,
  type EventJson,
  StandardEventAttributeName,
  StandardEventName,
  TelemetryDataError,
  TelemetryDataErrorType,
  unreadAttributesJson,
} from '../src/core/event.js';
import { Span, StandardSpanName } from '../src/core/span.js';
import { setClock, TracingTimestamp } from '../src/core/time.js';
import { buildSpanRecord } from '../src/exporter/base-json-exporter.js';
import { eventRecordLine, recordToJsonLine } from '../src/exporter/json-line.js';

const TS = TracingTimestamp.of(1_700_000_000.25, 500.5);
const TS_MSEC = 1_700_000_000_250;

function fixedClock(wallSec: number, perfSec: number): void {
  setClock({ wallMs: () => wallSec * 1000, perfMs: () => perfSec * 1000 });
}

afterEach(() => setClock(undefined));

describe('Event', () => {
  test('keeps name and timestamp; attributes get timestamp_msec appended last (#52)', () => {
    const event = new Event('my_event', TS, new Attributes({ test: 42 }));
    assert.equal(event.name, 'my_event');
    assert.equal(event.timestamp, TS);
    assert.deepEqual(event.attributes.toJSON(), { test: 42, timestamp_msec: TS_MSEC });
    assert.deepEqual(Object.keys(event.attributes.toJSON()), ['test', 'timestamp_msec']);
  });

  test('without attributes only timestamp_msec is present (#53)', () => {
    const event = new Event('bare', TS);
    assert.deepEqual(event.attributes.toJSON(), { timestamp_msec: TS_MSEC });
  });

  test('adopting keeps the given collection (order, no copy), adds timestamp_msec and behaves as a constructed event', () => {
    const attributes = new Attributes({ loss: 0.25, global_step: 7 });
    const event = Event.adopting('training_metrics_update', TS, attributes);
    assert.ok(event instanceof Event);
    assert.equal(event.attributes, attributes);
    assert.deepEqual([...event.attributes.map.keys()], ['loss', 'global_step', 'timestamp_msec']);
    const constructed = new Event('training_metrics_update', TS, { loss: 0.25, global_step: 7 });
    assert.ok(event.equals(constructed));
    assert.deepEqual(event.toJSON(), constructed.toJSON());
    // A timestamp_msec given by the caller keeps its place and gets the event's time, as in a constructed event.
    const early = Event.adopting('x', TS, new Attributes({ timestamp_msec: 1, loss: 0.25 }));
    assert.deepEqual([...early.attributes.map], [...new Event('x', TS, { timestamp_msec: 1, loss: 0.25 }).attributes.map]);
    assert.deepEqual([...early.attributes.map.keys()], ['timestamp_msec', 'loss']);
  });

  test('ofAttributesJson: attributes parsed from the text when first read, in its order; behaves as a constructed event', () => {
    const json = `{"loss":0.25,"val/acc-top.1":1e-7,"__proto__":3,"global_step":7,"timestamp_msec":${TS_MSEC}}`;
    const event = Event.ofAttributesJson('model_metrics', TS, json);
    assert.ok(event instanceof Event);
    assert.equal(event.name, 'model_metrics');
    assert.equal(event.timestamp, TS);
    // Unread, the text speaks for the attributes; once read (and so changeable) it no longer does.
    assert.equal(unreadAttributesJson(event), json);
    assert.deepEqual([...event.attributes.map.keys()], ['loss', 'val/acc-top.1', '__proto__', 'global_step', 'timestamp_msec']);
    assert.equal(event.attributes, event.attributes);
    assert.equal(unreadAttributesJson(event), undefined);
    assert.deepEqual(
      [...event.attributes.map],
      [
        ['loss', 0.25],
        ['val/acc-top.1', 1e-7],
        ['__proto__', 3],
        ['global_step', 7],
        ['timestamp_msec', TS_MSEC],
      ],
    );
    const simple = Event.ofAttributesJson('model_metrics', TS, `{"loss":0.25,"global_step":7,"timestamp_msec":${TS_MSEC}}`);
    const constructed = new Event('model_metrics', TS, { loss: 0.25, global_step: 7 });
    assert.ok(simple.equals(constructed));
    assert.deepEqual(simple.toJSON(), constructed.toJSON());
    assert.deepEqual(Event.fromJSON(simple.toJSON()).toJSON(), constructed.toJSON());
    assert.equal(unreadAttributesJson(constructed), undefined);
  });

  test('a JSON exporter writes an unread JSON-attributes event from its text, and a read one from its attributes', () => {
    const span = Span.create('loop');
    const json = `{"loss":0.5,"global_step":1,"timestamp_msec":${TS_MSEC}}`;
    const unread = Event.ofAttributesJson('model_metrics', TS, json);
    const read = Event.ofAttributesJson('model_metrics', TS, json);
    read.attributes.add('note', 'changed after it was made');
    const line = (event: Event) => eventRecordLine('event', event, span, 3, 11);
    const generic = (event: Event) =>
      recordToJsonLine({ type: 'event', span_id: span.id, event: { name: event.name, attributes: event.attributes }, count: 3, pid: 11 });
    assert.equal(
      line(unread),
      `{"type":"event","span_id":"${span.id}","event":{"name":"model_metrics","attributes":${json}},"count":3,"pid":11}`,
    );
    assert.equal(line(unread), generic(unread));
    assert.match(line(read), /"timestamp_msec":1700000000250,"note":"changed after it was made"\}/);
    assert.equal(line(read), generic(read));
  });

  // B8: the reference named spans with str(name) ("Cls.MEMBER" for an enum member) but events with name.value,
  // so one enum gave different names to a span and an event. Names here are strings, checked once, the same way.
  test('B8 (#54): standard names are plain strings; spans and events take a name the same way and write it unchanged', () => {
    const start = new Event(StandardEventName.SPAN_START, TS);
    assert.equal(start.name, 'span_start');
    const custom = new Event('custom_event', TS, { key: 'value' });
    assert.equal(custom.name, 'custom_event');
    assert.deepEqual(custom.attributes.toJSON(), { key: 'value', timestamp_msec: TS_MSEC });

    // An enum-like constant (the TS counterpart of the reference's enums) names a span and an event identically,
    // and the records carry exactly that string.
    const Phase = { LOAD: 'load_data' } as const;
    const span = Span.create(Phase.LOAD, { startTime: TS });
    const event = new Event(Phase.LOAD, TS);
    assert.equal(span.name, 'load_data');
    assert.equal(event.name, 'load_data');
    span.stop({ stopTime: TracingTimestamp.of(1_700_000_001.25, 501.5) });
    assert.equal((JSON.parse(recordToJsonLine(buildSpanRecord('complete', span, 1, 1))) as { name: string }).name, 'load_data');
    assert.equal(Span.create(StandardSpanName.APPLICATION, { startTime: TS }).name, 'application');

    // What the reference stringified (an object whose string form differs from its value, a boxed string, a
    // number member of a numeric enum) is rejected by both, instead of becoming two different names.
    const member = { value: 'load_data', toString: () => 'Phase.LOAD' };
    for (const bad of [member, new String('load_data'), 0, '']) {
      assert.throws(
        () => Span.create(bad as unknown as string, { startTime: TS }),
        /^OneLoggerError: Span name must be a non-empty string/,
      );
      assert.throws(() => new Event(bad as unknown as string, TS), /^OneLoggerError: Event name must be a non-empty string/);
    }
  });

  test('create() uses TracingTimestamp.now() (#55)', () => {
    fixedClock(1_700_000_100.5, 42.25);
    const event = Event.create('created');
    assert.equal(event.timestamp.secondsSinceEpoch, 1_700_000_100.5);
    assert.equal(event.timestamp.perfCounterSeconds, 42.25);
    assert.equal(event.attributes.getValue('timestamp_msec'), 1_700_000_100_500);
  });

  test('create() with attributes and timestamp keeps the timestamp (#56)', () => {
    const event = Event.create('created', new Attributes({ a: 'b' }), TS);
    assert.equal(event.timestamp, TS);
    assert.deepEqual(event.attributes.toJSON(), { a: 'b', timestamp_msec: TS_MSEC });
  });

  test('toJSON / fromJSON round-trip (#57)', () => {
    const event = new Event('metrics', TS, { count: 3, ratio: 0.5, tags: ['x', 'y'], values: [1.5, 2.5] });
    const json = event.toJSON();
    assert.deepEqual(json, {
      name: 'metrics',
      timestamp: { seconds_since_epoch: 1_700_000_000.25, perf_counter_seconds: 500.5 },
      attributes: { count: 3, ratio: 0.5, tags: ['x', 'y'], values: [1.5, 2.5], timestamp_msec: TS_MSEC },
    });
    const back = Event.fromJSON(JSON.parse(JSON.stringify(json)) as EventJson);
    assert.equal(back.constructor, Event);
    assert.equal(back.equals(event), true);
    assert.deepEqual(back.toJSON(), json);
  });

  test('a missing timestamp or name is rejected', () => {
    assert.throws(() => new Event('no_ts', undefined as unknown as TracingTimestamp), {
      name: 'OneLoggerError',
      message: 'Event no_ts must have a valid timestamp',
    });
    assert.throws(() => Event.fromJSON({ name: '', timestamp: TS.toJSON() }), { message: /^Event must have a name and a timestamp/ });
    assert.throws(() => Event.fromJSON(null as unknown as EventJson), {
      name: 'OneLoggerError',
      message: 'Event data must be a dictionary',
    });
  });

  test('equality compares name, timestamp and attributes', () => {
    const a = new Event('e', TS, { k: 1 });
    assert.equal(a.equals(new Event('e', TS, { k: 1 })), true);
    assert.equal(a.equals(new Event('f', TS, { k: 1 })), false);
    assert.equal(a.equals(new Event('e', TracingTimestamp.of(1_700_000_000.25, 501), { k: 1 })), false);
    assert.equal(a.equals(new Event('e', TS, { k: 2 })), false);
    assert.equal(a.equals('e'), false);
  });

  test('B7: the caller attributes are copied, so reusing them for two events is safe', () => {
    const shared = new Attributes({ user: 'u' });
    const first = new Event('first', TS, shared);
    const second = new Event('second', TracingTimestamp.of(1_700_000_005, 505), shared);
    assert.deepEqual(shared.toJSON(), { user: 'u' });
    assert.equal(first.attributes.getValue('timestamp_msec'), TS_MSEC);
    assert.equal(second.attributes.getValue('timestamp_msec'), 1_700_000_005_000);
    shared.add('late', 1);
    assert.equal(first.attributes.has('late'), false);
  });

  test('B3: events can be kept in Sets and Maps (no hash that throws); equals compares by value', () => {
    const a = new Event('e', TS, { k: 1 });
    const b = new Event('e', TS, { k: 1 });
    const set = new Set([a, b]);
    const map = new Map([[a, 'first']]);
    assert.equal(set.size, 2);
    assert.equal(map.get(a), 'first');
    assert.equal(a.equals(b), true);
    assert.equal('hash' in a, false);
  });
});

describe('ErrorEvent', () => {
  test('constructor stores every field; name is "error" (#58)', () => {
    const event = new ErrorEvent(TS, 'Something failed', {
      exceptionType: 'RangeError',
      exceptionMessage: 'bad range',
      exceptionTraceback: 'RangeError: bad range\n    at x',
      attributes: { extra: 'info' },
    });
    assert.equal(event.name, StandardEventName.ERROR);
    assert.equal(event.errorMessage, 'Something failed');
    assert.equal(event.exceptionType, 'RangeError');
    assert.equal(event.exceptionMessage, 'bad range');
    assert.equal(event.exceptionTraceback, 'RangeError: bad range\n    at x');
    assert.deepEqual(Object.keys(event.attributes.toJSON()), [
      'error_message',
      'exception_type',
      'exception_message',
      'exception_traceback',
      'extra',
      'timestamp_msec',
    ]);
    assert.equal(event.attributes.getValue('extra'), 'info');
  });

  test('fromException(message, error) describes the error: type, message, stack (#59)', () => {
    fixedClock(1_700_000_000, 10);
    let caught: unknown;
    try {
      throw new TypeError('Test error');
    } catch (err) {
      caught = err;
    }
    const event = ErrorEvent.fromException('Test error', caught);
    assert.equal(event.errorMessage, 'Test error');
    assert.equal(event.exceptionType, 'TypeError');
    assert.equal(event.exceptionMessage, 'Test error');
    assert.equal(event.exceptionTraceback, (caught as Error).stack);
    assert.match(event.exceptionTraceback ?? '', /^TypeError: Test error\n\s+at /);
    assert.equal(event.timestamp.secondsSinceEpoch, 1_700_000_000);
  });

  test('fromException(message) without an error leaves the exception fields undefined (#60)', () => {
    const event = ErrorEvent.fromException('Test error');
    assert.equal(event.exceptionType, undefined);
    assert.equal(event.exceptionMessage, undefined);
    assert.equal(event.exceptionTraceback, undefined);
    assert.deepEqual(Object.keys(event.attributes.toJSON()), ['error_message', 'timestamp_msec']);
  });

  test('toJSON has every field and fromJSON round-trips (#61)', () => {
    const event = new ErrorEvent(TS, 'Test error', {
      exceptionType: 'Error',
      exceptionMessage: 'boom',
      exceptionTraceback: 'Error: boom\n    at here',
    });
    const json = event.toJSON();
    assert.equal(json.name, 'error');
    assert.deepEqual(json.timestamp, TS.toJSON());
    assert.equal(json.error_message, 'Test error');
    assert.equal(json.exception_type, 'Error');
    assert.equal(json.exception_message, 'boom');
    assert.equal(json.exception_traceback, 'Error: boom\n    at here');
    const back = Event.fromJSON(JSON.parse(JSON.stringify(json)) as EventJson);
    assert.ok(back instanceof ErrorEvent);
    assert.equal(back.equals(event), true);
    assert.equal(ErrorEvent.fromJSON(json).equals(event), true);
  });

  test('non-Error throwables are described too', () => {
    const event = ErrorEvent.fromException('failed', 'just a string');
    assert.equal(event.exceptionType, 'string');
    assert.equal(event.exceptionMessage, 'just a string');
  });

  test('B1: an error with an empty message can be recorded', () => {
    const event = ErrorEvent.fromException('Error in load: ', new Error());
    assert.equal(event.exceptionType, 'Error');
    assert.equal(event.exceptionMessage, '');
    assert.equal(event.attributes.getValue(StandardEventAttributeName.EXCEPTION_MESSAGE), '');
  });
});

describe('TelemetryDataError', () => {
  test('constructor: name, standard attributes in order (#62)', () => {
    const event = new TelemetryDataError(TS, TelemetryDataErrorType.NO_TELEMETRY_DATA, 'nothing collected');
    assert.equal(event.name, StandardEventName.TELEMETRY_DATA_ERROR);
    assert.equal(event.name, 'telemetry_data_error');
    assert.deepEqual(event.attributes.toJSON(), {
      error_message: 'nothing collected',
      telemetry_data_error_type: 'no_telemetry_data',
      timestamp_msec: TS_MSEC,
    });
    assert.deepEqual(Object.keys(event.attributes.toJSON()), ['error_message', 'telemetry_data_error_type', 'timestamp_msec']);
    assert.equal(TelemetryDataError.ErrorType.INCOMPLETE_TELEMETRY_DATA, 'incomplete_telemetry_data');
  });

  test('of() uses now() (#63)', () => {
    fixedClock(1_700_000_200, 77);
    const event = TelemetryDataError.of(TelemetryDataErrorType.INCOMPLETE_TELEMETRY_DATA, 'partial');
    assert.equal(event.timestamp.secondsSinceEpoch, 1_700_000_200);
    assert.equal(event.timestamp.perfCounterSeconds, 77);
    assert.equal(event.errorType, 'incomplete_telemetry_data');
    assert.equal(event.errorMessage, 'partial');
  });

  test('extra attributes come after the standard ones (#64)', () => {
    const event = new TelemetryDataError(TS, TelemetryDataErrorType.NO_TELEMETRY_DATA, 'msg', { error_code: 500, component: 'exporter' });
    assert.deepEqual(Object.keys(event.attributes.toJSON()), [
      'error_message',
      'telemetry_data_error_type',
      'error_code',
      'component',
      'timestamp_msec',
    ]);
    assert.equal(event.attributes.getValue('error_code'), 500);
    assert.equal(event.attributes.getValue('component'), 'exporter');
  });

  test('toJSON / fromJSON round-trip (#65)', () => {
    const event = new TelemetryDataError(TS, TelemetryDataErrorType.NO_TELEMETRY_DATA, 'msg', { error_code: 500 });
    const json = event.toJSON();
    assert.deepEqual(json, {
      name: 'telemetry_data_error',
      timestamp: TS.toJSON(),
      attributes: { error_message: 'msg', telemetry_data_error_type: 'no_telemetry_data', error_code: 500, timestamp_msec: TS_MSEC },
      error_type: 'no_telemetry_data',
      error_message: 'msg',
    });
    const back = TelemetryDataError.fromJSON(JSON.parse(JSON.stringify(json)) as EventJson);
    assert.equal(back.equals(event), true);
  });

  test('equality (#66)', () => {
    const a = new TelemetryDataError(TS, TelemetryDataErrorType.NO_TELEMETRY_DATA, 'msg');
    assert.equal(a.equals(new TelemetryDataError(TS, TelemetryDataErrorType.NO_TELEMETRY_DATA, 'msg')), true);
    assert.equal(a.equals(new TelemetryDataError(TS, TelemetryDataErrorType.INCOMPLETE_TELEMETRY_DATA, 'msg')), false);
    assert.equal(a.equals(new TelemetryDataError(TS, TelemetryDataErrorType.NO_TELEMETRY_DATA, 'other')), false);
    assert.equal(a.equals(new Event('telemetry_data_error', TS, a.attributes)), false);
  });

  test('B4: Event.fromJSON rebuilds a TelemetryDataError (the reference returned a plain Event)', () => {
    const event = new TelemetryDataError(TS, TelemetryDataErrorType.INCOMPLETE_TELEMETRY_DATA, 'exporter failed', { exporter: 'file' });
    const back = Event.fromJSON(JSON.parse(JSON.stringify(event)) as EventJson);
    assert.ok(back instanceof TelemetryDataError);
    assert.equal(back.errorType, 'incomplete_telemetry_data');
    assert.equal(back.errorMessage, 'exporter failed');
    assert.equal(back.equals(event), true);
    assert.throws(
      () => TelemetryDataError.fromJSON({ ...event.toJSON(), error_type: 'bogus' }),
      (err: unknown) => {
        return err instanceof OneLoggerError && err.message.startsWith('TelemetryDataError must have a valid error_type');
      },
    );
  });
});
