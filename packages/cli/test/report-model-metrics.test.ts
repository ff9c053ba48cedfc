// The model-metric charts of the HTML report in headless Chromium: a job written by the real training-telemetry
// library (logMetrics with a fake clock) → summarize → renderReport. One chart per metric against the step, the
// validation twin on the same axes, a samples/s chart; the same in a two-file report. Points are counted and the
// labels read in the rendered page; a screenshot goes to test-artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { logMetrics, onTrainEnd, onTrainStart, onValidationEnd, onValidationStart } from '@nv-one-logger/training-telemetry';
import { type Browser, chromium } from 'playwright-core';
import { renderReport } from '../src/report/index.js';
import { groupMetricSeries, samplesPerSecond } from '../src/report/model-metric-charts.js';
import { summarize } from '../src/summary/summarize.js';
import { clock, iteration, runJob } from './helpers/jobs.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

let dir: string;
let browser: Browser;
const files = { a: '', b: '' };

/**
 * 12 iterations of 200 ms (batch 16, an update every 3): loss and acc every 2 steps (6 values), val_loss and
 * val_acc at steps 4, 8 and 12 (3 values), and `lr` (no validation twin) at steps 6 and 12.
 */
async function writeJob(path: string, sessionTag: string, scale: number): Promise<void> {
  await runJob({ path, sessionTag, telemetry: { globalBatchSize: 16, logEveryNTrainIterations: 3 } }, () => {
    onTrainStart({ trainIterationsStart: 0 });
    for (let step = 1; step <= 12; step++) {
      iteration(200);
      if (step % 2 === 0) logMetrics({ loss: (scale * 2) / step, acc: 1 - 1 / step });
      if (step % 4 === 0) {
        onValidationStart();
        clock.advance(50);
        logMetrics({ val_loss: (scale * 2.5) / step, val_acc: 0.9 - 1 / step });
        onValidationEnd();
      }
      if (step % 6 === 0) logMetrics({ lr: 0.01 / step });
    }
    onTrainEnd();
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-report-metrics-'));
  files.a = join(dir, 'a.jsonl');
  files.b = join(dir, 'b.jsonl');
  await writeJob(files.a, 'run-a', 1);
  await writeJob(files.b, 'run-b', 2);
  mkdirSync(ARTIFACTS, { recursive: true });
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  } catch (err) {
    throw new Error(
      `Cannot launch headless Chromium at ${CHROMIUM} (install Debian's chromium: apt-get install -y chromium).\n${String(err)}`,
    );
  }
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function reportOf(paths: string[], name: string): Promise<string> {
  const result = await summarize(paths, { spans: true, metrics: true });
  const out = join(ARTIFACTS, name);
  writeFileSync(out, renderReport({ summaries: result.perSession, perFile: result.details }));
  return out;
}

interface ChartInfo {
  title: string;
  training: number;
  validation: number;
  legend: string[];
  axisLabels: string[];
}

async function charts(
  path: string,
  screenshot?: string,
): Promise<{ perFile: Record<string, ChartInfo>[]; samples: number[]; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, offline: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  try {
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    if (screenshot !== undefined) await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
    return await page.evaluate(() => {
      const sections = Array.from(document.querySelectorAll('section.file'));
      const perFile = sections.map((section) => {
        const out: Record<string, ChartInfo> = {};
        for (const fig of Array.from(section.querySelectorAll('figure[data-chart^="metric:"]'))) {
          const name = (fig.getAttribute('data-chart') ?? '').slice('metric:'.length);
          out[name] = {
            title: fig.querySelector('h3')?.textContent ?? '',
            training: fig.querySelectorAll('g.ol-metric-training circle').length,
            validation: fig.querySelectorAll('g.ol-metric-validation circle').length,
            legend: Array.from(fig.querySelectorAll('.legend li')).map((li) => li.textContent ?? ''),
            axisLabels: Array.from(fig.querySelectorAll('svg g[aria-label$="axis label"] text')).map((t) => t.textContent ?? ''),
          };
        }
        return out;
      });
      const samples = sections.map((s) => s.querySelectorAll('figure[data-chart="samples-per-second"] g.ol-samples circle').length);
      return { perFile, samples, errors: [] as string[] };
    });
  } finally {
    await context.close();
  }
}

describe('report: model metric charts in headless Chromium', () => {
  test('one chart per metric by step; val_ twins on the same axes; samples/s over time; labels present', async () => {
    const path = await reportOf([files.a], 'report-model-metrics.html');
    const r = await charts(path, 'report-model-metrics.png');
    assert.equal(r.perFile.length, 1);
    const c = r.perFile[0] as Record<string, ChartInfo>;
    assert.deepEqual(Object.keys(c), ['loss', 'acc', 'lr']);
    assert.deepEqual(c.loss, {
      title: 'loss',
      training: 6,
      validation: 3,
      legend: ['loss (training)', 'val_loss (validation)'],
      axisLabels: ['↑ loss', 'global step →'],
    });
    assert.equal(c.acc?.training, 6);
    assert.equal(c.acc?.validation, 3);
    assert.deepEqual(c.acc?.legend, ['acc (training)', 'val_acc (validation)']);
    assert.equal(c.lr?.training, 2);
    assert.equal(c.lr?.validation, 0);
    // One samples/s point per training update: steps 3, 6, 9, 12.
    assert.deepEqual(r.samples, [4]);
    assert.deepEqual(r.errors, []);
  });

  test('the multi-file report has the same charts in every file section', async () => {
    const path = await reportOf([files.a, files.b], 'report-model-metrics-two-files.html');
    const r = await charts(path);
    assert.equal(r.perFile.length, 2);
    for (const c of r.perFile) {
      assert.deepEqual(Object.keys(c), ['loss', 'acc', 'lr']);
      assert.equal(c.loss?.training, 6);
      assert.equal(c.loss?.validation, 3);
    }
    assert.deepEqual(r.samples, [4, 4]);
  });
});

describe('model metric chart data', () => {
  test('grouping: a training metric with its val_ twin (or a same-named validation series); lone validation metrics alone', () => {
    const s = (name: string, validation: boolean) => ({ name, validation, points: [{ step: 1, value: 1, timeMs: 0 }] });
    const groups = groupMetricSeries([s('loss', false), s('val_loss', true), s('acc', false), s('top5', true), s('acc', true)]);
    assert.deepEqual(
      groups.map((g) => [g.name, g.training?.name, g.validation?.name]),
      [
        ['loss', 'loss', 'val_loss'],
        ['acc', 'acc', 'acc'],
        ['top5', undefined, 'top5'],
      ],
    );
  });

  test('samples/s per reporting interval: samples per iteration over the interval mean iteration time', async () => {
    const result = await summarize([files.a], { metrics: true });
    const rates = samplesPerSecond(result.details[0]?.metrics ?? []).map((r) => r.value);
    // 16 samples per 200 ms iteration.
    assert.equal(rates.length, 4);
    for (const v of rates) assert.ok(Math.abs(v - 80) < 1e-9, String(v));
  });
});
