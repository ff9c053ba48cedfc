// Bounded memory: summarize and validate stream a large file (300k records, ~100 MB) in child processes whose RSS
// is sampled while they read. V8 lets the heap grow lazily, so the proof is that reading the file three times
// needs hardly more memory than reading it once, and that the peak stays under the 200 MB.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DIST = pathToFileURL(join(REPO, 'packages/cli/dist/index.js')).href;
const RECORDS = 300_000;
const T0 = 1_700_000_000_000;

let dir: string;
let file: string;

/**
 * A training job in our layout: per 10 iterations, 9 exported iteration spans (complete records) and one
 * iteration written as start + training_metrics_update + stop; all of it must be read, none of it kept.
 */
function writeLargeFile(path: string, records: number): void {
  const fd = openSync(path, 'w');
  const app = '00000000-0000-4000-8000-000000000000';
  const loop = '00000000-0000-4000-8000-000000000001';
  let count = 0;
  const ts = (ms: number) => `{"timestamp_msec":${T0 + ms}}`;
  const line = (body: string) => `{${body},"count":${++count},"pid":4242}\n`;
  let out = line(`"type":"start","id":"${app}","name":"application","start_event":{"name":"span_start","attributes":${ts(0)}}`);
  out += line(
    `"type":"event","span_id":"${app}","event":{"name":"one_logger_initialization","attributes":{"world_size":1,"session_tag":"big","rank":0,"timestamp_msec":${T0}}}`,
  );
  out += line(
    `"type":"start","id":"${loop}","name":"training_loop","parent_id":"${app}","attributes":{"train_iterations_start":0,"train_samples_start":0},"start_event":{"name":"span_start","attributes":${ts(1)}}`,
  );
  let it = 0;
  while (count < records - 2) {
    it++;
    const id = `00000000-0000-4000-9000-${String(it).padStart(12, '0')}`;
    const at = 1 + it * 10;
    if (it % 10 !== 0) {
      out += line(
        `"type":"complete","id":"${id}","name":"training_single_iteration","parent_id":"${loop}","attributes":{"duration_msec":10},` +
          `"start_event":{"name":"span_start","attributes":${ts(at)}},"stop_event":{"name":"span_stop","attributes":${ts(at + 10)}}`,
      );
    } else {
      out += line(
        `"type":"start","id":"${id}","name":"training_single_iteration","parent_id":"${loop}","start_event":{"name":"span_start","attributes":${ts(at)}}`,
      );
      out += line(
        `"type":"event","span_id":"${loop}","event":{"name":"training_metrics_update","attributes":{"train_iterations_start":0,"current_iteration":${it - 1},` +
          `"num_iterations":${it},"train_samples_start":0,"num_train_samples":${it * 32},"interval":10,"avg_iteration_time_sec":0.01,"min_iteration_time_sec":0.01,` +
          `"max_iteration_time_sec":0.01,"total_iteration_time_sec":${it / 100},"total_flops":0,"timestamp_msec":${T0 + at + 10}}}`,
      );
      out += line(
        `"type":"stop","id":"${id}","name":"training_single_iteration","parent_id":"${loop}","attributes":{"duration_msec":10},"stop_event":{"name":"span_stop","attributes":${ts(at + 10)}}`,
      );
    }
    if (out.length > 1 << 20) {
      writeSync(fd, out);
      out = '';
    }
  }
  const end = 1 + (it + 1) * 10;
  out += line(
    `"type":"stop","id":"${loop}","name":"training_loop","attributes":{"duration_msec":${end - 1}},"stop_event":{"name":"span_stop","attributes":${ts(end)}}`,
  );
  out += line(
    `"type":"stop","id":"${app}","name":"application","attributes":{"duration_msec":${end}},"stop_event":{"name":"span_stop","attributes":${ts(end)}}`,
  );
  writeSync(fd, out);
  closeSync(fd);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-stream-'));
  file = join(dir, 'large.jsonl');
  writeLargeFile(file, RECORDS);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `call` (an expression over the API and `file`) in a fresh process, sampling RSS while it runs. */
function measure(call: string): { baseline: number; peak: number; maxRss: number; heapAfter: number; result: unknown } {
  const script = `
    const api = await import(${JSON.stringify(DIST)});
    const file = ${JSON.stringify(file)};
    globalThis.gc();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
    const result = await (${call});
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    globalThis.gc();
    const heapAfter = process.memoryUsage().heapUsed;
    console.log(JSON.stringify({ baseline, peak, maxRss: process.resourceUsage().maxRSS * 1024, heapAfter, result }));`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

const MB = 1024 * 1024;

test('summarize streams: three times the input needs no more memory, every record counted', () => {
  const size = statSync(file).size;
  assert.ok(size > 80 * MB, `the input is large (${(size / MB).toFixed(0)} MB)`);
  const once = measure(
    'api.summarize([file], { metrics: true }).then((r) => [r.perFile[0].records, r.perFile[0].training.iterationsJob, r.details[0].metrics.length])',
  );
  const [records, iterations, points] = once.result as number[];
  assert.equal(records, RECORDS);
  assert.ok((iterations as number) > 200_000);
  assert.ok((points as number) <= 10_000, 'the metrics series is downsampled');
  const thrice = measure('api.summarize([file, file, file], { metrics: true }).then((r) => r.perFile.map((s) => s.records))');
  assert.deepEqual(thrice.result, [RECORDS, RECORDS, RECORDS]);
  // The kernel's peak (maxRSS) cannot miss a short spike the way sampling can.
  const g1 = (Math.max(once.peak, once.maxRss) - once.baseline) / MB;
  const g3 = (Math.max(thrice.peak, thrice.maxRss) - thrice.baseline) / MB;
  assert.ok(g3 < g1 + 40, `RSS growth ${g1.toFixed(1)} MB for ${(size / MB).toFixed(0)} MB, ${g3.toFixed(1)} MB for 3× that`);
  assert.ok(thrice.maxRss < 200 * MB, `peak RSS ${(thrice.maxRss / MB).toFixed(0)} MB`);
  assert.ok(thrice.heapAfter < 40 * MB, `heap after GC ${(thrice.heapAfter / MB).toFixed(1)} MB: nothing but the summaries is kept`);
});

test('validate streams too', () => {
  const m = measure('api.validateFiles([file]).then((r) => [r.records, r.errors, r.warnings])');
  assert.deepEqual(m.result, [RECORDS, 0, 0]);
  assert.ok(m.maxRss < 200 * MB, `peak RSS ${(m.maxRss / MB).toFixed(0)} MB`);
  assert.ok(m.heapAfter < 40 * MB, `heap after GC ${(m.heapAfter / MB).toFixed(1)} MB`);
});
