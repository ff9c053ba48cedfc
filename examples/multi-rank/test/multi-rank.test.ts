// Runs examples/multi-rank/main.mjs (a launcher and four rank processes, rank 2 slowed) in a temp dir, then the
// real `one-logger` binary on its directory: summarize names rank 2 as the straggler (text and --json), and the
// report's job view, opened in headless Chromium, draws every rank's points on the overlays and the heatmap.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

const program = fileURLToPath(new URL('../main.mjs', import.meta.url));
const cli = fileURLToPath(new URL('../../../packages/cli/bin/one-logger.js', import.meta.url));
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ITERATIONS = 60;
const LOG_EVERY = 5;

function oneLogger(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
}

/** Points of a chart grouped by the rank named in the first line of each mark's tooltip. */
async function pointsPerRank(page: Page, chart: string, mark: string): Promise<Record<string, string[]>> {
  return page.evaluate(
    ([c, m]) => {
      const out: Record<string, string[]> = {};
      for (const node of Array.from(document.querySelectorAll(`figure[data-chart="${c}"] ${m}`))) {
        const text = node.querySelector('title')?.textContent ?? '';
        const [first = '', ...rest] = text.split('\n');
        const rank = first.replace(' (straggler)', '');
        (out[rank] ??= []).push(rest.join('\n'));
      }
      return out;
    },
    [chart, mark] as const,
  );
}

describe('examples/multi-rank: a job of four ranks, rank 2 slowed', () => {
  let dir = '';
  let telemetry = '';
  let browser: Browser | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'multi-rank-'));
    const run = spawnSync(process.execPath, [program], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    telemetry = join(dir, 'telemetry/multi-rank');
    assert.match(run.stdout, /^4 ranks finished \(rank 2 slowed\); telemetry in /);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the launcher wrote one telemetry file per rank', () => {
    assert.deepEqual(
      readdirSync(telemetry)
        .filter((f) => f.endsWith('.jsonl'))
        .sort(),
      ['rank0.jsonl', 'rank1.jsonl', 'rank2.jsonl', 'rank3.jsonl'],
    );
  });

  test('summarize on the directory prints the straggler first', () => {
    const r = oneLogger(['summarize', 'telemetry/multi-rank/'], dir);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0] ?? '', /^== job session multi-rank-.* · multi_rank_example: 4 ranks of world size 4/);
    assert.match(lines[2] ?? '', /^Stragglers: 1 rank with a median iteration time more than 5\.0% above the job median /);
    assert.match(
      lines[3] ?? '',
      /^ {2}rank 2 {2}median \d+(\.\d+)? ms \(\+\d+\.\d%\) {2}cost .* over 60 iterations {2}telemetry\/multi-rank\/rank2\.jsonl$/,
    );
    // The slowness table lists rank 2 first, marked.
    const table = lines.findIndex((l) => l.startsWith('Ranks by median iteration time'));
    assert.match(lines[table + 2] ?? '', /^ {2}2 \*/);
  });

  test('summarize --json on a quoted pattern carries the job view', () => {
    const r = oneLogger(['summarize', '--json', 'telemetry/multi-rank/rank*.jsonl'], dir);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.files.length, 4);
    assert.equal(doc.jobs.length, 1);
    const job = doc.jobs[0];
    assert.equal(job.applicationName, 'multi_rank_example');
    assert.equal(job.worldSize, 4);
    assert.deepEqual(job.missingRanks, []);
    assert.deepEqual(
      job.ranks.map((r: { rank: number; iterations: number; straggler: boolean; iterationTimeSource: string }) => [
        r.rank,
        r.iterations,
        r.straggler,
        r.iterationTimeSource,
      ]),
      [
        [0, ITERATIONS, false, 'metric updates'],
        [1, ITERATIONS, false, 'metric updates'],
        [2, ITERATIONS, true, 'metric updates'],
        [3, ITERATIONS, false, 'metric updates'],
      ],
    );
    assert.equal(job.stragglerThreshold, 0.05);
    assert.equal(job.stragglers.length, 1);
    const s = job.stragglers[0];
    assert.equal(s.rank, 2);
    // The slowed rank waits 32 ms per iteration, the others 20 ms: at least 30% slower, whatever the machine's load.
    assert.ok(s.excess > 0.3, `excess ${s.excess}`);
    assert.ok(Math.abs(s.costMs - (s.medianIterationTimeSec - job.jobMedianIterationTimeSec) * ITERATIONS * 1000) < 1e-6);
    assert.equal(job.stragglerCostMs, s.costMs);
    const spread = job.spread.find((row: { key: string }) => row.key === 'iterationTimeMedianSec');
    assert.equal(spread.maxRank, 2);
    assert.equal(spread.ranks, 4);
  });

  test('the report shows the straggler, overlays every rank and draws the heatmap (headless Chromium)', async () => {
    const r = oneLogger(['report', 'telemetry/multi-rank'], dir);
    assert.equal(r.status, 0, r.stderr);
    const reportPath = join(telemetry, 'report.html');
    assert.match(r.stdout, /^report written to .*telemetry\/multi-rank\/report\.html/);
    const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 900 }, offline: true });
    const page = await context.newPage();
    await page.goto(pathToFileURL(reportPath).href);

    const first = await page.$eval('main > section', (s) => ({ id: s.id, title: s.querySelector('h2')?.textContent }));
    assert.equal(first.id, 'job-1', 'the job view comes first');
    assert.match(first.title ?? '', /4 ranks of world size 4$/);
    const note = await page.$eval('section.job [data-note="stragglers"]', (n) => n.textContent ?? '');
    assert.match(note, /rank 2: median .* above the job median; cost .* over 60 iterations/);

    const rows = await page.$$eval('table[data-table="ranks"] tbody tr', (trs) =>
      trs.map((tr) => ({
        rank: tr.getAttribute('data-rank'),
        straggler: tr.getAttribute('data-straggler'),
        background: getComputedStyle((tr as HTMLTableRowElement).cells[0] as Element).backgroundColor,
      })),
    );
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[0]?.rank, '2', 'slowest first');
    assert.equal(rows[0]?.straggler, 'true');
    assert.ok(rows.slice(1).every((row) => row.straggler === null));
    assert.notEqual(rows[0]?.background, rows[1]?.background, 'the straggler row is highlighted');

    // One point per reporting interval per rank: 60 iterations logged every 5.
    for (const chart of ['job-iteration-time', 'job-throughput', 'job-model-metric']) {
      const points = await pointsPerRank(page, chart, 'g[aria-label="dot"] > *');
      assert.deepEqual(Object.keys(points).sort(), ['rank 0', 'rank 1', 'rank 2', 'rank 3'], chart);
      for (const [rank, list] of Object.entries(points)) {
        const expected = chart === 'job-model-metric' ? 2 * (ITERATIONS / LOG_EVERY) : ITERATIONS / LOG_EVERY; // loss and weight
        assert.equal(list.length, expected, `${chart} ${rank}`);
      }
    }
    // One line per rank (one process run each) on the iteration-time overlay, the straggler's thicker.
    const lines = await page.$$eval('figure[data-chart="job-iteration-time"] g[aria-label="line"] path', (ps) => ps.length);
    assert.equal(lines, 4);

    // Heatmap: a row of cells for every rank; the straggler's cells are the slowest.
    const cells = await pointsPerRank(page, 'job-heatmap', 'g[aria-label="bar"] > rect');
    assert.deepEqual(Object.keys(cells).sort(), ['rank 0', 'rank 1', 'rank 2', 'rank 3']);
    const ticks = await page.$$eval('figure[data-chart="job-heatmap"] g[aria-label="y-axis tick label"] text', (ts) =>
      ts.map((t) => t.textContent),
    );
    assert.deepEqual(ticks, ['rank 0', 'rank 1', 'rank 2 ◀', 'rank 3'], 'the straggler is marked on the axis');
    // The median cell: the first cells of a rank include its warm-up.
    const medianMs = (list: string[]): number => {
      const values = list.map((t) => {
        const m = /mean iteration time ([\d.]+) (µs|ms|s)/.exec(t);
        assert.ok(m, t);
        return Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'µs' ? 0.001 : 1);
      });
      return values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    };
    for (const [rank, list] of Object.entries(cells)) assert.ok(list.length >= 5, `${rank}: ${list.length} cells`);
    const slow = medianMs(cells['rank 2'] ?? []);
    for (const rank of ['rank 0', 'rank 1', 'rank 3']) assert.ok(slow > medianMs(cells[rank] ?? []), rank);

    // Wide tables scroll inside their box; no cell text is clipped (phone width).
    await page.setViewportSize({ width: 390, height: 800 });
    const fit = await page.evaluate(() => {
      const box = document.querySelector('table[data-table="ranks"]')?.parentElement as HTMLElement;
      const clipped = Array.from(document.querySelectorAll('td, th')).filter((c) => c.scrollWidth > c.clientWidth + 1).length;
      return {
        scrolls: box.scrollWidth > box.clientWidth,
        overflow: getComputedStyle(box).overflowX,
        pageWidth: document.documentElement.scrollWidth,
        clipped,
      };
    });
    assert.equal(fit.overflow, 'auto');
    assert.ok(fit.scrolls, 'the ranks table scrolls at phone width');
    assert.equal(fit.clipped, 0, 'no table cell clips its text');
    assert.ok(fit.pageWidth <= 390, `the page itself does not scroll sideways (${fit.pageWidth})`);
    await context.close();
  });
});
