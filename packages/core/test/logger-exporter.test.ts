import assert from 'node:assert/strict';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Attributes } from '../src/core/attributes.js';
import { ExportError, OneLoggerError } from '../src/core/errors.js';
import { ErrorEvent, Event, TelemetryDataError } from '../src/core/event.js';
import { setIdGenerator } from '../src/core/ids.js';
import { Span } from '../src/core/span.js';
import { TracingTimestamp } from '../src/core/time.js';
import { deserializeLog, formatLog, LoggerExporter } from '../src/exporter/logger-exporter.js';
import { internalLogger, type LogLevel } from '../src/internal/logger.js';
import { captureLibraryLog } from './helpers/library-log.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const PID = process.pid;
const ts = (sec: number, perf: number): TracingTimestamp => TracingTimestamp.of(sec, perf);

/** A ready exporter whose logger records every message. */
function capturing(): { exporter: LoggerExporter; lines: string[] } {
  const lines: string[] = [];
  const exporter = new LoggerExporter({ logger: { info: (m: string) => lines.push(m) } });
  exporter.initialize();
  return { exporter, lines };
}

/** Collects internal diagnostics while `fn` runs. */
async function withDiagnostics(fn: (logs: [LogLevel, string][]) => Promise<void> | void): Promise<void> {
  const logs: [LogLevel, string][] = [];
  const previous = internalLogger.listener;
  internalLogger.listener = (level, message) => logs.push([level, message]);
  try {
    await fn(logs);
  } finally {
    internalLogger.listener = previous;
  }
}

beforeEach(() => {
  let n = 0;
  setIdGenerator(() => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`);
});
afterEach(() => setIdGenerator(undefined));

describe('LoggerExporter: reference behaviour (spec §8 items 205-211)', () => {
  it('205: the first exportStart logs nothing', () => {
    const { exporter, lines } = capturing();
    exporter.exportStart(Span.create('test_span', { startTime: ts(24000, 100) }));
    assert.deepEqual(lines, []);
  });

  it('206: a second exportStart logs exactly the first span start line, which deserialises to the record', () => {
    const { exporter, lines } = capturing();
    const prev = Span.create('test_span1', { startTime: ts(23456, 100.4) });
    exporter.exportStart(prev);
    exporter.exportStart(Span.create('test_span2', { startTime: ts(23457, 101) }));

    assert.deepEqual(lines, [
      `[type="start" | start_event.name="span_start" | start_event.attributes.timestamp_msec=23456000 | pid=${PID} | name="test_span1" | id="00000000-0000-4000-8000-000000000001" | count=1]`,
    ]);
    const expected = {
      type: 'start',
      pid: PID,
      name: 'test_span1',
      id: prev.id,
      count: 1,
      start_event: { name: 'span_start', attributes: { timestamp_msec: 23456000 } },
    };
    assert.deepEqual(LoggerExporter.deserializeLog(lines[0] as string), expected);
    assert.deepEqual(LoggerExporter.deserializeLog(LoggerExporter.formatLog(expected)), expected);
  });

  it('207: start + event log the start line and the event line', () => {
    const { exporter, lines } = capturing();
    const span = Span.create('test_span', { startTime: ts(24000, 100) });
    exporter.exportStart(span);
    exporter.exportEvent(span.addEvent(Event.create('test_event', undefined, ts(24060, 160))), span);

    assert.deepEqual(lines, [
      `[type="start" | start_event.name="span_start" | start_event.attributes.timestamp_msec=24000000 | pid=${PID} | name="test_span" | id="${span.id}" | count=1]`,
      `[type="event" | span_id="${span.id}" | pid=${PID} | event.name="test_event" | event.attributes.timestamp_msec=24060000 | count=2]`,
    ]);
    const expected = {
      type: 'event',
      span_id: span.id,
      pid: PID,
      event: { name: 'test_event', attributes: { timestamp_msec: 24060000 } },
      count: 2,
    };
    assert.deepEqual(deserializeLog(lines[1] as string), expected);
    assert.deepEqual(deserializeLog(formatLog(expected)), expected);
  });

  it('208: multiple spans with attributes give the four reference lines', () => {
    const { exporter, lines } = capturing();
    const span1 = Span.create('test_span1', { startTime: ts(24000, 100), spanAttributes: { sp1_att_k1: 'sp1_att_v1' } });
    exporter.exportStart(span1);
    const span2 = Span.create('test_span2', {
      startTime: ts(24010, 110),
      spanAttributes: { sp2_att_k1: false, sp2_att_k2: 55.45 },
      startEventAttributes: { sp2_ev1_att_k1: 'sp2_ev1_att_v1', timestamp_msec: 24010000 },
    });
    exporter.exportStart(span2);
    span2.stop({ stopTime: ts(24050, 150), stopEventAttributes: { sp2_se_k1: ['sp2_se_v1', 'sp2_se_v2'] } });
    exporter.exportStop(span2);
    const event1 = Event.create('test_event1', { sp1_ev1_att_k1: 44, sp1_ev1_att_k2: [1, 2, 3] }, ts(24100, 200));
    exporter.exportEvent(span1.addEvent(event1), span1);
    span1.stop({ stopTime: ts(24150, 250), stopEventAttributes: { sp1_se_att_k1: 44, sp1_se_att_k2: ['el1', 'el2'] } });
    exporter.exportStop(span1);
    exporter.close();

    assert.deepEqual(lines, [
      `[type="start" | start_event.name="span_start" | start_event.attributes.timestamp_msec=24000000 | pid=${PID} | name="test_span1" | id="${span1.id}" | count=1 | attributes.sp1_att_k1="sp1_att_v1"]`,
      `[type="complete" | stop_event.name="span_stop" | stop_event.attributes.timestamp_msec=24050000 | stop_event.attributes.sp2_se_k1=["sp2_se_v1", "sp2_se_v2"] | start_event.name="span_start" | start_event.attributes.timestamp_msec=24010000 | start_event.attributes.sp2_ev1_att_k1="sp2_ev1_att_v1" | pid=${PID} | name="test_span2" | id="${span2.id}" | count=2 | attributes.sp2_att_k2=55.45 | attributes.sp2_att_k1=false | attributes.duration_msec=40000]`,
      `[type="event" | span_id="${span1.id}" | pid=${PID} | event.name="test_event1" | event.attributes.timestamp_msec=24100000 | event.attributes.sp1_ev1_att_k2=[1, 2, 3] | event.attributes.sp1_ev1_att_k1=44 | count=3]`,
      `[type="stop" | stop_event.name="span_stop" | stop_event.attributes.timestamp_msec=24150000 | stop_event.attributes.sp1_se_att_k2=["el1", "el2"] | stop_event.attributes.sp1_se_att_k1=44 | pid=${PID} | name="test_span1" | id="${span1.id}" | count=4 | attributes.sp1_att_k1="sp1_att_v1" | attributes.duration_msec=150000]`,
    ]);
    const expectedComplete = {
      type: 'complete',
      stop_event: { name: 'span_stop', attributes: { timestamp_msec: 24050000, sp2_se_k1: ['sp2_se_v1', 'sp2_se_v2'] } },
      start_event: { name: 'span_start', attributes: { timestamp_msec: 24010000, sp2_ev1_att_k1: 'sp2_ev1_att_v1' } },
      pid: PID,
      name: 'test_span2',
      id: span2.id,
      count: 2,
      attributes: { sp2_att_k2: 55.45, sp2_att_k1: false, duration_msec: 40000 },
    };
    assert.deepEqual(deserializeLog(lines[1] as string), expectedComplete);
    assert.deepEqual(deserializeLog(formatLog(expectedComplete)), expectedComplete);
  });

  it('209: an application error gives the reference error line', () => {
    const { exporter, lines } = capturing();
    const span = Span.create('test_span', { startTime: ts(24000, 100) });
    exporter.exportStart(span);
    // As the reference's ErrorEvent.create(msg, exception): no traceback attribute.
    const error = new ErrorEvent(ts(24060, 160), 'error_msg', { exceptionType: 'RuntimeError', exceptionMessage: 'error_exception' });
    exporter.exportError(span.addEvent(error), span);

    assert.deepEqual(lines, [
      `[type="start" | start_event.name="span_start" | start_event.attributes.timestamp_msec=24000000 | pid=${PID} | name="test_span" | id="${span.id}" | count=1]`,
      `[type="application_error" | span_id="${span.id}" | pid=${PID} | event.name="error" | event.attributes.timestamp_msec=24060000 | event.attributes.exception_type="RuntimeError" | event.attributes.exception_message="error_exception" | event.attributes.error_message="error_msg" | count=2]`,
    ]);
    const expected = {
      type: 'application_error',
      span_id: span.id,
      pid: PID,
      event: {
        name: 'error',
        attributes: {
          exception_type: 'RuntimeError',
          exception_message: 'error_exception',
          error_message: 'error_msg',
          timestamp_msec: 24060000,
        },
      },
      count: 2,
    };
    assert.deepEqual(deserializeLog(lines[1] as string), expected);
    assert.deepEqual(deserializeLog(formatLog(expected)), expected);
  });

  it('210: a telemetry data error gives the reference line', () => {
    const { exporter, lines } = capturing();
    exporter.exportTelemetryDataError(new TelemetryDataError(ts(24000, 100), 'incomplete_telemetry_data', 'error_msg'));
    assert.deepEqual(lines, [
      `[type="telemetry_data_error" | pid=${PID} | error.name="telemetry_data_error" | error.attributes.timestamp_msec=24000000 | error.attributes.telemetry_data_error_type="incomplete_telemetry_data" | error.attributes.error_message="error_msg" | count=1]`,
    ]);
  });

  it('211: close() with an unstopped span logs its start line and warns', async () => {
    await withDiagnostics((logs) => {
      const { exporter, lines } = capturing();
      const span = Span.create('test_span', { startTime: ts(24000, 100) });
      exporter.exportStart(span);
      exporter.close();
      assert.deepEqual(lines, [
        `[type="start" | start_event.name="span_start" | start_event.attributes.timestamp_msec=24000000 | pid=${PID} | name="test_span" | id="${span.id}" | count=1]`,
      ]);
      assert.deepEqual(logs, [['WARNING', `Span test_span (id=${span.id}) was not closed`]]);
      assert.equal(exporter.closed, true);
    });
  });
});

describe('LoggerExporter: canonical scenario (spec §5.6)', () => {
  const APP = '11111111-1111-4111-8111-111111111111';
  const LOAD = '22222222-2222-4222-8222-222222222222';
  const SAVE = '33333333-3333-4333-8333-333333333333';
  const TRACEBACK = 'Traceback (most recent call last):\n  ...\nValueError: bad value\n';

  function runScenario(): string[] {
    const ids = [APP, LOAD, SAVE];
    setIdGenerator(() => ids.shift() as string);
    const { exporter, lines } = capturing();
    const t = (offsetSec: number): TracingTimestamp => ts(1700000000 + offsetSec, 100 + offsetSec);

    const app = Span.create('application', { startTime: t(0), spanAttributes: { app_tag: 'demo', world_size: 8 } });
    exporter.exportStart(app);
    const load = Span.create('load_data', { startTime: t(1.5), startEventAttributes: { shard: 3 }, parentSpan: app });
    exporter.exportStart(load);
    exporter.exportEvent(load.addEvent(Event.create('batch_loaded', { batch_size: 32, loss: 0.25, tags: ['a', 'b'] }, t(2))), load);
    load.stop({ stopTime: t(3.25), stopEventAttributes: { ok: true } });
    exporter.exportStop(load);
    const save = Span.create('save_checkpoint', { startTime: t(4), parentSpan: app });
    exporter.exportStart(save);
    save.stop({ stopTime: t(4.5) });
    exporter.exportStop(save);
    const error = new ErrorEvent(t(5), 'Error in train: ', {
      exceptionType: 'ValueError',
      exceptionMessage: 'bad value',
      exceptionTraceback: TRACEBACK,
    });
    exporter.exportError(app.addEvent(error), app);
    exporter.exportTelemetryDataError(
      new TelemetryDataError(t(6), 'incomplete_telemetry_data', 'Error exporting data via exporter X: boom', { code: 7 }),
    );
    app.stop({ stopTime: t(10) });
    exporter.exportStop(app);
    exporter.close();
    return lines;
  }

  it('logs the eight reference lines (plus the additive parent_id of child spans)', () => {
    assert.deepEqual(runScenario(), [
      `[type="start" | start_event.name="span_start" | start_event.attributes.timestamp_msec=1700000000000 | pid=${PID} | name="application" | id="${APP}" | count=1 | attributes.world_size=8 | attributes.app_tag="demo"]`,
      `[type="start" | start_event.name="span_start" | start_event.attributes.timestamp_msec=1700000001500 | start_event.attributes.shard=3 | pid=${PID} | parent_id="${APP}" | name="load_data" | id="${LOAD}" | count=2]`,
      `[type="event" | span_id="${LOAD}" | pid=${PID} | event.name="batch_loaded" | event.attributes.timestamp_msec=1700000002000 | event.attributes.tags=["a", "b"] | event.attributes.loss=0.25 | event.attributes.batch_size=32 | count=3]`,
      `[type="stop" | stop_event.name="span_stop" | stop_event.attributes.timestamp_msec=1700000003250 | stop_event.attributes.ok=true | pid=${PID} | parent_id="${APP}" | name="load_data" | id="${LOAD}" | count=4 | attributes.duration_msec=1750]`,
      `[type="complete" | stop_event.name="span_stop" | stop_event.attributes.timestamp_msec=1700000004500 | start_event.name="span_start" | start_event.attributes.timestamp_msec=1700000004000 | pid=${PID} | parent_id="${APP}" | name="save_checkpoint" | id="${SAVE}" | count=5 | attributes.duration_msec=500]`,
      `[type="application_error" | span_id="${APP}" | pid=${PID} | event.name="error" | event.attributes.timestamp_msec=1700000005000 | event.attributes.exception_type="ValueError" | event.attributes.exception_traceback="Traceback (most recent call last):\\n  ...\\nValueError: bad value\\n" | event.attributes.exception_message="bad value" | event.attributes.error_message="Error in train: " | count=6]`,
      `[type="telemetry_data_error" | pid=${PID} | error.name="telemetry_data_error" | error.attributes.timestamp_msec=1700000006000 | error.attributes.telemetry_data_error_type="incomplete_telemetry_data" | error.attributes.error_message="Error exporting data via exporter X: boom" | error.attributes.code=7 | count=7]`,
      `[type="stop" | stop_event.name="span_stop" | stop_event.attributes.timestamp_msec=1700000010000 | pid=${PID} | name="application" | id="${APP}" | count=8 | attributes.world_size=8 | attributes.duration_msec=10000 | attributes.app_tag="demo"]`,
    ]);
  });

  it('every line deserialises to the FileExporter record of spec §5.6', () => {
    // The reference's FileExporter lines, with our pid and the additive parent_id of the child spans.
    const fileLines = [
      '{"type":"start","id":"11111111-1111-4111-8111-111111111111","name":"application","attributes":{"app_tag":"demo","world_size":8},"start_event":{"name":"span_start","attributes":{"timestamp_msec":1700000000000}},"count":1,"pid":4242}',
      '{"type":"start","id":"22222222-2222-4222-8222-222222222222","name":"load_data","start_event":{"name":"span_start","attributes":{"shard":3,"timestamp_msec":1700000001500}},"count":2,"pid":4242}',
      '{"type":"event","span_id":"22222222-2222-4222-8222-222222222222","event":{"name":"batch_loaded","attributes":{"batch_size":32,"loss":0.25,"tags":["a","b"],"timestamp_msec":1700000002000}},"count":3,"pid":4242}',
      '{"type":"stop","id":"22222222-2222-4222-8222-222222222222","name":"load_data","attributes":{"duration_msec":1750},"stop_event":{"name":"span_stop","attributes":{"ok":true,"timestamp_msec":1700000003250}},"count":4,"pid":4242}',
      '{"type":"complete","id":"33333333-3333-4333-8333-333333333333","name":"save_checkpoint","attributes":{"duration_msec":500},"start_event":{"name":"span_start","attributes":{"timestamp_msec":1700000004000}},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":1700000004500}},"count":5,"pid":4242}',
      '{"type":"application_error","span_id":"11111111-1111-4111-8111-111111111111","event":{"name":"error","attributes":{"error_message":"Error in train: ","exception_type":"ValueError","exception_message":"bad value","exception_traceback":"Traceback (most recent call last):\\n  ...\\nValueError: bad value\\n","timestamp_msec":1700000005000}},"count":6,"pid":4242}',
      '{"type":"telemetry_data_error","error":{"name":"telemetry_data_error","attributes":{"error_message":"Error exporting data via exporter X: boom","telemetry_data_error_type":"incomplete_telemetry_data","code":7,"timestamp_msec":1700000006000}},"count":7,"pid":4242}',
      '{"type":"stop","id":"11111111-1111-4111-8111-111111111111","name":"application","attributes":{"app_tag":"demo","world_size":8,"duration_msec":10000},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":1700000010000}},"count":8,"pid":4242}',
    ];
    const expected = fileLines.map((l, i) => {
      const record = JSON.parse(l) as Record<string, unknown>;
      record.pid = PID;
      if (i === 1 || i === 3 || i === 4) record.parent_id = APP;
      return record;
    });
    assert.deepEqual(runScenario().map(deserializeLog), expected);
  });
});

describe('LoggerExporter: keys cannot forge or corrupt fields (S6, B9)', () => {
  const nasty = new Attributes()
    .add('a.b | x=1', 3)
    .add('x=1 | pid=999', 'v')
    .add('[', '] | count=0 [')
    .add(']', true)
    .add('q"uote', 'say "hi" = \\o/')
    .add('new\nline', 'l1\nl2')
    .add('é', 'ünïcödé')
    .add('日本', ['東京', '大阪'])
    .add('😀', 1.5)
    .add('__proto__', 'p')
    .add('plain_key-1', 7);

  it('quotes unsafe keys, keeps the line single and parses back to exactly the record', () => {
    const { exporter, lines } = capturing();
    const span = Span.create('evil', { startTime: ts(24000, 100), spanAttributes: nasty });
    exporter.exportStart(span);
    exporter.close();

    assert.equal(lines.length, 1);
    const line = lines[0] as string;
    assert.equal(line.includes('\n'), false);
    for (const item of [
      'attributes."a.b | x=1"=3',
      'attributes."x=1 | pid=999"="v"',
      'attributes."["="] | count=0 ["',
      'attributes."]"=true',
      'attributes."q\\"uote"="say \\"hi\\" = \\\\o/"',
      'attributes."new\\nline"="l1\\nl2"',
      'attributes."é"="ünïcödé"',
      'attributes."日本"=["東京", "大阪"]',
      'attributes."😀"=1.5',
      'attributes.__proto__="p"',
      'attributes.plain_key-1=7',
    ]) {
      assert.ok(line.includes(` | ${item}`), `missing ${item} in ${line}`);
    }

    const parsed = deserializeLog(line);
    assert.deepEqual(Object.keys(parsed).sort(), ['attributes', 'count', 'id', 'name', 'pid', 'start_event', 'type']);
    assert.equal(parsed.pid, PID);
    assert.equal(parsed.count, 1);
    assert.deepEqual(parsed, {
      type: 'start',
      id: span.id,
      name: 'evil',
      attributes: Object.fromEntries(nasty.map),
      start_event: { name: 'span_start', attributes: { timestamp_msec: 24000000 } },
      count: 1,
      pid: PID,
    });
    assert.equal(Object.getPrototypeOf(parsed.attributes), Object.prototype);
  });

  it('sorts keys by descending code point, not by UTF-16 unit or locale', () => {
    assert.equal(formatLog({ a: 1, Z: 2, b: 3 }), '[b=3 | a=1 | Z=2]');
    // U+1F600 is above U+FF01 as a code point although its first UTF-16 unit (0xD83D) is below.
    assert.equal(formatLog({ '\uff01': 1, '😀': 2, z: 3 }), '["😀"=2 | "！"=1 | z=3]');
  });

  it('flattens nested plain objects and Attributes; empty objects and non-finite numbers disappear', () => {
    assert.equal(formatLog({}), '');
    assert.equal(formatLog({ a: {}, b: new Attributes() }), '');
    assert.equal(formatLog({ x: { y: { z: [true, false] } }, e: {}, n: Number.NaN, i: 1 }), '[x.y.z=[true, false] | i=1]');
    assert.equal(formatLog({ outer: new Attributes({ k: 'v' }), list: [] }), '[outer.k="v" | list=[]]');
  });

  it('a key that the reference rejected does not poison later records', () => {
    const { exporter, lines } = capturing();
    const span = Span.create('s', { startTime: ts(24000, 100), spanAttributes: { 'dotted.key': 1 } });
    exporter.exportStart(span);
    exporter.exportEvent(Event.create('e', undefined, ts(24001, 101)), span);
    assert.equal(lines.length, 2);
    assert.deepEqual((deserializeLog(lines[0] as string).attributes as Record<string, unknown>)['dotted.key'], 1);
    assert.equal(deserializeLog(lines[1] as string).type, 'event');
  });
});

describe('LoggerExporter.deserializeLog', () => {
  it('parses values containing separators, brackets, quotes and equals signs', () => {
    const record = { s: 'a | b=c ] [ "q"', v: [1, 2, 3], n: null, f: -1.5e-7, b: false, nested: { list: ['x | y', ']'] } };
    const line = formatLog(record);
    assert.equal(line, '[v=[1, 2, 3] | s="a | b=c ] [ \\"q\\"" | nested.list=["x | y", "]"] | n=null | f=-1.5e-7 | b=false]');
    assert.deepEqual(deserializeLog(line), record);
  });

  it('ignores text around the brackets, including a bracketed logger prefix', () => {
    assert.deepEqual(deserializeLog('2024-01-01 INFO [root] [type="event" | count=3] trailing'), { type: 'event', count: 3 });
    assert.deepEqual(deserializeLog('[]'), {});
  });

  it('rejects malformed lines with an ExportError', () => {
    const rejects = (line: string, message: RegExp): void =>
      assert.throws(
        () => deserializeLog(line),
        (e: unknown) => e instanceof ExportError && message.test(e.message),
      );
    rejects('no brackets here', /^Log string must be enclosed in square brackets: no brackets here$/);
    rejects('[a=1 | a=2]', /^Cannot parse log line: key a appears twice$/);
    rejects('[a=]', /expected a value/);
    rejects('[a="x]', /unterminated string/);
    rejects('[a=1 b=2]', /expected '\]'/);
    // A bracketed fragment inside a value is never taken for the record.
    rejects('[a=1 b=2 | x="[c=1]"]', /expected '\]'/);
  });
});

describe('LoggerExporter: loggers', () => {
  const tde = (): TelemetryDataError => new TelemetryDataError(ts(24000, 100), 'no_telemetry_data', 'm');
  const tdeLine = `[type="telemetry_data_error" | pid=${PID} | error.name="telemetry_data_error" | error.attributes.timestamp_msec=24000000 | error.attributes.telemetry_data_error_type="no_telemetry_data" | error.attributes.error_message="m" | count=1]`;

  class Sink {
    readonly #lines: string[] = [];
    info(message: string): void {
      this.#lines.push(message); // throws if called without `this`
    }
    get lines(): string[] {
      return this.#lines;
    }
  }

  it('works with a real Console writing to a stream', () => {
    let out = '';
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        out += String(chunk);
        callback();
      },
    });
    const exporter = new LoggerExporter({ logger: new Console({ stdout: stream, stderr: stream }) });
    exporter.initialize();
    exporter.exportTelemetryDataError(tde());
    assert.equal(out, `${tdeLine}\n`);
    assert.doesNotThrow(() => new LoggerExporter({ logger: console }));
  });

  it('calls info as a method of the logger, and accepts a bound method', () => {
    const sink = new Sink();
    const asMethod = new LoggerExporter({ logger: sink });
    asMethod.initialize();
    asMethod.exportTelemetryDataError(tde());

    const other = new Sink();
    const bound = new LoggerExporter({ logger: { info: other.info.bind(other) } });
    bound.initialize();
    bound.exportTelemetryDataError(tde());

    assert.deepEqual(sink.lines, [tdeLine]);
    assert.deepEqual(other.lines, [tdeLine]);
  });

  it('rejects a missing or invalid logger, naming the field', () => {
    assert.throws(
      () => new LoggerExporter(undefined as never),
      (e: unknown) => e instanceof OneLoggerError && /^LoggerExporter options:/.test(e.message),
    );
    for (const logger of [undefined, null, 'console', {}, { info: 'x' }]) {
      assert.throws(
        () => new LoggerExporter({ logger } as never),
        (e: unknown) =>
          e instanceof OneLoggerError &&
          e.message.startsWith('LoggerExporter.logger: must be an object with an info(message) method (got '),
      );
    }
  });

  it('a throwing logger gives an ExportError and the exporter keeps working', () => {
    const lines: string[] = [];
    let fail = true;
    const exporter = new LoggerExporter({
      logger: {
        info(m: string) {
          if (fail) throw new Error('boom');
          lines.push(m);
        },
      },
    });
    exporter.initialize();
    exporter.exportStart(Span.create('lost', { startTime: ts(24000, 100) }));
    const next = Span.create('next', { startTime: ts(24001, 101) });
    assert.throws(
      () => exporter.exportStart(next),
      (e: unknown) =>
        e instanceof ExportError && e.message === 'LoggerExporter: logger.info failed: boom' && (e.cause as Error).message === 'boom',
    );
    fail = false;
    exporter.exportEvent(Event.create('e', undefined, ts(24002, 102)), next);
    assert.deepEqual(
      lines.map((l) => [deserializeLog(l).type, deserializeLog(l).name ?? (deserializeLog(l).event as { name: string }).name]),
      [
        ['start', 'next'],
        ['event', 'e'],
      ],
    );
  });

  it('a rejecting async logger is reported, never left as an unhandled rejection', async () => {
    await withDiagnostics(async (logs) => {
      const exporter = new LoggerExporter({ logger: { info: () => Promise.reject(new Error('async boom')) } });
      exporter.initialize();
      exporter.exportTelemetryDataError(tde());
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(logs, [['ERROR', 'LoggerExporter: logger.info failed: async boom']]);
    });
  });
});
