// The /metrics endpoint over real HTTP on 127.0.0.1, and the request handler mounted on an application's server.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { DefaultRecorder, internalLogger, OneLoggerProvider, timedSpan } from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { metricsRequestHandler, PrometheusExporter, type PrometheusExporterOptions } from '../src/index.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

afterEach(async () => {
  await OneLoggerProvider.instance()
    .shutdown()
    .catch(() => undefined);
  OneLoggerProvider.resetForTests();
});

async function serving(options: PrometheusExporterOptions = {}): Promise<{ exporter: PrometheusExporter; base: string }> {
  const exporter = new PrometheusExporter({ port: 0, host: '127.0.0.1', ...options });
  OneLoggerProvider.instance().configure(
    { applicationName: 'endpoint_job', sessionTag: 's1', worldSize: 1 },
    new DefaultRecorder({ exporters: [exporter] }),
  );
  const address = await exporter.address;
  assert.ok(address !== undefined, 'the endpoint listens');
  return { exporter, base: `http://127.0.0.1:${address.port}` };
}

describe('metrics endpoint', () => {
  it('GET /metrics: 200, text format 0.0.4, the current metrics (a query string is ignored)', async () => {
    const { base } = await serving();
    const app = OneLoggerProvider.instance().recorder.start('application');
    OneLoggerProvider.instance().recorder.telemetryDataError('lost records');
    const r = await fetch(`${base}/metrics?debug=1`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const body = await r.text();
    assert.match(body, /^# HELP one_logger_telemetry_errors_total /m);
    assert.match(body, /^one_logger_telemetry_errors_total\{application="endpoint_job",session="s1",world_size="1"\} 1$/m);
    OneLoggerProvider.instance().recorder.stop(app);
  });

  it('HEAD: 200 without a body; other paths 404; other methods 405 with Allow', async () => {
    const { base } = await serving({ path: '/prom' });
    const head = await fetch(`${base}/prom`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const other = await fetch(`${base}/metrics`);
    assert.equal(other.status, 404);
    assert.equal(await other.text(), 'Not found: the metrics are at /prom\n');
    const post = await fetch(`${base}/prom`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });

  it('shutdown() closes the endpoint, also with a scraper connection kept open', async () => {
    const { base } = await serving();
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get(`${base}/metrics`, { agent }, (res) => res.resume().on('end', () => resolve())).on('error', reject);
    });
    await OneLoggerProvider.instance().shutdown();
    await assert.rejects(fetch(`${base}/metrics`), (e: Error & { cause?: { code?: string } }) => e.cause?.code === 'ECONNREFUSED');
    agent.destroy();
  });

  it('timedSpan work never waits for the endpoint (export calls only update metrics)', async () => {
    const { exporter } = await serving();
    const result = await timedSpan('validation_loop', async () => 42);
    assert.equal(result, 42);
    assert.match(await exporter.metricsText(), /^one_logger_validation_loop_duration_seconds_count\{[^}]*\} 1$/m);
  });

  it('the handler mounted on the application server (serve: false); a failing collection is a 500', async () => {
    const exporter = new PrometheusExporter({ serve: false });
    let broken = false;
    const handler = metricsRequestHandler('/metrics', async () => {
      if (broken) throw new Error('registry unavailable');
      return { text: await exporter.metricsText(), contentType: 'text/plain; version=0.0.4; charset=utf-8' };
    });
    const server = http.createServer((req, res) => (req.url === '/health' ? res.end('ok') : handler(req, res)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      assert.equal((await fetch(`${base}/health`)).status, 200);
      assert.equal((await fetch(`${base}/metrics`)).status, 200);
      assert.equal(exporter.requestHandler.length, 2, 'the exporter exposes its own handler too');
      broken = true;
      const failed = await fetch(`${base}/metrics`);
      assert.equal(failed.status, 500);
      assert.equal(await failed.text(), 'Collecting the metrics failed\n');
    } finally {
      server.close();
    }
  });
});
