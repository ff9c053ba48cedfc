import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { OneLoggerProvider } from '../src/api/provider.js';
import { OneLoggerError } from '../src/core/errors.js';
import { type ErrorEvent, Event, type TelemetryDataError } from '../src/core/event.js';
import { setIdGenerator } from '../src/core/ids.js';
import { Span } from '../src/core/span.js';
import { setClock, TracingTimestamp } from '../src/core/time.js';
import type { Exporter } from '../src/exporter/exporter.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { internalLogger } from '../src/internal/logger.js';
import { DefaultRecorder, type DefaultRecorderOptions } from '../src/recorder/default-recorder.js';
import { captureLibraryLog } from './helpers/library-log.js';
import { type Rec, readRecords } from './helpers/records.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

// ------------------------------------------------------------------------------------------- helpers

const PID = process.pid;

interface Call {
  method: 'initialize' | 'exportStart' | 'exportStop' | 'exportEvent' | 'exportError' | 'exportTelemetryDataError' | 'flush' | 'close';
  span?: Span;
  event?: Event;
  error?: TelemetryDataError;
}

/** An in-memory exporter that logs every call; `shouldFail(method, nthCallOfThatMethod)` makes a call throw. */
class RecordingExporter implements Exporter {
  readonly calls: Call[] = [];
  private readonly perMethod = new Map<string, number>();
  constructor(private readonly shouldFail: (method: Call['method'], n: number) => boolean = () => false) {}

  initialize(): void {
    this.log({ method: 'initialize' });
  }
  exportStart(span: Span): void {
    this.log({ method: 'exportStart', span });
  }
  exportStop(span: Span): void {
    this.log({ method: 'exportStop', span });
  }
  exportEvent(event: Event, span: Span): void {
    this.log({ method: 'exportEvent', event, span });
  }
  exportError(event: ErrorEvent, span: Span): void {
    this.log({ method: 'exportError', event, span });
  }
  exportTelemetryDataError(error: TelemetryDataError): void {
    this.log({ method: 'exportTelemetryDataError', error });
  }
  flush(): void {
    this.log({ method: 'flush' });
  }
  close(): void {
    this.log({ method: 'close' });
  }

  /** Compact call list: `exportStart:span1`, `exportEvent:ev@span1`, `exportTelemetryDataError:no_telemetry_data`, ... */
  get summary(): string[] {
    return this.calls.map((c) => {
      if (c.method === 'exportEvent' || c.method === 'exportError') return `${c.method}:${c.event?.name}@${c.span?.name}`;
      if (c.method === 'exportTelemetryDataError') return `${c.method}:${c.error?.errorType}`;
      if (c.span !== undefined) return `${c.method}:${c.span.name}`;
      return c.method;
    });
  }

  count(method: Call['method']): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  tdes(): TelemetryDataError[] {
    return this.calls.filter((c) => c.method === 'exportTelemetryDataError').map((c) => c.error as TelemetryDataError);
  }

  private log(call: Call): void {
    this.calls.push(call);
    const n = (this.perMethod.get(call.method) ?? 0) + 1;
    this.perMethod.set(call.method, n);
    if (this.shouldFail(call.method, n)) throw new Error(`${call.method} failed`);
  }
}

/** Fails on every export call (including telemetry-data errors); initialize/flush/close succeed. */
class FailingExporter extends RecordingExporter {
  constructor() {
    super((method) => method.startsWith('export'));
  }
}

let dir: string;
let logs: Array<[string, string]>;

/** A clock the test moves by hand (seconds). */
function manualClock(wallSec: number, perfSec: number) {
  const state = { wallSec, perfSec };
  setClock({ wallMs: () => state.wallSec * 1000, perfMs: () => state.perfSec * 1000 });
  return state;
}

function useIds(...ids: string[]): void {
  const queue = [...ids];
  setIdGenerator(() => {
    const id = queue.shift();
    if (id === undefined) throw new Error('test ran out of span ids');
    return id;
  });
}

/** Deterministic ids `00000000-0000-4000-8000-000000000001`, `...0002`, ... */
function sequentialIds(): void {
  let n = 0;
  setIdGenerator(() => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`);
}

function fileExporter(name = 'out.jsonl'): FileExporter {
  return new FileExporter({ filePath: join(dir, name) });
}

function status(recorder: DefaultRecorder, index: number) {
  const s = recorder.exporterStatuses[index];
  assert.ok(s !== undefined);
  return {
    numErrors: s.numErrors,
    anyDataExportedSuccessfully: s.anyDataExportedSuccessfully,
    forceDisabled: s.forceDisabled,
    telemetryDataErrorReported: s.telemetryDataErrorReported,
  };
}

function configureProvider(strategy: 'propagate_exceptions' | 'disable_quietly_and_report_metric_error', recorder: DefaultRecorder): void {
  OneLoggerProvider.instance().configure(
    {
      applicationName: 'recorder-test',
      worldSize: 1,
      sessionTag: 'session',
      errorHandlingStrategy: strategy,
      loggerConfig: { logFilePathForInfo: join(dir, 'onelogger.log') },
    },
    recorder,
  );
}

function logged(level: string): string[] {
  return logs.filter(([l]) => l === level).map(([, m]) => m);
}

/** Lets every other pending task run once. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function s(span: Span | undefined): Span {
  assert.ok(span instanceof Span, 'expected a span');
  return span;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nv1l-recorder-'));
  logs = [];
  internalLogger.configure({ level: 'DEBUG', format: '%(levelname)s %(message)s', infoFilePath: join(dir, 'onelogger.log') });
  internalLogger.listener = (level, message) => logs.push([level, message]);
});

afterEach(() => {
  OneLoggerProvider.resetForTests();
  setClock(undefined);
  setIdGenerator(undefined);
  internalLogger.reset();
  rmSync(dir, { recursive: true, force: true });
});

// ------------------------------------------------------------------------------------------- reference tests

describe('DefaultRecorder: start / stop / event / error / telemetryDataError (#212-#219, #222)', () => {
  test('#212 start with attributes: name, attributes, start time from the clock, exportStart once, no TDE', () => {
    manualClock(22000, 400);
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const span = s(recorder.start('test_span', { spanAttributes: { sp_k: 'sp_v', n: 1 }, startEventAttributes: { se_k: 'se_v' } }));
    assert.equal(span.name, 'test_span');
    assert.equal(span.parentSpan, undefined);
    assert.equal(span.active, true);
    assert.deepEqual(span.attributes.toJSON(), { sp_k: 'sp_v', n: 1 });
    assert.equal(span.startEvent.name, 'span_start');
    assert.equal(span.startEvent.timestamp.wallMs, 22_000_000);
    assert.equal(span.startEvent.timestamp.perfMs, 400_000);
    assert.deepEqual(span.startEvent.attributes.toJSON(), { se_k: 'se_v', timestamp_msec: 22_000_000 });
    assert.deepEqual([...span.startEvent.attributes.map.keys()], ['se_k', 'timestamp_msec']);
    assert.deepEqual(exporter.summary, ['initialize', 'exportStart:test_span']);
    assert.equal(exporter.calls[1]?.span, span);
    assert.deepEqual(recorder.getActiveSpansByName('test_span'), [span]);
    assert.equal(recorder.currentSpan(), span);
  });

  test('#213 start with an explicit start time keeps it', () => {
    manualClock(24100, 900);
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const startTime = TracingTimestamp.of(24000, 100);
    const span = s(recorder.start('test_span', { startTime }));
    assert.equal(span.startEvent.timestamp, startTime);
    assert.deepEqual(span.startEvent.attributes.toJSON(), { timestamp_msec: 24_000_000 });
    assert.equal(exporter.count('exportStart'), 1);
  });

  test('#214 stop with the clock moving 400 s -> 470 s: stop event, duration_msec 70000, exportStop once, no TDE', () => {
    const clock = manualClock(22000, 400);
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const span = s(recorder.start('test_span'));
    clock.wallSec = 22070;
    clock.perfSec = 470;
    recorder.stop(span, { stopEventAttributes: { st_k: 'st_v' } });
    const stop = span.stopEvent;
    assert.ok(stop !== undefined);
    assert.equal(stop.name, 'span_stop');
    assert.equal(stop.timestamp.wallMs, 22_070_000);
    assert.equal(stop.timestamp.perfMs, 470_000);
    assert.deepEqual(stop.attributes.toJSON(), { st_k: 'st_v', timestamp_msec: 22_070_000 });
    assert.deepEqual(span.attributes.toJSON(), { duration_msec: 70000 });
    assert.deepEqual(span.updatedAttributes.toJSON(), { duration_msec: 70000 });
    assert.equal(span.durationMsec(), 70000);
    assert.equal(span.active, false);
    assert.deepEqual(exporter.summary, ['initialize', 'exportStart:test_span', 'exportStop:test_span']);
    assert.equal(exporter.calls[2]?.span, span);
    assert.deepEqual(recorder.getActiveSpansByName('test_span'), []);
    assert.equal(recorder.currentSpan(), undefined);
  });

  test('#215 stop with explicit times (400 s -> 550 s): duration_msec 150000', () => {
    manualClock(30000, 9999);
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const span = s(recorder.start('test_span', { startTime: TracingTimestamp.of(22000, 400) }));
    recorder.stop(span, { stopTime: TracingTimestamp.of(22150, 550) });
    assert.equal(span.durationMsec(), 150000);
    assert.deepEqual(span.stopEvent?.attributes.toJSON(), { timestamp_msec: 22_150_000 });
    assert.equal(exporter.count('exportStop'), 1);
  });

  test('#216 event: returns the given event and exports it once with its span', () => {
    manualClock(24000, 400);
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const span = s(recorder.start('test_span'));
    const event = Event.create('test_event', { ev_k: 'ev_v' }, TracingTimestamp.of(24060, 460));
    assert.equal(recorder.event(span, event), event);
    assert.deepEqual(event.attributes.toJSON(), { ev_k: 'ev_v', timestamp_msec: 24_060_000 });
    assert.deepEqual(exporter.summary, ['initialize', 'exportStart:test_span', 'exportEvent:test_event@test_span']);
    assert.equal(exporter.calls[2]?.event, event);
    assert.equal(exporter.calls[2]?.span, span);
    assert.equal(exporter.count('exportTelemetryDataError'), 0);
  });

  test('#217 error with an exception: name "error", message, type, the error\'s own stack, clock timestamp; exported once', () => {
    manualClock(22000, 400);
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const span = s(recorder.start('test_span'));
    class RuntimeError extends Error {
      override name = 'RuntimeError';
    }
    const thrown = new RuntimeError('test error');
    const event = recorder.error(span, 'test error message', thrown);
    assert.ok(event !== undefined);
    assert.equal(event.name, 'error');
    assert.equal(event.errorMessage, 'test error message');
    assert.equal(event.exceptionType, 'RuntimeError');
    assert.equal(event.exceptionMessage, 'test error');
    assert.equal(event.exceptionTraceback, thrown.stack);
    assert.equal(event.timestamp.wallMs, 22_000_000);
    assert.deepEqual(event.attributes.toJSON(), {
      error_message: 'test error message',
      exception_type: 'RuntimeError',
      exception_message: 'test error',
      exception_traceback: thrown.stack,
      timestamp_msec: 22_000_000,
    });
    assert.deepEqual(
      [...event.attributes.map.keys()],
      ['error_message', 'exception_type', 'exception_message', 'exception_traceback', 'timestamp_msec'],
    );
    assert.deepEqual(exporter.summary, ['initialize', 'exportStart:test_span', 'exportError:error@test_span']);
    assert.equal(exporter.calls[2]?.event, event);

    const plain = recorder.error(span, 'no exception');
    assert.deepEqual(plain?.attributes.toJSON(), { error_message: 'no exception', timestamp_msec: 22_000_000 });
    // B1: an exception with an empty message is recorded, not rejected.
    const empty = recorder.error(span, 'empty', new Error(''));
    assert.equal(empty?.exceptionMessage, '');
    assert.equal(exporter.count('exportError'), 3);
  });

  test('#218 two exporters both receive start and stop of the same span', () => {
    const e1 = new RecordingExporter();
    const e2 = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [e1, e2] });
    const span = s(recorder.start('test_span'));
    recorder.stop(span);
    for (const e of [e1, e2]) {
      assert.deepEqual(e.summary, ['initialize', 'exportStart:test_span', 'exportStop:test_span']);
      assert.equal(e.calls[1]?.span, span);
      assert.equal(e.calls[2]?.span, span);
    }
  });

  test('#219 close() stops active spans latest first, exports their stops, flushes then closes every exporter once', async () => {
    const clock = manualClock(1000, 10);
    const e1 = new RecordingExporter();
    const e2 = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [e1, e2] });
    const a = s(recorder.start('a'));
    const b = s(recorder.start('b'));
    const c = s(recorder.start('c', { parentSpan: a }));
    clock.perfSec = 12;
    clock.wallSec = 1002;
    const closing = recorder.close();
    assert.equal(recorder.closed, true);
    await closing;
    for (const span of [a, b, c]) {
      assert.equal(span.active, false);
      assert.deepEqual(span.stopEvent?.attributes.toJSON(), { timestamp_msec: 1_002_000 });
    }
    for (const e of [e1, e2]) {
      assert.deepEqual(e.summary, [
        'initialize',
        'exportStart:a',
        'exportStart:b',
        'exportStart:c',
        'exportStop:c',
        'exportStop:b',
        'exportStop:a',
        'flush',
        'close',
      ]);
    }
    assert.deepEqual(recorder.getActiveSpansByName('a'), []);
    assert.equal(recorder.close(), closing, 'a second close() returns the same promise');
    await recorder.close();
    assert.equal(e1.count('close'), 1);
  });

  test("close() closes the other exporters when one exporter's close() throws or rejects", async () => {
    class BadClose extends RecordingExporter {
      override close(): void {
        super.close();
        throw new Error('close exploded');
      }
    }
    class RejectingClose extends RecordingExporter {
      override close(): Promise<void> {
        super.close();
        return Promise.reject(new Error('async close failed'));
      }
    }
    const bad = new BadClose();
    const rejecting = new RejectingClose();
    const good = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [bad, rejecting, good] });
    await recorder.close();
    assert.equal(bad.count('close'), 1);
    assert.equal(rejecting.count('close'), 1);
    assert.equal(good.count('close'), 1);
    assert.deepEqual(logged('ERROR'), [
      'Could not close the exporter BadClose: close exploded',
      'Could not close the exporter RejectingClose: async close failed',
    ]);
  });

  test('close(): an asynchronous exporter closes first, and what it reports while closing reaches the file', async () => {
    // Like a network exporter whose collector never confirmed the last batch: it learns of the loss only
    // inside close(), and reports it through the recorder while the file exporter is still open.
    let recorder: DefaultRecorder | undefined;
    const order: string[] = [];
    class NetworkLike extends RecordingExporter {
      override flush(): Promise<void> {
        super.flush();
        return new Promise((resolve) => setTimeout(resolve, 5));
      }
      override close(): Promise<void> {
        super.close();
        order.push('network close');
        return new Promise((resolve) =>
          setTimeout(() => {
            recorder?.reportTelemetryDataErrorUnguarded('NetworkLike dropped 3 span(s) (shutdown_timeout)');
            resolve();
          }, 5),
        );
      }
    }
    class OrderedFile extends FileExporter {
      override close(): void {
        order.push('file close');
        super.close();
      }
    }
    const file = new OrderedFile({ filePath: join(dir, 'close-order.jsonl') });
    const network = new NetworkLike();
    recorder = new DefaultRecorder({ exporters: [file, network] });
    recorder.stop(recorder.start('work'));
    await recorder.close();
    assert.deepEqual(order, ['network close', 'file close']);
    const records = readRecords(file.filePath);
    assert.deepEqual(
      records.map((r) => r.type),
      ['complete', 'telemetry_data_error'],
    );
    assert.equal(
      (records[1] as Rec & { error: { attributes: { error_message: string } } }).error.attributes.error_message,
      'NetworkLike dropped 3 span(s) (shutdown_timeout)',
    );
    // The closing exporter itself is not sent the report; nothing reaches anyone once everything is closed.
    assert.equal(network.count('exportTelemetryDataError'), 0);
    recorder.reportTelemetryDataErrorUnguarded('after close');
    assert.equal(readRecords(file.filePath).length, 2);
  });
  test('#222 telemetryDataError: one TDE of type no_telemetry_data with message, clock timestamp and attributes; a second call exports nothing', () => {
    manualClock(22000, 400);
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    recorder.telemetryDataError('test error', { error_code: 500 });
    const [tde, ...rest] = exporter.tdes();
    assert.equal(rest.length, 0);
    assert.ok(tde !== undefined);
    assert.equal(tde.name, 'telemetry_data_error');
    assert.equal(tde.errorType, 'no_telemetry_data');
    assert.equal(tde.errorMessage, 'test error');
    assert.equal(tde.timestamp.wallMs, 22_000_000);
    assert.deepEqual(tde.attributes.toJSON(), {
      error_message: 'test error',
      telemetry_data_error_type: 'no_telemetry_data',
      error_code: 500,
      timestamp_msec: 22_000_000,
    });
    recorder.telemetryDataError('second', { error_code: 501 });
    assert.deepEqual(exporter.summary, ['initialize', 'exportTelemetryDataError:no_telemetry_data']);
    assert.deepEqual(status(recorder, 0), {
      numErrors: 0,
      anyDataExportedSuccessfully: true,
      forceDisabled: false,
      telemetryDataErrorReported: true,
    });
  });

  test('telemetryDataError after a delivered record is incomplete_telemetry_data', () => {
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    recorder.stop(recorder.start('done'));
    recorder.telemetryDataError('late problem');
    assert.deepEqual(exporter.summary.slice(-1), ['exportTelemetryDataError:incomplete_telemetry_data']);
  });
});

describe('DefaultRecorder: span filters (#220, #221)', () => {
  test('#220 whitelist: each exporter gets exactly the whitelisted spans, in order; filtered spans still act as parents', () => {
    sequentialIds();
    const e1 = new RecordingExporter();
    const e2 = new RecordingExporter();
    const recorder = new DefaultRecorder({
      exporters: [e1, e2],
      exportCustomizationMode: 'whitelist_spans',
      spanNameFilter: ['whitelisted_span', 'another_whitelisted_span'],
    });
    const w = s(recorder.start('whitelisted_span'));
    const mid = s(recorder.start('not_whitelisted'));
    const a = s(recorder.start('another_whitelisted_span'));
    recorder.event(mid, Event.create('hidden_event'));
    recorder.event(a, Event.create('visible_event'));
    recorder.error(mid, 'hidden error');
    recorder.stop(a);
    recorder.stop(mid);
    const other = s(recorder.start('other_root_span'));
    recorder.stop(other);
    recorder.stop(w);
    for (const e of [e1, e2]) {
      assert.deepEqual(e.summary, [
        'initialize',
        'exportStart:whitelisted_span',
        'exportStart:another_whitelisted_span',
        'exportEvent:visible_event@another_whitelisted_span',
        'exportStop:another_whitelisted_span',
        'exportStop:whitelisted_span',
      ]);
    }
    assert.equal(mid.parentSpan, w);
    assert.equal(a.parentSpan, mid);
    assert.equal(other.parentSpan, w);
    // The exported parent skips the filtered span.
    assert.equal(a.exportedParentId, w.id);
    assert.equal(w.exportedParentId, undefined);
  });

  test('#221 blacklist: only span1/span2 are exported (starts span1, span2; stops span2, span1)', () => {
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({
      exporters: [exporter],
      exportCustomizationMode: 'blacklist_spans',
      spanNameFilter: ['span3', 'span4'],
    });
    const span1 = s(recorder.start('span1'));
    const span2 = s(recorder.start('span2'));
    const span3 = s(recorder.start('span3'));
    const span4 = s(recorder.start('span4'));
    recorder.event(span3, Event.create('e3'));
    recorder.error(span4, 'err4');
    recorder.stop(span4);
    recorder.stop(span3);
    recorder.stop(span2);
    recorder.stop(span1);
    assert.deepEqual(exporter.summary, ['initialize', 'exportStart:span1', 'exportStart:span2', 'exportStop:span2', 'exportStop:span1']);
    assert.equal(span3.parentSpan, span2);
    assert.equal(span4.parentSpan, span3);
  });

  test('whitelist with a FileExporter: parent_id points at the nearest exported ancestor', async () => {
    useIds(
      'aaaaaaaa-0000-4000-8000-000000000001',
      'aaaaaaaa-0000-4000-8000-000000000002',
      'aaaaaaaa-0000-4000-8000-000000000003',
      'aaaaaaaa-0000-4000-8000-000000000004',
    );
    manualClock(1000, 10);
    const exporter = fileExporter();
    const recorder = new DefaultRecorder({
      exporters: [exporter],
      exportCustomizationMode: 'whitelist_spans',
      spanNameFilter: ['app', 'leaf'],
    });
    const app = s(recorder.start('app'));
    const mid = s(recorder.start('mid'));
    const inner = s(recorder.start('inner'));
    const leaf = s(recorder.start('leaf'));
    recorder.stop(leaf);
    recorder.stop(inner);
    recorder.stop(mid);
    recorder.stop(app);
    await recorder.close();
    const records = readRecords(exporter.filePath);
    assert.deepEqual(
      records.map((r) => [r.type, r.name, r.parent_id]),
      [
        ['start', 'app', undefined],
        ['complete', 'leaf', app.id],
        ['stop', 'app', undefined],
      ],
    );
    assert.deepEqual(Object.keys(records[1] as Rec), [
      'type',
      'id',
      'name',
      'parent_id',
      'attributes',
      'start_event',
      'stop_event',
      'count',
      'pid',
    ]);
    assert.equal(leaf.parentSpan, inner);
    assert.equal(inner.parentSpan, mid);
  });

  test("blacklist with a FileExporter: children of a blacklisted span get the blacklisted span's nearest exported ancestor; roots have no parent_id", async () => {
    sequentialIds();
    const exporter = fileExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter], exportCustomizationMode: 'blacklist_spans', spanNameFilter: ['hidden'] });
    const root = s(recorder.start('root'));
    const hidden = s(recorder.start('hidden'));
    const child = s(recorder.start('child'));
    const grandchild = s(recorder.start('grandchild'));
    recorder.stop(grandchild);
    recorder.stop(child);
    recorder.stop(hidden);
    recorder.stop(root);
    const lonelyHidden = s(recorder.start('hidden'));
    const orphan = s(recorder.start('orphan'));
    recorder.stop(orphan);
    recorder.stop(lonelyHidden);
    await recorder.close();
    assert.deepEqual(
      readRecords(exporter.filePath).map((r) => [r.type, r.name, r.parent_id ?? null, r.count]),
      [
        ['start', 'root', null, 1],
        ['start', 'child', root.id, 2],
        ['complete', 'grandchild', child.id, 3],
        ['stop', 'child', root.id, 4],
        ['stop', 'root', null, 5],
        ['complete', 'orphan', null, 6],
      ],
    );
  });
});

describe('DefaultRecorder: parent assignment (#223, #224)', () => {
  test('#223 well-formed hierarchy span1..span7', () => {
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const span1 = s(recorder.start('span1'));
    const span2 = s(recorder.start('span2'));
    const span3 = s(recorder.start('span3'));
    recorder.stop(span3);
    const span4 = s(recorder.start('span4'));
    recorder.stop(span4);
    const span5 = s(recorder.start('span5'));
    recorder.stop(span5);
    recorder.stop(span2);
    const span6 = s(recorder.start('span6'));
    recorder.stop(span6);
    recorder.stop(span1);
    const span7 = s(recorder.start('span7'));
    recorder.stop(span7);
    assert.equal(span1.parentSpan, undefined);
    assert.equal(span2.parentSpan, span1);
    assert.equal(span3.parentSpan, span2);
    assert.equal(span4.parentSpan, span2);
    assert.equal(span5.parentSpan, span2);
    assert.equal(span6.parentSpan, span1);
    assert.equal(span7.parentSpan, undefined);
    assert.deepEqual(
      [span1, span2, span3, span4, span5, span6, span7].map((x) => x.exportedParentId),
      [undefined, span1.id, span2.id, span2.id, span2.id, span1.id, undefined],
    );
    assert.equal(exporter.count('exportStart'), 7);
    assert.equal(exporter.count('exportStop'), 7);
    assert.equal(exporter.count('exportTelemetryDataError'), 0);
  });

  test('#224 malformed stop order (parent before child) falls back to the nearest active ancestor; logged, no TDE', () => {
    useIds(
      'bbbbbbbb-0000-4000-8000-000000000001',
      'bbbbbbbb-0000-4000-8000-000000000002',
      'bbbbbbbb-0000-4000-8000-000000000003',
      'bbbbbbbb-0000-4000-8000-000000000004',
    );
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const span1 = s(recorder.start('span1'));
    const span2 = s(recorder.start('span2'));
    const span3 = s(recorder.start('span3'));
    recorder.stop(span2);
    assert.equal(recorder.currentSpan(), span3, 'stopping a span that is not the current one leaves the current span alone');
    recorder.stop(span3);
    assert.equal(recorder.currentSpan(), span1);
    const span4 = s(recorder.start('span4'));
    assert.equal(span4.parentSpan, span1);
    assert.deepEqual(logged('ERROR'), [
      'The parent of span span3 (id=bbbbbbbb-0000-4000-8000-000000000003) is stopped before its child span. The parent span is span2 (id=bbbbbbbb-0000-4000-8000-000000000002)',
    ]);
    assert.equal(exporter.count('exportTelemetryDataError'), 0);
  });

  test('an explicit parentSpan wins over the current span', () => {
    const recorder = new DefaultRecorder({ exporters: [] });
    const a = s(recorder.start('a'));
    const b = s(recorder.start('b'));
    const c = s(recorder.start('c', { parentSpan: a }));
    assert.equal(b.parentSpan, a);
    assert.equal(c.parentSpan, a);
    assert.equal(recorder.currentSpan(), c);
  });

  test('start with activate: false does not change the current span', () => {
    const recorder = new DefaultRecorder({ exporters: [] });
    const a = s(recorder.start('a'));
    const quiet = s(recorder.start('quiet', { activate: false }));
    const b = s(recorder.start('b'));
    assert.equal(quiet.parentSpan, a);
    assert.equal(b.parentSpan, a);
    assert.equal(recorder.currentSpan(), b);
  });
});

describe('DefaultRecorder: exporter failures (#225-#227)', () => {
  test('#225 an exporter failing on everything gets exactly 5 calls and one TDE, then is disabled; the healthy one gets everything', async () => {
    const healthy = new RecordingExporter();
    const failing = new FailingExporter();
    const recorder = new DefaultRecorder({ exporters: [healthy, failing] });
    for (let i = 0; i < 4; i++) {
      const span = s(recorder.start(`span${i}`));
      recorder.event(span, Event.create(`event${i}`));
      recorder.stop(span);
    }
    assert.deepEqual(failing.summary, [
      'initialize',
      'exportStart:span0',
      'exportTelemetryDataError:no_telemetry_data',
      'exportEvent:event0@span0',
      'exportStop:span0',
      'exportStart:span1',
      'exportEvent:event1@span1',
    ]);
    assert.equal(failing.tdes()[0]?.errorMessage, 'Error exporting data via exporter FailingExporter: exportStart failed');
    assert.equal(healthy.calls.length, 1 + 12);
    assert.deepEqual(healthy.summary.slice(1, 4), ['exportStart:span0', 'exportEvent:event0@span0', 'exportStop:span0']);
    assert.equal(healthy.count('exportTelemetryDataError'), 0);
    assert.deepEqual(status(recorder, 1), {
      numErrors: 5,
      anyDataExportedSuccessfully: false,
      forceDisabled: true,
      telemetryDataErrorReported: true,
    });
    assert.deepEqual(status(recorder, 0), {
      numErrors: 0,
      anyDataExportedSuccessfully: true,
      forceDisabled: false,
      telemetryDataErrorReported: false,
    });
    const errors = logged('ERROR');
    assert.equal(errors.filter((m) => m.startsWith('Error exporting data via exporter FailingExporter: ')).length, 5);
    assert.deepEqual(
      errors.filter((m) => m.startsWith('Could not export telemetry data error')),
      ['Could not export telemetry data error for exporter FailingExporter: exportTelemetryDataError failed'],
    );
    assert.deepEqual(
      errors.filter((m) => m.startsWith('Exporter FailingExporter has been disabled')),
      ['Exporter FailingExporter has been disabled after 5 failures.'],
    );
    // A disabled exporter is still closed.
    await recorder.close();
    assert.equal(failing.count('close'), 1);
  });

  test('#226 an exporter failing only on events: 2 starts, 1 stop, 5 events attempted, 1 TDE (incomplete); healthy gets all 10 events', () => {
    const healthy = new RecordingExporter();
    const failing = new RecordingExporter((method) => method === 'exportEvent');
    const recorder = new DefaultRecorder({ exporters: [healthy, failing] });
    recorder.stop(recorder.start('first'));
    const second = s(recorder.start('second'));
    for (let i = 0; i < 10; i++) recorder.event(second, Event.create(`event${i}`));
    recorder.stop(second);
    assert.equal(failing.count('exportStart'), 2);
    assert.equal(failing.count('exportStop'), 1);
    assert.equal(failing.count('exportEvent'), 5);
    assert.deepEqual(
      failing.tdes().map((t) => [t.errorType, t.errorMessage]),
      [['incomplete_telemetry_data', 'Error exporting data via exporter RecordingExporter: exportEvent failed']],
    );
    assert.equal(healthy.count('exportEvent'), 10);
    assert.equal(healthy.count('exportStop'), 2);
    assert.deepEqual(status(recorder, 1), {
      numErrors: 5,
      anyDataExportedSuccessfully: true,
      forceDisabled: true,
      telemetryDataErrorReported: true,
    });
  });

  test('#227 intermittent failures (every third stop): 15 spans reach the exporter, 1 TDE, the 16th is not sent', () => {
    const healthy = new RecordingExporter();
    const failing = new RecordingExporter((method, n) => method === 'exportStop' && n % 3 === 0);
    const recorder = new DefaultRecorder({ exporters: [healthy, failing] });
    for (let i = 0; i < 15; i++) {
      const span = s(recorder.start(`span${i}`));
      recorder.event(span, Event.create('tick'));
      recorder.stop(span);
    }
    assert.deepEqual(
      ['exportStart', 'exportEvent', 'exportStop', 'exportTelemetryDataError'].map((m) => failing.count(m as Call['method'])),
      [15, 15, 15, 1],
    );
    assert.equal(failing.tdes()[0]?.errorType, 'incomplete_telemetry_data');
    assert.deepEqual(status(recorder, 1), {
      numErrors: 5,
      anyDataExportedSuccessfully: true,
      forceDisabled: true,
      telemetryDataErrorReported: true,
    });
    const span16 = s(recorder.start('span15'));
    recorder.event(span16, Event.create('tick'));
    recorder.stop(span16);
    assert.equal(failing.calls.length, 1 + 15 * 3 + 1);
    assert.equal(healthy.count('exportStop'), 16);
  });

  test('maxExporterFailures sets the threshold; it must be a positive integer', () => {
    const failing = new FailingExporter();
    const recorder = new DefaultRecorder({ exporters: [failing], maxExporterFailures: 2 });
    for (let i = 0; i < 3; i++) recorder.stop(recorder.start(`span${i}`));
    assert.deepEqual(failing.summary, [
      'initialize',
      'exportStart:span0',
      'exportTelemetryDataError:no_telemetry_data',
      'exportStop:span0',
    ]);
    assert.deepEqual(status(recorder, 0), {
      numErrors: 2,
      anyDataExportedSuccessfully: false,
      forceDisabled: true,
      telemetryDataErrorReported: true,
    });
    assert.ok(logged('ERROR').includes('Exporter FailingExporter has been disabled after 2 failures.'));

    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new DefaultRecorder({ exporters: [], maxExporterFailures: bad }), {
        name: 'OneLoggerError',
        message: `DefaultRecorder.maxExporterFailures: must be a positive integer (got ${String(bad)})`,
      });
    }
  });

  test('exporter failures never reach the caller, under either strategy', () => {
    const failing = new FailingExporter();
    const recorder = new DefaultRecorder({ exporters: [failing] });
    configureProvider('propagate_exceptions', recorder);
    const span = s(recorder.start('a'));
    recorder.event(span, Event.create('e'));
    recorder.error(span, 'm', new Error('x'));
    recorder.stop(span);
    recorder.telemetryDataError('already reported: no second TDE');
    assert.equal(failing.count('exportTelemetryDataError'), 1);
    assert.equal(status(recorder, 0).numErrors, 4);
    assert.equal(OneLoggerProvider.instance().isEnabled, true);
  });
});

// ------------------------------------------------------------------------------------------- fixed weaknesses

describe('DefaultRecorder: fixed weaknesses', () => {
  test('B2: under propagate_exceptions a start after close throws exactly one "Recorder is already closed." (no recursion)', async () => {
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    configureProvider('propagate_exceptions', recorder);
    await recorder.close();
    const before = exporter.calls.length;
    logs.length = 0;
    let caught: unknown;
    try {
      recorder.start('late');
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof OneLoggerError, `expected OneLoggerError, got ${String(caught)}`);
    assert.equal(caught.message, 'Recorder is already closed.');
    assert.ok(!(caught instanceof RangeError));
    assert.throws(() => recorder.telemetryDataError('late tde'), { name: 'OneLoggerError', message: 'Recorder is already closed.' });
    assert.equal(exporter.calls.length, before, 'nothing is exported after close');
    assert.deepEqual(logged('ERROR'), [
      'Exception in telemetry code when calling start: Recorder is already closed.',
      'Exception in telemetry code when calling telemetryDataError: Recorder is already closed.',
    ]);
  });

  test('B10: a TDE is no_telemetry_data when only a held-back start was "exported"', async () => {
    sequentialIds();
    manualClock(1000, 10);
    const exporter = fileExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const span = s(recorder.start('held'));
    recorder.telemetryDataError('data problem');
    recorder.stop(span);
    await recorder.close();
    const records = readRecords(exporter.filePath);
    assert.deepEqual(
      records.map((r) => JSON.stringify(r)),
      [
        `{"type":"start","id":"${span.id}","name":"held","start_event":{"name":"span_start","attributes":{"timestamp_msec":1000000}},"count":1,"pid":${PID}}`,
        `{"type":"telemetry_data_error","error":{"name":"telemetry_data_error","attributes":{"error_message":"data problem","telemetry_data_error_type":"no_telemetry_data","timestamp_msec":1000000}},"count":2,"pid":${PID}}`,
        `{"type":"stop","id":"${span.id}","name":"held","attributes":{"duration_msec":0},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":1000000}},"count":3,"pid":${PID}}`,
      ],
    );
  });

  test('B10: an export failure after only starts reports no_telemetry_data', () => {
    const failing = new RecordingExporter((method) => method === 'exportEvent');
    const recorder = new DefaultRecorder({ exporters: [failing] });
    const a = s(recorder.start('a'));
    s(recorder.start('b'));
    recorder.event(a, Event.create('boom'));
    assert.deepEqual(
      failing.tdes().map((t) => t.errorType),
      ['no_telemetry_data'],
    );
    assert.equal(status(recorder, 0).anyDataExportedSuccessfully, false);
  });

  test('B17: close() still stops spans and closes exporters after the quiet strategy disabled the library', async () => {
    useIds('cccccccc-0000-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000002');
    manualClock(2000, 20);
    const exporter = fileExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const other = new DefaultRecorder({ exporters: [] });
    configureProvider('disable_quietly_and_report_metric_error', recorder);
    const app = s(recorder.start('app'));
    const foreign = s(other.start('foreign'));
    assert.equal(recorder.stop(foreign), undefined);
    assert.equal(OneLoggerProvider.instance().isEnabled, false);
    assert.equal(recorder.start('ignored'), undefined);
    assert.equal(exporter.closed, false);
    await recorder.close();
    assert.equal(exporter.closed, true);
    assert.equal(app.active, false);
    const message =
      'Exception in telemetry code when calling stop: Span foreign (id=cccccccc-0000-4000-8000-000000000002) not found: it was not started by this recorder';
    assert.deepEqual(
      readRecords(exporter.filePath).map((r) => JSON.stringify(r)),
      [
        `{"type":"start","id":"${app.id}","name":"app","start_event":{"name":"span_start","attributes":{"timestamp_msec":2000000}},"count":1,"pid":${PID}}`,
        `{"type":"telemetry_data_error","error":{"name":"telemetry_data_error","attributes":{"error_message":"${message}","telemetry_data_error_type":"no_telemetry_data","timestamp_msec":2000000}},"count":2,"pid":${PID}}`,
        `{"type":"stop","id":"${app.id}","name":"app","attributes":{"duration_msec":0},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":2000000}},"count":3,"pid":${PID}}`,
      ],
    );
    assert.deepEqual(
      logged('ERROR').filter((m) => m.startsWith('OneLogger encountered a fatal error')),
      [`OneLogger encountered a fatal error. Disabling OneLogger and telemetry data collection. Error: ${message}`],
    );
  });

  test('B19: stopping a span twice is a no-op (no error, no TDE, one exportStop, first stop event kept)', () => {
    manualClock(1000, 10);
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    configureProvider('propagate_exceptions', recorder);
    const span = s(recorder.start('once'));
    recorder.stop(span, { stopTime: TracingTimestamp.of(1001, 11) });
    recorder.stop(span, { stopTime: TracingTimestamp.of(1005, 15) });
    assert.equal(span.durationMsec(), 1000);
    assert.deepEqual(exporter.summary, ['initialize', 'exportStart:once', 'exportStop:once']);
    assert.deepEqual(logged('ERROR'), []);
  });

  test('a span stopped directly (span.stop()) and then through the recorder is exported once and no longer tracked', async () => {
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const span = s(recorder.start('direct'));
    span.stop();
    recorder.stop(span);
    assert.deepEqual(exporter.summary, ['initialize', 'exportStart:direct', 'exportStop:direct']);
    assert.deepEqual(recorder.getActiveSpansByName('direct'), [], 'a stopped span is not active');
    await recorder.close();
    assert.deepEqual(exporter.summary, ['initialize', 'exportStart:direct', 'exportStop:direct', 'flush', 'close']);
  });

  test('B20: a stop that throws keeps the span tracked, so close() still stops and exports it', async () => {
    useIds('dddddddd-0000-4000-8000-000000000001');
    const clock = manualClock(1000, 100);
    const exporter = fileExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const span = s(recorder.start('s'));
    const bad = TracingTimestamp.of(999, 50);
    assert.throws(() => recorder.stop(span, { stopTime: bad }), {
      name: 'OneLoggerError',
      message: `Span s (id=${span.id}) cannot stop before it started (start 100000 ms, stop 50000 ms on the monotonic clock)`,
    });
    assert.equal(span.active, true);
    assert.deepEqual(recorder.getActiveSpansByName('s'), [span]);
    clock.perfSec = 130;
    clock.wallSec = 1030;
    await recorder.close();
    assert.equal(span.durationMsec(), 30000);
    assert.deepEqual(
      readRecords(exporter.filePath).map((r) => [r.type, r.name ?? r.error.attributes.error_message, r.attributes?.duration_msec]),
      [
        ['start', 's', undefined],
        [
          'telemetry_data_error',
          `Exception in telemetry code when calling stop: Span s (id=${span.id}) cannot stop before it started (start 100000 ms, stop 50000 ms on the monotonic clock)`,
          undefined,
        ],
        ['stop', 's', 30000],
      ],
    );
  });

  test('U3: a span stopped from another async context does not become a parent in the context that started it', async () => {
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const root = s(recorder.start('root', { activate: false }));
    let inner: Span | undefined;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const done = recorder.runWithSpan(root, async () => {
      inner = s(recorder.start('inner'));
      await gate;
      return s(recorder.start('after'));
    });
    await tick();
    assert.ok(inner !== undefined);
    assert.equal(inner.parentSpan, root);
    // Stopped here, outside the task's context.
    recorder.stop(inner);
    release();
    const after = await done;
    assert.equal(after.parentSpan, root, 'the stopped span must not be used as a parent');
    assert.equal(after.exportedParentId, root.id);
    assert.equal(recorder.currentSpan(), undefined, 'the outer context never had a current span');
  });

  test("C1: runWithSpan gives the callback its own current span; the caller's context is untouched", async () => {
    const recorder = new DefaultRecorder({ exporters: [] });
    const outer = s(recorder.start('outer'));
    const task = s(recorder.start('task', { activate: false }));
    assert.equal(task.parentSpan, outer);
    assert.equal(recorder.currentSpan(), outer);
    const child = await recorder.runWithSpan(task, async (span) => {
      assert.equal(span, task);
      assert.equal(recorder.currentSpan(), task);
      await tick();
      const c = s(recorder.start('child'));
      await tick();
      assert.equal(recorder.currentSpan(), c);
      return c;
    });
    assert.equal(child.parentSpan, task);
    assert.equal(recorder.currentSpan(), outer);
    assert.equal(
      recorder.runWithSpan(undefined, (span) => (span === undefined ? 'no span' : 'span')),
      'no span',
    );
  });

  test('C1: 100 interleaved async tasks get correct parents (objects and parent_id in the file)', async () => {
    sequentialIds();
    const exporter = fileExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const root = s(recorder.start('root'));
    const runTask = async (i: number) => {
      const task = s(recorder.start(`task_${i}`, { activate: false }));
      return recorder.runWithSpan(task, async () => {
        await tick();
        const child = s(recorder.start(`child_${i}`));
        await tick();
        const grandchild = s(recorder.start(`grandchild_${i}`));
        await tick();
        recorder.event(grandchild, Event.create('work', { i }));
        await tick();
        recorder.stop(grandchild);
        await tick();
        const sibling = s(recorder.start(`sibling_${i}`));
        await tick();
        recorder.stop(sibling);
        recorder.stop(child);
        await tick();
        recorder.stop(task);
        return { task, child, grandchild, sibling };
      });
    };
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => runTask(i)));
    assert.equal(recorder.currentSpan(), root);
    recorder.stop(root);
    await recorder.close();

    for (const { task, child, grandchild, sibling } of results) {
      assert.equal(task.parentSpan, root);
      assert.equal(child.parentSpan, task);
      assert.equal(grandchild.parentSpan, child);
      assert.equal(sibling.parentSpan, child);
    }
    const records = readRecords(exporter.filePath);
    const nameById = new Map<string, string>();
    for (const r of records) if (r.id !== undefined) nameById.set(r.id, r.name);
    const typesByName = new Map<string, string[]>();
    for (const r of records) {
      if (r.type === 'event') {
        assert.equal(nameById.get(r.span_id), `grandchild_${r.event.attributes.i}`);
        continue;
      }
      typesByName.set(r.name, [...(typesByName.get(r.name) ?? []), r.type]);
      const [kind, i] = String(r.name).split('_');
      const expectedParent = { root: undefined, task: 'root', child: `task_${i}`, grandchild: `child_${i}`, sibling: `child_${i}` }[
        kind as string
      ];
      assert.equal(r.parent_id === undefined ? undefined : nameById.get(r.parent_id), expectedParent, `parent of ${r.name}`);
    }
    // All 401 spans were exported, each as one complete record or a start/stop pair.
    assert.equal(typesByName.size, 401);
    for (const [name, types] of typesByName) {
      assert.ok(types.join() === 'complete' || types.join() === 'start,stop', `${name}: ${types.join()}`);
    }
    assert.equal(records.filter((r) => r.type === 'event').length, 100);
    assert.equal(records.filter((r) => r.type === 'telemetry_data_error').length, 0);
  });

  test('constructor validation: EXPORT_ALL_SPANS with a filter fails with the reference message', () => {
    const exporter = new RecordingExporter();
    const message = 'span_name_filter should not be set when export_customization_mode is ExportCustomizationMode.EXPORT_ALL_SPANS';
    assert.throws(() => new DefaultRecorder({ exporters: [exporter], spanNameFilter: ['x'] }), { name: 'OneLoggerError', message });
    assert.throws(() => new DefaultRecorder({ exporters: [exporter], exportCustomizationMode: 'export_all_spans', spanNameFilter: [] }), {
      name: 'OneLoggerError',
      message,
    });
    assert.deepEqual(exporter.calls, []);
  });

  test('constructor validation: whitelist/blacklist without filter, unknown mode, bad options; exporters are not initialized on failure', () => {
    const exporter = new RecordingExporter();
    const cases: Array<[Partial<DefaultRecorderOptions>, string]> = [
      [
        { exportCustomizationMode: 'whitelist_spans' },
        'span_name_filter should be a non-empty list when export_customization_mode is WHITELIST_SPANS',
      ],
      [
        { exportCustomizationMode: 'whitelist_spans', spanNameFilter: [] },
        'span_name_filter should be a non-empty list when export_customization_mode is WHITELIST_SPANS',
      ],
      [
        { exportCustomizationMode: 'blacklist_spans' },
        'span_name_filter should be a non-empty list when export_customization_mode is BLACKLIST_SPANS',
      ],
      [
        { exportCustomizationMode: 'blacklist_spans', spanNameFilter: [] },
        'span_name_filter should be a non-empty list when export_customization_mode is BLACKLIST_SPANS',
      ],
      [{ exportCustomizationMode: 'bogus' as never }, 'Invalid export_customization_mode: bogus'],
      [
        { exportCustomizationMode: 'whitelist_spans', spanNameFilter: ['a', 42 as never] },
        'span_name_filter[1]: must be a non-empty span name string (got 42)',
      ],
      [
        { exportCustomizationMode: 'blacklist_spans', spanNameFilter: [''] },
        'span_name_filter[0]: must be a non-empty span name string (got "")',
      ],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => new DefaultRecorder({ exporters: [exporter], ...options }),
        { name: 'OneLoggerError', message },
        JSON.stringify(options),
      );
    }
    assert.throws(() => new DefaultRecorder(undefined as never), {
      name: 'OneLoggerError',
      message: 'DefaultRecorder options must be an object with an "exporters" array',
    });
    assert.deepEqual(exporter.calls, []);
    // Valid combinations initialize every exporter, in order.
    const e2 = new RecordingExporter();
    new DefaultRecorder({ exporters: [exporter, e2], exportCustomizationMode: 'whitelist_spans', spanNameFilter: ['a'] });
    assert.deepEqual([exporter.summary, e2.summary], [['initialize'], ['initialize']]);
    const none = new DefaultRecorder({ exporters: [] });
    assert.equal(none.exporters.length, 0);
    none.stop(none.start('nothing to export to'));
  });
});

describe('DefaultRecorder: bad input and misuse', () => {
  test('an invalid attribute value under propagate_exceptions: OneLoggerError + TDE record in the file; nothing is tracked', async () => {
    manualClock(3000, 30);
    const exporter = fileExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    configureProvider('propagate_exceptions', recorder);
    assert.throws(() => recorder.start('bad', { spanAttributes: { x: Number.NaN } }), {
      name: 'OneLoggerError',
      message: 'Attribute x: numbers must be finite (got NaN)',
    });
    assert.deepEqual(recorder.getActiveSpansByName('bad'), []);
    assert.equal(recorder.currentSpan(), undefined);
    // The library keeps working after a propagated error.
    recorder.stop(recorder.start('good'));
    await recorder.close();
    const records = readRecords(exporter.filePath);
    assert.deepEqual(
      records.map((r) => [r.type, r.count]),
      [
        ['telemetry_data_error', 1],
        ['complete', 2],
      ],
    );
    assert.deepEqual(records[0]?.error.attributes, {
      error_message: 'Exception in telemetry code when calling start: Attribute x: numbers must be finite (got NaN)',
      telemetry_data_error_type: 'no_telemetry_data',
      timestamp_msec: 3_000_000,
    });
    assert.equal(records[1]?.name, 'good');
    assert.deepEqual(logged('ERROR'), ['Exception in telemetry code when calling start: Attribute x: numbers must be finite (got NaN)']);
  });

  test('an invalid attribute value under disable_quietly: nothing thrown, the value is left out, one TDE record, the library stays enabled', async () => {
    manualClock(3000, 30);
    const exporter = fileExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    configureProvider('disable_quietly_and_report_metric_error', recorder);
    const before = s(recorder.start('before'));
    // A NaN loss and a mixed list: realistic bad data from a job, which must not cost the job its telemetry.
    const bad = s(recorder.start('bad', { spanAttributes: { loss: Number.NaN, ok: 1 }, startEventAttributes: { y: [1, 'two'] as never } }));
    recorder.event(bad, Event.create('metrics', { loss: Number.POSITIVE_INFINITY, step: 3 }));
    recorder.stop(bad);
    recorder.stop(before);
    assert.equal(OneLoggerProvider.instance().isEnabled, true);
    await recorder.close();
    const records = readRecords(exporter.filePath);
    assert.deepEqual(
      records.map((r) => [r.type, r.name ?? r.event?.name ?? null]),
      [
        ['start', 'before'],
        ['telemetry_data_error', null],
        ['start', 'bad'],
        ['event', 'metrics'],
        ['stop', 'bad'],
        ['stop', 'before'],
      ],
    );
    assert.equal(
      records[1]?.error.attributes.error_message,
      'Invalid telemetry input left out: All elements of a list attribute must be of primitive type and share one type: attribute y has a string at index 1 after number values',
    );
    assert.deepEqual(records[2]?.attributes, { ok: 1 });
    assert.deepEqual(records[2]?.start_event.attributes, { timestamp_msec: 3000000 });
    assert.deepEqual(records[3]?.event.attributes, { step: 3, timestamp_msec: 3000000 });
    // One warning per attribute name, no error and no "disabling" message.
    assert.deepEqual(logged('WARNING'), [
      'All elements of a list attribute must be of primitive type and share one type: attribute y has a string at index 1 after number values; the value is left out.',
      'Attribute loss: numbers must be finite (got NaN); the value is left out.',
    ]);
    assert.deepEqual(logged('ERROR'), []);
  });

  test('the same invalid attribute values under propagate_exceptions: OneLoggerError naming attribute, value and rule', () => {
    const recorder = new DefaultRecorder({ exporters: [new RecordingExporter()] });
    configureProvider('propagate_exceptions', recorder);
    assert.throws(() => Event.create('metrics', { loss: Number.NaN }), {
      name: 'OneLoggerError',
      message: 'Attribute loss: numbers must be finite (got NaN)',
    });
    assert.throws(() => recorder.start('bad', { spanAttributes: { y: [1, 'two'] as never } }), {
      name: 'OneLoggerError',
      message:
        'All elements of a list attribute must be of primitive type and share one type: attribute y has a string at index 1 after number values',
    });
  });

  test('a library error under disable_quietly: nothing thrown, library disabled, one TDE record, later calls are no-ops', async () => {
    manualClock(3000, 30);
    const exporter = fileExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    configureProvider('disable_quietly_and_report_metric_error', recorder);
    const before = s(recorder.start('before'));
    // A span this recorder never started cannot be stopped by it.
    const stranger = Span.create('stranger');
    assert.equal(recorder.stop(stranger), undefined);
    assert.equal(OneLoggerProvider.instance().isEnabled, false);
    assert.equal(recorder.start('later'), undefined);
    assert.equal(recorder.event(before, Event.create('e')), undefined);
    assert.equal(recorder.error(before, 'm', new Error('x')), undefined);
    assert.equal(recorder.stop(before), undefined);
    assert.equal(recorder.telemetryDataError('another'), undefined);
    assert.equal(before.active, true, 'stop was skipped');
    const message = `Exception in telemetry code when calling stop: Span stranger (id=${stranger.id}) not found: it was not started by this recorder`;
    const expectedBeforeClose = [
      `{"type":"start","id":"${before.id}","name":"before","start_event":{"name":"span_start","attributes":{"timestamp_msec":3000000}},"count":1,"pid":${PID}}`,
      `{"type":"telemetry_data_error","error":{"name":"telemetry_data_error","attributes":{"error_message":"${message}","telemetry_data_error_type":"no_telemetry_data","timestamp_msec":3000000}},"count":2,"pid":${PID}}`,
    ];
    assert.deepEqual(
      readRecords(exporter.filePath).map((r) => JSON.stringify(r)),
      expectedBeforeClose,
    );
    assert.deepEqual(logged('ERROR'), [
      `OneLogger encountered a fatal error. Disabling OneLogger and telemetry data collection. Error: ${message}`,
    ]);
    assert.deepEqual(
      logged('WARNING').filter((m) => m.startsWith('Skipping execution of')),
      [
        'Skipping execution of start because OneLogger is not enabled.',
        'Skipping execution of event because OneLogger is not enabled.',
        'Skipping execution of error because OneLogger is not enabled.',
        'Skipping execution of stop because OneLogger is not enabled.',
        'Skipping execution of telemetryDataError because OneLogger is not enabled.',
      ],
    );
    await recorder.close();
    assert.equal(exporter.closed, true);
    assert.deepEqual(
      readRecords(exporter.filePath).map((r) => [r.type, r.name ?? null]),
      [
        ['start', 'before'],
        ['telemetry_data_error', null],
        ['stop', 'before'],
      ],
    );
  });

  test('event and error on a stopped span: OneLoggerError, one TDE, nothing exported for them', () => {
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    configureProvider('propagate_exceptions', recorder);
    const span = s(recorder.start('s'));
    recorder.stop(span);
    assert.throws(() => recorder.event(span, Event.create('late')), {
      name: 'OneLoggerError',
      message: 'Cannot add an event to a span that is not running.',
    });
    assert.throws(() => recorder.error(span, 'late error'), {
      name: 'OneLoggerError',
      message: 'Cannot add an event to a span that is not running.',
    });
    assert.deepEqual(exporter.summary, [
      'initialize',
      'exportStart:s',
      'exportStop:s',
      'exportTelemetryDataError:incomplete_telemetry_data',
    ]);
    assert.equal(
      exporter.tdes()[0]?.errorMessage,
      'Exception in telemetry code when calling event: Cannot add an event to a span that is not running.',
    );
  });

  test('missing span arguments are OneLoggerErrors with the reference messages', () => {
    const recorder = new DefaultRecorder({ exporters: [] });
    assert.throws(() => recorder.stop(undefined), { name: 'OneLoggerError', message: 'No span to stop' });
    assert.throws(() => recorder.event(undefined, Event.create('e')), { name: 'OneLoggerError', message: 'No span to add event to' });
    assert.throws(() => recorder.error(undefined, 'm'), { name: 'OneLoggerError', message: 'No span to add error to' });
  });

  test('stopping a span started by another recorder is an error; the span stays usable in its own recorder', () => {
    useIds('eeeeeeee-0000-4000-8000-000000000001');
    const mine = new RecordingExporter();
    const theirs = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [mine] });
    const other = new DefaultRecorder({ exporters: [theirs] });
    const foreign = s(other.start('foreign'));
    assert.throws(() => recorder.stop(foreign), {
      name: 'OneLoggerError',
      message: 'Span foreign (id=eeeeeeee-0000-4000-8000-000000000001) not found: it was not started by this recorder',
    });
    assert.equal(foreign.active, true);
    assert.deepEqual(mine.summary, ['initialize', 'exportTelemetryDataError:no_telemetry_data']);
    other.stop(foreign);
    assert.deepEqual(theirs.summary, ['initialize', 'exportStart:foreign', 'exportStop:foreign']);
  });

  test('use after close: every method throws "Recorder is already closed." and exports nothing; stopping a span close() stopped is a no-op', async () => {
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const other = new DefaultRecorder({ exporters: [] });
    const span = s(recorder.start('s'));
    const foreign = s(other.start('foreign'));
    await recorder.close();
    const calls = exporter.calls.length;
    const closed = { name: 'OneLoggerError', message: 'Recorder is already closed.' };
    assert.throws(() => recorder.start('late'), closed);
    assert.throws(() => recorder.event(span, Event.create('late')), closed);
    assert.throws(() => recorder.error(span, 'late'), closed);
    assert.throws(() => recorder.telemetryDataError('late'), closed);
    assert.throws(() => recorder.stop(foreign), closed);
    recorder.stop(span);
    assert.equal(exporter.calls.length, calls);
    assert.deepEqual(exporter.summary, ['initialize', 'exportStart:s', 'exportStop:s', 'flush', 'close']);
  });

  test('before any configuration the recorder works with the propagate strategy', () => {
    const exporter = new RecordingExporter();
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    assert.equal(OneLoggerProvider.instance().isReady, false);
    recorder.stop(recorder.start('direct'));
    assert.throws(() => recorder.stop(undefined), { name: 'OneLoggerError', message: 'No span to stop' });
    assert.deepEqual(exporter.summary, [
      'initialize',
      'exportStart:direct',
      'exportStop:direct',
      'exportTelemetryDataError:incomplete_telemetry_data',
    ]);
  });

  test('flush() flushes every enabled exporter; a failing flush counts as an export failure', async () => {
    const good = new RecordingExporter();
    const bad = new RecordingExporter((method) => method === 'flush');
    const recorder = new DefaultRecorder({ exporters: [good, bad] });
    await recorder.flush();
    assert.equal(good.count('flush'), 1);
    assert.equal(bad.count('flush'), 1);
    assert.equal(status(recorder, 1).numErrors, 1);
    assert.deepEqual(bad.summary, ['initialize', 'flush', 'exportTelemetryDataError:no_telemetry_data']);
  });
});
