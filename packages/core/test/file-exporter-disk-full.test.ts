// A disk that fills up under the FileExporter, on a real 64 KiB tmpfs: failed and short writes leave the file
// at a line boundary, the records that could not be written are counted and reported (an ERROR from the
// internal logger when it starts, a telemetry-data error in the file once writing works again), and the
// records written after space returns are whole lines. Mounting needs root (CI runs as root).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { Event } from '../src/core/event.js';
import type { Span } from '../src/core/span.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { internalLogger } from '../src/internal/logger.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';
import { type Rec, readRecords } from './helpers/records.js';

const PAGE = 4096;
const mountPoint = mkdtempSync(join(tmpdir(), 'olg-disk-full-'));
// The library's own log stays off the tiny file system (it would take its space).
const logDir = mkdtempSync(join(tmpdir(), 'olg-disk-full-log-'));

/** Mounts the tmpfs; returns why the tests must be skipped, or false. */
function mountTinyFs(): string | false {
  if (process.getuid?.() !== 0) return 'needs root to mount a 64 KiB tmpfs (CI runs as root); skipped';
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { encoding: 'utf8' });
  if (r.status !== 0) return `could not mount a 64 KiB tmpfs at ${mountPoint}: ${(r.stderr || r.error?.message || '').trim()}; skipped`;
  return false;
}
const skip = mountTinyFs();
after(() => {
  // A lazy unmount as the fallback: a descriptor left open by a failed test must not keep the mount.
  if (skip === false && spawnSync('umount', [mountPoint]).status !== 0) spawnSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
  rmSync(logDir, { recursive: true, force: true });
});

let logs: Array<[string, string]> = [];
beforeEach(() => {
  logs = [];
  internalLogger.configure({
    level: 'INFO',
    format: '%(levelname)s %(message)s',
    infoFilePath: join(logDir, 'diagnostics.log'),
  });
  internalLogger.listener = (level, message) => logs.push([level, message]);
});
const recorders: DefaultRecorder[] = [];
afterEach(async () => {
  for (const r of recorders.splice(0)) await r.close();
  internalLogger.reset();
  for (const name of ['filler', 'out.jsonl', 'out.jsonl.1']) rmSync(join(mountPoint, name), { force: true });
});

/** Fills the tmpfs so that exactly `freePages` pages are left. */
function fillLeaving(freePages: number): string {
  const filler = join(mountPoint, 'filler');
  writeFileSync(filler, Buffer.alloc(64 * 1024 - freePages * PAGE - 100, 0x61));
  return filler;
}

/** Every line is JSON and valid against the schema, and the file ends with a newline. */
function wholeLines(path: string): Rec[] {
  const text = readFileSync(path, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), `the file must end at a line boundary, but ends with ${JSON.stringify(text.slice(-60))}`);
  return readRecords(path);
}

/** `n` spans of about 400 bytes of record each, named `<prefix><i>`. */
function spans(recorder: DefaultRecorder, prefix: string, n: number): void {
  for (let i = 0; i < n; i++) recorder.stop(recorder.start(`${prefix}${i}`, { spanAttributes: { note: 'x'.repeat(200), i } }));
}

function checkLossReported(records: Rec[], exporter: FileExporter, total: number): void {
  const completes = records.filter((r) => r.type === 'complete');
  const lost = exporter.lostRecordCount;
  assert.ok(lost > 0, 'the disk was full: some records must have been lost');
  assert.equal(completes.length, total - lost, 'every record is either in the file or counted as lost');
  const reports = records.filter((r) => r.type === 'telemetry_data_error');
  assert.equal(reports.length, 1);
  const report = reports[0] as Rec;
  assert.equal(report.error.attributes.lost_record_count, lost);
  assert.equal(report.error.attributes.telemetry_data_error_type, 'incomplete_telemetry_data');
  assert.equal(report.error.attributes.error_message, `${lost} records could not be written to ${exporter.filePath} (ENOSPC) and are lost`);
  // Counts stay unique and increasing; the report takes the count of the last lost record.
  const counts = records.map((r) => r.count as number);
  assert.deepEqual(
    counts,
    [...counts].sort((a, b) => a - b),
  );
  assert.equal(new Set(counts).size, counts.length);
  const missing = [];
  for (let c = 1; c <= total; c++) if (!completes.some((r) => r.count === c)) missing.push(c);
  assert.equal(missing.length, lost);
  assert.equal(report.count, missing.at(-1));
  const errors = logs.filter(([l]) => l === 'ERROR').map(([, m]) => m);
  assert.deepEqual(errors, [
    `FileExporter cannot write to ${exporter.filePath}: ENOSPC: no space left on device, write. Records are dropped and counted until writing succeeds again; the file keeps whole lines.`,
  ]);
  const warnings = logs.filter(([l]) => l === 'WARNING').map(([, m]) => m);
  assert.deepEqual(warnings, [
    `FileExporter: writing to ${exporter.filePath} resumed; ${lost} records could not be written to ${exporter.filePath} (ENOSPC) and are lost`,
  ]);
}

describe('issue 12 item 4: a full disk never leaves a torn line (real 64 KiB tmpfs)', { skip }, () => {
  test('issue 12 item 4: per-record mode: a short write is cut back, lost records are counted and reported, later records are whole lines', async () => {
    const filler = fillLeaving(1);
    const exporter = new FileExporter({ filePath: join(mountPoint, 'out.jsonl'), rotationCheckIntervalMs: 0 });
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    recorders.push(recorder);
    spans(recorder, 'full_', 20);
    // About 10 records fit in the free page; the 11th was written part-way.
    const during = wholeLines(exporter.filePath);
    assert.ok(during.length >= 5 && during.length < 20, `${during.length} records fit`);
    assert.deepEqual(
      during.map((r) => r.name),
      during.map((_, i) => `full_${i}`),
    );
    assert.equal(exporter.lostRecordCount, 20 - during.length);
    assert.equal(recorder.exporterStatuses[0]?.forceDisabled, false);

    rmSync(filler);
    spans(recorder, 'later_', 5);
    await recorder.close();
    const records = wholeLines(exporter.filePath);
    checkLossReported(records, exporter, 25);
    assert.deepEqual(
      records.slice(during.length).map((r) => (r.type === 'complete' ? r.name : r.type)),
      ['telemetry_data_error', 'later_0', 'later_1', 'later_2', 'later_3', 'later_4'],
    );
  });

  test('issue 12 item 4: buffered mode: a buffer written part-way keeps its whole lines, drops the rest, and reports them', async () => {
    const filler = fillLeaving(1);
    const exporter = new FileExporter({
      filePath: join(mountPoint, 'out.jsonl'),
      buffered: { maxBufferBytes: 1500, flushIntervalMs: 0 },
      rotationCheckIntervalMs: 0,
    });
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    recorders.push(recorder);
    spans(recorder, 'full_', 20);
    exporter.flush();
    const during = wholeLines(exporter.filePath);
    assert.ok(during.length >= 5 && during.length < 20, `${during.length} records fit`);
    assert.equal(exporter.lostRecordCount, 20 - during.length);

    rmSync(filler);
    spans(recorder, 'later_', 5);
    await recorder.close();
    const records = wholeLines(exporter.filePath);
    checkLossReported(records, exporter, 25);
    assert.deepEqual(
      records.slice(during.length).map((r) => (r.type === 'complete' ? r.name : r.type)),
      ['telemetry_data_error', 'later_0', 'later_1', 'later_2', 'later_3', 'later_4'],
    );
  });

  test("a log listener that records the library's diagnostics into the same recorder: one loss report, unique counts", async () => {
    // The exporter logs while it writes (the loss starting, writing resuming); an application that forwards those
    // lines into its telemetry writes through the same exporter from inside that write.
    const filler = fillLeaving(1);
    const exporter = new FileExporter({ filePath: join(mountPoint, 'out.jsonl'), rotationCheckIntervalMs: 0 });
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    recorders.push(recorder);
    const app = recorder.start('app') as Span;
    internalLogger.listener = (level, message) => {
      logs.push([level, message]);
      if (app.active) recorder.event(app, Event.create('library_log', { level }));
    };
    spans(recorder, 'full_', 20);
    rmSync(filler);
    spans(recorder, 'later_', 5);
    await recorder.close();
    const records = wholeLines(exporter.filePath);
    const reports = records.filter((r) => r.type === 'telemetry_data_error');
    // Each report covers the losses since the previous one (space comes and goes as torn lines are cut back).
    const reported = reports.reduce((n, r) => n + (r.error.attributes.lost_record_count as number), 0);
    assert.equal(reported, exporter.lostRecordCount, 'every loss is reported exactly once');
    const counts = records.map((r) => r.count as number);
    assert.deepEqual(
      counts,
      [...new Set(counts)].sort((a, b) => a - b),
      `counts are unique and increasing: ${counts.join(',')}`,
    );
    // A report takes the count of the last record it covers: every other count is a record in the file or a lost one.
    assert.equal(Math.max(...counts) - (records.length - reports.length), exporter.lostRecordCount);
    assert.ok(
      records.some((r) => r.type === 'event' && r.event.name === 'library_log' && r.event.attributes.level === 'WARNING'),
      'the "resumed" warning recorded by the listener is in the file',
    );
    assert.deepEqual(
      records.filter((r) => r.type === 'complete' && r.name.startsWith('later_')).map((r) => r.name),
      ['later_0', 'later_1', 'later_2', 'later_3', 'later_4'],
    );
  });

  test('the disk fills mid-record after the file was renamed (log rotation not yet noticed): the torn line is cut back in the renamed file', async () => {
    const filler = fillLeaving(1);
    const path = join(mountPoint, 'out.jsonl');
    const rotatedPath = join(mountPoint, 'out.jsonl.1');
    const exporter = new FileExporter({ filePath: path, rotationCheckIntervalMs: 0 });
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    recorders.push(recorder);
    spans(recorder, 'before_', 1);
    renameSync(path, rotatedPath);
    spans(recorder, 'full_', 20); // one record is written part-way, the rest do not fit
    const rotated = wholeLines(rotatedPath);
    assert.ok(exporter.lostRecordCount > 0 && rotated.length > 1, `${rotated.length} records fit`);
    assert.equal(rotated.length + exporter.lostRecordCount, 21);
    exporter.reopen();
    rmSync(filler);
    spans(recorder, 'later_', 2);
    await recorder.close();
    assert.deepEqual(
      wholeLines(path).map((r) => (r.type === 'complete' ? r.name : r.type)),
      ['telemetry_data_error', 'later_0', 'later_1'],
    );
    assert.ok(wholeLines(rotatedPath).length === rotated.length, 'nothing more went to the renamed file');
  });

  test('issue 12 item 4: a disk full from the start until close: nothing torn, and the loss is logged as an ERROR at close', async () => {
    fillLeaving(0);
    const exporter = new FileExporter({ filePath: join(mountPoint, 'out.jsonl'), rotationCheckIntervalMs: 0 });
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    recorders.push(recorder);
    spans(recorder, 'full_', 20);
    await recorder.close();
    assert.deepEqual(wholeLines(exporter.filePath), []);
    assert.equal(exporter.lostRecordCount, 20);
    const errors = logs.filter(([l]) => l === 'ERROR').map(([, m]) => m);
    assert.deepEqual(errors, [
      `FileExporter cannot write to ${exporter.filePath}: ENOSPC: no space left on device, write. Records are dropped and counted until writing succeeds again; the file keeps whole lines.`,
      `FileExporter: 20 records could not be written to ${exporter.filePath} (ENOSPC) and are lost; the file was closed before writing succeeded again`,
    ]);
  });
});
