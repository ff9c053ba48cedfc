// timedSpan / startTimedSpan / getRecorder (spec/core.md §3.7, §6.2, §8 items 29-32, §9 B1, U3, U15, C1-C3).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { OneLoggerConfigInput } from '../src/api/config.js';
import { OneLoggerProvider } from '../src/api/provider.js';
import type { Recorder, StartSpanOptions, StopSpanOptions } from '../src/api/recorder.js';
import { getRecorder, startTimedSpan, timedSpan } from '../src/api/timed-span.js';
import { OneLoggerError } from '../src/core/errors.js';
import { type ErrorEvent, Event } from '../src/core/event.js';
import { Span } from '../src/core/span.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { DEFAULT_LOG_FORMAT, internalLogger, type LogLevel } from '../src/internal/logger.js';
import { ErrorHandlingStrategy, runtime } from '../src/internal/runtime.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';
import { type Rec, readRecords } from './helpers/records.js';

const QUIET = ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR;
const SRC_INDEX_URL = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;
const TSX_URL = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const root = mkdtempSync(join(tmpdir(), 'olg-timed-span-'));
const LOG_FILE = join(root, 'onelogger.log');
let fileCounter = 0;
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

function newFile(): string {
  return join(root, `records-${++fileCounter}.jsonl`);
}

function config(extra: Partial<OneLoggerConfigInput> = {}): OneLoggerConfigInput {
  return {
    applicationName: 'timed_span_test',
    sessionTag: 'session',
    worldSize: 1,
    loggerConfig: { logFilePathForInfo: LOG_FILE },
    ...extra,
  };
}

/** A provider configured with a DefaultRecorder (or subclass) writing to a fresh file. */
function setupFile(
  extra: Partial<OneLoggerConfigInput> = {},
  make = (exporter: FileExporter) => new DefaultRecorder({ exporters: [exporter] }),
) {
  const file = newFile();
  const recorder = make(new FileExporter({ filePath: file }));
  OneLoggerProvider.instance().configure(config(extra), recorder);
  return { file, recorder };
}

interface Call {
  method: string;
  args: unknown[];
}

/** A Recorder that logs every call and forwards it to a DefaultRecorder (the TS counterpart of the reference's mock). */
class CallLogRecorder implements Recorder {
  readonly calls: Call[] = [];
  errorThrows: unknown;
  constructor(readonly inner: DefaultRecorder) {}
  start(spanName: string, options?: StartSpanOptions): Span | undefined {
    this.calls.push({ method: 'start', args: [spanName, options] });
    return this.inner.start(spanName, options);
  }
  stop(span: Span | undefined, options?: StopSpanOptions): void {
    this.calls.push({ method: 'stop', args: options === undefined ? [span] : [span, options] });
    this.inner.stop(span, options);
  }
  event<E extends Event>(span: Span | undefined, event: E): E | undefined {
    this.calls.push({ method: 'event', args: [span, event] });
    return this.inner.event(span, event);
  }
  error(span: Span | undefined, errorMessage: string, exception?: unknown): ErrorEvent | undefined {
    this.calls.push({ method: 'error', args: [span, errorMessage, exception] });
    if (this.errorThrows !== undefined) throw this.errorThrows;
    return this.inner.error(span, errorMessage, exception);
  }
  telemetryDataError(errorMessage: string): void {
    this.calls.push({ method: 'telemetryDataError', args: [errorMessage] });
    this.inner.telemetryDataError(errorMessage);
  }
  runWithSpan<T>(span: Span | undefined, fn: (span: Span | undefined) => T): T {
    return this.inner.runWithSpan(span, fn);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  /** The options passed to the `index`-th call (a start). */
  startOptions(index: number): StartSpanOptions {
    return (this.calls[index]?.args[1] ?? {}) as StartSpanOptions;
  }
  /** Recording calls only (start/stop/event/error/telemetryDataError). */
  methods(): string[] {
    return this.calls.map((c) => c.method);
  }
}

function setupCallLog() {
  const file = newFile();
  const recorder = new CallLogRecorder(new DefaultRecorder({ exporters: [new FileExporter({ filePath: file })] }));
  OneLoggerProvider.instance().configure(config(), recorder);
  return { file, recorder };
}

/** Reads and validates the file after shutting the provider down (so every record is written). */
async function finish(file: string): Promise<Rec[]> {
  await OneLoggerProvider.instance().shutdown();
  return readRecords(file);
}

/** Span records (start/complete carry the start event and parent) by span id. */
function spansById(records: Rec[]): Map<string, Rec> {
  const out = new Map<string, Rec>();
  for (const r of records) if (r.type === 'start' || r.type === 'complete') out.set(r.id, r);
  return out;
}

function stoppedIds(records: Rec[]): string[] {
  return records.filter((r) => r.type === 'stop' || r.type === 'complete').map((r) => r.id);
}

function byName(records: Rec[], name: string): Rec[] {
  return records.filter((r) => (r.type === 'start' || r.type === 'complete') && r.name === name);
}

describe('timedSpan: recorder calls (reference items 29-32)', () => {
  test('basic use: start(name) once and stop(span) once, 2 recording calls; the callback gets the span (#29)', () => {
    const { recorder } = setupCallLog();
    let seen: Span | undefined;
    const result = timedSpan('test_span', (span) => {
      seen = span;
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(recorder.methods(), ['start', 'stop']);
    const [start, stop] = recorder.calls;
    assert.equal(start?.args[0], 'test_span');
    const opts = recorder.startOptions(0);
    assert.equal(opts.spanAttributes, undefined);
    assert.equal(opts.startEventAttributes, undefined);
    assert.ok(seen instanceof Span);
    assert.equal(seen.name, 'test_span');
    assert.deepEqual(stop?.args, [seen]);
    assert.equal(seen.active, false);
  });

  test('attributes are passed through as the same objects; 2 calls (#30)', () => {
    const { recorder } = setupCallLog();
    const spanAttributes = { key: 'value', n: 3 };
    const startEventAttributes = { started_by: 'test' };
    timedSpan('test_span', () => undefined, { spanAttributes, startEventAttributes });
    assert.deepEqual(recorder.methods(), ['start', 'stop']);
    const opts = recorder.startOptions(0);
    assert.equal(opts.spanAttributes, spanAttributes);
    assert.equal(opts.startEventAttributes, startEventAttributes);
  });

  test('nested spans: 2 starts (outer with attributes), 2 stops, 4 calls; the inner span is a child (#31)', async () => {
    const { file, recorder } = setupCallLog();
    const outerAttrs = { level: 'outer' };
    let outerSpan: Span | undefined;
    let innerSpan: Span | undefined;
    timedSpan(
      'outer',
      (outer) => {
        outerSpan = outer;
        timedSpan('inner', (inner) => {
          innerSpan = inner;
        });
      },
      { spanAttributes: outerAttrs },
    );
    assert.deepEqual(recorder.methods(), ['start', 'start', 'stop', 'stop']);
    assert.equal(recorder.calls[0]?.args[0], 'outer');
    assert.equal(recorder.startOptions(0).spanAttributes, outerAttrs);
    assert.equal(recorder.calls[1]?.args[0], 'inner');
    assert.equal(recorder.startOptions(1).spanAttributes, undefined);
    assert.deepEqual(recorder.calls[2]?.args, [innerSpan]);
    assert.deepEqual(recorder.calls[3]?.args, [outerSpan]);
    assert.equal(innerSpan?.parentSpan, outerSpan);
    const records = await finish(file);
    assert.deepEqual(
      records.map((r) => [r.type, r.name]),
      [
        ['start', 'outer'],
        ['complete', 'inner'],
        ['stop', 'outer'],
      ],
    );
    assert.equal(records[1]?.parent_id, outerSpan?.id);
    assert.equal(records[0]?.parent_id, undefined);
    assert.deepEqual(records[0]?.attributes, { level: 'outer' });
  });

  test('body throws: error(span, "Error in test_span: ", err) once, stop once, 3 calls, the same error re-thrown (#32)', () => {
    const { recorder } = setupCallLog();
    const err = new RangeError('bad value');
    let span: Span | undefined;
    assert.throws(
      () =>
        timedSpan('test_span', (s) => {
          span = s;
          throw err;
        }),
      (e) => e === err,
    );
    assert.deepEqual(recorder.methods(), ['start', 'error', 'stop']);
    assert.deepEqual(recorder.calls[1]?.args, [span, 'Error in test_span: ', err]);
    assert.equal(recorder.calls[1]?.args[2], err);
    assert.deepEqual(recorder.calls[2]?.args, [span]);
  });

  test('async rejection: the same 3 calls; stop happens after the promise settles', async () => {
    const { recorder } = setupCallLog();
    const err = new Error('async failure');
    const promise = timedSpan('async_span', async () => {
      await delay(5);
      throw err;
    });
    assert.deepEqual(recorder.methods(), ['start']);
    await assert.rejects(promise, (e) => e === err);
    assert.deepEqual(recorder.methods(), ['start', 'error', 'stop']);
    assert.equal(recorder.calls[1]?.args[1], 'Error in async_span: ');
    assert.equal(recorder.calls[1]?.args[2], err);
  });
});

describe('timedSpan: sync and async callbacks, return values', () => {
  test('a sync callback returns its value directly (not a promise) and the span is complete', async () => {
    const { file } = setupFile();
    const value = timedSpan('sync_work', () => ({ rows: 42 }));
    assert.deepEqual(value, { rows: 42 });
    assert.ok(!(value instanceof Promise));
    const records = await finish(file);
    assert.equal(records.length, 1);
    assert.equal(records[0]?.type, 'complete');
    assert.equal(records[0]?.name, 'sync_work');
    assert.equal(typeof records[0]?.attributes.duration_msec, 'number');
  });

  test('an async callback returns a promise of its value; the span stops only when it resolves', async () => {
    const { file, recorder } = setupFile();
    let span: Span | undefined;
    const promise = timedSpan('async_work', async (s) => {
      span = s;
      await delay(30);
      return 'loaded';
    });
    assert.ok(promise instanceof Promise);
    assert.equal(span?.active, true);
    assert.deepEqual(
      recorder.getActiveSpansByName('async_work').map((s) => s.id),
      [span?.id],
    );
    assert.equal(await promise, 'loaded');
    assert.equal(span?.active, false);
    const records = await finish(file);
    assert.equal(records.length, 1);
    assert.equal(records[0]?.type, 'complete');
    assert.ok(records[0]?.attributes.duration_msec >= 25, `duration ${records[0]?.attributes.duration_msec}`);
  });

  test('a callback returning a non-promise thenable is awaited too', async () => {
    setupFile();
    let span: Span | undefined;
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: a deliberate non-promise thenable
      then(resolve: (v: number) => void) {
        setTimeout(() => resolve(7), 5);
      },
    };
    const result = timedSpan('thenable', (s) => {
      span = s;
      return thenable;
    });
    assert.equal(span?.active, true);
    assert.equal(await result, 7);
    assert.equal(span?.active, false);
  });

  test('span attributes and start-event attributes reach the file', async () => {
    const { file } = setupFile();
    timedSpan('with_attrs', () => undefined, { spanAttributes: { shard: 'a', n: 2 }, startEventAttributes: { reason: 'test' } });
    const [rec] = await finish(file);
    assert.equal(rec?.type, 'complete');
    assert.equal(rec?.attributes.shard, 'a');
    assert.equal(rec?.attributes.n, 2);
    assert.equal(rec?.start_event.attributes.reason, 'test');
  });
});

describe('timedSpan: errors are recorded and the same error re-thrown', () => {
  test('sync throw: start, application_error "Error in failing: " with type, message and stack, stop', async () => {
    const { file } = setupFile();
    const err = new TypeError('kaboom');
    assert.throws(
      () =>
        timedSpan('failing', () => {
          throw err;
        }),
      (e) => e === err,
    );
    const records = await finish(file);
    assert.deepEqual(
      records.map((r) => r.type),
      ['start', 'application_error', 'stop'],
    );
    const [start, error, stop] = records;
    assert.equal(error?.span_id, start?.id);
    assert.equal(stop?.id, start?.id);
    assert.equal(error?.event.name, 'error');
    const a = error?.event.attributes;
    assert.equal(a.error_message, 'Error in failing: ');
    assert.equal(a.exception_type, 'TypeError');
    assert.equal(a.exception_message, 'kaboom');
    assert.equal(a.exception_traceback, err.stack);
    assert.equal(typeof a.timestamp_msec, 'number');
  });

  test('async rejection: the same records and the same error object', async () => {
    const { file } = setupFile();
    const err = new Error('async kaboom');
    await assert.rejects(
      timedSpan('failing_async', async () => {
        await delay(1);
        throw err;
      }),
      (e) => e === err,
    );
    const records = await finish(file);
    assert.deepEqual(
      records.map((r) => r.type),
      ['start', 'application_error', 'stop'],
    );
    assert.equal(records[1]?.event.attributes.error_message, 'Error in failing_async: ');
    assert.equal(records[1]?.event.attributes.exception_message, 'async kaboom');
  });

  test('non-Error throwables are recorded and re-thrown unchanged, sync and async (U15)', async () => {
    const { file } = setupFile();
    const obj = { code: 7 };
    const thrownValues: unknown[] = ['a string', 42, obj, null];
    for (const value of thrownValues) {
      let caught: unknown = 'nothing';
      try {
        timedSpan('sync_throwable', () => {
          throw value;
        });
      } catch (e) {
        caught = e;
      }
      assert.equal(caught, value);
      caught = 'nothing';
      try {
        await timedSpan('async_throwable', async () => {
          throw value;
        });
      } catch (e) {
        caught = e;
      }
      assert.equal(caught, value);
    }
    let caughtUndefined: unknown = 'nothing';
    try {
      await timedSpan('async_throwable', () => Promise.reject(undefined));
    } catch (e) {
      caughtUndefined = e;
    }
    assert.equal(caughtUndefined, undefined);

    const errors = (await finish(file)).filter((r) => r.type === 'application_error').map((r) => r.event.attributes);
    assert.equal(errors.length, 9);
    const described = errors.map((a) => [a.error_message, a.exception_type, a.exception_message]);
    assert.deepEqual(described, [
      ['Error in sync_throwable: ', 'string', 'a string'],
      ['Error in async_throwable: ', 'string', 'a string'],
      ['Error in sync_throwable: ', 'number', '42'],
      ['Error in async_throwable: ', 'number', '42'],
      ['Error in sync_throwable: ', 'object', '[object Object]'],
      ['Error in async_throwable: ', 'object', '[object Object]'],
      ['Error in sync_throwable: ', 'null', 'null'],
      ['Error in async_throwable: ', 'null', 'null'],
      ['Error in async_throwable: ', undefined, undefined],
    ]);
  });

  test('B1: an Error with an empty message is recorded with exception_message "" and still propagates', async () => {
    const { file } = setupFile();
    const err = new RangeError();
    assert.throws(
      () =>
        timedSpan('empty_message', () => {
          throw err;
        }),
      (e) => e === err,
    );
    const err2 = new Error('');
    await assert.rejects(
      timedSpan('empty_message_async', async () => {
        throw err2;
      }),
      (e) => e === err2,
    );
    assert.equal(runtime.forceDisabled, false);
    assert.equal(logLines.filter((l) => l.level === 'ERROR').length, 0, logLines.map((l) => l.message).join('\n'));
    const records = await finish(file);
    const errors = records.filter((r) => r.type === 'application_error').map((r) => r.event.attributes);
    assert.deepEqual(
      errors.map((a) => [a.error_message, a.exception_type, a.exception_message]),
      [
        ['Error in empty_message: ', 'RangeError', ''],
        ['Error in empty_message_async: ', 'Error', ''],
      ],
    );
    assert.equal(records.filter((r) => r.type === 'telemetry_data_error').length, 0);
  });

  test('a Recorder whose error() throws never masks the user error; stop still runs', async () => {
    const { recorder } = setupCallLog();
    recorder.errorThrows = new OneLoggerError('recorder broke');
    const err = new Error('user error');
    assert.throws(
      () =>
        timedSpan('masked?', () => {
          throw err;
        }),
      (e) => e === err,
    );
    await assert.rejects(
      timedSpan('masked_async?', async () => {
        throw err;
      }),
      (e) => e === err,
    );
    assert.deepEqual(recorder.methods(), ['start', 'error', 'stop', 'start', 'error', 'stop']);
  });

  test('DefaultRecorder failing inside error() under propagate: user error wins, TDE recorded, span stopped', async () => {
    class BrokenErrorRecorder extends DefaultRecorder {
      protected override recordError(): ErrorEvent {
        throw new OneLoggerError('cannot record');
      }
    }
    const { file } = setupFile({}, (exporter) => new BrokenErrorRecorder({ exporters: [exporter] }));
    const err = new Error('user error');
    assert.throws(
      () =>
        timedSpan('broken', () => {
          throw err;
        }),
      (e) => e === err,
    );
    assert.equal(runtime.forceDisabled, false);
    const logged = logLines.filter((l) => l.level === 'ERROR').map((l) => l.message);
    assert.deepEqual(logged, ['Exception in telemetry code when calling error: cannot record']);
    const records = await finish(file);
    assert.deepEqual(
      records.map((r) => r.type),
      ['start', 'telemetry_data_error', 'stop'],
    );
    assert.equal(records[1]?.error.attributes.error_message, 'Exception in telemetry code when calling error: cannot record');
    assert.equal(records[1]?.error.attributes.telemetry_data_error_type, 'no_telemetry_data');
    assert.equal(records[2]?.name, 'broken');
  });

  test('DefaultRecorder failing inside error() under quiet: user error wins, library disabled, close still writes the stop', async () => {
    class BrokenErrorRecorder extends DefaultRecorder {
      protected override recordError(): ErrorEvent {
        throw new OneLoggerError('cannot record');
      }
    }
    const { file } = setupFile({ errorHandlingStrategy: QUIET }, (exporter) => new BrokenErrorRecorder({ exporters: [exporter] }));
    const err = new Error('user error');
    await assert.rejects(
      timedSpan('broken', async () => {
        throw err;
      }),
      (e) => e === err,
    );
    assert.equal(runtime.forceDisabled, true);
    assert.equal(OneLoggerProvider.instance().isEnabled, false);
    const records = await finish(file);
    assert.deepEqual(
      records.map((r) => r.type),
      ['start', 'telemetry_data_error', 'stop'],
    );
  });
});

describe('timedSpan: parents', () => {
  test('spans started imperatively inside a timedSpan callback become its children, and do not leak out', async () => {
    const { file } = setupFile();
    const recorder = getRecorder();
    let outerSpan: Span | undefined;
    let a: Span | undefined;
    let b: Span | undefined;
    let c: Span | undefined;
    let leaked: Span | undefined;
    timedSpan('outer', (outer) => {
      outerSpan = outer;
      a = recorder.start('a');
      b = recorder.start('b');
      recorder.stop(b);
      recorder.stop(a);
      c = recorder.start('c');
      recorder.stop(c);
      leaked = recorder.start('left_running');
    });
    const top = recorder.start('top');
    assert.equal(a?.parentSpan, outerSpan);
    assert.equal(b?.parentSpan, a);
    assert.equal(c?.parentSpan, outerSpan);
    assert.equal(leaked?.parentSpan, outerSpan);
    assert.equal(top?.parentSpan, undefined);
    recorder.stop(top);
    const spans = spansById(await finish(file));
    assert.equal(spans.get(a?.id as string)?.parent_id, outerSpan?.id);
    assert.equal(spans.get(b?.id as string)?.parent_id, a?.id);
    assert.equal(spans.get(c?.id as string)?.parent_id, outerSpan?.id);
    assert.equal(spans.get(top?.id as string)?.parent_id, undefined);
  });

  test('an imperative span started inside an async callback after an await is still its child', async () => {
    setupFile();
    const recorder = getRecorder();
    let outerSpan: Span | undefined;
    let inner: Span | undefined;
    await timedSpan('outer', async (outer) => {
      outerSpan = outer;
      await delay(2);
      inner = recorder.start('after_await');
      await delay(2);
      recorder.stop(inner);
    });
    assert.equal(inner?.parentSpan, outerSpan);
  });

  test('C2 (with C1, C3, U3): 50 concurrent async tasks interleave on one FileExporter: no start lost or duplicated, every complete pairs its own start and stop, every child has its own task as parent', async () => {
    const { file } = setupFile();
    const recorder = getRecorder();
    let rootSpan: Span | undefined;
    await timedSpan('root', async (root) => {
      rootSpan = root;
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          timedSpan(
            'task',
            async (task) => {
              await delay(Math.floor(Math.random() * 15));
              await timedSpan(
                'child',
                async (child) => {
                  await delay(Math.floor(Math.random() * 15));
                  timedSpan('grandchild', () => undefined, { spanAttributes: { i } });
                  recorder.event(child, Event.create('child_done', { i }));
                },
                { spanAttributes: { i } },
              );
              recorder.event(task, Event.create('task_done', { i }));
            },
            { spanAttributes: { i } },
          ),
        ),
      );
    });
    const records = await finish(file);
    // Record order is call order: counts run 1..n without gaps, all from this process.
    assert.deepEqual(
      records.map((r) => r.count),
      records.map((_, k) => k + 1),
    );
    assert.ok(records.every((r) => r.pid === process.pid));
    const spans = spansById(records);
    assert.equal(spans.size, 151);
    // Every span is stopped exactly once.
    const stopped = stoppedIds(records);
    assert.equal(stopped.length, 151);
    assert.equal(new Set(stopped).size, 151);
    const tasks = byName(records, 'task');
    const children = byName(records, 'child');
    const grandchildren = byName(records, 'grandchild');
    assert.equal(tasks.length, 50);
    assert.equal(children.length, 50);
    assert.equal(grandchildren.length, 50);
    const taskByI = new Map(tasks.map((t) => [t.attributes.i as number, t]));
    const childByI = new Map(children.map((c) => [c.attributes.i as number, c]));
    for (let i = 0; i < 50; i++) {
      const task = taskByI.get(i);
      const child = childByI.get(i);
      assert.equal(task?.parent_id, rootSpan?.id, `task ${i}`);
      assert.equal(child?.parent_id, task?.id, `child ${i}`);
    }
    for (const g of grandchildren) assert.equal(g.parent_id, childByI.get(g.attributes.i)?.id, `grandchild ${g.attributes.i}`);
    for (const e of records.filter((r) => r.type === 'event')) {
      const owner = spans.get(e.span_id);
      assert.equal(owner?.attributes?.i, e.event.attributes.i, `${e.event.name} ${e.event.attributes.i}`);
      assert.equal(owner?.name, e.event.name === 'task_done' ? 'task' : 'child');
    }
    // C2: the reference's held-back start was shared, unlocked state, so interleaved starts and stops could
    // lose or duplicate a start, or pair one span's start with another's stop in a `complete` record.
    const kinds = new Map<string, Rec[]>();
    for (const r of records) {
      if (r.type !== 'start' && r.type !== 'stop' && r.type !== 'complete') continue;
      kinds.set(r.id, [...(kinds.get(r.id) ?? []), r]);
    }
    assert.equal(kinds.size, 151);
    let completes = 0;
    for (const [id, recs] of kinds) {
      const types = recs.map((r) => r.type).join(',');
      assert.ok(types === 'complete' || types === 'start,stop', `span ${id}: ${types}`);
      const first = recs[0] as Rec;
      const last = recs[recs.length - 1] as Rec;
      // start/complete and stop/complete describe the same span: same name and attributes, and the duration
      // is the span's own (its stop minus its start), so a start and a stop of different spans never pair up.
      assert.equal(first.name, last.name);
      assert.deepEqual(first.attributes?.i, last.attributes?.i);
      const startMs = (spans.get(id) as Rec).start_event.attributes.timestamp_msec as number;
      const stopMs = last.stop_event.attributes.timestamp_msec as number;
      assert.ok(Math.abs(stopMs - startMs - (last.attributes.duration_msec as number)) <= 1, `span ${id} duration`);
      if (types === 'complete') completes++;
      // Every event of the span lies between its start and its stop.
      for (const e of records.filter((r) => r.type === 'event' && r.span_id === id)) {
        assert.ok(e.count > first.count && e.count < last.count, `event ${e.count} of span ${id}`);
      }
    }
    // A grandchild starts and stops with no await in between: nothing can come between, so it is one `complete`.
    for (const g of grandchildren) assert.equal(g.type, 'complete', `grandchild ${g.attributes.i}`);
    assert.ok(completes >= 50);
  });

  test('U3: a span stopped from another async context is not used as a parent afterwards', async () => {
    setupFile();
    const recorder = getRecorder();
    const a = recorder.start('a');
    let other: Span | undefined;
    await timedSpan('other', async (s) => {
      other = s;
      await delay(1);
      recorder.stop(a);
    });
    assert.equal(other?.parentSpan, a);
    assert.equal(a?.active, false);
    const b = recorder.start('b');
    assert.equal(b?.parentSpan, undefined);
    recorder.stop(b);
  });

  test('concurrent tasks using startTimedSpan inside their own timedSpan scope get the right parents', async () => {
    const { file } = setupFile();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        timedSpan(
          'task',
          async () => {
            await delay(Math.floor(Math.random() * 10));
            using step = startTimedSpan('step', { spanAttributes: { i } });
            await delay(Math.floor(Math.random() * 10));
            timedSpan('leaf', () => undefined, { spanAttributes: { i } });
            assert.equal(step.span?.active, true);
          },
          { spanAttributes: { i } },
        ),
      ),
    );
    const records = await finish(file);
    const tasks = new Map(byName(records, 'task').map((r) => [r.attributes.i, r]));
    const steps = new Map(byName(records, 'step').map((r) => [r.attributes.i, r]));
    const leaves = byName(records, 'leaf');
    assert.equal(leaves.length, 10);
    for (const leaf of leaves) {
      const i = leaf.attributes.i;
      assert.equal(leaf.parent_id, steps.get(i)?.id, `leaf ${i}`);
      assert.equal(steps.get(i)?.parent_id, tasks.get(i)?.id, `step ${i}`);
      assert.equal(tasks.get(i)?.parent_id, undefined);
    }
    assert.equal(stoppedIds(records).length, 30);
  });

  test('the program from the issue, run for real: each load is a child of its own process_shard', () => {
    const dir = mkdtempSync(join(root, 'issue-'));
    const program = `import { DefaultRecorder, Event, FileExporter, OneLoggerProvider, getRecorder, timedSpan } from '@nv-one-logger/core';
OneLoggerProvider.instance().configure(
  { applicationName: 'etl_job', sessionTag: 'nightly', worldSize: 1 },
  new DefaultRecorder({ exporters: [new FileExporter({ filePath: 'out/core.jsonl' })] }),
);
await timedSpan('application', async () => {
  await Promise.all(['a', 'b', 'c'].map((shard) =>
    timedSpan('process_shard', async (span) => {
      await timedSpan('load', () => new Promise((r) => setTimeout(r, 5)));
      getRecorder().event(span, Event.create('shard_done', { rows: 100, shard }));
    }, { spanAttributes: { shard } })));
});
await OneLoggerProvider.instance().shutdown();
`;
    // dist/ is not built in the test run, so the package specifier points at the sources; nothing else changes.
    const script = join(dir, 'program.mts');
    writeFileSync(script, program.replace("'@nv-one-logger/core'", JSON.stringify(SRC_INDEX_URL)));
    const run = spawnSync(process.execPath, ['--import', TSX_URL, script], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');

    const records = readRecords(join(dir, 'out', 'core.jsonl'));
    assert.ok(records.every((r) => r.pid !== process.pid && r.pid === records[0]?.pid));
    const spans = spansById(records);
    assert.equal(spans.size, 7);
    assert.equal(stoppedIds(records).length, 7);
    const [app] = byName(records, 'application');
    assert.equal(app?.parent_id, undefined);
    const shards = byName(records, 'process_shard');
    const loads = byName(records, 'load');
    assert.equal(shards.length, 3);
    assert.equal(loads.length, 3);
    assert.deepEqual(shards.map((s) => s.attributes.shard).sort(), ['a', 'b', 'c']);
    for (const s of shards) assert.equal(s.parent_id, app?.id, `process_shard ${s.attributes.shard}`);
    // Each load's parent is a process_shard, and no two loads share one: each load is under its own shard.
    const loadParents = loads.map((l) => l.parent_id);
    assert.deepEqual([...loadParents].sort(), shards.map((s) => s.id).sort());
    // A load runs inside its shard: it starts after the shard started and stops before the shard's event.
    const events = records.filter((r) => r.type === 'event');
    assert.equal(events.length, 3);
    for (const load of loads) {
      const shard = spans.get(load.parent_id);
      assert.equal(shard?.name, 'process_shard');
      assert.ok(load.start_event.attributes.timestamp_msec >= shard?.start_event.attributes.timestamp_msec);
      const done = events.find((e) => e.span_id === shard?.id);
      assert.deepEqual({ ...done?.event.attributes, timestamp_msec: 0 }, { rows: 100, shard: shard?.attributes.shard, timestamp_msec: 0 });
      const loadStop = records.find((r) => (r.type === 'stop' || r.type === 'complete') && r.id === load.id);
      assert.ok(loadStop?.stop_event.attributes.timestamp_msec <= done?.event.attributes.timestamp_msec);
      assert.ok((loadStop?.count as number) < (done?.count as number));
    }
  });
});

describe('startTimedSpan: the disposable form', () => {
  test('`using` stops the span when the block exits (tsx runs `using` natively compiled by esbuild)', async () => {
    const { file } = setupFile();
    let handleSpan: Span | undefined;
    function work(): void {
      using handle = startTimedSpan('load', { spanAttributes: { file: 'a.csv' } });
      handleSpan = handle.span;
      assert.equal(handle.span?.active, true);
      getRecorder().event(handle.span, Event.create('rows_read', { rows: 10 }));
    }
    work();
    assert.equal(handleSpan?.active, false);
    const records = await finish(file);
    assert.deepEqual(
      records.map((r) => r.type),
      ['start', 'event', 'stop'],
    );
    assert.equal(records[0]?.id, handleSpan?.id);
    assert.deepEqual(records[0]?.attributes, { file: 'a.csv' });
    assert.equal(records[1]?.event.attributes.rows, 10);
    assert.equal(records[2]?.id, handleSpan?.id);
  });

  test('nested `using` blocks nest: inner is a child, disposed first; the next span is a root again', async () => {
    const { file } = setupFile();
    const ids: Record<string, string | undefined> = {};
    {
      using outer = startTimedSpan('outer');
      using inner = startTimedSpan('inner');
      ids.outer = outer.span?.id;
      ids.inner = inner.span?.id;
      assert.equal(inner.span?.parentSpan, outer.span);
    }
    const after = getRecorder().start('after');
    assert.equal(after?.parentSpan, undefined);
    getRecorder().stop(after);
    const records = await finish(file);
    assert.deepEqual(
      records.map((r) => [r.type, r.name]),
      [
        ['start', 'outer'],
        ['complete', 'inner'],
        ['stop', 'outer'],
        ['complete', 'after'],
      ],
    );
    assert.equal(records[1]?.parent_id, ids.outer);
    assert.equal(records[3]?.parent_id, undefined);
  });

  test('`using` in an async function across awaits; timedSpan inside becomes its child', async () => {
    const { file } = setupFile();
    let outerId: string | undefined;
    async function job(): Promise<string> {
      await using handle = startTimedSpan('async_using');
      outerId = handle.span?.id;
      await delay(3);
      return timedSpan('step', async () => {
        await delay(2);
        return 'ok';
      });
    }
    assert.equal(await job(), 'ok');
    const records = await finish(file);
    const step = byName(records, 'step')[0];
    assert.equal(step?.parent_id, outerId);
    assert.deepEqual(stoppedIds(records).sort(), [outerId, step?.id].sort());
  });

  test('an error thrown in a `using` block: the span still stops; recordError writes an application_error', async () => {
    const { file } = setupFile();
    const err = new Error('parse failed');
    let spanId: string | undefined;
    assert.throws(
      () => {
        using handle = startTimedSpan('parse');
        spanId = handle.span?.id;
        try {
          throw err;
        } catch (e) {
          handle.recordError(e);
          throw e;
        }
      },
      (e) => e === err,
    );
    const records = await finish(file);
    assert.deepEqual(
      records.map((r) => r.type),
      ['start', 'application_error', 'stop'],
    );
    assert.equal(records[1]?.span_id, spanId);
    assert.equal(records[1]?.event.attributes.error_message, 'Error in parse: ');
    assert.equal(records[1]?.event.attributes.exception_message, 'parse failed');
  });

  test('explicit [Symbol.dispose]() and end() are idempotent', async () => {
    const { file } = setupFile();
    const handle = startTimedSpan('manual');
    handle.end();
    handle[Symbol.dispose]();
    handle.end();
    assert.equal(handle.span?.active, false);
    assert.equal(logLines.filter((l) => l.level === 'ERROR').length, 0);
    const records = await finish(file);
    assert.deepEqual(
      records.map((r) => [r.type, r.name]),
      [['complete', 'manual']],
    );
  });
});

describe('timedSpan on a disabled rank', () => {
  test('the callback gets undefined, its value passes through, nothing is recorded', async () => {
    const { file } = setupFile({ enableForCurrentRank: false });
    let seen: Span | undefined | 'unset' = 'unset';
    const value = timedSpan('disabled', (span) => {
      seen = span;
      return 5;
    });
    assert.equal(value, 5);
    assert.equal(seen, undefined);
    assert.equal(await timedSpan('disabled_async', async () => 'x'), 'x');
    const err = new Error('still thrown');
    assert.throws(
      () =>
        timedSpan('disabled_throw', () => {
          throw err;
        }),
      (e) => e === err,
    );
    using handle = startTimedSpan('disabled_using');
    assert.equal(handle.span, undefined);
    assert.deepEqual(await finish(file), []);
  });
});

describe('getRecorder', () => {
  test('returns the configured recorder; the same object each time', () => {
    const recorder = new DefaultRecorder({ exporters: [] });
    OneLoggerProvider.instance().configure(config(), recorder);
    assert.equal(getRecorder(), recorder);
    assert.equal(getRecorder(), getRecorder());
  });

  test('directory for records is created on demand', async () => {
    const nested = join(root, 'deep', 'er', 'records.jsonl');
    OneLoggerProvider.instance().configure(config(), new DefaultRecorder({ exporters: [new FileExporter({ filePath: nested })] }));
    timedSpan('x', () => undefined);
    await OneLoggerProvider.instance().shutdown();
    assert.deepEqual(
      readRecords(nested).map((r) => r.name),
      ['x'],
    );
  });
});
