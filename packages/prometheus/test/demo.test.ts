// The TF.js demo with --prometheus-port: while it trains, /metrics serves the live training metrics, and every
// value scraped is one the job's JSONL also holds.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRecords } from '../../core/test/helpers/records.js';
import { sampleFor, textSamples } from './helpers/expected.js';
import { freePort } from './helpers/servers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let out = '';
before(() => {
  out = mkdtempSync(join(os.tmpdir(), 'prom-demo-'));
});
after(() => rmSync(out, { recursive: true, force: true }));

describe('TF.js demo --prometheus-port', () => {
  it('serves the training metrics while training; scraped values match the telemetry JSONL', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['examples/tfjs-training/main.mjs', '--epochs', '4', '--session', 'prom', '--out', out, '--prometheus-port', String(port)],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let running = true;
    void exited.then(() => {
      running = false;
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    // Scrape every 100 ms while the demo runs (the endpoint closes when the job ends).
    const scrapes: string[] = [];
    while (running) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/metrics`);
        if (r.status === 200) scrapes.push(await r.text());
      } catch {
        // not listening yet, or closed at the end
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    clearTimeout(killer);
    assert.equal(await exited, 0, stderr);
    assert.ok(stdout.includes(`prometheus metrics at http://127.0.0.1:${port}/metrics while the job trains`), stdout);

    const records = readRecords(join(out, 'prom', 'telemetry.jsonl'));
    const jsonlLosses = new Set(
      records.filter((r) => r.event?.name === 'model_metrics' && 'loss' in r.event.attributes).map((r) => r.event.attributes.loss),
    );
    const jsonlIterations = new Set(
      records.filter((r) => r.event?.name === 'training_metrics_update').map((r) => r.event.attributes.num_iterations),
    );
    const withLoss = scrapes.map(textSamples).filter((s) => sampleFor(s, 'one_logger_model_loss').length === 1);
    assert.ok(withLoss.length >= 1, `a scrape during training holds the loss (${scrapes.length} scrapes)`);
    let previous = 0;
    for (const samples of withLoss) {
      const loss = sampleFor(samples, 'one_logger_model_loss')[0]?.value;
      assert.ok(jsonlLosses.has(loss), `scraped loss ${loss} is a logged loss`);
      const iterations = sampleFor(samples, 'one_logger_train_iterations_total')[0]?.value ?? 0;
      assert.ok(iterations === 0 || jsonlIterations.has(iterations), `scraped iterations ${iterations} were reported in the JSONL`);
      assert.ok(iterations >= previous, 'the iteration counter never goes back');
      previous = iterations;
      assert.equal(sampleFor(samples, 'one_logger_model_loss')[0]?.labels.application, 'tfjs_training');
    }
  });
});
