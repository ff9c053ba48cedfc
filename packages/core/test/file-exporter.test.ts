import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  constants as fsConstants,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ExportError } from '../src/core/errors.js';
import { ErrorEvent, Event, TelemetryDataError } from '../src/core/event.js';
import { setIdGenerator } from '../src/core/ids.js';
import { Span } from '../src/core/span.js';
import { setClock, TracingTimestamp } from '../src/core/time.js';
import { expandFilePath, FileExporter, type FileExporterOptions } from '../src/exporter/file-exporter.js';
import { internalLogger } from '../src/internal/logger.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';
import { parseRecords, type Rec, readRecords } from './helpers/records.js';

const PID = process.pid;
const ID1 = '11111111-1111-4111-8111-111111111111';
const ID2 = '22222222-2222-4222-8222-222222222222';
const ID3 = '33333333-3333-4333-8333-333333333333';
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const HAS_DEV_FULL = existsSync('/dev/full');

let dir: string;
let logs: Array<[string, string]>;
const openExporters: FileExporter[] = [];

/** Span ids come from this list, in order. */
function useIds(...ids: string[]): void {
  const queue = [...ids];
  setIdGenerator(() => {
    const id = queue.shift();
    if (id === undefined) throw new Error('test ran out of span ids');
    return id;
  });
}

/** A timestamp from wall-clock seconds and perf-counter seconds. */
function ts(wallSec: number, perfSec: number): TracingTimestamp {
  return TracingTimestamp.of(wallSec, perfSec);
}

function newExporter(name = 'out.jsonl', options: Omit<FileExporterOptions, 'filePath'> = {}): FileExporter {
  const exporter = new FileExporter({ filePath: join(dir, name), ...options });
  openExporters.push(exporter);
  return exporter;
}

function initialized(name = 'out.jsonl', options: Omit<FileExporterOptions, 'filePath'> = {}): FileExporter {
  const exporter = newExporter(name, options);
  exporter.initialize();
  return exporter;
}

/** The raw lines of a JSONL file; every record is validated against the schema, and the file ends with a newline. */
function rawLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  if (text === '') return [];
  assert.ok(text.endsWith('\n'), `file must end with a newline: ${JSON.stringify(text.slice(-80))}`);
  readRecords(path);
  return text.slice(0, -1).split('\n');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nv1l-file-exporter-'));
  logs = [];
  internalLogger.configure({ level: 'DEBUG', format: '%(levelname)s %(message)s', infoFilePath: join(dir, 'onelogger.log') });
  internalLogger.listener = (level, message) => logs.push([level, message]);
});

afterEach(() => {
  for (const e of openExporters.splice(0)) {
    try {
      e.close();
    } catch {
      // Already-failed exporters may throw again; the test has asserted what matters.
    }
  }
  setClock(undefined);
  setIdGenerator(undefined);
  internalLogger.reset();
  rmSync(dir, { recursive: true, force: true });
});

describe('FileExporter records (reference tests #195-#202)', () => {
  test('#195 the first exportStart writes nothing', () => {
    useIds(ID1);
    const exporter = initialized();
    exporter.exportStart(Span.create('test_span1', { startTime: ts(23456, 100) }));
    assert.equal(readFileSync(exporter.filePath, 'utf8'), '');
    assert.equal(exporter.count, 0);
  });

  test('#196 a second exportStart writes the first span as a start record (count 1, no attributes key)', () => {
    useIds(ID1, ID2);
    const exporter = initialized();
    exporter.exportStart(Span.create('test_span1', { startTime: ts(23456, 100) }));
    exporter.exportStart(Span.create('test_span2', { startTime: ts(23457, 101) }));
    assert.deepEqual(rawLines(exporter.filePath), [
      `{"type":"start","id":"${ID1}","name":"test_span1","start_event":{"name":"span_start","attributes":{"timestamp_msec":23456000}},"count":1,"pid":${PID}}`,
    ]);
    assert.equal(exporter.count, 1);
  });

  test('#197 start + event: a start record then an event record with span_id', () => {
    useIds(ID1);
    const exporter = initialized();
    const span = Span.create('test_span1', { startTime: ts(23456, 100) });
    exporter.exportStart(span);
    exporter.exportEvent(Event.create('test_event', undefined, ts(24060, 704)), span);
    assert.deepEqual(rawLines(exporter.filePath), [
      `{"type":"start","id":"${ID1}","name":"test_span1","start_event":{"name":"span_start","attributes":{"timestamp_msec":23456000}},"count":1,"pid":${PID}}`,
      `{"type":"event","span_id":"${ID1}","event":{"name":"test_event","attributes":{"timestamp_msec":24060000}},"count":2,"pid":${PID}}`,
    ]);
  });

  test('#198 nested spans with attributes: start, complete (with parent_id), event, stop', () => {
    useIds(ID1, ID2);
    const exporter = initialized();
    const span1 = Span.create('test_span1', {
      startTime: ts(23456, 100),
      spanAttributes: { sp1_att_k1: 'sp1_att_v1' },
      startEventAttributes: { sp1_se_k1: 'sp1_se_v1' },
    });
    exporter.exportStart(span1);
    const span2 = Span.create('test_span2', {
      parentSpan: span1,
      startTime: ts(23460, 104),
      spanAttributes: { sp2_att_k1: 'sp2_att_v1', sp2_att_k2: 5 },
      startEventAttributes: { sp2_se_k1: ['sp2_se_v1', 'sp2_se_v2'] },
    });
    exporter.exportStart(span2);
    span2.stop({ stopTime: ts(23500, 144), stopEventAttributes: { sp2_stop_k1: 3.14 } });
    exporter.exportStop(span2);
    exporter.exportEvent(Event.create('test_event', { ev_k1: [1, 2, 3] }, ts(23510, 154)), span1);
    span1.stop({ stopTime: ts(23606, 250) });
    exporter.exportStop(span1);

    assert.deepEqual(rawLines(exporter.filePath), [
      `{"type":"start","id":"${ID1}","name":"test_span1","attributes":{"sp1_att_k1":"sp1_att_v1"},"start_event":{"name":"span_start","attributes":{"sp1_se_k1":"sp1_se_v1","timestamp_msec":23456000}},"count":1,"pid":${PID}}`,
      `{"type":"complete","id":"${ID2}","name":"test_span2","parent_id":"${ID1}","attributes":{"sp2_att_k1":"sp2_att_v1","sp2_att_k2":5,"duration_msec":40000},"start_event":{"name":"span_start","attributes":{"sp2_se_k1":["sp2_se_v1","sp2_se_v2"],"timestamp_msec":23460000}},"stop_event":{"name":"span_stop","attributes":{"sp2_stop_k1":3.14,"timestamp_msec":23500000}},"count":2,"pid":${PID}}`,
      `{"type":"event","span_id":"${ID1}","event":{"name":"test_event","attributes":{"ev_k1":[1,2,3],"timestamp_msec":23510000}},"count":3,"pid":${PID}}`,
      `{"type":"stop","id":"${ID1}","name":"test_span1","attributes":{"sp1_att_k1":"sp1_att_v1","duration_msec":150000},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":23606000}},"count":4,"pid":${PID}}`,
    ]);
  });

  test('#199 overlapping spans give start,start,stop,start,stop,stop with counts 1..6', () => {
    useIds(ID1, ID2, ID3);
    const exporter = initialized();
    const s1 = Span.create('s1', { startTime: ts(1000, 10) });
    exporter.exportStart(s1);
    const s2 = Span.create('s2', { startTime: ts(1010, 20) });
    exporter.exportStart(s2);
    s1.stop({ stopTime: ts(1050, 60) });
    exporter.exportStop(s1);
    const s3 = Span.create('s3', { startTime: ts(1060, 70) });
    exporter.exportStart(s3);
    s2.stop({ stopTime: ts(1100, 110) });
    exporter.exportStop(s2);
    s3.stop({ stopTime: ts(1110, 120) });
    exporter.exportStop(s3);

    const start = (id: string, name: string, ms: number, count: number) =>
      `{"type":"start","id":"${id}","name":"${name}","start_event":{"name":"span_start","attributes":{"timestamp_msec":${ms}}},"count":${count},"pid":${PID}}`;
    const stop = (id: string, name: string, dur: number, ms: number, count: number) =>
      `{"type":"stop","id":"${id}","name":"${name}","attributes":{"duration_msec":${dur}},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":${ms}}},"count":${count},"pid":${PID}}`;
    assert.deepEqual(rawLines(exporter.filePath), [
      start(ID1, 's1', 1000000, 1),
      start(ID2, 's2', 1010000, 2),
      stop(ID1, 's1', 50000, 1050000, 3),
      start(ID3, 's3', 1060000, 4),
      stop(ID2, 's2', 90000, 1100000, 5),
      stop(ID3, 's3', 50000, 1110000, 6),
    ]);
  });

  test('#200 an application error: start record, then application_error with the error attributes (no traceback)', () => {
    useIds(ID1);
    const exporter = initialized();
    const span = Span.create('test_span1', { startTime: ts(23456, 100) });
    exporter.exportStart(span);
    class RuntimeError extends Error {
      override name = 'RuntimeError';
    }
    const error = ErrorEvent.fromException('error_msg', new RuntimeError('error_exception'), {
      timestamp: ts(24060, 704),
      includeTraceback: false,
    });
    exporter.exportError(error, span);
    assert.deepEqual(rawLines(exporter.filePath), [
      `{"type":"start","id":"${ID1}","name":"test_span1","start_event":{"name":"span_start","attributes":{"timestamp_msec":23456000}},"count":1,"pid":${PID}}`,
      `{"type":"application_error","span_id":"${ID1}","event":{"name":"error","attributes":{"error_message":"error_msg","exception_type":"RuntimeError","exception_message":"error_exception","timestamp_msec":24060000}},"count":2,"pid":${PID}}`,
    ]);
  });

  test('#201 a telemetry data error is one record without a span id', () => {
    const exporter = initialized();
    exporter.exportTelemetryDataError(new TelemetryDataError(ts(1234567890, 5), 'incomplete_telemetry_data', 'error_msg'));
    assert.deepEqual(rawLines(exporter.filePath), [
      `{"type":"telemetry_data_error","error":{"name":"telemetry_data_error","attributes":{"error_message":"error_msg","telemetry_data_error_type":"incomplete_telemetry_data","timestamp_msec":1234567890000}},"count":1,"pid":${PID}}`,
    ]);
  });

  test('#202 close() with an unstopped span writes its start record and warns', () => {
    useIds(ID1);
    const exporter = initialized();
    exporter.exportStart(Span.create('test_span1', { startTime: ts(23456, 100) }));
    exporter.close();
    assert.deepEqual(rawLines(exporter.filePath), [
      `{"type":"start","id":"${ID1}","name":"test_span1","start_event":{"name":"span_start","attributes":{"timestamp_msec":23456000}},"count":1,"pid":${PID}}`,
    ]);
    assert.deepEqual(
      logs.filter(([level]) => level === 'WARNING'),
      [['WARNING', `Span test_span1 (id=${ID1}) was not closed`]],
    );
  });
});

describe('FileExporter lifecycle (#203, #204, B13)', () => {
  test('#203 every export before initialize() throws ExportError; the constructor does no I/O', () => {
    useIds(ID1);
    const exporter = newExporter();
    assert.equal(exporter.ready, false);
    assert.equal(exporter.closed, false);
    const span = Span.create('s', { startTime: ts(100, 1) });
    const notInitialized = { name: 'ExportError', message: 'Exporter not initialized. Call initialize first.' };
    assert.throws(() => exporter.exportStart(span), notInitialized);
    assert.throws(() => exporter.exportEvent(Event.create('e', undefined, ts(101, 2)), span), notInitialized);
    assert.throws(() => exporter.exportError(ErrorEvent.fromException('m', undefined, { timestamp: ts(101, 2) }), span), notInitialized);
    assert.throws(() => exporter.exportTelemetryDataError(new TelemetryDataError(ts(101, 2), 'no_telemetry_data', 'm')), notInitialized);
    span.stop({ stopTime: ts(102, 3) });
    assert.throws(() => exporter.exportStop(span), notInitialized);
    assert.equal(existsSync(exporter.filePath), false);
  });

  test('#204 ready/closed follow the state machine; exporting after close() throws ExportError', () => {
    useIds(ID1);
    const exporter = newExporter();
    exporter.initialize();
    assert.equal(exporter.ready, true);
    assert.equal(exporter.closed, false);
    assert.equal(existsSync(exporter.filePath), true);
    exporter.close();
    assert.equal(exporter.ready, false);
    assert.equal(exporter.closed, true);
    const span = Span.create('s', { startTime: ts(100, 1) });
    const closedError = { name: 'ExportError', message: 'Exporter is closed and cannot be used anymore.' };
    assert.throws(() => exporter.exportEvent(Event.create('e', undefined, ts(101, 2)), span), closedError);
    assert.throws(() => exporter.exportStart(span), closedError);
    assert.throws(() => exporter.exportTelemetryDataError(new TelemetryDataError(ts(101, 2), 'no_telemetry_data', 'm')), closedError);
    assert.deepEqual(rawLines(exporter.filePath), []);
  });

  test('B13: initialize() after close() throws ExportError and does not reopen the file', () => {
    const exporter = initialized();
    exporter.close();
    assert.throws(() => exporter.initialize(), { name: 'ExportError', message: 'Exporter is closed and cannot be initialized again.' });
    assert.equal(exporter.closed, true);
    assert.equal(exporter.ready, false);
    assert.throws(() => exporter.exportTelemetryDataError(new TelemetryDataError(ts(1, 1), 'no_telemetry_data', 'm')), {
      name: 'ExportError',
      message: 'Exporter is closed and cannot be used anymore.',
    });
  });

  test('B13: close() of a never-initialized exporter marks it closed, creates no file, and a second close is a no-op', () => {
    const exporter = newExporter();
    exporter.close();
    assert.equal(exporter.closed, true);
    assert.equal(exporter.ready, false);
    assert.equal(existsSync(exporter.filePath), false);
    exporter.close();
    assert.equal(exporter.closed, true);
    assert.throws(() => exporter.initialize(), { name: 'ExportError', message: 'Exporter is closed and cannot be initialized again.' });
    assert.equal(existsSync(exporter.filePath), false);
  });

  test('a second close() writes nothing more', () => {
    useIds(ID1);
    const exporter = initialized();
    exporter.exportStart(Span.create('s', { startTime: ts(100, 1) }));
    exporter.close();
    exporter.close();
    assert.equal(rawLines(exporter.filePath).length, 1);
    assert.equal(exporter.count, 1);
  });
});

describe('FileExporter: canonical example (spec §5.6)', () => {
  test('the canonical call sequence produces the reference lines (plus parent_id, with our pid)', () => {
    useIds(ID1, ID2, ID3);
    const base = 1_700_000_000;
    // The perf counter runs 1000 s behind the wall clock; only differences matter.
    const at = (ms: number) => TracingTimestamp.ofMillis(base * 1000 + ms, 1_000_000 + ms);
    const exporter = initialized('canonical.jsonl');

    const app = Span.create('application', { startTime: at(0), spanAttributes: { app_tag: 'demo', world_size: 8 } });
    exporter.exportStart(app);
    const load = Span.create('load_data', { parentSpan: app, startTime: at(1500), startEventAttributes: { shard: 3 } });
    exporter.exportStart(load);
    exporter.exportEvent(Event.create('batch_loaded', { batch_size: 32, loss: 0.25, tags: ['a', 'b'] }, at(2000)), load);
    load.stop({ stopTime: at(3250), stopEventAttributes: { ok: true } });
    exporter.exportStop(load);
    const save = Span.create('save_checkpoint', { parentSpan: app, startTime: at(4000) });
    exporter.exportStart(save);
    save.stop({ stopTime: at(4500) });
    exporter.exportStop(save);
    exporter.exportError(
      new ErrorEvent(at(5000), 'Error in train: ', {
        exceptionType: 'ValueError',
        exceptionMessage: 'bad value',
        exceptionTraceback: 'Traceback (most recent call last):\n  ...\nValueError: bad value\n',
      }),
      app,
    );
    exporter.exportTelemetryDataError(
      new TelemetryDataError(at(6000), 'incomplete_telemetry_data', 'Error exporting data via exporter X: boom', { code: 7 }),
    );
    app.stop({ stopTime: at(10000) });
    exporter.exportStop(app);
    exporter.close();

    const expected = [
      `{"type":"start","id":"${ID1}","name":"application","attributes":{"app_tag":"demo","world_size":8},"start_event":{"name":"span_start","attributes":{"timestamp_msec":1700000000000}},"count":1,"pid":${PID}}`,
      `{"type":"start","id":"${ID2}","name":"load_data","parent_id":"${ID1}","start_event":{"name":"span_start","attributes":{"shard":3,"timestamp_msec":1700000001500}},"count":2,"pid":${PID}}`,
      `{"type":"event","span_id":"${ID2}","event":{"name":"batch_loaded","attributes":{"batch_size":32,"loss":0.25,"tags":["a","b"],"timestamp_msec":1700000002000}},"count":3,"pid":${PID}}`,
      `{"type":"stop","id":"${ID2}","name":"load_data","parent_id":"${ID1}","attributes":{"duration_msec":1750},"stop_event":{"name":"span_stop","attributes":{"ok":true,"timestamp_msec":1700000003250}},"count":4,"pid":${PID}}`,
      `{"type":"complete","id":"${ID3}","name":"save_checkpoint","parent_id":"${ID1}","attributes":{"duration_msec":500},"start_event":{"name":"span_start","attributes":{"timestamp_msec":1700000004000}},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":1700000004500}},"count":5,"pid":${PID}}`,
      `{"type":"application_error","span_id":"${ID1}","event":{"name":"error","attributes":{"error_message":"Error in train: ","exception_type":"ValueError","exception_message":"bad value","exception_traceback":"Traceback (most recent call last):\\n  ...\\nValueError: bad value\\n","timestamp_msec":1700000005000}},"count":6,"pid":${PID}}`,
      `{"type":"telemetry_data_error","error":{"name":"telemetry_data_error","attributes":{"error_message":"Error exporting data via exporter X: boom","telemetry_data_error_type":"incomplete_telemetry_data","code":7,"timestamp_msec":1700000006000}},"count":7,"pid":${PID}}`,
      `{"type":"stop","id":"${ID1}","name":"application","attributes":{"app_tag":"demo","world_size":8,"duration_msec":10000},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":1700000010000}},"count":8,"pid":${PID}}`,
    ];
    const lines = rawLines(exporter.filePath);
    assert.equal(lines.length, expected.length);
    for (let i = 0; i < expected.length; i++) assert.equal(lines[i], expected[i], `line ${i + 1}`);
    // Key order survives parsing too.
    const records = readRecords(exporter.filePath);
    assert.deepEqual(Object.keys(records[3] as Rec), ['type', 'id', 'name', 'parent_id', 'attributes', 'stop_event', 'count', 'pid']);
    assert.deepEqual(
      records.map((r) => JSON.stringify(r)),
      expected,
    );
  });
});

describe('FileExporter: file handling', () => {
  test('B12: a second exporter on the same path appends; earlier content is never truncated', () => {
    useIds(ID1, ID2, ID3);
    const path = join(dir, 'shared.jsonl');
    const previous = `{"type":"telemetry_data_error","error":{"name":"telemetry_data_error","attributes":{"error_message":"from an earlier run","telemetry_data_error_type":"no_telemetry_data","timestamp_msec":1}},"count":1,"pid":1}`;
    writeFileSync(path, `${previous}\n`);

    const first = initialized('shared.jsonl');
    const a = Span.create('a', { startTime: ts(100, 1) });
    first.exportStart(a);
    a.stop({ stopTime: ts(101, 2) });
    first.exportStop(a);
    first.close();

    const second = initialized('shared.jsonl');
    assert.equal(rawLines(path).length, 2, 'initialize() must not truncate');
    const b = Span.create('b', { startTime: ts(200, 10) });
    second.exportStart(b);
    b.stop({ stopTime: ts(202, 12) });
    second.exportStop(b);
    // The same exporter re-initialized while open keeps appending as well.
    second.initialize();
    const c = Span.create('c', { startTime: ts(300, 20) });
    second.exportStart(c);
    c.stop({ stopTime: ts(303, 23) });
    second.exportStop(c);
    second.close();

    const complete = (id: string, name: string, startMs: number, stopMs: number, dur: number, count: number) =>
      `{"type":"complete","id":"${id}","name":"${name}","attributes":{"duration_msec":${dur}},"start_event":{"name":"span_start","attributes":{"timestamp_msec":${startMs}}},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":${stopMs}}},"count":${count},"pid":${PID}}`;
    assert.deepEqual(rawLines(path), [
      previous,
      complete(ID1, 'a', 100000, 101000, 1000, 1),
      complete(ID2, 'b', 200000, 202000, 2000, 1),
      complete(ID3, 'c', 300000, 303000, 3000, 2),
    ]);
  });

  test('missing parent directories are created', () => {
    const exporter = initialized(join('a', 'b', 'c', 'deep.jsonl'));
    exporter.exportTelemetryDataError(new TelemetryDataError(ts(5, 1), 'no_telemetry_data', 'm'));
    assert.equal(exporter.filePath, join(dir, 'a', 'b', 'c', 'deep.jsonl'));
    assert.equal(rawLines(exporter.filePath).length, 1);
  });

  test('{rank} and {pid} are expanded (rank option, RANK variable, default 0); the path is made absolute', () => {
    const saved = process.env.RANK;
    try {
      const explicit = newExporter('r{rank}-p{pid}-{rank}.jsonl', { rank: 3 });
      assert.equal(explicit.filePath, join(dir, `r3-p${PID}-3.jsonl`));
      explicit.initialize();
      explicit.exportTelemetryDataError(new TelemetryDataError(ts(5, 1), 'no_telemetry_data', 'rank three'));
      explicit.close();
      const recs = readRecords(join(dir, `r3-p${PID}-3.jsonl`));
      assert.equal(recs.length, 1);
      assert.equal(recs[0]?.error.attributes.error_message, 'rank three');

      process.env.RANK = '7';
      assert.equal(newExporter('r{rank}.jsonl').filePath, join(dir, 'r7.jsonl'));
      assert.equal(newExporter('r{rank}.jsonl', { rank: 2 }).filePath, join(dir, 'r2.jsonl'));
      process.env.RANK = 'not-a-number';
      assert.equal(newExporter('r{rank}.jsonl').filePath, join(dir, 'r0.jsonl'));
      delete process.env.RANK;
      assert.equal(newExporter('r{rank}.jsonl').filePath, join(dir, 'r0.jsonl'));

      assert.equal(expandFilePath('out/{rank}/{pid}-{pid}.jsonl', 4, 99), 'out/4/99-99.jsonl');
      assert.equal(expandFilePath('plain.jsonl', 4, 99), 'plain.jsonl');
      assert.equal(new FileExporter({ filePath: 'rel-{rank}.jsonl', rank: 1 }).filePath, resolve('rel-1.jsonl'));
    } finally {
      if (saved === undefined) delete process.env.RANK;
      else process.env.RANK = saved;
    }
  });

  test('constructor validation names the option and the value', () => {
    assert.throws(() => new FileExporter({ filePath: '  ' }), {
      name: 'OneLoggerError',
      message: 'FileExporter.filePath: must be a non-empty string (got   )',
    });
    assert.throws(() => new FileExporter({ filePath: 'x.jsonl', rank: -1 }), {
      name: 'OneLoggerError',
      message: 'FileExporter.rank: must be a non-negative integer (got -1)',
    });
    assert.throws(() => new FileExporter({ filePath: 'x.jsonl', buffered: { maxBufferBytes: 0 } }), {
      name: 'OneLoggerError',
      message: 'FileExporter.buffered.maxBufferBytes: must be positive (got 0)',
    });
  });

  test('an unwritable path (parent is a regular file): initialize() throws ExportError naming the path', () => {
    writeFileSync(join(dir, 'regular-file'), 'not a directory');
    const exporter = newExporter(join('regular-file', 'sub', 'out.jsonl'));
    const expectedPath = join(dir, 'regular-file', 'sub', 'out.jsonl');
    assert.throws(
      () => exporter.initialize(),
      (e: unknown) => {
        assert.ok(e instanceof ExportError, `expected ExportError, got ${String(e)}`);
        assert.ok(
          e.message.startsWith(`FileExporter cannot open ${expectedPath} for appending: ENOTDIR`),
          `message should name the path: ${e.message}`,
        );
        return true;
      },
    );
    assert.equal(statSync(join(dir, 'regular-file')).isFile(), true);
  });

  test('B13: a failed initialize() leaves the exporter not ready, and exports keep failing with ExportError', () => {
    writeFileSync(join(dir, 'regular-file'), 'not a directory');
    const exporter = newExporter(join('regular-file', 'out.jsonl'));
    assert.throws(() => exporter.initialize(), ExportError);
    assert.equal(exporter.ready, false, 'an exporter whose file could not be opened must not report ready');
    assert.equal(exporter.closed, false);
    assert.throws(() => exporter.exportTelemetryDataError(new TelemetryDataError(ts(5, 1), 'no_telemetry_data', 'm')), ExportError);
  });
});

/**
 * A FIFO whose only reader is a child process: `open()` runs once the reader holds the FIFO open (so opening
 * the write end returns at once), then the reader is killed, so every later write fails with EPIPE (an
 * error that is not "disk full").
 */
async function withBrokenPipe(open: (path: string) => void): Promise<void> {
  const fifo = join(dir, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo failed');
  const script = `const fs = require('fs'); fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK); process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`;
  const reader = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => reader.once('exit', r));
  try {
    await new Promise<void>((ready, failed) => {
      reader.stdout.once('data', () => ready());
      reader.once('error', failed);
      reader.once('exit', (code) => failed(new Error(`the FIFO reader exited early (${code})`)));
    });
    open(fifo);
  } finally {
    reader.kill('SIGKILL');
    await exited;
  }
}

describe('FileExporter: write errors other than a full disk are reported (B11)', () => {
  test('a failing write throws ExportError naming the path and the cause', async () => {
    useIds(ID1);
    let exporter: FileExporter | undefined;
    await withBrokenPipe((fifo) => {
      exporter = new FileExporter({ filePath: fifo });
      openExporters.push(exporter);
      exporter.initialize();
    });
    const e = exporter as FileExporter;
    const span = Span.create('s', { startTime: ts(100, 1) });
    e.exportStart(span);
    span.stop({ stopTime: ts(101, 2) });
    assert.throws(() => e.exportStop(span), {
      name: 'ExportError',
      message: `Error writing record to ${join(dir, 'pipe')}: EPIPE: broken pipe, write`,
    });
    assert.throws(() => e.exportTelemetryDataError(new TelemetryDataError(ts(102, 3), 'no_telemetry_data', 'm')), {
      name: 'ExportError',
      message: /^Error writing record to .*pipe: EPIPE/,
    });
  });

  test('close() whose final write fails throws ExportError but still leaves the exporter closed', async () => {
    let exporter: FileExporter | undefined;
    await withBrokenPipe((fifo) => {
      exporter = new FileExporter({ filePath: fifo });
      exporter.initialize();
    });
    const e = exporter as FileExporter;
    e.exportStart(Span.create('never_written', { startTime: ts(100, 1) }));
    assert.throws(() => e.close(), { name: 'ExportError', message: /^Error writing record to .*pipe: EPIPE/ });
    assert.equal(e.closed, true, 'close() must end in the CLOSED state even when its last write fails');
    assert.equal(e.ready, false);
    assert.throws(() => e.exportTelemetryDataError(new TelemetryDataError(ts(101, 2), 'no_telemetry_data', 'm')), {
      name: 'ExportError',
      message: 'Exporter is closed and cannot be used anymore.',
    });
  });

  test('the recorder counts write errors, sends one TDE attempt, disables the exporter after 5, and the healthy file is intact', async () => {
    const healthy = newExporter('healthy.jsonl');
    let recorder: DefaultRecorder | undefined;
    await withBrokenPipe((fifo) => {
      recorder = new DefaultRecorder({ exporters: [new FileExporter({ filePath: fifo }), healthy] });
    });
    const r = recorder as DefaultRecorder;
    for (let i = 0; i < 6; i++) {
      const span = r.start(`span${i}`);
      r.stop(span);
    }
    const [brokenStatus, healthyStatus] = r.exporterStatuses;
    assert.deepEqual(
      { ...brokenStatus, exporter: undefined },
      { exporter: undefined, numErrors: 5, anyDataExportedSuccessfully: false, forceDisabled: true, telemetryDataErrorReported: true },
    );
    assert.deepEqual(
      { ...healthyStatus, exporter: undefined },
      { exporter: undefined, numErrors: 0, anyDataExportedSuccessfully: true, forceDisabled: false, telemetryDataErrorReported: false },
    );
    await r.close();
    const records = readRecords(healthy.filePath);
    assert.deepEqual(
      records.map((rec) => `${rec.type}:${rec.name}:${rec.count}`),
      [0, 1, 2, 3, 4, 5].map((i) => `complete:span${i}:${i + 1}`),
    );
    const errors = logs.filter(([level]) => level === 'ERROR').map(([, m]) => m);
    assert.equal(
      errors.filter((m) => /^Error exporting data via exporter FileExporter: Error writing record to .*pipe: EPIPE/.test(m)).length,
      5,
    );
    assert.equal(errors.filter((m) => m.startsWith('Could not export telemetry data error for exporter FileExporter:')).length, 1);
    assert.equal(errors.filter((m) => m === 'Exporter FileExporter has been disabled after 5 failures.').length, 1);
  });

  test('buffered mode: flush() throws the write error; a background (timer) write error is raised on the next export', async () => {
    let direct: FileExporter | undefined;
    await withBrokenPipe((fifo) => {
      direct = new FileExporter({ filePath: fifo, buffered: { flushIntervalMs: 0 } });
      direct.initialize();
    });
    const d = direct as FileExporter;
    openExporters.push(d);
    d.exportTelemetryDataError(new TelemetryDataError(ts(1, 1), 'no_telemetry_data', 'm'));
    assert.throws(() => d.flush(), { name: 'ExportError', message: /^Error writing record to .*pipe: EPIPE/ });

    rmSync(join(dir, 'pipe'));
    let timed: FileExporter | undefined;
    await withBrokenPipe((fifo) => {
      timed = new FileExporter({ filePath: fifo, buffered: { flushIntervalMs: 5 } });
      timed.initialize();
    });
    const t = timed as FileExporter;
    openExporters.push(t);
    t.exportTelemetryDataError(new TelemetryDataError(ts(1, 1), 'no_telemetry_data', 'm'));
    await new Promise((r) => setTimeout(r, 60));
    assert.throws(() => t.exportTelemetryDataError(new TelemetryDataError(ts(2, 2), 'no_telemetry_data', 'm2')), {
      name: 'ExportError',
      message: /^Error writing record to .*pipe: EPIPE/,
    });
  });
});

describe('FileExporter: a background write error that goes away', () => {
  test('the export call that raises it keeps its own records (a held-back start included); the error names the lost ones', async () => {
    // A FIFO whose reader went away (EPIPE), and a reader that comes back: a real transient write error.
    let recorder: DefaultRecorder | undefined;
    await withBrokenPipe((fifo) => {
      recorder = new DefaultRecorder({
        exporters: [new FileExporter({ filePath: fifo, buffered: { flushIntervalMs: 5 }, rotationCheckIntervalMs: 0 })],
      });
    });
    const r = recorder as DefaultRecorder;
    const root = r.start('root') as Span;
    r.event(root, Event.create('lost_with_the_timed_write'));
    await new Promise((done) => setTimeout(done, 60)); // the timer's write fails: EPIPE, kept for the next call
    const reader = openSync(join(dir, 'pipe'), fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      const step = r.start('step') as Span; // held back
      await r.flush(); // raises the kept error, after writing the held-back start
      r.event(step, Event.create('inside_step'));
      r.stop(step);
      r.stop(root);
      await r.close();
      const chunks: Buffer[] = [];
      for (;;) {
        const buffer = Buffer.alloc(65536);
        const n = readSync(reader, buffer);
        if (n <= 0) break;
        chunks.push(buffer.subarray(0, n));
      }
      const records = parseRecords(Buffer.concat(chunks).toString('utf8'));
      assert.deepEqual(
        records.map((rec) => [rec.type, rec.name ?? rec.event?.name ?? rec.error?.attributes?.error_message?.slice(0, 63), rec.count]),
        [
          ['start', 'step', 3],
          ['telemetry_data_error', 'Error exporting data via exporter FileExporter: Error writing 2', 4],
          ['event', 'inside_step', 5],
          ['stop', 'step', 6],
          ['stop', 'root', 7],
        ],
      );
      assert.equal(records[2]?.span_id, step.id);
      assert.match(records[1]?.error.attributes.error_message, /Error writing 2 records to .*pipe: EPIPE/);
    } finally {
      closeSync(reader);
    }
  });
});

describe('FileExporter: a full disk (/dev/full) drops and counts records, never fails the exporter', {
  skip: HAS_DEV_FULL ? false : 'no /dev/full',
}, () => {
  test('issue 12 item 4: nothing is thrown, one ERROR names the path and the cause, the recorder keeps the exporter', async () => {
    const full = new FileExporter({ filePath: '/dev/full' });
    const recorder = new DefaultRecorder({ exporters: [full] });
    for (let i = 0; i < 6; i++) recorder.stop(recorder.start(`span${i}`));
    // Not a failure of the exporter: it reports the loss itself, and keeps writing once space is back.
    assert.equal(recorder.exporterStatuses[0]?.numErrors, 0);
    assert.equal(recorder.exporterStatuses[0]?.forceDisabled, false);
    await recorder.close();
    assert.equal(full.lostRecordCount, 6);
    const errors = logs.filter(([level]) => level === 'ERROR').map(([, m]) => m);
    assert.deepEqual(errors, [
      'FileExporter cannot write to /dev/full: ENOSPC: no space left on device, write. Records are dropped and counted until writing succeeds again; the file keeps whole lines.',
      'FileExporter: 6 records could not be written to /dev/full (ENOSPC) and are lost; the file was closed before writing succeeded again',
    ]);
  });

  test('issue 12 item 4: buffered mode: flush() and the timer drop and count, and close() reports the loss', async () => {
    const exporter = new FileExporter({ filePath: '/dev/full', buffered: { flushIntervalMs: 5 } });
    openExporters.push(exporter);
    exporter.initialize();
    exporter.exportTelemetryDataError(new TelemetryDataError(ts(1, 1), 'no_telemetry_data', 'm'));
    exporter.flush();
    exporter.exportTelemetryDataError(new TelemetryDataError(ts(2, 2), 'no_telemetry_data', 'm2'));
    await new Promise((r) => setTimeout(r, 60));
    exporter.exportTelemetryDataError(new TelemetryDataError(ts(3, 3), 'no_telemetry_data', 'm3'));
    exporter.close();
    assert.equal(exporter.lostRecordCount, 3);
    assert.match(logs.at(-1)?.[1] ?? '', /^FileExporter: 3 records could not be written to \/dev\/full \(ENOSPC\) and are lost/);
  });
});

describe('FileExporter: buffered mode', () => {
  /** n complete spans with fixed times, ids from the default random generator. */
  function completeSpans(n: number): Span[] {
    const spans: Span[] = [];
    for (let i = 0; i < n; i++) {
      const s = Span.create(`span_${i}`, { startTime: ts(1000 + i, 10 + i) });
      s.stop({ stopTime: ts(1000.5 + i, 10.5 + i) });
      spans.push(s);
    }
    return spans;
  }

  test('nothing is written before flush(); flush() writes everything; close() writes the rest', () => {
    const exporter = initialized('buffered.jsonl', { buffered: { flushIntervalMs: 0 } });
    const spans = completeSpans(5);
    for (const s of spans.slice(0, 3)) {
      exporter.exportStart(s);
      exporter.exportStop(s);
    }
    assert.equal(readFileSync(exporter.filePath, 'utf8'), '');
    exporter.flush();
    assert.deepEqual(
      readRecords(exporter.filePath).map((r) => [r.type, r.name, r.count]),
      [
        ['complete', 'span_0', 1],
        ['complete', 'span_1', 2],
        ['complete', 'span_2', 3],
      ],
    );
    for (const s of spans.slice(3)) {
      exporter.exportStart(s);
      exporter.exportStop(s);
    }
    // A held-back start stays held back; close() writes it along with the buffer.
    const running = Span.create('running', { startTime: ts(2000, 100) });
    exporter.exportStart(running);
    assert.equal(readRecords(exporter.filePath).length, 3);
    exporter.close();
    assert.deepEqual(
      readRecords(exporter.filePath).map((r) => [r.type, r.name, r.count]),
      [
        ['complete', 'span_0', 1],
        ['complete', 'span_1', 2],
        ['complete', 'span_2', 3],
        ['complete', 'span_3', 4],
        ['complete', 'span_4', 5],
        ['start', 'running', 6],
      ],
    );
  });

  test('the buffer is written as soon as it reaches maxBufferBytes, not before', () => {
    const spans = completeSpans(4);
    // A per-record twin receiving identical calls tells us the exact line lengths.
    const twin = initialized('twin.jsonl');
    for (const s of spans) {
      twin.exportStart(s);
      twin.exportStop(s);
    }
    const twinLines = rawLines(twin.filePath);
    const threshold = twinLines.slice(0, 3).reduce((n, l) => n + l.length + 1, 0);

    const exporter = initialized('threshold.jsonl', { buffered: { maxBufferBytes: threshold, flushIntervalMs: 0 } });
    const seen: number[] = [];
    for (const s of spans) {
      exporter.exportStart(s);
      exporter.exportStop(s);
      seen.push(rawLines(exporter.filePath).length);
    }
    assert.deepEqual(seen, [0, 0, 3, 3]);
    assert.deepEqual(rawLines(exporter.filePath), twinLines.slice(0, 3));
    exporter.close();
    assert.deepEqual(rawLines(exporter.filePath), twinLines);
  });

  test('the interval timer writes buffered records without any further call', async () => {
    useIds(ID1);
    const exporter = initialized('timer.jsonl', { buffered: { flushIntervalMs: 10 } });
    exporter.exportTelemetryDataError(new TelemetryDataError(ts(1234567890, 5), 'no_telemetry_data', 'timer'));
    assert.equal(readFileSync(exporter.filePath, 'utf8'), '');
    const deadline = Date.now() + 3000;
    while (readFileSync(exporter.filePath, 'utf8') === '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(rawLines(exporter.filePath), [
      `{"type":"telemetry_data_error","error":{"name":"telemetry_data_error","attributes":{"error_message":"timer","telemetry_data_error_type":"no_telemetry_data","timestamp_msec":1234567890000}},"count":1,"pid":${PID}}`,
    ]);
  });
});

describe('FileExporter: process exit and killed processes (real child processes)', () => {
  function childScript(body: string): string {
    const path = join(dir, `child-${Math.random().toString(36).slice(2)}.mts`);
    const url = (p: string) => pathToFileURL(join(SRC, p)).href;
    writeFileSync(
      path,
      [
        `import { FileExporter } from '${url('exporter/file-exporter.ts')}';`,
        `import { Span } from '${url('core/span.ts')}';`,
        `import { Event } from '${url('core/event.ts')}';`,
        `import { TracingTimestamp } from '${url('core/time.ts')}';`,
        `const out = process.argv[2];`,
        body,
      ].join('\n'),
    );
    return path;
  }

  function runChild(script: string, ...args: string[]): { status: number | null; stderr: string } {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    return { status: r.status, stderr: r.stderr };
  }

  const writeBuffered = `
const exporter = new FileExporter({ filePath: out, buffered: { flushIntervalMs: 0 } });
exporter.initialize();
const t = (s) => TracingTimestamp.of(1000 + s, 10 + s);
for (let i = 0; i < 200; i++) {
  const span = Span.create('span_' + i, { startTime: t(i) });
  exporter.exportStart(span);
  exporter.exportEvent(Event.create('tick', { i }, t(i + 0.25)), span);
  span.stop({ stopTime: t(i + 0.5) });
  exporter.exportStop(span);
}
`;

  test('buffered records are written when the process ends normally without close()', () => {
    const out = join(dir, 'exit-normal.jsonl');
    const r = runChild(childScript(writeBuffered), out);
    assert.equal(r.status, 0, r.stderr);
    const records = readRecords(out);
    assert.equal(records.length, 600);
    assert.deepEqual(
      records.map((rec) => rec.count),
      Array.from({ length: 600 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      records.slice(0, 3).map((rec) => rec.type),
      ['start', 'event', 'stop'],
    );
    assert.equal(records[599]?.name, 'span_199');
    assert.ok(records.every((rec) => rec.pid !== PID && rec.pid === records[0]?.pid));
  });

  test('buffered records are written when the process calls process.exit() without close()', () => {
    const out = join(dir, 'exit-explicit.jsonl');
    const r = runChild(childScript(`${writeBuffered}\nprocess.exit(3);`), out);
    assert.equal(r.status, 3, r.stderr);
    const records = readRecords(out);
    assert.equal(records.length, 600);
    assert.equal(records[599]?.type, 'stop');
    assert.equal(records[599]?.count, 600);
  });

  test('a span still running at exit keeps its (held-back) start record', () => {
    const out = join(dir, 'exit-running.jsonl');
    const body = `${writeBuffered}
const app = Span.create('application', { startTime: t(500) });
exporter.exportStart(app);
`;
    const r = runChild(childScript(body), out);
    assert.equal(r.status, 0, r.stderr);
    const records = readRecords(out);
    assert.equal(records.length, 601, 'the start record of the span running at exit must not be lost');
    assert.deepEqual([records[600]?.type, records[600]?.name, records[600]?.count], ['start', 'application', 601]);
  });

  test('per-record mode: a process killed with SIGKILL while writing leaves only whole lines', async () => {
    const out = join(dir, 'killed.jsonl');
    const body = `
const exporter = new FileExporter({ filePath: out });
exporter.initialize();
const big = 'x'.repeat(20000);
let i = 0;
const span = Span.create('writer', { startTime: TracingTimestamp.of(1000, 10) });
exporter.exportStart(span);
function burst() {
  for (let k = 0; k < 50; k++) exporter.exportEvent(Event.create('e', { i: i++, payload: big }, TracingTimestamp.of(1001, 11)), span);
  if (i === 200) process.stdout.write('ready\\n');
  setImmediate(burst);
}
burst();
`;
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', childScript(body), out], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`child never became ready: ${stderr}`)), 20_000);
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) {
          clearTimeout(timer);
          res();
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        rej(new Error(`child exited early: ${stderr}`));
      });
    });
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    // A fatal signal may cut the very last write short; readers drop such a trailing fragment (DESIGN §7).
    const text = readFileSync(out, 'utf8');
    const whole = text.slice(0, text.lastIndexOf('\n') + 1);
    const fragment = text.slice(whole.length);
    if (fragment !== '') assert.throws(() => JSON.parse(fragment), SyntaxError);
    const records = parseRecords(whole, out);
    assert.ok(records.length >= 201, `expected at least 201 records, got ${records.length}`);
    assert.deepEqual(
      records.map((r) => r.count),
      Array.from({ length: records.length }, (_, i) => i + 1),
    );
    assert.deepEqual([records[0]?.type, records[1]?.type], ['start', 'event']);
    assert.ok(records.slice(1).every((r) => r.type === 'event' && r.event.attributes.payload.length === 20000));
  });
});

describe('FileExporter: content', () => {
  test('per-record mode: after every call the file holds whole lines only, one per record', () => {
    const exporter = initialized();
    const span = Span.create('big', { startTime: ts(100, 1), spanAttributes: { blob: 'y'.repeat(150_000) } });
    exporter.exportStart(span);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      exporter.exportEvent(Event.create('e', { i, blob: 'z'.repeat(100_000) }, ts(101, 2)), span);
      const text = readFileSync(exporter.filePath, 'utf8');
      assert.ok(text.endsWith('\n'));
      counts.push(readRecords(exporter.filePath).length);
    }
    assert.deepEqual(counts, [2, 3, 4, 5, 6]);
    assert.equal(readRecords(exporter.filePath)[0]?.attributes.blob.length, 150_000);
  });

  test('B16: exportStop of a running span throws ExportError and keeps the held-back start', () => {
    useIds(ID1);
    const exporter = initialized();
    const span = Span.create('running', { startTime: ts(100, 1) });
    exporter.exportStart(span);
    assert.throws(() => exporter.exportStop(span), { name: 'ExportError', message: `Span ${ID1} has no stop event` });
    assert.equal(readFileSync(exporter.filePath, 'utf8'), '');
    span.stop({ stopTime: ts(102, 3) });
    exporter.exportStop(span);
    assert.deepEqual(
      readRecords(exporter.filePath).map((r) => [r.type, r.count, r.attributes.duration_msec]),
      [['complete', 1, 2000]],
    );
  });

  test('DESIGN §4: a telemetry-data error first writes the held-back start, so records are in call order', () => {
    useIds(ID1);
    const exporter = initialized();
    const span = Span.create('held', { startTime: ts(100, 1) });
    exporter.exportStart(span);
    exporter.exportTelemetryDataError(new TelemetryDataError(ts(150, 51), 'no_telemetry_data', 'problem'));
    span.stop({ stopTime: ts(200, 101) });
    exporter.exportStop(span);
    assert.deepEqual(rawLines(exporter.filePath), [
      `{"type":"start","id":"${ID1}","name":"held","start_event":{"name":"span_start","attributes":{"timestamp_msec":100000}},"count":1,"pid":${PID}}`,
      `{"type":"telemetry_data_error","error":{"name":"telemetry_data_error","attributes":{"error_message":"problem","telemetry_data_error_type":"no_telemetry_data","timestamp_msec":150000}},"count":2,"pid":${PID}}`,
      `{"type":"stop","id":"${ID1}","name":"held","attributes":{"duration_msec":100000},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":200000}},"count":3,"pid":${PID}}`,
    ]);
  });

  test('non-ASCII text is written as UTF-8, never as \\u escapes', () => {
    useIds(ID1);
    const exporter = initialized();
    const text = 'Grüße, 東京, Ωμέγα 😀';
    const span = Span.create('schritt_é', { startTime: ts(100, 1), spanAttributes: { ключ: text } });
    exporter.exportStart(span);
    span.stop({ stopTime: ts(101, 2) });
    exporter.exportStop(span);
    const bytes = readFileSync(exporter.filePath);
    assert.ok(bytes.includes(Buffer.from(text, 'utf8')));
    assert.ok(bytes.includes(Buffer.from('"ключ"', 'utf8')));
    assert.equal(bytes.toString('utf8').includes('\\u'), false);
    assert.deepEqual(rawLines(exporter.filePath), [
      `{"type":"complete","id":"${ID1}","name":"schritt_é","attributes":{"ключ":"${text}","duration_msec":1000},"start_event":{"name":"span_start","attributes":{"timestamp_msec":100000}},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":101000}},"count":1,"pid":${PID}}`,
    ]);
  });

  test('records are always valid JSON: quotes, backslashes, newlines, control characters and lone surrogates round-trip', () => {
    const nasty = [
      'quote " and \\ backslash',
      'multi\nline\r\n\ttab',
      'ctrl \u0000\u0001\u001f\u007f',
      'lone \ud800 and \udfff',
      '\u2028\u2029',
      '{"json":"inside"}',
    ];
    const exporter = initialized();
    const attrs: Record<string, string> = {};
    for (const [i, v] of nasty.entries()) attrs[`k${i} ${v}`] = v;
    const span = Span.create('span "with" \\ weird\nname', { startTime: ts(100, 1), spanAttributes: attrs });
    exporter.exportStart(span);
    exporter.exportEvent(Event.create('event\u0001"name"', { list: nasty }, ts(100.5, 1.5)), span);
    exporter.exportError(ErrorEvent.fromException('msg "x"\n', new Error('bad \ud800 "value"'), { timestamp: ts(100.6, 1.6) }), span);
    span.stop({ stopTime: ts(101, 2) });
    exporter.exportStop(span);

    const lines = readFileSync(exporter.filePath, 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, 4, 'every record is exactly one line');
    const records = readRecords(exporter.filePath);
    assert.equal(records[0]?.name, 'span "with" \\ weird\nname');
    assert.deepEqual(records[0]?.attributes, attrs);
    assert.equal(records[1]?.event.name, 'event\u0001"name"');
    assert.deepEqual(records[1]?.event.attributes.list, nasty);
    assert.equal(records[2]?.event.attributes.error_message, 'msg "x"\n');
    assert.equal(records[2]?.event.attributes.exception_message, 'bad \ud800 "value"');
    assert.equal(records[2]?.event.attributes.exception_type, 'Error');
    assert.match(records[2]?.event.attributes.exception_traceback, /^Error: bad \ud800 "value"\n {4}at /);
    assert.deepEqual(records[3]?.attributes, { ...attrs, duration_msec: 1000 });
  });

  test('pid is the current process id and count increases by one per record', () => {
    const exporter = initialized();
    for (let i = 0; i < 3; i++) exporter.exportTelemetryDataError(new TelemetryDataError(ts(1, 1), 'no_telemetry_data', `m${i}`));
    const records = readRecords(exporter.filePath);
    assert.deepEqual(
      records.map((r) => [r.count, r.pid, r.error.attributes.error_message]),
      [
        [1, PID, 'm0'],
        [2, PID, 'm1'],
        [3, PID, 'm2'],
      ],
    );
    assert.equal(exporter.count, 3);
  });
});
