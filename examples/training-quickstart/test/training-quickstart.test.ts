// Runs examples/training-quickstart/main.mjs (the training callbacks of one short job) in a temp dir.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRecords } from '../../../packages/core/test/helpers/records.js';

const program = fileURLToPath(new URL('../main.mjs', import.meta.url));

test('the training quick-start program records its job and says where the file is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'training-quickstart-'));
  try {
    const run = spawnSync(process.execPath, [program], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const file = join(realpathSync(dir), 'out/training.jsonl');
    assert.equal(run.stdout, `telemetry written to ${file} (summarize it: npx one-logger summarize out/training.jsonl)\n`);
    const records = readRecords(file);
    const loop = records.find((r) => r.name === 'training_loop' && r.type === 'stop');
    assert.ok(loop, 'training_loop stopped');
    const updates = records.filter((r) => r.type === 'event' && r.event.name === 'training_metrics_update');
    // Five iterations, logged every two, and the last one at the end of the loop.
    assert.deepEqual(
      updates.map((u) => u.event.attributes.num_iterations),
      [2, 4, 5],
    );
    const saves = records.filter((r) => r.type === 'event' && r.event.name === 'save_checkpoint_success');
    assert.equal(saves.length, 1);
    assert.equal(saves[0]?.event.attributes.productive_train_iterations, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
