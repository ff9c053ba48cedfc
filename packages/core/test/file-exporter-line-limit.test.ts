// The one record-line limit on the writer side: a record whose JSON line would be longer than
// MAX_RECORD_LINE_BYTES is not written; a telemetry-data error naming the span, the record type, the line size
// and the limit takes its place (and its count), so every line of the file stays within what readers accept.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Event } from '../src/core/event.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { MAX_RECORD_LINE_BYTES } from '../src/exporter/record.js';
import { internalLogger } from '../src/internal/logger.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';
import { type Rec, readRecords } from './helpers/records.js';

let dir: string;
let warnings: string[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'olg-line-limit-'));
  warnings = [];
  internalLogger.configure({ level: 'INFO', format: '%(levelname)s %(message)s', infoFilePath: join(dir, 'diagnostics.log') });
  internalLogger.listener = (level, message) => {
    if (level === 'WARNING') warnings.push(message);
  };
});
afterEach(() => {
  internalLogger.reset();
  rmSync(dir, { recursive: true, force: true });
});

const MB20 = 'x'.repeat(20_000_000);

/** Every line (with its newline) is at most MAX_RECORD_LINE_BYTES; returns the parsed, schema-checked records. */
function linesWithinLimit(path: string): Rec[] {
  const text = readFileSync(path);
  let start = 0;
  for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, start)) {
    assert.ok(i + 1 - start <= MAX_RECORD_LINE_BYTES, `a line of ${i + 1 - start} bytes is over the limit`);
    start = i + 1;
  }
  assert.equal(start, text.length, 'the file ends with a newline');
  return readRecords(path);
}

function tooLong(records: Rec[]): Rec[] {
  return records.filter((r) => r.type === 'telemetry_data_error');
}

describe('issue 12 item 6: one record-line limit, enforced when writing', () => {
  for (const buffered of [false, true]) {
    const mode = buffered ? 'buffered mode' : 'per-record mode';
    test(`issue 12 item 6: ${mode}: a span with a 20 MB attribute is replaced by a telemetry-data error naming the span and the limit`, async () => {
      const exporter = new FileExporter({ filePath: join(dir, 'out.jsonl'), buffered });
      const recorder = new DefaultRecorder({ exporters: [exporter] });
      recorder.stop(recorder.start('before'));
      const big = recorder.start('huge_span', { spanAttributes: { blob: MB20 } });
      recorder.stop(big);
      recorder.stop(recorder.start('after'));
      await recorder.close();
      const records = linesWithinLimit(exporter.filePath);
      assert.deepEqual(
        records.map((r) => (r.type === 'complete' ? r.name : r.type)),
        ['before', 'telemetry_data_error', 'after'],
      );
      assert.deepEqual(
        records.map((r) => r.count),
        [1, 2, 3],
        'the error takes the count of the record it replaces',
      );
      const attrs = tooLong(records)[0]?.error.attributes;
      const lineBytes = attrs.line_bytes as number;
      assert.ok(lineBytes > 20_000_000 && lineBytes < 20_001_000, `line_bytes ${lineBytes}`);
      const id = (big as { id: string }).id;
      const message = `The complete record of span huge_span (id=${id}) was not written: its line is ${lineBytes} bytes, over the limit of 8388608 bytes per record line`;
      assert.deepEqual(
        { ...attrs, timestamp_msec: 0 },
        {
          error_message: message,
          telemetry_data_error_type: 'incomplete_telemetry_data',
          span_name: 'huge_span',
          span_id: id,
          record_type: 'complete',
          line_bytes: lineBytes,
          max_line_bytes: MAX_RECORD_LINE_BYTES,
          timestamp_msec: 0,
        },
      );
      assert.deepEqual(warnings, [`FileExporter: ${message}`]);
    });
  }

  test('issue 12 item 6: start and stop records of an over-long running span, and an over-long event, are each replaced', async () => {
    const exporter = new FileExporter({ filePath: join(dir, 'out.jsonl') });
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    const parent = recorder.start('parent', { spanAttributes: { blob: MB20 } });
    const child = recorder.start('child');
    recorder.event(child, Event.create('big_event', { payload: MB20 }));
    recorder.stop(child);
    recorder.stop(parent);
    await recorder.close();
    const records = linesWithinLimit(exporter.filePath);
    assert.deepEqual(
      records.map((r) =>
        r.type === 'telemetry_data_error' ? `${r.error.attributes.record_type}:${r.error.attributes.span_name}` : `${r.type}:${r.name}`,
      ),
      ['start:parent', 'start:child', 'event:child', 'stop:child', 'stop:parent'],
    );
    const event = tooLong(records).find((r) => r.error.attributes.record_type === 'event');
    assert.equal(event?.error.attributes.event_name, 'big_event');
    assert.match(
      event?.error.attributes.error_message,
      /^The event record big_event of span child \(id=[^)]+\) was not written: its line is \d+ bytes/,
    );
  });

  test('issue 12 item 6: the limit counts UTF-8 bytes, not characters; a line just under the limit is written', async () => {
    const exporter = new FileExporter({ filePath: join(dir, 'out.jsonl') });
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    // 3 M characters, 9 M bytes in UTF-8.
    recorder.stop(recorder.start('euros', { spanAttributes: { s: '€'.repeat(3_000_000) } }));
    // Just under: the rest of the record is far less than 4 KiB.
    recorder.stop(recorder.start('fits', { spanAttributes: { s: 'y'.repeat(MAX_RECORD_LINE_BYTES - 4096) } }));
    await recorder.close();
    const records = linesWithinLimit(exporter.filePath);
    assert.equal(records[0]?.type, 'telemetry_data_error');
    assert.equal(records[0]?.error.attributes.span_name, 'euros');
    assert.ok((records[0]?.error.attributes.line_bytes as number) > 9_000_000);
    assert.equal(records[1]?.name, 'fits');
    assert.equal(records[1]?.attributes.s.length, MAX_RECORD_LINE_BYTES - 4096);
  });

  test('issue 12 item 6: an over-long telemetry-data error of the recorder is replaced too, and a long span name is cut in the message', async () => {
    const exporter = new FileExporter({ filePath: join(dir, 'out.jsonl') });
    const recorder = new DefaultRecorder({ exporters: [exporter] });
    recorder.telemetryDataError('bad data', { detail: MB20 });
    const longName = `n${'a'.repeat(300)}`;
    recorder.stop(recorder.start(longName, { spanAttributes: { blob: MB20 } }));
    await recorder.close();
    const records = linesWithinLimit(exporter.filePath);
    assert.equal(records.length, 2);
    assert.match(
      records[0]?.error.attributes.error_message,
      /^The telemetry_data_error record was not written: its line is \d+ bytes, over the limit of 8388608 bytes per record line$/,
    );
    assert.equal(records[1]?.error.attributes.span_name, `${longName.slice(0, 200)}... (301 characters)`);
  });
});
