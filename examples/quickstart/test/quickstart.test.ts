// Runs examples/quickstart/main.mjs (the README/issue program, against the built package) in a temp dir.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRecords } from '../../../packages/core/test/helpers/records.js';

const program = fileURLToPath(new URL('../main.mjs', import.meta.url));

test('the quick-start program links every span to its own parent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quickstart-'));
  try {
    const run = spawnSync(process.execPath, [program], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    // It says where its output went.
    assert.equal(
      run.stdout,
      `telemetry written to ${join(realpathSync(dir), 'out/core.jsonl')} (summarize it: npx one-logger summarize out/core.jsonl)\n`,
    );
    const records = readRecords(join(dir, 'out/core.jsonl'));
    const byId = new Map(records.filter((r) => r.id).map((r) => [r.id, r]));
    const app = records.find((r) => r.name === 'application' && r.type === 'start');
    assert.ok(app, 'application start record');
    const shards = records.filter((r) => r.name === 'process_shard' && r.type === 'start');
    assert.deepEqual(shards.map((s) => s.attributes.shard).sort(), ['a', 'b', 'c']);
    for (const s of shards) assert.equal(s.parent_id, app.id);
    // Concurrent shards interleave, so a load is a start + stop pair (or one complete record).
    const loads = records.filter((r) => r.name === 'load' && r.type !== 'stop');
    assert.equal(loads.length, 3);
    const loadShards = loads.map((l) => byId.get(l.parent_id)?.attributes.shard).sort();
    assert.deepEqual(loadShards, ['a', 'b', 'c']);
    const loadEnds = records.filter((r) => r.name === 'load' && r.type !== 'start');
    assert.equal(loadEnds.length, 3);
    for (const l of loadEnds) assert.ok(l.attributes.duration_msec >= 4, `load lasted ${l.attributes.duration_msec} ms`);
    const done = records.filter((r) => r.type === 'event' && r.event.name === 'shard_done');
    assert.equal(done.length, 3);
    for (const d of done) {
      const shard = byId.get(d.span_id);
      assert.equal(shard?.name, 'process_shard');
      assert.equal(d.event.attributes.shard, shard?.attributes.shard);
      assert.equal(d.event.attributes.rows, 100);
    }
    assert.equal(records.filter((r) => r.type === 'stop' && r.name === 'application').length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
