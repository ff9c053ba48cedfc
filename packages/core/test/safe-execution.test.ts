// The error-handling strategies: handleTelemetryFailure and the recorder's guarded methods
// (spec/core.md §3.1, §4.1, §6.3, §6.7, §8 items 122-137, §9 B2, U4, U5, U13, U14).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import type { OneLoggerConfigInput } from '../src/api/config.js';
import { OneLoggerProvider } from '../src/api/provider.js';
import type { StartSpanOptions } from '../src/api/recorder.js';
import { OneLoggerError } from '../src/core/errors.js';
import { ErrorEvent, Event } from '../src/core/event.js';
import { Span } from '../src/core/span.js';
import { TracingTimestamp } from '../src/core/time.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { DEFAULT_LOG_FORMAT, internalLogger, type LogLevel } from '../src/internal/logger.js';
import {
  ErrorHandlingStrategy,
  handleTelemetryFailure,
  runtime,
  safelyExecute,
  type TelemetryDataErrorSink,
} from '../src/internal/runtime.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';
import { captureLibraryLog } from './helpers/library-log.js';
import { type Rec, readRecords } from './helpers/records.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const PROPAGATE = ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS;
const QUIET = ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR;
const STRATEGIES = [PROPAGATE, QUIET] as const;
const fatal = (msg: string) => `OneLogger encountered a fatal error. Disabling OneLogger and telemetry data collection. Error: ${msg}`;

const root = mkdtempSync(join(tmpdir(), 'olg-safe-exec-'));
const LOG_FILE = join(root, 'onelogger.log');
let counter = 0;
after(() => rmSync(root, { recursive: true, force: true }));

let logLines: Array<{ level: LogLevel; message: string }> = [];
beforeEach(() => {
  logLines = [];
  // Diagnostics go to a temp file (not stderr); the listener captures them for assertions.
  internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: LOG_FILE });
  internalLogger.listener = (level, message) => logLines.push({ level, message });
});
afterEach(async () => {
  await OneLoggerProvider.instance().shutdown();
  OneLoggerProvider.resetForTests();
});

function logged(level: LogLevel): string[] {
  return logLines.filter((l) => l.level === level).map((l) => l.message);
}

function config(strategy: ErrorHandlingStrategy, extra: Partial<OneLoggerConfigInput> = {}): OneLoggerConfigInput {
  return {
    applicationName: 'safe_exec_test',
    sessionTag: 'session',
    worldSize: 1,
    errorHandlingStrategy: strategy,
    loggerConfig: { logFilePathForInfo: LOG_FILE },
    ...extra,
  };
}

/** Configures the provider with `strategy` and a recorder (of class `Rec`) writing to a fresh file. */
function setup<R extends DefaultRecorder>(
  strategy: ErrorHandlingStrategy,
  make: (exporter: FileExporter) => R = (exporter) => new DefaultRecorder({ exporters: [exporter] }) as R,
) {
  const file = join(root, `records-${++counter}.jsonl`);
  const exporter = new FileExporter({ filePath: file });
  const recorder = make(exporter);
  OneLoggerProvider.instance().configure(config(strategy), recorder);
  return { file, exporter, recorder };
}

/** A sink that records what it is asked to report. */
function recordingSink(): TelemetryDataErrorSink & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    reportTelemetryDataErrorUnguarded(message: string) {
      messages.push(message);
    },
  };
}

function tdeMessages(records: Rec[]): Array<[string, string]> {
  return records
    .filter((r) => r.type === 'telemetry_data_error')
    .map((r) => [r.error.attributes.error_message, r.error.attributes.telemetry_data_error_type]);
}

describe('handleTelemetryFailure', () => {
  test('propagate: reports, logs the message, re-throws the original error object; no force-disable (#122)', () => {
    OneLoggerProvider.instance().configure(config(PROPAGATE), new DefaultRecorder({ exporters: [] }));
    const sink = recordingSink();
    const err = new RangeError('Test error');
    assert.throws(
      () => handleTelemetryFailure('myFunction', err, sink),
      (e) => e === err,
    );
    assert.deepEqual(sink.messages, ['Exception in telemetry code when calling myFunction: Test error']);
    assert.deepEqual(logged('ERROR'), ['Exception in telemetry code when calling myFunction: Test error']);
    assert.equal(runtime.forceDisabled, false);
    assert.equal(OneLoggerProvider.instance().isEnabled, true);
  });

  test('quiet: reports, returns undefined, force-disables once, logs the fatal message once (#123)', () => {
    OneLoggerProvider.instance().configure(config(QUIET), new DefaultRecorder({ exporters: [] }));
    const sink = recordingSink();
    assert.equal(handleTelemetryFailure('myFunction', new Error('Test error'), sink), undefined);
    assert.equal(runtime.forceDisabled, true);
    assert.equal(OneLoggerProvider.instance().isEnabled, false);
    assert.deepEqual(sink.messages, ['Exception in telemetry code when calling myFunction: Test error']);
    // Once disabled, further failures are swallowed silently: no report, no log.
    assert.equal(handleTelemetryFailure('other', new Error('second'), sink), undefined);
    assert.equal(sink.messages.length, 1);
    assert.deepEqual(logged('ERROR'), [fatal('Exception in telemetry code when calling myFunction: Test error')]);
  });

  test('non-Error throwables: the same value is re-thrown and its string form reported', () => {
    OneLoggerProvider.instance().configure(config(PROPAGATE), new DefaultRecorder({ exporters: [] }));
    const sink = recordingSink();
    const thrown = { code: 7 };
    assert.throws(
      () => handleTelemetryFailure('f', 'plain string', sink),
      (e) => e === 'plain string',
    );
    assert.throws(
      () => handleTelemetryFailure('g', thrown, sink),
      (e) => e === thrown,
    );
    assert.deepEqual(sink.messages, [
      'Exception in telemetry code when calling f: plain string',
      'Exception in telemetry code when calling g: [object Object]',
    ]);
  });

  test('without an explicit sink the configured recorder receives the telemetry-data error', async () => {
    const { file } = setup(QUIET);
    handleTelemetryFailure('callback', new Error('bad state'));
    await OneLoggerProvider.instance().shutdown();
    assert.deepEqual(tdeMessages(readRecords(file)), [
      ['Exception in telemetry code when calling callback: bad state', 'no_telemetry_data'],
    ]);
  });

  test('works stand-alone, before configure (propagate by default) (U13)', () => {
    assert.equal(OneLoggerProvider.instance().isReady, false);
    const sink = recordingSink();
    const err = new Error('early');
    assert.throws(
      () => handleTelemetryFailure('early_fn', err, sink),
      (e) => e === err,
    );
    assert.deepEqual(sink.messages, ['Exception in telemetry code when calling early_fn: early']);
    assert.equal(runtime.forceDisabled, false);
  });

  test('a sink that throws never replaces the original error (B2)', () => {
    OneLoggerProvider.instance().configure(config(PROPAGATE), new DefaultRecorder({ exporters: [] }));
    let calls = 0;
    const sink: TelemetryDataErrorSink = {
      reportTelemetryDataErrorUnguarded() {
        calls++;
        throw new Error('sink broken');
      },
    };
    const err = new Error('original');
    assert.throws(
      () => handleTelemetryFailure('fn', err, sink),
      (e) => e === err,
    );
    assert.equal(calls, 1);
  });

  test('a sink that fails back into the strategy does not recurse (B2)', () => {
    OneLoggerProvider.instance().configure(config(PROPAGATE), new DefaultRecorder({ exporters: [] }));
    let calls = 0;
    const sink: TelemetryDataErrorSink = {
      reportTelemetryDataErrorUnguarded(message: string) {
        calls++;
        handleTelemetryFailure('reportTelemetryDataError', new Error(`cannot report: ${message}`), sink);
      },
    };
    const err = new Error('original');
    assert.throws(
      () => handleTelemetryFailure('fn', err, sink),
      (e) => e === err,
    );
    assert.equal(calls, 1);
    assert.deepEqual(logged('ERROR'), [
      'Exception in telemetry code when calling reportTelemetryDataError: cannot report: Exception in telemetry code when calling fn: original',
      'Exception in telemetry code when calling fn: original',
    ]);
  });
});

describe('guarded recorder methods: success', () => {
  for (const strategy of STRATEGIES) {
    test(`${strategy}: results are returned, arguments passed through, nothing disabled or logged (#124-126, #128-130, #132, #136-137)`, async () => {
      const { file, recorder } = setup(strategy);
      const startTime = TracingTimestamp.now();
      const parent = recorder.start('parent');
      assert.ok(parent instanceof Span);
      const options: StartSpanOptions = {
        spanAttributes: { a: 1 },
        startEventAttributes: { b: 'x' },
        startTime,
        parentSpan: parent,
      };
      const span = recorder.start('child', options);
      assert.ok(span instanceof Span);
      assert.equal(span.name, 'child');
      assert.equal(span.parentSpan, parent);
      assert.equal(span.startEvent.timestamp, startTime);
      assert.equal(span.attributes.getValue('a'), 1);
      const event = Event.create('my_event', { n: 2 });
      assert.equal(recorder.event(span, event), event);
      const errorEvent = recorder.error(span, 'something odd', new Error('detail'));
      assert.ok(errorEvent instanceof ErrorEvent);
      assert.equal(errorEvent.errorMessage, 'something odd');
      assert.equal(errorEvent.exceptionMessage, 'detail');
      assert.equal(recorder.stop(span, { stopEventAttributes: { done: true } }), undefined);
      assert.equal(recorder.stop(parent), undefined);
      assert.equal(runtime.forceDisabled, false);
      assert.deepEqual(logLines, []);
      await OneLoggerProvider.instance().shutdown();
      const records = readRecords(file);
      assert.deepEqual(
        records.map((r) => r.type),
        ['start', 'start', 'event', 'application_error', 'stop', 'stop'],
      );
      assert.equal(records[1]?.parent_id, parent.id);
      assert.equal(records[1]?.start_event.attributes.b, 'x');
      assert.equal(records[1]?.start_event.attributes.timestamp_msec, Math.trunc(startTime.wallMs));
      assert.equal(records[4]?.stop_event.attributes.done, true);
    });
  }
});

describe('guarded recorder methods: disabled library', () => {
  test('force-disabled: every method returns undefined without running (exporters untouched) (#127, #131, #133)', async () => {
    const { file, recorder } = setup(PROPAGATE);
    const live = recorder.start('live');
    OneLoggerProvider.instance().forceDisableLogging();
    assert.equal(recorder.start('x', { spanAttributes: { a: 1 } }), undefined);
    assert.equal(recorder.event(live, Event.create('e', { n: 1 })), undefined);
    assert.equal(recorder.error(live, 'msg', new Error('boom')), undefined);
    assert.equal(recorder.telemetryDataError('problem', { code: 1 }), undefined);
    assert.equal(recorder.stop(live), undefined);
    assert.equal(live?.active, true);
    // Misuse is not even detected while disabled.
    assert.equal(recorder.stop(undefined), undefined);
    assert.equal(logged('ERROR').length, 0);
    // flush() still delivers what was recorded before the disable (the held-back start of `live`), nothing else.
    await recorder.flush();
    const records = readRecords(file);
    assert.deepEqual(
      records.map((r) => [r.type, r.name]),
      [['start', 'live']],
    );
    assert.equal(records[0]?.id, live?.id);
  });

  test('U5: the skip warning is logged once per function, not per call', () => {
    const { recorder } = setup(PROPAGATE);
    OneLoggerProvider.instance().forceDisableLogging();
    for (let i = 0; i < 3; i++) {
      recorder.start('s');
      recorder.stop(undefined);
      recorder.event(undefined, Event.create('e'));
    }
    recorder.error(undefined, 'm');
    recorder.error(undefined, 'm');
    recorder.telemetryDataError('t');
    recorder.start('again');
    assert.deepEqual(logged('WARNING'), [
      'Skipping execution of start because OneLogger is not enabled.',
      'Skipping execution of stop because OneLogger is not enabled.',
      'Skipping execution of event because OneLogger is not enabled.',
      'Skipping execution of error because OneLogger is not enabled.',
      'Skipping execution of telemetryDataError because OneLogger is not enabled.',
    ]);
  });
});

describe('guarded recorder methods: failures', () => {
  class FailingEventRecorder extends DefaultRecorder {
    readonly failure = new TypeError('event broke');
    protected override recordEvent<E extends Event>(): E {
      throw this.failure;
    }
  }

  test('propagate: the original error object is re-thrown, a TDE is recorded, no force-disable (#134)', async () => {
    const { file, recorder } = setup(PROPAGATE, (exporter) => new FailingEventRecorder({ exporters: [exporter] }));
    const span = recorder.start('span');
    assert.throws(
      () => recorder.event(span, Event.create('e')),
      (e) => e === recorder.failure,
    );
    assert.equal(runtime.forceDisabled, false);
    assert.deepEqual(logged('ERROR'), ['Exception in telemetry code when calling event: event broke']);
    // The library keeps working.
    recorder.stop(span);
    await OneLoggerProvider.instance().shutdown();
    const records = readRecords(file);
    assert.deepEqual(
      records.map((r) => r.type),
      ['start', 'telemetry_data_error', 'stop'],
    );
    assert.deepEqual(tdeMessages(records), [['Exception in telemetry code when calling event: event broke', 'no_telemetry_data']]);
  });

  test('quiet: undefined is returned, the library force-disables once, the fatal message is logged once (#135)', async () => {
    const { file, recorder } = setup(QUIET, (exporter) => new FailingEventRecorder({ exporters: [exporter] }));
    const span = recorder.start('span');
    assert.equal(recorder.event(span, Event.create('e')), undefined);
    assert.equal(runtime.forceDisabled, true);
    assert.equal(recorder.event(span, Event.create('e2')), undefined);
    assert.equal(recorder.start('later'), undefined);
    assert.deepEqual(logged('ERROR'), [fatal('Exception in telemetry code when calling event: event broke')]);
    await OneLoggerProvider.instance().shutdown();
    const records = readRecords(file);
    // B17: the exporter is still closed at shutdown, so the held start and the stop of the running span are written.
    assert.deepEqual(
      records.map((r) => r.type),
      ['start', 'telemetry_data_error', 'stop'],
    );
    assert.deepEqual(tdeMessages(records), [['Exception in telemetry code when calling event: event broke', 'no_telemetry_data']]);
  });

  test('misuse under propagate: stop(undefined) throws "No span to stop"; a double stop is harmless', () => {
    const { recorder } = setup(PROPAGATE);
    assert.throws(
      () => recorder.stop(undefined),
      (e) => e instanceof OneLoggerError && e.message === 'No span to stop',
    );
    assert.throws(
      () => recorder.event(undefined, Event.create('e')),
      (e) => e instanceof OneLoggerError && e.message === 'No span to add event to',
    );
    const span = recorder.start('s');
    recorder.stop(span);
    assert.equal(recorder.stop(span), undefined);
    assert.throws(
      () => recorder.event(span, Event.create('late')),
      (e) => e instanceof OneLoggerError && e.message === 'Cannot add an event to a span that is not running.',
    );
  });

  test('misuse under quiet: the first problem disables the library and is reported once', async () => {
    const { file, recorder } = setup(QUIET);
    const span = recorder.start('s');
    assert.equal(recorder.stop(undefined), undefined);
    assert.equal(recorder.event(undefined, Event.create('e')), undefined);
    assert.equal(runtime.forceDisabled, true);
    assert.deepEqual(logged('ERROR'), [fatal('Exception in telemetry code when calling stop: No span to stop')]);
    await OneLoggerProvider.instance().shutdown();
    assert.equal(span?.active, false);
    const records = readRecords(file);
    assert.deepEqual(tdeMessages(records), [['Exception in telemetry code when calling stop: No span to stop', 'no_telemetry_data']]);
  });

  test('U14: a subclass failing in its own start logic is handled by one guard (one log line, not two)', () => {
    class CheckingRecorder extends DefaultRecorder {
      protected override startSpan(spanName: string, options?: StartSpanOptions): Span {
        const span = super.startSpan(spanName, options);
        if (spanName === 'forbidden') throw new OneLoggerError(`span name ${spanName} is not allowed`);
        return span;
      }
    }
    const { recorder } = setup(PROPAGATE, (exporter) => new CheckingRecorder({ exporters: [exporter] }));
    assert.ok(recorder.start('allowed') instanceof Span);
    assert.throws(() => recorder.start('forbidden'), /span name forbidden is not allowed/);
    assert.deepEqual(logged('ERROR'), ['Exception in telemetry code when calling start: span name forbidden is not allowed']);
  });
});

describe('B2: no recursion after close', () => {
  test('propagate: calls after close throw "Recorder is already closed." once, with one log line each', async () => {
    const { file, recorder } = setup(PROPAGATE);
    recorder.stop(recorder.start('before'));
    await recorder.close();
    const isClosed = (e: unknown) => e instanceof OneLoggerError && e.message === 'Recorder is already closed.';
    assert.throws(() => recorder.start('after'), isClosed);
    assert.throws(() => recorder.telemetryDataError('late problem'), isClosed);
    assert.throws(() => recorder.event(undefined, Event.create('e')), isClosed);
    assert.deepEqual(logged('ERROR'), [
      'Exception in telemetry code when calling start: Recorder is already closed.',
      'Exception in telemetry code when calling telemetryDataError: Recorder is already closed.',
      'Exception in telemetry code when calling event: Recorder is already closed.',
    ]);
    // A second close is harmless and the file is untouched.
    await recorder.close();
    assert.deepEqual(
      readRecords(file).map((r) => [r.type, r.name]),
      [['complete', 'before']],
    );
  });

  test('quiet: a call after close returns undefined and disables the library, one fatal line', async () => {
    const { recorder } = setup(QUIET);
    await recorder.close();
    assert.equal(recorder.telemetryDataError('late'), undefined);
    assert.equal(recorder.start('late'), undefined);
    assert.equal(runtime.forceDisabled, true);
    assert.deepEqual(logged('ERROR'), [fatal('Exception in telemetry code when calling telemetryDataError: Recorder is already closed.')]);
  });

  test('an exporter failing on every call (the TDE too) never loops back into the strategy', async () => {
    const file = join(root, `records-${++counter}.jsonl`);
    const exporter = new FileExporter({ filePath: file });
    const broken = () => {
      throw new Error('exporter down');
    };
    exporter.exportStart = broken;
    exporter.exportStop = broken;
    exporter.exportTelemetryDataError = broken;
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    OneLoggerProvider.instance().configure(config(PROPAGATE), recorder);
    assert.throws(() => recorder.stop(undefined), /No span to stop/);
    const span = recorder.start('s');
    recorder.stop(span);
    assert.deepEqual(logged('ERROR'), [
      'Error exporting data via exporter FileExporter: exporter down',
      'Exception in telemetry code when calling stop: No span to stop',
      'Error exporting data via exporter FileExporter: exporter down',
      'Error exporting data via exporter FileExporter: exporter down',
    ]);
    assert.equal(recorder.exporterStatuses[0]?.numErrors, 3);
    assert.equal(runtime.forceDisabled, false);
  });
});

describe('safelyExecute (the reference safely_execute, for your own telemetry functions)', () => {
  test('success: arguments, this and the result pass through, sync and async; nothing logged', async () => {
    setup(QUIET);
    const counter = {
      n: 10,
      add: safelyExecute('add', function (this: { n: number }, k: number) {
        this.n += k;
        return this.n;
      }),
    };
    assert.equal(counter.add(5), 15);
    const later = safelyExecute('later', async (x: string) => `${x}!`);
    assert.equal(await later('ok'), 'ok!');
    assert.deepEqual(logged('ERROR'), []);
    assert.deepEqual(logged('WARNING'), []);
  });

  test('quiet: a throw or a rejection returns undefined, is reported once as a TDE and disables the library', async () => {
    const { file } = setup(QUIET);
    const boom = safelyExecute('onShardLoaded', (_rows: number): number => {
      throw new Error('bad shard');
    });
    assert.equal(boom(3), undefined);
    assert.equal(runtime.enabled, false);
    const rejecting = safelyExecute('onUpload', async () => {
      throw new Error('late');
    });
    // Disabled now: skipped, with the one-time warning.
    assert.equal(rejecting(), undefined);
    assert.deepEqual(
      logged('WARNING').filter((m) => m.startsWith('Skipping')),
      ['Skipping execution of onUpload because OneLogger is not enabled.'],
    );
    await OneLoggerProvider.instance().shutdown();
    assert.deepEqual(tdeMessages(readRecords(file)), [
      ['Exception in telemetry code when calling onShardLoaded: bad shard', 'no_telemetry_data'],
    ]);
    assert.deepEqual(logged('ERROR'), [fatal('Exception in telemetry code when calling onShardLoaded: bad shard')]);
  });

  test('quiet: an async rejection resolves to undefined instead of rejecting', async () => {
    setup(QUIET);
    const rejecting = safelyExecute('onUpload', async () => {
      throw new Error('late');
    });
    assert.equal(await rejecting(), undefined);
    assert.equal(runtime.enabled, false);
  });

  test('propagate: the same error object is thrown, or rejected for an async function; a TDE is recorded', async () => {
    const { file } = setup(PROPAGATE);
    const error = new Error('bad shard');
    const boom = safelyExecute('onShardLoaded', () => {
      throw error;
    });
    assert.throws(
      () => boom(),
      (e) => e === error,
    );
    const late = new OneLoggerError('late');
    const rejecting = safelyExecute('onUpload', async () => {
      throw late;
    });
    await assert.rejects(rejecting() as Promise<never>, (e: unknown) => e === late);
    assert.equal(runtime.enabled, true);
    await OneLoggerProvider.instance().shutdown();
    assert.deepEqual(tdeMessages(readRecords(file)), [
      ['Exception in telemetry code when calling onShardLoaded: bad shard', 'no_telemetry_data'],
    ]);
  });
});
