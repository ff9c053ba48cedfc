// End to end with Debian's prometheus and prometheus-pushgateway: a real Prometheus scrapes a running training
// job's /metrics (pull) or a Pushgateway the job pushed to (push); the values it stores match the job's JSONL.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readRecords } from '../../core/test/helpers/records.js';
import { expectedFromRecords, jobLabelsFromRecords } from './helpers/expected.js';
import { freePort, PROMETHEUS_BIN, PrometheusServer, PUSHGATEWAY_BIN, Pushgateway, startJob, waitFor } from './helpers/servers.js';

let dir = '';
before(() => {
  // Installed by .ci/run; a missing binary fails the suite rather than skipping it.
  for (const bin of [PROMETHEUS_BIN, PUSHGATEWAY_BIN]) {
    assert.ok(existsSync(bin), `${bin} is missing: install Debian's prometheus and prometheus-pushgateway (see .ci/run)`);
  }
  dir = mkdtempSync(join(os.tmpdir(), 'prom-e2e-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Checks every expected series in Prometheus (by PromQL selector plus the job's labels). */
async function assertStoredValues(prometheus: PrometheusServer, jsonl: string, extraSelector: string): Promise<void> {
  const records = readRecords(jsonl);
  const expected = expectedFromRecords(records);
  const labels = jobLabelsFromRecords(records);
  // The job ran long enough for every family to be there.
  for (const key of [
    'one_logger_train_iterations_total',
    'one_logger_train_throughput_tflops_per_gpu',
    'one_logger_checkpoint_save_duration_seconds_count{strategy="sync"}',
    'one_logger_model_loss',
    'one_logger_model_acc_top1',
    'one_logger_model_val_loss',
  ]) {
    assert.ok(expected.has(key), `the job's JSONL should yield ${key}`);
  }
  for (const [key, value] of expected) {
    const selector = key.includes('{') ? key.replace('}', `,${extraSelector}}`) : `${key}{${extraSelector}}`;
    const samples = await prometheus.query(selector);
    assert.equal(samples.length, 1, `${selector}: one series expected, got ${JSON.stringify(samples)}`);
    const sample = samples[0] as { metric: Record<string, string>; value: number };
    // Exact: the value travels as the shortest round-trip decimal through both the text format and the API.
    assert.equal(sample.value, value, `${selector} in Prometheus vs the job's JSONL`);
    for (const [k, v] of Object.entries(labels)) assert.equal(sample.metric[k], v, `${selector} label ${k}`);
  }
}

describe('Prometheus scrapes a running training job', () => {
  it('stores the values of the job JSONL, with the job labels, while the job runs', async () => {
    const port = await freePort();
    const prometheus = await PrometheusServer.start([`127.0.0.1:${port}`]);
    const jsonl = join(dir, 'scraped.jsonl');
    const job = startJob(jsonl, { port, host: '127.0.0.1' }, { JOB_HOLD: '1', RANK: '1' });
    try {
      await job.line('trained');
      // The validation loop is recorded last: once it is scraped, every value is final.
      await prometheus.waitForValue('one_logger_validation_loop_duration_seconds_count', (v) => v === 1);
      assert.equal(await prometheus.value(`up{instance="127.0.0.1:${port}"}`), 1, 'the scrape target is up');
      await assertStoredValues(prometheus, jsonl, `instance="127.0.0.1:${port}"`);
      job.child.stdin?.end();
      assert.equal(await job.exit(), 0, job.stderr());
      // After shutdown() the endpoint is closed: the next scrapes fail.
      await prometheus.waitForValue(`up{instance="127.0.0.1:${port}"}`, (v) => v === 0);
    } finally {
      job.child.kill();
      await prometheus.stop();
    }
  });
});

describe('a batch job pushes to a Pushgateway that Prometheus scrapes', () => {
  let gateway: Pushgateway;
  let prometheus: PrometheusServer;
  before(async () => {
    gateway = await Pushgateway.start();
    prometheus = await PrometheusServer.start([`127.0.0.1:${gateway.port}`]);
  });
  after(async () => {
    await prometheus?.stop();
    await gateway?.stop();
  });

  it('the final values (pushed at shutdown) match the JSONL, grouped by job and instance', async () => {
    const jsonl = join(dir, 'pushed.jsonl');
    const job = startJob(jsonl, { serve: false, push: { url: gateway.url, intervalMillis: 200, instance: 'batch_a' } });
    assert.equal(await job.exit(), 0, job.stderr());
    const done = await job.line('done');
    assert.deepEqual(JSON.parse(done.slice(5)).failures, 0);
    await prometheus.waitForValue('one_logger_validation_loop_duration_seconds_count{instance="batch_a"}', (v) => v === 1);
    const [sample] = await prometheus.query('one_logger_train_iterations_total{instance="batch_a"}');
    assert.equal(sample?.metric.job, 'prom_job', 'the job grouping key defaults to the application name');
    await assertStoredValues(prometheus, jsonl, 'instance="batch_a"');
  });

  it('deleteOnShutdown removes the group the job pushed while it ran', async () => {
    const jsonl = join(dir, 'deleted.jsonl');
    const job = startJob(
      jsonl,
      { serve: false, push: { url: gateway.url, intervalMillis: 200, instance: 'batch_b', deleteOnShutdown: true } },
      { JOB_HOLD: '1' },
    );
    try {
      await job.line('trained');
      await waitFor('the interval push of batch_b', async () =>
        (await gateway.metricsText()).includes('instance="batch_b"') ? true : undefined,
      );
      job.child.stdin?.end();
      assert.equal(await job.exit(), 0, job.stderr());
      // The gateway answers a DELETE with 202 Accepted and applies it from its write queue: poll until it has.
      await waitFor(
        'the group to be gone after shutdown',
        async () => ((await gateway.metricsText()).includes('instance="batch_b"') ? undefined : true),
        10_000,
      );
      const done = await job.line('done');
      assert.equal(JSON.parse(done.slice(5)).failures, 0, 'no push or delete failed');
    } finally {
      job.child.kill();
    }
  });
});
