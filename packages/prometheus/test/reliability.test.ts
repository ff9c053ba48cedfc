// Faults around the exporter (gateway down, hanging, failing; port taken): the training job finishes with its
// full JSONL, exits on its own, and the JSONL says what the Prometheus side lost.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Rec, readRecords } from '../../core/test/helpers/records.js';
import { freePort, startJob } from './helpers/servers.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'prom-rel-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function dataErrors(records: readonly Rec[]): string[] {
  return records.filter((r) => r.type === 'telemetry_data_error').map((r) => String(r.error.attributes.error_message));
}

/** Runs the job to the end; returns its records, after checking it exited 0 and its application span stopped. */
async function runToEnd(
  name: string,
  prometheus: object,
): Promise<{ records: Rec[]; stats: { pushes: number; failures: number }; stderr: string }> {
  const jsonl = join(dir, `${name}.jsonl`);
  const job = startJob(jsonl, prometheus);
  assert.equal(await job.exit(60_000), 0, `the job exits 0 on its own: ${job.stderr()}`);
  const done = await job.line('done');
  const records = readRecords(jsonl);
  assert.ok(
    records.some((r) => r.type === 'stop' && r.name === 'application'),
    'the JSONL is complete (application stopped)',
  );
  assert.ok(records.filter((r) => r.event?.name === 'training_metrics_update').length >= 4, 'every metrics update was recorded');
  return { records, stats: JSON.parse(done.slice(5)), stderr: job.stderr() };
}

describe('Pushgateway faults never break the job; the JSONL reports them', () => {
  it('gateway down (connection refused): the first failure is recorded, the lost final push logged', async () => {
    const port = await freePort();
    const { records, stats, stderr } = await runToEnd('down', {
      serve: false,
      push: { url: `http://127.0.0.1:${port}`, intervalMillis: 100, timeoutMillis: 500 },
      shutdownTimeoutMillis: 2000,
    });
    assert.ok(stats.failures >= 1, `failures counted: ${JSON.stringify(stats)}`);
    assert.equal(stats.pushes, 0);
    const group = `http://127.0.0.1:${port}/metrics/job/prom_job/instance/rank0`;
    const errors = dataErrors(records);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    // The interval push usually fails first; on a slow host the job may end before the first tick.
    assert.ok(
      [
        `PrometheusExporter: push to ${group} failed (ECONNREFUSED)`,
        `PrometheusExporter: the final push to ${group} failed (ECONNREFUSED)`,
      ].some((start) => (errors[0] as string).startsWith(start)),
      errors[0],
    );
    assert.ok(
      stderr.includes(`PrometheusExporter: the final push to ${group} failed (ECONNREFUSED); the Pushgateway keeps older values or none`),
      stderr,
    );
  });

  it('gateway that accepts and never answers: each push times out, shutdown stays bounded', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const { records, stats } = await runToEnd('hang', {
        serve: false,
        push: { url: `http://127.0.0.1:${port}`, intervalMillis: 100, timeoutMillis: 300 },
        shutdownTimeoutMillis: 1500,
      });
      assert.ok(stats.failures >= 1);
      const errors = dataErrors(records);
      assert.ok(
        errors.some((m) => /push to .* failed \(timeout after 300 ms\)/.test(m)),
        `timeout reported: ${JSON.stringify(errors)}`,
      );
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('gateway failing only at the end (HTTP 500): the lost final values are recorded, header values are not', async () => {
    const seen: Array<{ method: string | undefined; authorization: string | undefined }> = [];
    let failing = false;
    const gateway = http.createServer((req, res) => {
      seen.push({ method: req.method, authorization: req.headers.authorization });
      req.resume();
      req.on('end', () => (failing ? res.writeHead(500).end('storage full') : res.writeHead(200).end()));
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    const { port } = gateway.address() as net.AddressInfo;
    const jsonl = join(dir, 'final500.jsonl');
    const job = startJob(
      jsonl,
      {
        serve: false,
        // No interval push during the test: the flush before "trained" succeeds, the final push fails.
        push: { url: `http://127.0.0.1:${port}/gw`, intervalMillis: 600_000, headers: { authorization: 'Bearer s3cret-token' } },
      },
      { JOB_HOLD: '1' },
    );
    try {
      await job.line('trained');
      assert.equal(seen.length, 1, 'the flush pushed once');
      failing = true;
      job.child.stdin?.end();
      assert.equal(await job.exit(), 0, job.stderr());
      const stats = JSON.parse((await job.line('done')).slice(5));
      assert.deepEqual([stats.pushes, stats.failures], [1, 1], JSON.stringify(stats));
      const records = readRecords(jsonl);
      assert.deepEqual(dataErrors(records), [
        `PrometheusExporter: the final push to http://127.0.0.1:${port}/gw/metrics/job/prom_job/instance/rank0 failed (HTTP 500: storage full); the Pushgateway keeps older values or none. Later push failures are logged and counted in pushStats.`,
      ]);
      assert.ok(
        seen.every((h) => h.method === 'PUT' && h.authorization === 'Bearer s3cret-token'),
        'PUT with the header',
      );
      assert.ok(!JSON.stringify(records).includes('s3cret') && !job.stderr().includes('s3cret'), 'the header value is in no record or log');
    } finally {
      job.child.kill();
      gateway.close();
    }
  });
});

describe('metrics endpoint faults', () => {
  it('port already taken: the job runs to the end and the JSONL says the endpoint is not served', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const { records } = await runToEnd('port-taken', { port, host: '127.0.0.1' });
      assert.ok(
        dataErrors(records).includes(`PrometheusExporter: the metrics endpoint could not listen on 127.0.0.1:${port}: EADDRINUSE`),
        JSON.stringify(dataErrors(records)),
      );
    } finally {
      taken.close();
    }
  });
});
