// Runs examples/custom-loop (a plain TypeScript SGD loop with async checkpoints) and checks what it wrote.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRecords } from '../../../packages/core/test/helpers/records.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('the custom loop trains, saves async checkpoints from a background task, and records them', () => {
  const out = mkdtempSync(join(tmpdir(), 'custom-loop-'));
  try {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'examples/custom-loop/main.ts', '--epochs', '3', '--checkpoint-every', '40', '--out', out],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    // The data is y = 3·x1 − 2·x2 + 0.5·x3 + 1 (+ small noise): SGD must recover it to ~0.01.
    const fit = /trained 120 iterations; weights (\S+), (\S+), (\S+), bias (\S+)/.exec(run.stdout);
    assert.ok(fit, run.stdout);
    const [w1, w2, w3, b] = fit.slice(1).map(Number);
    for (const [got, want] of [
      [w1, 3],
      [w2, -2],
      [w3, 0.5],
      [b, 1],
    ] as const) {
      assert.ok(Math.abs((got as number) - want) < 0.01, `${got} should be ~${want}`);
    }
    for (const step of [40, 80, 120]) {
      const saved = JSON.parse(readFileSync(join(out, 'checkpoints', `step-${step}.json`), 'utf8'));
      assert.equal(saved.step, step);
      assert.equal(saved.w.length, 3);
    }
    assert.equal(existsSync(join(out, 'checkpoints', 'step-160.json')), false);
    const records = readRecords(join(out, 'telemetry.jsonl'));
    const app = records.find((r) => r.type === 'start' && r.name === 'application');
    const successes = records.filter((r) => r.type === 'event' && r.event.name === 'save_checkpoint_success');
    // Async strategy: successes land on the application span, each with the productivity at its save start.
    assert.deepEqual(
      successes.map((s) => [s.span_id, s.event.attributes.current_iteration, s.event.attributes.productive_train_iterations]),
      [
        [app?.id, 40, 40],
        [app?.id, 80, 80],
        [app?.id, 120, 120],
      ],
    );
    assert.deepEqual(
      successes.map((s) => s.event.attributes.save_checkpoint_success_count),
      [1, 2, 3],
    );
    const saves = records.filter((r) => r.name === 'checkpoint_save_async' && r.type !== 'stop');
    assert.equal(saves.length, 3);
    for (const s of saves) assert.equal(s.attributes.checkpoint_strategy, 'async');
    const metrics = records.filter((r) => r.type === 'event' && r.event.name === 'training_metrics_update');
    assert.deepEqual(
      metrics.map((m) => m.event.attributes.current_iteration),
      [9, 19, 29, 39, 49, 59, 69, 79, 89, 99, 109, 119],
    );
    const last = metrics[metrics.length - 1]?.event.attributes;
    assert.equal(last.num_train_samples, 120 * 32);
    assert.equal(last.total_flops, 120 * 32 * 18);
    assert.equal(records.filter((r) => r.type === 'event' && r.event.name === 'validation_metrics_update').length, 3);
    assert.equal(records.at(-1)?.name, 'application');
    assert.equal(records.at(-1)?.type, 'stop');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
