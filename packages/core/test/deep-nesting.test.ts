// Deep synchronous timedSpan nesting: the library adds one small frame per level, so nesting reaches nearly
// the depth a plain wrapper reaches, and a stack overflow leaves the recorder consistent.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { OneLoggerProvider } from '../src/api/provider.js';
import { getRecorder, timedSpan } from '../src/api/timed-span.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { DEFAULT_LOG_FORMAT, internalLogger } from '../src/internal/logger.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';
import { readRecords } from './helpers/records.js';

const root = mkdtempSync(join(tmpdir(), 'olg-deep-nesting-'));
after(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  // The library's own diagnostics (one per level that overflowed) go to a file, not to the test's stream.
  internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: join(root, 'onelogger.log') });
});
afterEach(async () => {
  await OneLoggerProvider.instance().shutdown();
  OneLoggerProvider.resetForTests();
});

/** What an application would write without the library: time the body, keep its result and its error. */
function plainWrapper<T>(name: string, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    lastDuration.set(name, performance.now() - t0);
  }
}
const lastDuration = new Map<string, number>();

/** The deepest level reached by recursing through `wrap` until the stack overflows. */
function maxDepth(wrap: (name: string, body: () => void) => void): number {
  let deepest = 0;
  const level = (n: number): void => {
    deepest = n;
    wrap('level', () => level(n + 1));
  };
  assert.throws(() => level(1), RangeError);
  return deepest;
}

describe('issue 12 item 10: deep synchronous timedSpan nesting', () => {
  test('issue 12 item 10: timedSpan nesting reaches at least 80% of the depth of a plain wrapper', () => {
    OneLoggerProvider.instance().configure(
      { applicationName: 'deep', sessionTag: 's', worldSize: 1 },
      new DefaultRecorder({ exporters: [] }),
    );
    const plain = maxDepth(plainWrapper);
    const timed = maxDepth(timedSpan);
    assert.ok(timed >= 0.8 * plain, `timedSpan reached ${timed} levels, a plain wrapper ${plain} (${Math.round((100 * timed) / plain)}%)`);
    // The overflow unwound every level: no scope stays current. (The deepest levels had no stack left to stop
    // their spans; those are stopped by close(), see the next test.)
    assert.equal((getRecorder() as DefaultRecorder).currentSpan(), undefined);
    assert.ok((getRecorder() as DefaultRecorder).getActiveSpansByName('level').length < timed / 2);
  });

  test('issue 12 item 10: after an overflow, spans nest under the right parent again (sync and async bodies)', async () => {
    const file = join(root, 'after-overflow.jsonl');
    OneLoggerProvider.instance().configure(
      { applicationName: 'deep', sessionTag: 's', worldSize: 1 },
      new DefaultRecorder({ exporters: [new FileExporter({ filePath: file })] }),
    );
    assert.ok(maxDepth(timedSpan) > 100);
    timedSpan('outer', () => {
      timedSpan('inner_sync', () => 1);
    });
    await timedSpan('outer_async', async () => {
      await new Promise((r) => setTimeout(r, 1));
      timedSpan('inner_after_await', () => 2);
    });
    timedSpan('top_again', () => 3);
    await OneLoggerProvider.instance().shutdown();
    const records = readRecords(file);
    const byName = (n: string) => {
      const found = records.find((r) => r.name === n && (r.type === 'complete' || r.type === 'start'));
      assert.ok(found, `a record of ${n}`);
      return found;
    };
    assert.equal(byName('inner_sync').parent_id, byName('outer').id);
    assert.equal(byName('inner_after_await').parent_id, byName('outer_async').id);
    assert.equal(byName('outer').parent_id, undefined);
    assert.equal(byName('top_again').parent_id, undefined);
    // The file exporter was not disabled by the overflow (the records above prove it) and the levels were
    // stopped while the stack unwound or by close(); only the deepest few, stopped with no stack left for the
    // export, lack their stop record.
    const levels = records.filter((r) => r.name === 'level');
    const started = new Set(levels.filter((r) => r.type === 'start' || r.type === 'complete').map((r) => r.id));
    const stopped = new Set(levels.filter((r) => r.type === 'stop' || r.type === 'complete').map((r) => r.id));
    assert.ok(started.size > 100);
    assert.ok(started.size - stopped.size < started.size / 10, `${started.size - stopped.size} of ${started.size} levels lack a stop`);
  });
});
