// The push protocol against a local HTTP server that records what a Pushgateway would receive: PUT of the whole
// text to the group path, one request per change (a flush with nothing new sends nothing), DELETE at shutdown.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { DefaultRecorder, OneLoggerProvider } from '@nv-one-logger/core';
import { PrometheusExporter, type PushOptions } from '../src/index.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  contentType: string | undefined;
  body: string;
  /** When the whole request had arrived, and when it was answered (performance.now()). */
  arrivedMs: number;
  answeredMs: number;
}

const received: Received[] = [];
/** How long the server waits before answering a PUT (0: at once). */
let putAnswerDelayMs = 0;
let server: http.Server;
let base = '';
before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const r: Received = {
        method: req.method,
        url: req.url,
        contentType: req.headers['content-type'],
        body,
        arrivedMs: performance.now(),
        answeredMs: 0,
      };
      received.push(r);
      const answer = () => {
        r.answeredMs = performance.now();
        res.writeHead(req.method === 'DELETE' ? 202 : 200).end();
      };
      if (req.method === 'PUT' && putAnswerDelayMs > 0) setTimeout(answer, putAnswerDelayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());
afterEach(async () => {
  await OneLoggerProvider.instance()
    .shutdown()
    .catch(() => undefined);
  OneLoggerProvider.resetForTests();
  received.length = 0;
  putAnswerDelayMs = 0;
});

function configure(push: Omit<PushOptions, 'url'>): PrometheusExporter {
  const exporter = new PrometheusExporter({ serve: false, push: { url: base, intervalMillis: 600_000, ...push } });
  OneLoggerProvider.instance().configure(
    { applicationName: 'push_job', sessionTag: 's', worldSize: 1 },
    new DefaultRecorder({ exporters: [exporter] }),
  );
  return exporter;
}

describe('pushing to a Pushgateway', () => {
  it('PUTs the whole text to /metrics/job/<application>/instance/rank<rank>, once per change', async () => {
    const exporter = configure({});
    const recorder = OneLoggerProvider.instance().recorder;
    await exporter.flush();
    assert.equal(received.length, 0, 'nothing recorded yet: nothing pushed');
    recorder.telemetryDataError('first');
    await exporter.flush();
    await exporter.flush();
    assert.equal(received.length, 1, 'a second flush without changes sends nothing');
    assert.deepEqual([received[0]?.method, received[0]?.url], ['PUT', '/metrics/job/push_job/instance/rank0']);
    assert.equal(received[0]?.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(received[0]?.body ?? '', /^one_logger_telemetry_errors_total\{application="push_job",session="s",world_size="1"\} 1$/m);
    const span = recorder.start('application');
    recorder.error(span, 'data loader crashed');
    await OneLoggerProvider.instance().shutdown();
    assert.equal(received.length, 2, 'shutdown pushes the change once');
    assert.match(received[1]?.body ?? '', /^one_logger_application_errors_total\{[^}]*\} 1$/m);
    assert.deepEqual(exporter.pushStats, { pushes: 2, failures: 0, skipped: 0 });
  });

  it('deleteOnShutdown: DELETE of the group at shutdown, with job, instance and base64 grouping values', async () => {
    const exporter = configure({ job: 'nightly', instance: 'node-7', groupings: { path: 'data/set' }, deleteOnShutdown: true });
    OneLoggerProvider.instance().recorder.telemetryDataError('x');
    await exporter.flush();
    await OneLoggerProvider.instance().shutdown();
    const group = '/metrics/job/nightly/instance/node-7/path@base64/ZGF0YS9zZXQ';
    assert.deepEqual(
      received.map((r) => [r.method, r.url]),
      [
        ['PUT', group],
        ['DELETE', group],
      ],
    );
  });

  it('deleteOnShutdown: a flush waiting for a push in flight does not push again once the delete was asked for', async () => {
    // A push that would start after the DELETE could reach the gateway after it and bring the group back.
    putAnswerDelayMs = 300;
    const exporter = configure({ deleteOnShutdown: true });
    const recorder = OneLoggerProvider.instance().recorder;
    recorder.telemetryDataError('first');
    const first = exporter.flush(); // PUT of the first values, answered in 300 ms
    await new Promise((r) => setTimeout(r, 50));
    recorder.error(recorder.start('application'), 'data loader crashed'); // a change the PUT in flight does not carry
    const second = exporter.flush(); // waits for that PUT, then would push the change
    await OneLoggerProvider.instance().shutdown();
    await Promise.all([first, second]);
    await new Promise((r) => setTimeout(r, 400)); // anything still on its way arrives
    assert.deepEqual(
      received.map((r) => r.method),
      ['PUT', 'DELETE'],
    );
    const [put, del] = received as [Received, Received];
    assert.ok(del.arrivedMs >= put.answeredMs, 'the DELETE is sent after the PUT in flight was answered');
    assert.deepEqual(exporter.pushStats, { pushes: 1, failures: 0, skipped: 0 });
  });
});
