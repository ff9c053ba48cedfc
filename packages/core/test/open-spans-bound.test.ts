// Spans that are never stopped: the recorder tracks at most `maxOpenSpans` of them, reports the bound once,
// and keeps the job running; spans past the bound are exported but not tracked.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { OneLoggerError } from '../src/core/errors.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { internalLogger } from '../src/internal/logger.js';
import { DEFAULT_MAX_OPEN_SPANS, DefaultRecorder } from '../src/recorder/default-recorder.js';
import { fixture, runChild } from './helpers/child.js';
import { captureLibraryLog } from './helpers/library-log.js';
import { readRecords } from './helpers/records.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const root = mkdtempSync(join(tmpdir(), 'olg-open-spans-'));
after(() => rmSync(root, { recursive: true, force: true }));

const BOUND_MESSAGE =
  'More than 1000 spans are open at once (started and not stopped). Spans started past this bound are still ' +
  'exported, but the recorder does not track them: they do not become the current span, they are not stopped ' +
  'at close and their stop is exported only if the application stops them.';

describe('issue 12 item 9: never-stopped spans', () => {
  test('issue 12 item 9: past maxOpenSpans the bound is reported once, spans are still exported, close stops only the tracked ones', async () => {
    const file = join(root, 'leak.jsonl');
    const recorder = new DefaultRecorder({ exporters: [new FileExporter({ filePath: file, buffered: true })], maxOpenSpans: 1000 });
    for (let i = 0; i < 5000; i++) recorder.start('leaked', { activate: false });
    // The job goes on: spans started past the bound work as usual when the application stops them.
    const late = recorder.start('late', { activate: false });
    recorder.stop(late);
    assert.equal(recorder.getActiveSpansByName('leaked').length, 1000);
    assert.deepEqual(recorder.getActiveSpansByName('late'), []);
    await recorder.close();
    const records = readRecords(file);
    const errors = records.filter((r) => r.type === 'telemetry_data_error');
    assert.deepEqual(
      errors.map((r) => [r.error.attributes.error_message, r.error.attributes.telemetry_data_error_type]),
      // Only span starts were exported so far, which the reference does not count as delivered data.
      [[BOUND_MESSAGE, 'no_telemetry_data']],
    );
    // Reported when the 1001st span started: right after the 1000 tracked starts.
    assert.equal(records.indexOf(errors[0] as never), 1000);
    assert.equal(records.filter((r) => r.type === 'start' && r.name === 'leaked').length, 5000);
    // close() stopped the 1000 tracked spans (the first ones, latest first) and nothing else.
    const stops = records.filter((r) => r.type === 'stop' && r.name === 'leaked');
    assert.equal(stops.length, 1000);
    const firstIds = new Set(
      records
        .filter((r) => r.type === 'start' && r.name === 'leaked')
        .slice(0, 1000)
        .map((r) => r.id),
    );
    assert.ok(stops.every((r) => firstIds.has(r.id)));
    assert.equal(records.filter((r) => r.name === 'late' && r.type === 'complete').length, 1);
  });

  test('issue 12 item 9: the default bound is 100,000 tracked spans; a span past it is not kept by the recorder', () => {
    assert.equal(DEFAULT_MAX_OPEN_SPANS, 100_000);
    const recorder = new DefaultRecorder({ exporters: [] });
    for (let i = 0; i < DEFAULT_MAX_OPEN_SPANS + 10; i++) recorder.start('leaked', { activate: false });
    assert.equal(recorder.getActiveSpansByName('leaked').length, DEFAULT_MAX_OPEN_SPANS);
    const untracked = recorder.start('untracked', { activate: false });
    assert.equal(untracked?.active, true);
    assert.deepEqual(recorder.getActiveSpansByName('untracked'), []);
    void recorder.close();
  });

  test('issue 12 item 9: 300,000 never-stopped spans, each the parent of the next: memory and close are bounded by maxOpenSpans', async () => {
    const run = await runChild(fixture('never-stopped-spans.mts'), ['300000', '10000'], { nodeArgs: ['--expose-gc'] });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { growthMb: number; tracked: number; starts: number; stopsAtClose: number };
    assert.equal(result.starts, 300_000, 'every span is still exported');
    assert.equal(result.tracked, 10_000);
    assert.equal(result.stopsAtClose, 10_000, 'close() stops the tracked spans only');
    // 10,000 tracked spans take a few MB; keeping all 300,000 (as a chain of parents) took over 150 MB.
    assert.ok(result.growthMb < 50, `the heap grew by ${result.growthMb.toFixed(1)} MB`);
  });

  test('issue 12 item 9: a span past the bound does not become the current span; the next span gets the last tracked one as parent', () => {
    const recorder = new DefaultRecorder({ exporters: [], maxOpenSpans: 2 });
    const a = recorder.start('a');
    const b = recorder.start('b');
    const c = recorder.start('c');
    assert.equal(c?.parentSpan, b);
    assert.equal(recorder.currentSpan(), b);
    const d = recorder.start('d');
    assert.equal(d?.parentSpan, b);
    recorder.stop(c);
    recorder.stop(d);
    assert.equal(recorder.currentSpan(), b);
    assert.equal(a?.active, true);
    void recorder.close();
  });

  test('issue 12 item 9: maxOpenSpans must be a positive integer', () => {
    assert.throws(
      () => new DefaultRecorder({ exporters: [], maxOpenSpans: 1.5 }),
      (e: unknown) => e instanceof OneLoggerError && e.message === 'DefaultRecorder.maxOpenSpans: must be a positive integer (got 1.5)',
    );
  });
});
