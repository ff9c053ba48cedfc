// Runs the TF.js training demo (examples/tfjs-training) twice in a temp dir — a fresh run and a --resume run of
// the same session — and checks its checkpoints, telemetry, summary and report.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fileSystemLoadHandler } from '@nv-one-logger/tfjs';
import * as tf from '@tensorflow/tfjs';
import { chromium } from 'playwright-core';
import { type Rec, readRecords } from '../../../packages/core/test/helpers/records.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SESSION = 'tfjs-test';
// 2048 training samples in batches of 64: 32 batches per epoch.
const BATCHES = 32;

function run(out: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['examples/tfjs-training/main.mjs', '--session', SESSION, '--out', out, '--batch-size', '64', '--checkpoint-every', '2', ...args],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const events = (records: Rec[], name: string) => records.filter((r) => r.type === 'event' && r.event.name === name);
const starts = (records: Rec[], name: string) => records.filter((r) => r.type === 'start' && r.name === name);

/** Opens the demo's report in headless Chromium, saves a screenshot, and counts the points of the loss chart. */
async function lossChart(
  report: string,
  screenshot: string,
): Promise<{ training: number; validation: number; legend: string[]; saysPerGpu: boolean }> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
    const artifacts = join(root, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, screenshot), fullPage: true });
    return await page.evaluate(() => {
      const fig = document.querySelector('figure[data-chart="metric:loss"]');
      return {
        training: fig?.querySelectorAll('g.ol-metric-training circle').length ?? 0,
        validation: fig?.querySelectorAll('g.ol-metric-validation circle').length ?? 0,
        legend: Array.from(fig?.querySelectorAll('.legend li') ?? []).map((li) => li.textContent ?? ''),
        saysPerGpu: document.body.innerText.includes('per GPU'),
      };
    });
  } finally {
    await browser.close();
  }
}

test('the TF.js demo trains, checkpoints, records, summarizes, and resumes from its last checkpoint', async () => {
  tf.enableProdMode();
  const out = mkdtempSync(join(tmpdir(), 'tfjs-training-'));
  const dir = join(out, SESSION);
  try {
    // ---- fresh run: 3 epochs, a checkpoint every 2 epochs plus one of the final weights.
    const first = run(out, '--epochs', '3');
    assert.equal(first.match(/^epoch +\d+\/3: loss [\d.]+, acc [\d.]+, val loss [\d.]+, val acc [\d.]+/gm)?.length, 3, first);
    assert.match(first, /trained to global step 96 /);
    assert.match(first, /Training\s+training loops\s+1\s+iterations\s+96 this job/);
    assert.match(first, /saves\s+2 \(2 sync, 0 async\), 2 successful/);
    assert.match(first, /^report written to .*report\.html \([\d.]+ KiB\)$/m);
    assert.match(first, /^open it in a browser: file:\/\/.*report\.html$/m);
    assert.deepEqual(readdirSync(join(dir, 'checkpoints')).sort(), ['step-64', 'step-96']);
    const reloaded = await tf.loadLayersModel(fileSystemLoadHandler(join(dir, 'checkpoints', 'step-96')));
    assert.equal(reloaded.name, 'mlp_classifier');
    const probs = reloaded.predict(tf.zeros([1, 8])) as tf.Tensor;
    assert.deepEqual(probs.shape, [1, 3]);
    assert.ok(Math.abs(((await probs.sum().data())[0] as number) - 1) < 1e-4);
    probs.dispose();
    reloaded.dispose();

    let records = readRecords(join(dir, 'telemetry.jsonl'));
    const loop = starts(records, 'training_loop');
    assert.equal(loop.length, 1);
    assert.equal(loop[0]?.attributes.train_iterations_start, 0);
    assert.equal(loop[0]?.attributes.train_iterations_target, 3 * BATCHES);
    const metrics = events(records, 'training_metrics_update');
    assert.equal(metrics.at(-1)?.event.attributes.num_iterations, 3 * BATCHES); // iterations = epochs × batches
    assert.equal(metrics.at(-1)?.event.attributes.current_iteration, 3 * BATCHES - 1);
    assert.equal(starts(records, 'validation_loop').length, 3); // one validation loop per epoch
    assert.equal(events(records, 'validation_metrics_update').length, 3);
    assert.deepEqual(
      events(records, 'save_checkpoint_success').map((e) => e.event.attributes.current_iteration),
      [64, 96],
    );
    assert.equal(starts(records, 'checkpoint_save_sync').length, 2);
    assert.ok(statSync(join(dir, 'report.html')).size > 1000);
    assert.equal(records.at(-1)?.name, 'application');
    assert.equal(records.at(-1)?.type, 'stop');

    // ---- model metrics: the real loss of every epoch (as printed) and of every 16th batch (logEveryNTrainIterations).
    const modelMetrics = events(records, 'model_metrics').map((e) => e.event.attributes);
    const epochEnds = modelMetrics.filter((m) => 'val_loss' in m);
    const printed = [...first.matchAll(/^epoch +\d+\/3: loss ([\d.]+), acc ([\d.]+), val loss ([\d.]+), val acc ([\d.]+)/gm)];
    assert.deepEqual(
      epochEnds.map((m) => [m.global_step, m.loss.toFixed(4), m.acc.toFixed(3), m.val_loss.toFixed(4), m.val_acc.toFixed(3)]),
      printed.map((p, i) => [(i + 1) * BATCHES, p[1], p[2], p[3], p[4]]),
    );
    const batchLogs = modelMetrics.filter((m) => !('val_loss' in m));
    assert.deepEqual(
      batchLogs.map((m) => m.global_step),
      [16, 32, 48, 64, 80, 96],
    );
    for (const m of batchLogs) assert.ok(m.loss > 0 && m.acc >= 0 && m.acc <= 1, JSON.stringify(m));
    // Each training update carries the last training loss logged before it (records in file order).
    let lastLoss: number | undefined;
    for (const r of records) {
      if (r.type !== 'event') continue;
      if (r.event.name === 'model_metrics' && typeof r.event.attributes.loss === 'number') lastLoss = r.event.attributes.loss;
      if (r.event.name === 'training_metrics_update') assert.equal(r.event.attributes.latest_loss, lastLoss);
    }
    // The summary prints the final and the best loss with their steps.
    const losses = [...batchLogs, ...epochEnds].map((m) => m.loss as number);
    const lossLine = first.match(/^ {2}loss +last ([\d.e-]+) \(step (\d+)\), min ([\d.e-]+) \(step (\d+)\), max/m);
    assert.ok(lossLine, first);
    assert.equal(Number(lossLine[2]), 96);
    assert.ok(Math.abs(Number(lossLine[1]) - (epochEnds.at(-1)?.loss as number)) < 1e-5);
    assert.ok(Math.abs(Number(lossLine[3]) - Math.min(...losses)) < 1e-5);
    assert.match(first, /^ {2}val_loss +last [\d.e-]+ \(step 96\), min/m);
    // The report draws the loss curve (6 batch + 3 epoch values) with the val_loss curve on the same axes.
    assert.deepEqual(await lossChart(join(dir, 'report.html'), 'tfjs-demo-report.png'), {
      training: 9,
      validation: 3,
      legend: ['loss (training)', 'val_loss (validation)'],
      saysPerGpu: false, // the demo trains on the CPU backend
    });
    assert.doesNotMatch(first, /per GPU/);

    // ---- resume: loads step-96, continues the global step for 2 more epochs, async checkpoints, same telemetry file.
    const second = run(out, '--resume', '--epochs', '2', '--async-checkpoints');
    assert.match(second, /resuming session tfjs-test from .*step-96 \(global step 96, epoch 3\)/);
    assert.match(second, /^epoch +4\/5: /m);
    assert.match(second, /^epoch +5\/5: /m);
    assert.match(second, /trained to global step 160 /);
    assert.match(second, /training loops\s+2\s+iterations\s+160 this job/);
    assert.match(second, /checkpoint load\s+\d+ ms/);
    assert.deepEqual(readdirSync(join(dir, 'checkpoints')).sort(), ['step-128', 'step-160', 'step-64', 'step-96']);
    assert.ok(existsSync(join(dir, 'checkpoints', 'step-160', 'weights.bin')));

    records = readRecords(join(dir, 'telemetry.jsonl'));
    const apps = starts(records, 'application');
    assert.equal(apps.length, 2); // both sessions in one file
    assert.equal(records.filter((r) => r.type === 'complete' && r.name === 'checkpoint_load').length, 1);
    const resumed = starts(records, 'training_loop')[1];
    assert.equal(resumed?.attributes.train_iterations_start, 96);
    assert.equal(resumed?.attributes.train_iterations_target, 5 * BATCHES);
    const resumedMetrics = events(records, 'training_metrics_update').filter((e) => e.span_id === resumed?.id);
    assert.equal(resumedMetrics.at(-1)?.event.attributes.current_iteration, 5 * BATCHES - 1);
    assert.equal(resumedMetrics.at(-1)?.event.attributes.num_iterations, 2 * BATCHES);
    assert.equal(starts(records, 'validation_loop').length, 5);
    // Async strategy: the successes of the resumed run land on its application span.
    const asyncSuccesses = events(records, 'save_checkpoint_success').filter((e) => e.span_id === apps[1]?.id);
    assert.deepEqual(
      asyncSuccesses.map((e) => e.event.attributes.current_iteration),
      [128, 160],
    );
    assert.equal(starts(records, 'checkpoint_save_async').length, 2);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
