// Bad input under both error strategies, at the level a job meets it: NaN metrics, attributes changed on a
// stopped span (spec/core.md §9 U8), an exporter that cannot open its file, a broken exporter entry next to
// good ones. Quiet: nothing reaches the job, the bad part is left out, the healthy exporters record why.
// Propagate: a clear OneLoggerError/ExportError naming what is wrong, and nothing left half-open.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import type { OneLoggerConfigInput } from '../src/api/config.js';
import { OneLoggerProvider } from '../src/api/provider.js';
import { getRecorder, timedSpan } from '../src/api/timed-span.js';
import { Event } from '../src/core/event.js';
import { Span } from '../src/core/span.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { DEFAULT_LOG_FORMAT, internalLogger } from '../src/internal/logger.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';
import { captureLibraryLog } from './helpers/library-log.js';
import { readRecords } from './helpers/records.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const root = mkdtempSync(join(tmpdir(), 'olg-bad-input-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const path = (name: string): string => join(root, `${++n}-${name}`);

let warnings: string[] = [];
let errors: string[] = [];
beforeEach(() => {
  warnings = [];
  errors = [];
  internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: join(root, 'diagnostics.log') });
  internalLogger.listener = (level, message) => {
    if (level === 'WARNING') warnings.push(message);
    if (level === 'ERROR') errors.push(message);
  };
});
afterEach(async () => {
  await OneLoggerProvider.instance().shutdown();
  OneLoggerProvider.resetForTests();
});

function config(strategy: 'propagate_exceptions' | 'disable_quietly_and_report_metric_error'): OneLoggerConfigInput {
  return {
    applicationName: 'bad_input',
    sessionTag: 's',
    worldSize: 1,
    errorHandlingStrategy: strategy,
    loggerConfig: { logFilePathForInfo: join(root, 'diagnostics.log') },
  };
}

describe('a NaN metric in a job', () => {
  test('quiet: the job runs on, the record keeps the valid attributes, one telemetry-data error says what was left out', async () => {
    const file = path('nan.jsonl');
    OneLoggerProvider.instance().configure(
      config('disable_quietly_and_report_metric_error'),
      new DefaultRecorder({ exporters: [new FileExporter({ filePath: file })] }),
    );
    const losses = [0.5, Number.NaN, 0.25];
    const result = await timedSpan('train', async (span) => {
      for (const [step, loss] of losses.entries()) getRecorder().event(span, Event.create('metrics', { step, loss }));
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(OneLoggerProvider.instance().isEnabled, true);
    await OneLoggerProvider.instance().shutdown();
    const records = readRecords(file);
    const events = records.filter((r) => r.type === 'event').map((r) => r.event.attributes);
    assert.deepEqual(
      events.map(({ timestamp_msec: _t, ...rest }) => rest),
      [{ step: 0, loss: 0.5 }, { step: 1 }, { step: 2, loss: 0.25 }],
    );
    const tde = records.filter((r) => r.type === 'telemetry_data_error');
    assert.equal(tde.length, 1);
    assert.equal(
      tde[0]?.error.attributes.error_message,
      'Invalid telemetry input left out: Attribute loss: numbers must be finite (got NaN)',
    );
    assert.deepEqual(warnings, ['Attribute loss: numbers must be finite (got NaN); the value is left out.']);
  });

  test('propagate: Event.create throws a OneLoggerError naming the attribute, the value and the rule', () => {
    OneLoggerProvider.instance().configure(config('propagate_exceptions'), new DefaultRecorder({ exporters: [] }));
    assert.throws(() => Event.create('metrics', { loss: Number.NaN }), {
      name: 'OneLoggerError',
      message: 'Attribute loss: numbers must be finite (got NaN)',
    });
  });
});

describe('U8: attributes of a stopped span are final', () => {
  test('the reference accepts the change and never exports it; ours rejects it, and duration_msec cannot be forged', () => {
    const span = Span.create('step', { spanAttributes: { a: 1 } });
    span.stop();
    const duration = span.durationMsec();
    assert.throws(() => span.addAttribute('duration_msec', -5), {
      name: 'OneLoggerError',
      message: `Span step (id=${span.id}) is stopped: its attributes (duration_msec) can no longer change`,
    });
    assert.throws(() => span.addAttributes({ b: 2, c: 3 }), {
      name: 'OneLoggerError',
      message: `Span step (id=${span.id}) is stopped: its attributes (b, c) can no longer change`,
    });
    assert.equal(span.durationMsec(), duration);
    assert.deepEqual(span.attributes.toJSON(), { a: 1, duration_msec: duration });
  });

  test('quiet: the change is left out with a warning, nothing is thrown', () => {
    OneLoggerProvider.instance().configure(config('disable_quietly_and_report_metric_error'), new DefaultRecorder({ exporters: [] }));
    const span = Span.create('step');
    span.addAttribute('before', true);
    span.stop();
    assert.equal(span.addAttribute('after', true), undefined);
    assert.deepEqual(Object.keys(span.attributes.toJSON()), ['before', 'duration_msec']);
    assert.deepEqual(warnings, [
      `Span step (id=${span.id}) is stopped: its attributes (after) can no longer change; the value is left out.`,
    ]);
  });
});

describe('an exporter that cannot open its file', () => {
  function blockedPath(): string {
    // The parent "directory" is a regular file: no process can create the JSONL file under it.
    const blocker = path('not-a-dir');
    writeFileSync(blocker, 'x');
    return join(blocker, 'sub', 'telemetry.jsonl');
  }

  test('quiet: configure() does not throw, the healthy exporter records the failure and the job', async () => {
    const bad = blockedPath();
    const good = path('good.jsonl');
    // From exporter configuration: configure() builds the exporter itself and must not throw.
    OneLoggerProvider.instance().configure(config('disable_quietly_and_report_metric_error'), {
      exporters: [{ class_name: 'file', config: { file_path: bad } }],
    });
    assert.equal(OneLoggerProvider.instance().isReady, true);
    await timedSpan('work', () => 42);
    await OneLoggerProvider.instance().shutdown();
    OneLoggerProvider.resetForTests();
    // A recorder holding a healthy and a broken exporter: the healthy one records the failure.
    const healthy = new FileExporter({ filePath: good });
    const broken = new FileExporter({ filePath: bad });
    const recorder = new DefaultRecorder({ exporters: [healthy, broken] });
    OneLoggerProvider.instance().configure(config('disable_quietly_and_report_metric_error'), recorder);
    await timedSpan('work', () => 42);
    assert.deepEqual(
      recorder.exporterStatuses.map((s) => s.forceDisabled),
      [false, true],
    );
    await OneLoggerProvider.instance().shutdown();
    const records = readRecords(good);
    assert.deepEqual(
      records.map((r) => r.type),
      ['telemetry_data_error', 'complete'],
    );
    const message: string = records[0]?.error.attributes.error_message;
    assert.match(message, /^Exporter configuration failed: Exporter FileExporter could not be initialized and is disabled: /);
    assert.match(message, /cannot open .*not-a-dir\/sub\/telemetry\.jsonl for appending: ENOTDIR/);
    assert.ok(errors.some((e) => e.includes('could not be initialized and is disabled')));
  });

  test('propagate: configure() throws ExportError naming the path, the started exporters are closed, nothing is configured', async () => {
    const healthy = new FileExporter({ filePath: path('healthy.jsonl') });
    const broken = new FileExporter({ filePath: blockedPath() });
    const recorder = new DefaultRecorder({ exporters: [healthy, broken] });
    const loggingBefore = internalLogger.currentSettings();
    const otherLog = { ...config('propagate_exceptions'), loggerConfig: { logFilePathForInfo: path('other.log') } };
    assert.throws(() => OneLoggerProvider.instance().configure(otherLog, recorder), {
      name: 'ExportError',
      message:
        /^Exporter FileExporter could not be initialized and is disabled: FileExporter cannot open .*not-a-dir\/sub\/telemetry\.jsonl for appending: ENOTDIR/,
    });
    await recorder.close();
    assert.equal(healthy.closed, true, 'the exporter that did open its file was closed again');
    assert.equal(OneLoggerProvider.instance().isReady, false);
    assert.deepEqual(internalLogger.currentSettings(), loggingBefore, 'a failed configure() leaves the logging settings as they were');
  });
});

describe('a broken exporter entry next to good ones (quiet)', () => {
  test('only the broken entry is left out; the config file and the other direct entries still export', async () => {
    const fromFile = path('from-file.jsonl');
    const direct = path('direct.jsonl');
    const configFile = path('exporters.json');
    writeFileSync(configFile, JSON.stringify({ exporters: [{ class_name: 'file', config: { file_path: fromFile } }] }));
    OneLoggerProvider.instance().configure(config('disable_quietly_and_report_metric_error'), {
      configFilePath: configFile,
      exporters: [
        { class_name: 'nv_one_logger.exporter.file_exporter.FileExporter', config: { file_path: direct } },
        { class_name: 'logger', enabled: 'yes' as never },
      ],
    });
    await timedSpan('work', () => undefined);
    await OneLoggerProvider.instance().shutdown();
    // The direct file entry overrides the file's entry for the same exporter (reference merge rule).
    const records = readRecords(direct);
    assert.deepEqual(
      records.map((r) => r.type),
      ['telemetry_data_error', 'complete'],
    );
    assert.match(records[0]?.error.attributes.error_message, /^Exporter configuration failed: .*entry 1.*enabled/);
    assert.equal(errors.filter((e) => e.startsWith('Exporter configuration failed:')).length, 1);
  });
});

describe('S5: error texts are redacted and bounded before they leave the process', () => {
  test('the reference exports messages and tracebacks verbatim; ours applies redactErrorText, then cuts at maxErrorTextLength', async () => {
    const file = path('errors.jsonl');
    const recorder = new DefaultRecorder({
      exporters: [new FileExporter({ filePath: file })],
      redactErrorText: (text) => text.replaceAll(/token=\w+/g, 'token=[redacted]').replaceAll(root, '<tmp>'),
      maxErrorTextLength: 200,
    });
    OneLoggerProvider.instance().configure(config('propagate_exceptions'), recorder);
    const secret = new Error(`request to https://api.example/v1?token=s3cr3t failed while reading ${root}/data.bin`);
    const long = new Error('x'.repeat(1000));
    await assert.rejects(
      timedSpan('upload', async () => {
        throw secret;
      }),
      (e) => e === secret,
    );
    await assert.rejects(
      timedSpan('parse', async () => {
        throw long;
      }),
      (e) => e === long,
    );
    await OneLoggerProvider.instance().shutdown();
    const errorsOut = readRecords(file).filter((r) => r.type === 'application_error');
    const [upload, parse] = errorsOut.map((r) => r.event.attributes);
    assert.equal(upload.exception_message, 'request to https://api.example/v1?token=[redacted] failed while reading <tmp>/data.bin');
    assert.ok(!JSON.stringify(upload).includes('s3cr3t'), 'the secret appears nowhere in the record');
    assert.ok(!JSON.stringify(upload).includes(root), 'nor the path');
    assert.equal(parse.exception_message.length, 200);
    assert.match(parse.exception_message, /^x+ … \[\d+ more characters cut\]$/);
    assert.ok(parse.exception_traceback.length <= 200);
    // The user's own error objects are untouched.
    assert.equal(long.message.length, 1000);
  });

  test('includeTraceback: false leaves the stack out; a throwing redactor never leaks the text', async () => {
    const file = path('no-trace.jsonl');
    const recorder = new DefaultRecorder({
      exporters: [new FileExporter({ filePath: file })],
      includeTraceback: false,
      redactErrorText: (text, field) => {
        if (field === 'exception_message') throw new Error('redactor bug');
        return text;
      },
    });
    OneLoggerProvider.instance().configure(config('propagate_exceptions'), recorder);
    await assert.rejects(
      timedSpan('step', async () => {
        throw new Error('password=hunter2');
      }),
      /password=hunter2/,
    );
    await OneLoggerProvider.instance().shutdown();
    const [error] = readRecords(file).filter((r) => r.type === 'application_error');
    assert.deepEqual(Object.keys(error?.event.attributes), ['error_message', 'exception_type', 'exception_message', 'timestamp_msec']);
    assert.equal(error?.event.attributes.exception_message, '[redaction failed: redactor bug]');
  });

  test('bad options are rejected with the field, the value and the rule', () => {
    assert.throws(() => new DefaultRecorder({ exporters: [], maxErrorTextLength: 10 }), {
      message: 'DefaultRecorder.maxErrorTextLength: must be an integer >= 64 (got 10)',
    });
    assert.throws(() => new DefaultRecorder({ exporters: [], redactErrorText: 'no' as never }), {
      message: 'DefaultRecorder.redactErrorText: must be a function (text, field) => string (got string)',
    });
  });
});
