// The recorder's contract with exporters, tried with real child processes: an exporter whose export methods
// are async and reject, and an exporter whose flush() or close() never settles.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { OneLoggerError } from '../src/core/errors.js';
import type { Span } from '../src/core/span.js';
import { BaseExporter } from '../src/exporter/exporter.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { internalLogger } from '../src/internal/logger.js';
import { DEFAULT_EXPORTER_TIMEOUT_MILLIS, DefaultRecorder } from '../src/recorder/default-recorder.js';
import { fixture, runChild } from './helpers/child.js';
import { captureLibraryLog } from './helpers/library-log.js';
import { readRecords } from './helpers/records.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
const libraryLog = captureLibraryLog(internalLogger);

const root = mkdtempSync(join(tmpdir(), 'olg-exporter-faults-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const newFile = (): string => join(root, `job-${++n}.jsonl`);

describe('issue 12 item 1: an exporter whose export methods return promises that reject', () => {
  test('issue 12 item 1: the job exits 0 with its result, the file has every record, the failures are reported and the exporter is disabled', async () => {
    const file = newFile();
    const run = await runChild(fixture('async-rejecting-exporter.mts'), [file]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^result 190\n/);
    const status = /failing_calls (\d+) num_errors (\d+) disabled (\w+)/.exec(run.stdout);
    assert.ok(status, run.stdout);
    // maxExporterFailures is 3: three rejections disable it; it got a few calls, not the job's 40+.
    assert.equal(status[2], '3');
    assert.equal(status[3], 'true');
    assert.ok(Number(status[1]) < 10, `the failing exporter got ${status[1]} calls`);
    assert.match(run.stderr, /Error exporting data via exporter AsyncRejectingExporter: collector refused start/);
    assert.match(run.stderr, /Exporter AsyncRejectingExporter has been disabled after 3 failures\./);
    assert.doesNotMatch(run.stderr, /Unhandled|unhandled/);
    const records = readRecords(file);
    assert.equal(records.filter((r) => r.type === 'complete' && r.name === 'step').length, 20);
  });

  test('issue 12 item 1: a thenable (not a Promise) that rejects counts as the exporter failure, like a throw', async () => {
    const file = newFile();
    class ThenableExporter extends BaseExporter {
      exportStart(_span: Span): PromiseLike<void> {
        return {
          // biome-ignore lint/suspicious/noThenProperty: a deliberate non-promise thenable
          then: (_ok?: unknown, fail?: (e: unknown) => void) => fail?.(new Error('thenable start refused')),
        } as unknown as PromiseLike<void>;
      }
      exportStop(): void {}
      exportEvent(): void {}
      exportError(): void {}
      exportTelemetryDataError(): void {}
    }
    const failing = new ThenableExporter();
    const recorder = new DefaultRecorder({ exporters: [new FileExporter({ filePath: file }), failing as never], maxExporterFailures: 2 });
    for (let i = 0; i < 4; i++) recorder.stop(recorder.start('s'));
    await tick();
    const status = recorder.exporterStatuses[1];
    assert.equal(status?.numErrors, 4);
    assert.equal(status?.forceDisabled, true);
    // The user is told once per failure until the exporter is disabled, then that it was.
    assert.deepEqual(libraryLog.messages(), [
      'Error exporting data via exporter ThenableExporter: thenable start refused',
      'Error exporting data via exporter ThenableExporter: thenable start refused',
      'Exporter ThenableExporter has been disabled after 2 failures.',
    ]);
    await recorder.close();
    assert.equal(readRecords(file).filter((r) => r.type === 'complete').length, 4);
  });
});

describe('issue 12 item 1: an exporter whose initialize() returns a promise that rejects', () => {
  test('issue 12 item 1: the exporter is disabled, its problem is listed and reported to the other exporters', async () => {
    const file = newFile();
    class AsyncInitExporter extends BaseExporter {
      calls = 0;
      override initialize(): Promise<void> {
        super.initialize();
        return Promise.reject(new Error('no route to the collector'));
      }
      exportStart(): void {
        this.calls++;
      }
      exportStop(): void {
        this.calls++;
      }
      exportEvent(): void {}
      exportError(): void {}
      exportTelemetryDataError(): void {}
    }
    const failing = new AsyncInitExporter();
    const recorder = new DefaultRecorder({ exporters: [failing as never, new FileExporter({ filePath: file })] });
    await tick();
    const message = 'Exporter AsyncInitExporter could not be initialized and is disabled: no route to the collector';
    assert.deepEqual(recorder.initializationErrors, [message]);
    assert.deepEqual(libraryLog.messages('ERROR'), [message]);
    assert.equal(recorder.exporterStatuses[0]?.forceDisabled, true);
    recorder.stop(recorder.start('work'));
    assert.equal(failing.calls, 0);
    await recorder.close();
    assert.deepEqual(
      readRecords(file).map((r) => r.name ?? r.error.attributes.error_message),
      [message, 'work'],
    );
  });
});

describe('issue 12 item 2: an exporter whose flush() or close() never settles', () => {
  for (const stuck of ['flush', 'close'] as const) {
    test(`issue 12 item 2: ${stuck}() never settles, other live handles: shutdown() resolves at the bound, reports the exporter, the file is complete`, async () => {
      const file = newFile();
      const run = await runChild(fixture('never-settling-exporter.mts'), [file, stuck, 'live']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^result 10\nshutdown_resolved_ms \d+\n$/);
      const message = `Exporter NeverSettlingExporter did not finish ${stuck}() within 300 ms; the recorder stopped waiting for it and went on without it (what it had not delivered may be lost)`;
      assert.ok(run.stderr.includes(message), run.stderr);
      const records = readRecords(file);
      assert.deepEqual(
        records.map((r) => [r.type, r.name ?? r.error?.attributes?.error_message]),
        [
          ['start', 'application'],
          ...Array.from({ length: 5 }, () => ['complete', 'step']),
          ['stop', 'application'],
          ['telemetry_data_error', message],
        ],
      );
    });

    test(`issue 12 item 2: ${stuck}() never settles, nothing else alive: the process exits 0 at once, reported, the file is complete`, async () => {
      const file = newFile();
      const run = await runChild(fixture('never-settling-exporter.mts'), [file, stuck, 'none']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^result 10\nshutdown_resolved_ms \d+\n$/);
      // The bound (300 ms) never had to fire: the process had nothing else to do, so the wait ended at once.
      assert.ok(Number(/shutdown_resolved_ms (\d+)/.exec(run.stdout)?.[1]) < 300);
      const message = `Exporter NeverSettlingExporter had not finished ${stuck}() when the process had nothing else to do; the recorder stopped waiting for it and went on without it (what it had not delivered may be lost)`;
      assert.ok(run.stderr.includes(message), run.stderr);
      const records = readRecords(file);
      assert.deepEqual(
        records.map((r) => `${r.type} ${r.name ?? ''}`.trim()),
        ['start application', ...Array.from({ length: 5 }, () => 'complete step'), 'stop application', 'telemetry_data_error'],
      );
      assert.equal(records.at(-1)?.error?.attributes?.error_message, message);
    });
  }

  test('issue 12 item 2: an exporter that declares a longer bound of its own is given that bound plus a second', async () => {
    const file = newFile();
    class SlowDeclaredExporter extends BaseExporter {
      readonly shutdownTimeoutMillis = 200;
      exportStart(): void {}
      exportStop(): void {}
      exportEvent(): void {}
      exportError(): void {}
      exportTelemetryDataError(): void {}
      override flush(): Promise<void> {
        return Promise.resolve();
      }
      override close(): Promise<void> {
        super.close();
        return new Promise(() => {});
      }
    }
    const recorder = new DefaultRecorder({
      exporters: [new SlowDeclaredExporter(), new FileExporter({ filePath: file })],
      exporterTimeoutMillis: 100,
    });
    recorder.stop(recorder.start('work'));
    // A live handle, as in a job with a server: the bound is what ends the wait (not an idle event loop).
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      await recorder.close();
    } finally {
      clearInterval(keepAlive);
    }
    const message =
      'Exporter SlowDeclaredExporter did not finish close() within 1200 ms; the recorder stopped waiting for it and went on without it (what it had not delivered may be lost)';
    assert.deepEqual(
      readRecords(file).map((r) => r.name ?? r.error.attributes.error_message),
      ['work', message],
    );
    assert.deepEqual(libraryLog.messages('ERROR'), [message]);
    assert.equal(recorder.exporterStatuses[0]?.forceDisabled, true);
  });

  test('issue 12 item 2: the bound is 5 s by default and must be a positive integer', () => {
    assert.equal(DEFAULT_EXPORTER_TIMEOUT_MILLIS, 5000);
    assert.throws(
      () => new DefaultRecorder({ exporters: [], exporterTimeoutMillis: 0 }),
      (e: unknown) =>
        e instanceof OneLoggerError && e.message === 'DefaultRecorder.exporterTimeoutMillis: must be a positive integer (got 0)',
    );
  });
});
