// Log rotation under an open FileExporter, on real files: a file renamed or deleted while open is noticed by
// the periodic check and the path opened again (reported once); `reopen()` does it on request (the
// `postrotate` signal of logrotate); `copytruncate` needs nothing at all.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmdirSync, rmSync, truncateSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { FileExporter, type FileExporterOptions } from '../src/exporter/file-exporter.js';
import { internalLogger } from '../src/internal/logger.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';
import { captureLibraryLog } from './helpers/library-log.js';
import { type Rec, readRecords } from './helpers/records.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

let dir: string;
let logs: Array<[string, string]> = [];
const recorders: DefaultRecorder[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'olg-rotation-'));
  logs = [];
  internalLogger.configure({ level: 'INFO', format: '%(levelname)s %(message)s', infoFilePath: join(dir, 'diagnostics.log') });
  internalLogger.listener = (level, message) => logs.push([level, message]);
});
afterEach(async () => {
  for (const r of recorders.splice(0)) await r.close();
  internalLogger.reset();
  rmSync(dir, { recursive: true, force: true });
});

function job(options: Omit<FileExporterOptions, 'filePath'> = {}): { exporter: FileExporter; recorder: DefaultRecorder; path: string } {
  const path = join(dir, 'app.jsonl');
  const exporter = new FileExporter({ filePath: path, ...options });
  const recorder = new DefaultRecorder({ exporters: [exporter] });
  recorders.push(recorder);
  return { exporter, recorder, path };
}

function spans(recorder: DefaultRecorder, ...names: string[]): void {
  for (const name of names) recorder.stop(recorder.start(name));
}

/** Waits (polling, up to 10 s) until `check()` holds: the rotation check runs on its own timer. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const spanNames = (records: Rec[]): string[] => records.filter((r) => r.type === 'complete').map((r) => r.name);
const warnings = (): string[] => logs.filter(([l]) => l === 'WARNING').map(([, m]) => m);

describe('issue 12 item 5: a rotated file is noticed and the path opened again', () => {
  test('issue 12 item 5: renamed while open: the renamed file keeps the earlier records, the path gets the later ones, reported once', async () => {
    const { exporter, recorder, path } = job({ rotationCheckIntervalMs: 10 });
    spans(recorder, 'a1', 'a2');
    renameSync(path, `${path}.1`);
    // Written before the check ran: these go to the renamed file, as with any rotation without a signal.
    spans(recorder, 'a3');
    await until(() => existsSync(path), 'the path to be opened again');
    spans(recorder, 'b1', 'b2');
    // Several more checks: the rotation is reported once, not at every check.
    await new Promise((r) => setTimeout(r, 60));
    await recorder.close();
    assert.deepEqual(spanNames(readRecords(`${path}.1`)), ['a1', 'a2', 'a3']);
    assert.deepEqual(spanNames(readRecords(path)), ['b1', 'b2']);
    assert.deepEqual(
      readRecords(path).map((r) => r.count),
      [4, 5],
      'count continues across files',
    );
    assert.deepEqual(warnings(), [
      `FileExporter: ${exporter.filePath} was renamed while open; the records written before are in the renamed file. Opened ${exporter.filePath} again.`,
    ]);
  });

  test('issue 12 item 5: deleted while open: the path is created again, the new file says records may be lost, reported once', async () => {
    const { exporter, recorder, path } = job({ rotationCheckIntervalMs: 10 });
    spans(recorder, 'a1');
    unlinkSync(path);
    await until(() => existsSync(path), 'the path to be opened again');
    spans(recorder, 'b1');
    await new Promise((r) => setTimeout(r, 60));
    await recorder.close();
    const records = readRecords(path);
    assert.deepEqual(
      records.map((r) => (r.type === 'complete' ? r.name : r.type)),
      ['telemetry_data_error', 'b1'],
    );
    const loss = 'records written between the deletion and this check (at most 10 ms) are lost';
    assert.equal(records[0]?.error.attributes.error_message, `The file ${exporter.filePath} was deleted while open; ${loss}`);
    assert.deepEqual(
      records.map((r) => r.count),
      [2, 3],
    );
    assert.deepEqual(warnings(), [
      `FileExporter: ${exporter.filePath} was deleted while open; ${loss}. Opened ${exporter.filePath} again.`,
    ]);
  });

  test('issue 12 item 5: a path that cannot be opened again is reported once and retried at every check until it works', async () => {
    const { exporter, recorder, path } = job({ rotationCheckIntervalMs: 10 });
    spans(recorder, 'a1');
    renameSync(path, `${path}.1`);
    mkdirSync(path);
    const errors = (): string[] => logs.filter(([l]) => l === 'ERROR').map(([, m]) => m);
    await until(() => errors().length > 0, 'the failed reopen to be logged');
    // Several more checks fail the same way: still one message.
    await new Promise((r) => setTimeout(r, 80));
    spans(recorder, 'a2');
    rmdirSync(path);
    await until(() => existsSync(path), 'the path to be opened again');
    spans(recorder, 'b1');
    await recorder.close();
    assert.deepEqual(spanNames(readRecords(`${path}.1`)), ['a1', 'a2']);
    assert.deepEqual(spanNames(readRecords(path)), ['b1']);
    assert.equal(errors().length, 1);
    assert.match(
      errors()[0] ?? '',
      new RegExp(`^FileExporter cannot reopen ${exporter.filePath}: EISDIR: .*; records still go to the file opened before$`),
    );
    assert.equal(warnings().length, 1);
  });

  test('issue 12 item 5: buffered mode: lines buffered when the file was deleted go to the new file', async () => {
    const { exporter, recorder, path } = job({ buffered: { flushIntervalMs: 0 }, rotationCheckIntervalMs: 10 });
    spans(recorder, 'a1');
    exporter.flush();
    spans(recorder, 'a2');
    unlinkSync(path);
    await until(() => existsSync(path), 'the path to be opened again');
    spans(recorder, 'b1');
    await recorder.close();
    assert.deepEqual(
      readRecords(path).map((r) => (r.type === 'complete' ? r.name : r.type)),
      ['a2', 'telemetry_data_error', 'b1'],
    );
  });
});

describe('issue 12 item 5: FileExporter.reopen()', () => {
  test('issue 12 item 5: reopen() after a rename (logrotate postrotate): earlier records stay in the renamed file, later ones go to the path', async () => {
    const { exporter, recorder, path } = job({ rotationCheckIntervalMs: 0, buffered: { flushIntervalMs: 0 } });
    spans(recorder, 'a1');
    exporter.flush();
    spans(recorder, 'a2');
    renameSync(path, `${path}.1`);
    exporter.reopen();
    spans(recorder, 'b1');
    await recorder.close();
    assert.deepEqual(spanNames(readRecords(`${path}.1`)), ['a1']);
    // a2 was still in the buffer: it is written to the file opened by reopen().
    assert.deepEqual(spanNames(readRecords(path)), ['a2', 'b1']);
    assert.deepEqual(warnings(), []);
  });

  test('issue 12 item 5: a reopen() that cannot open the path logs why and keeps writing to the open file', async () => {
    const { exporter, recorder, path } = job({ rotationCheckIntervalMs: 0 });
    spans(recorder, 'a1');
    renameSync(path, `${path}.1`);
    mkdirSync(path);
    assert.doesNotThrow(() => exporter.reopen());
    spans(recorder, 'a2');
    await recorder.close();
    assert.deepEqual(spanNames(readRecords(`${path}.1`)), ['a1', 'a2']);
    const errors = logs.filter(([l]) => l === 'ERROR').map(([, m]) => m);
    assert.equal(errors.length, 1);
    assert.match(
      errors[0] ?? '',
      new RegExp(`^FileExporter cannot reopen ${path}: EISDIR: .*; records still go to the file opened before$`),
    );
  });

  test('issue 12 item 5: reopen() before initialize() and after close() does nothing', () => {
    const exporter = new FileExporter({ filePath: join(dir, 'never.jsonl') });
    exporter.reopen();
    assert.equal(existsSync(join(dir, 'never.jsonl')), false);
    exporter.initialize();
    exporter.close();
    rmSync(join(dir, 'never.jsonl'));
    exporter.reopen();
    assert.equal(existsSync(join(dir, 'never.jsonl')), false);
  });

  test('issue 12 item 5: copytruncate (the file truncated in place) needs no reopen: later records are whole lines from the start', async () => {
    const { recorder, path } = job({ rotationCheckIntervalMs: 10 });
    spans(recorder, 'a1', 'a2');
    truncateSync(path, 0);
    spans(recorder, 'b1');
    await new Promise((r) => setTimeout(r, 40));
    await recorder.close();
    const text = readFileSync(path, 'utf8');
    assert.ok(text.startsWith('{"type":"complete"'), 'appending continues at the new end, with no gap of zero bytes');
    assert.deepEqual(spanNames(readRecords(path)), ['b1']);
    assert.deepEqual(warnings(), []);
  });
});

describe('the rotation check from an exporter config file', () => {
  test('rotation_check_interval_ms sets the check interval (here 10 ms); 0 turns it off; a bad value names the key and the rule', async () => {
    const { fileExporterFactory } = await import('../src/exporter/exporter-registry.js');
    const context = { className: 'file', values: { cwd: dir } };
    const exporter = fileExporterFactory.create(
      { file_path: 'from-config.jsonl', rotation_check_interval_ms: 10 },
      context,
    ) as FileExporter;
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    recorders.push(recorder);
    const path = join(dir, 'from-config.jsonl');
    spans(recorder, 'a1');
    renameSync(path, `${path}.1`);
    await until(() => existsSync(path), 'the path to be opened again');
    spans(recorder, 'b1');
    await recorder.close();
    assert.deepEqual(spanNames(readRecords(`${path}.1`)), ['a1']);
    assert.deepEqual(spanNames(readRecords(path)), ['b1']);

    const off = fileExporterFactory.create({ file_path: 'off.jsonl', rotation_check_interval_ms: 0 }, context) as FileExporter;
    const offRecorder = new DefaultRecorder({ exporters: [off] });
    recorders.push(offRecorder);
    const offPath = join(dir, 'off.jsonl');
    spans(offRecorder, 'a1');
    renameSync(offPath, `${offPath}.1`);
    await new Promise((r) => setTimeout(r, 60));
    spans(offRecorder, 'a2');
    await offRecorder.close();
    assert.equal(existsSync(offPath), false, 'with the check off the renamed file keeps receiving records');
    assert.deepEqual(spanNames(readRecords(`${offPath}.1`)), ['a1', 'a2']);

    assert.throws(
      () => fileExporterFactory.create({ file_path: 'x.jsonl', rotation_check_interval_ms: -5 }, context),
      /config\.rotation_check_interval_ms.*must be a non-negative integer/,
    );
  });
});
