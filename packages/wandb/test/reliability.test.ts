// The W&B server misbehaves (429 with Retry-After, 5xx, 400, 401, 409 on UpsertBucket, a request that hangs,
// down at start, down mid-run, down at shutdown, a full queue): retries happen where the spec says, flush and
// shutdown stay bounded, every loss is counted and reported, and the job never sees an error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DefaultRecorder, Event, ExportError, FileExporter, internalLogger, OneLoggerProvider, Span, timedSpan } from '@nv-one-logger/core';
import { freePort } from '../../core/test/helpers/free-port.js';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { readRecords } from '../../core/test/helpers/records.js';
import { HistorySender } from '../src/history-sender.js';
import { WandbHttpTransport } from '../src/http-transport.js';
import { type DropReport, Row, type WandBExporterOptions } from '../src/index.js';
import { WandbRun } from '../src/wandb-run.js';
import type { FakeWandbServer } from './helpers/fake-wandb-server.js';
import { API_KEY, MODES, type Mode, newExporter, optionsFor, startServer } from './helpers/setup.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

let dir = '';
let server: FakeWandbServer;
before(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'wandb-rel-'));
  server = await startServer();
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  server.answers = [];
  await OneLoggerProvider.instance()
    .shutdown()
    .catch(() => undefined);
  OneLoggerProvider.resetForTests();
});

/** A port on 127.0.0.1 where nothing listens. */
async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

interface Job {
  exporter: ReturnType<typeof newExporter>;
  drops: DropReport[];
  file: string;
  runId: string;
}

let fileNo = 0;
/** The provider with a FileExporter and a W&B exporter, quiet error strategy (as a production job). */
function configure(mode: Mode, extra: WandBExporterOptions = {}): Job {
  const drops: DropReport[] = [];
  const options = optionsFor(server, { ...extra, onDrop: (d) => drops.push(d) });
  const exporter = newExporter(mode, options);
  const file = join(dir, `job-${++fileNo}.jsonl`);
  OneLoggerProvider.instance().configure(
    { applicationName: 'rel', sessionTag: 's', worldSize: 1, errorHandlingStrategy: 'disable_quietly_and_report_metric_error' },
    new DefaultRecorder({ exporters: [new FileExporter({ filePath: file }), exporter] }),
  );
  return { exporter, drops, file, runId: options.runId as string };
}

/** The job's own work, instrumented: its result must not depend on telemetry. */
async function work(spans: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < spans; i++) {
    sum += await timedSpan('step', async () => {
      await Promise.resolve();
      return i * 2;
    });
  }
  return sum;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

const stepRows = (runId: string): number => server.rows(runId).filter((r) => 'step.duration_msec' in r).length;

describe('transient answers are retried', () => {
  for (const mode of MODES) {
    it(`${mode}: file_stream 429 with Retry-After, then 500 twice, then 200: every row arrives once, in order`, async () => {
      server.answers = [
        { match: 'file_stream', status: 429, retryAfter: '0' },
        { match: 'file_stream', status: 500 },
        { match: 'file_stream', status: 502 },
      ];
      const job = configure(mode);
      assert.equal(await work(4), 12);
      await OneLoggerProvider.instance().shutdown();
      assert.equal(stepRows(job.runId), 4);
      assert.equal(job.exporter.stats.retries, 3);
      assert.equal(job.exporter.stats.dropped, 0);
      const steps = server.run(job.runId).history.map((r) => r._step);
      assert.deepEqual(
        steps,
        steps.map((_, i) => i),
      );
      assert.equal(server.run(job.runId).exitcode, 0);
    });
  }

  it('UpsertBucket 409 (a concurrent upsert) and 503 are retried; the run is created once', async () => {
    server.answers = [
      { match: 'UpsertBucket', status: 409 },
      { match: 'UpsertBucket', status: 503, retryAfter: new Date(Date.now() + 50).toUTCString() },
    ];
    const job = configure('sync');
    await work(2);
    await OneLoggerProvider.instance().shutdown();
    assert.equal(
      server.requestsTo('graphql', 'UpsertBucket').filter((r) => r.rawBody.includes(job.runId)).length,
      3,
      '2 refused, 1 created the run',
    );
    assert.equal(server.run(job.runId).upserts, 1, 'the config did not change, so it is not sent again at finish');
    assert.equal(stepRows(job.runId), 2);
  });

  it('a request that hangs times out (requestTimeoutMillis) and is sent again', async () => {
    server.answers = [{ match: 'file_stream', hang: true }];
    const job = configure('sync', { requestTimeoutMillis: 300 });
    await work(3);
    await OneLoggerProvider.instance().shutdown();
    assert.equal(stepRows(job.runId), 3);
    assert.equal(job.exporter.stats.retries, 1);
    assert.equal(job.exporter.stats.dropped, 0);
  });
});

describe("the recorder waits for the exporter's own shutdown bound", () => {
  it("a slow server answering after the recorder's exporterTimeoutMillis but within shutdownTimeoutMillis: every row arrives, nothing is reported as overrun", async () => {
    const drops: DropReport[] = [];
    const options = optionsFor(server, { shutdownTimeoutMillis: 5000, onDrop: (d) => drops.push(d) });
    const exporter = newExporter('sync', options);
    assert.equal(exporter.shutdownTimeoutMillis, 5000, 'the exporter declares its bound');
    const file = join(dir, `job-${++fileNo}.jsonl`);
    OneLoggerProvider.instance().configure(
      { applicationName: 'rel', sessionTag: 's', worldSize: 1, errorHandlingStrategy: 'disable_quietly_and_report_metric_error' },
      new DefaultRecorder({ exporters: [new FileExporter({ filePath: file }), exporter], exporterTimeoutMillis: 200 }),
    );
    await work(3);
    await exporter.flush();
    // Every later file_stream request is answered only after 800 ms: four times the recorder's own bound.
    server.answers = Array.from({ length: 5 }, () => ({ match: 'file_stream', delayMs: 800 }));
    await work(2);
    await OneLoggerProvider.instance().shutdown();
    assert.equal(stepRows(options.runId as string), 5);
    assert.equal(drops.length, 0);
    assert.equal(server.run(options.runId as string).exitcode, 0, 'the run was finished');
    assert.ok(
      !readRecords(file).some((r) => r.type === 'telemetry_data_error'),
      'no overrun reported: the recorder waited for the bound the exporter declared',
    );
  });
});

describe('final answers are not retried', () => {
  it('file_stream 400: that batch is dropped (counted, reported), later rows still arrive at the right offsets', async () => {
    const job = configure('sync');
    const exporter = job.exporter;
    await work(1);
    await exporter.flush();
    server.answers = [{ match: 'file_stream', status: 400, body: { errors: [{ message: 'bad line' }] } }];
    await work(1);
    await exporter.flush();
    await work(1);
    await OneLoggerProvider.instance().shutdown();
    assert.equal(server.requestsTo('file_stream').filter((r) => r.status === 400).length, 1);
    assert.equal(job.drops[0]?.reason, 'export_failed');
    assert.match(job.drops[0]?.detail ?? '', /^file_stream answered HTTP 400: bad line$/);
    assert.equal(exporter.stats.retries, 0);
    const history = server.run(job.runId).historyLines;
    assert.ok(
      history.every((l) => typeof l === 'string'),
      'no hole in the history lines',
    );
    // The JSONL records that the W&B data is incomplete, and the run is finished as failed.
    const tde = readRecords(job.file).filter((r) => r.type === 'telemetry_data_error');
    assert.equal(tde.length, 1);
    assert.match(
      tde[0]?.error.attributes.error_message,
      /^W&B exporter dropped 2 row\(s\) \(export_failed: file_stream answered HTTP 400: bad line\); 2 dropped so far$/,
    );
    assert.equal(server.run(job.runId).exitcode, 1);
  });

  it('a refused API key (401): no retry, every row counted as dropped, export calls fail with the reason, the key in no message', async () => {
    const drops: DropReport[] = [];
    const exporter = newExporter('sync', optionsFor(server, { apiKey: `wrong-${'z'.repeat(40)}`, onDrop: (d) => drops.push(d) }));
    exporter.initialize();
    const span = Span.create('s');
    exporter.exportStart(span);
    await exporter.flush();
    assert.equal(server.requestsTo('graphql').at(-1)?.status, 401);
    assert.equal(exporter.stats.retries, 0);
    assert.throws(
      () => exporter.exportEvent(Event.create('e'), span),
      (e: unknown) =>
        e instanceof ExportError &&
        /cannot take data: could not create the run: graphql answered HTTP 401: user is not logged in$/.test(e.message) &&
        !e.message.includes('zzzz'),
    );
    await exporter.close();
    assert.deepEqual(
      drops.map((d) => [d.reason, d.count]),
      [['run_failed', 1]],
    );
    assert.ok(!JSON.stringify(drops).includes('zzzz'));
  });
});

describe('the run stopped from W&B', () => {
  it('an answer with "stopped": true ends the run for this exporter; later rows are counted, export calls say why', async () => {
    server.answers = [{ match: 'file_stream', body: { stopped: true } }];
    const drops: DropReport[] = [];
    const exporter = newExporter('sync', optionsFor(server, { onDrop: (d) => drops.push(d) }));
    exporter.initialize();
    const span = Span.create('s');
    exporter.exportStart(span);
    await exporter.flush();
    assert.throws(
      () => exporter.exportEvent(Event.create('e'), span),
      (e: unknown) => e instanceof ExportError && e.message.endsWith('cannot take data: the run was stopped from W&B'),
    );
    await exporter.close();
    assert.equal(exporter.stats.sent, 1);
  });
});

describe('a row logged while the exporter closes (the exporter used directly)', () => {
  it('after the queue was emptied for the finish, a row is counted as dropped (closed), never sent after the run was completed', async () => {
    const drops: DropReport[] = [];
    const options = optionsFor(server, { onDrop: (d) => drops.push(d) });
    const exporter = newExporter('async', options);
    exporter.initialize();
    const span = Span.create('s');
    exporter.exportStart(span);
    await exporter.flush();
    const run = server.run(options.runId as string);
    const linesBefore = run.historyLines.length;
    // The final post (complete, exit code) is answered 300 ms late: a row is logged while it is in flight.
    server.answers = [{ match: 'file_stream', delayMs: 300 }];
    const arrivedBefore = server.arrivals.length;
    const closing = exporter.close();
    const finalPostArrived = () =>
      server.arrivals.slice(arrivedBefore).some((a) => (a.body as { complete?: unknown } | undefined)?.complete === true);
    const deadline = Date.now() + 5000;
    while (!finalPostArrived() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    assert.ok(finalPostArrived(), 'close() sent the final post');
    exporter.exportEvent(Event.create('late'), span);
    await closing;
    await new Promise((r) => setTimeout(r, 200)); // a request still on its way arrives
    assert.equal(run.complete, true);
    assert.equal(run.historyLines.length, linesBefore, 'no history line reached the run after the finish began');
    assert.deepEqual(
      drops.map((d) => [d.reason, d.count]),
      [['closed', 1]],
    );
    assert.equal(exporter.stats.dropped, 1);
  });
});

describe('server down', () => {
  it('at start: the job is unaffected, shutdown returns within the bound, the rows are dropped and reported', async () => {
    const job = configure('async', { host: await deadUrl(), shutdownTimeoutMillis: 800, retryInitialMillis: 50 });
    assert.equal(await work(5), 20);
    const shutdown = await timed(() => OneLoggerProvider.instance().shutdown());
    assert.ok(shutdown.ms < 2000, `shutdown took ${shutdown.ms} ms`);
    assert.equal(job.exporter.stats.sent, 0);
    assert.equal(job.exporter.stats.dropped, job.exporter.stats.enqueued);
    assert.ok(job.exporter.stats.retries > 0);
    assert.equal(job.drops[0]?.reason, 'shutdown_timeout');
    const tde = readRecords(job.file).filter((r) => r.type === 'telemetry_data_error');
    assert.equal(tde.length, 1);
    assert.match(
      tde[0]?.error.attributes.error_message,
      /^W&B exporter dropped \d+ row\(s\) \(shutdown_timeout: not confirmed within 800 ms\)/,
    );
    assert.equal(OneLoggerProvider.instance().isEnabled, true, 'a dead server is not a library fault');
  });

  it('mid-run, then back: rows logged meanwhile are retried and arrive, history stays contiguous', async () => {
    const job = configure('sync', { retryInitialMillis: 50, retryMaxMillis: 100, maxRetries: 100 });
    await work(2);
    await job.exporter.flush();
    const port = server.port;
    await server.stop();
    await work(3);
    await new Promise((r) => setTimeout(r, 150));
    await server.start(port);
    await OneLoggerProvider.instance().shutdown();
    assert.equal(stepRows(job.runId), 5);
    assert.equal(job.exporter.stats.dropped, 0);
    assert.ok(job.exporter.stats.retries > 0);
    const run = server.run(job.runId);
    assert.deepEqual(
      run.history.map((r) => r._step),
      run.history.map((_, i) => i),
    );
    assert.equal(run.exitcode, 0);
  });

  it('at shutdown: close returns within the bound, counts what was not confirmed, and the finish is not claimed', async () => {
    const job = configure('async', { transmitIntervalMillis: 60_000, shutdownTimeoutMillis: 700, retryInitialMillis: 50 });
    await work(1);
    await new Promise((r) => setTimeout(r, 100));
    await work(3);
    const port = server.port;
    await server.stop();
    try {
      const shutdown = await timed(() => OneLoggerProvider.instance().shutdown());
      assert.ok(shutdown.ms < 2000, `shutdown took ${shutdown.ms} ms`);
    } finally {
      await server.start(port);
    }
    const stats = job.exporter.stats;
    assert.ok(stats.sent >= 1 && stats.dropped >= 6, JSON.stringify(stats));
    assert.equal(stats.sent + stats.dropped, stats.enqueued + job.drops.filter((d) => d.reason === 'closed').length);
    assert.equal(server.run(job.runId).complete, false);
    assert.deepEqual([...new Set(job.drops.map((d) => d.reason))], ['shutdown_timeout']);
  });
});

describe('bounded queue', () => {
  it('a full queue drops rows (never blocks), counts them, and the JSONL says the W&B data is incomplete', async () => {
    const job = configure('async', { maxQueueSize: 4, transmitIntervalMillis: 60_000 });
    await work(10);
    await OneLoggerProvider.instance().shutdown();
    const stats = job.exporter.stats;
    assert.ok(stats.dropped > 0);
    assert.equal(
      stats.sent + stats.dropped,
      stats.enqueued + job.drops.filter((d) => d.reason === 'queue_full').reduce((n, d) => n + d.count, 0),
    );
    const tde = readRecords(job.file).filter((r) => r.type === 'telemetry_data_error');
    assert.equal(tde.length, 1);
    assert.match(tde[0]?.error.attributes.error_message, /^W&B exporter dropped 1 row\(s\) \(queue_full\); 1 dropped so far$/);
    assert.equal(server.run(job.runId).exitcode, 1, 'incomplete telemetry finishes the run as failed');
  });
});

describe('modes without network', () => {
  for (const mode of ['offline', 'disabled'] as const) {
    it(`${mode}: no request at all; rows are counted as not sent`, async () => {
      const before = server.requests.length;
      const job = configure('sync', { mode });
      await work(3);
      await OneLoggerProvider.instance().shutdown();
      assert.equal(server.requests.length, before);
      // 3 complete spans: a start row and a stop row each.
      assert.equal(job.exporter.stats.notSent, 6);
      assert.equal(job.exporter.stats.enqueued, 0);
    });
  }

  it('online without an API key: initialize fails with the fix, the exporter is disabled, the job goes on', async () => {
    const saved = process.env.WANDB_API_KEY;
    delete process.env.WANDB_API_KEY;
    try {
      const exporter = newExporter('sync', { host: server.url, entity: 'e' });
      assert.throws(
        () => exporter.initialize(),
        /^ExportError: W&B exporter: no API key; set apiKey or WANDB_API_KEY \(or mode "offline" to only keep the JSONL\)$/,
      );
      assert.equal(exporter.ready, false);
    } finally {
      if (saved !== undefined) process.env.WANDB_API_KEY = saved;
    }
  });
});

describe('a job process with the server down', () => {
  const script = fileURLToPath(new URL('./fixtures/job.mjs', import.meta.url));
  for (const mode of ['shutdown', 'natural-exit'] as const) {
    it(`${mode}: prints its result, exits 0 within the bound, the key appears in no output`, async () => {
      const file = join(dir, `child-${mode}.jsonl`);
      const t0 = performance.now();
      const child = spawnSync(process.execPath, [script, await deadUrl(), file, mode], {
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, WANDB_API_KEY: API_KEY },
      });
      const ms = performance.now() - t0;
      assert.equal(child.status, 0, child.stderr);
      assert.match(child.stdout, /^result 499500\n/);
      assert.ok(ms < 8000, `the job took ${ms} ms`);
      const records = readRecords(file);
      assert.equal(records.filter((r) => r.name === 'batch').length, 10, 'the file exporter is unaffected');
      for (const text of [child.stdout, child.stderr, readFileSync(file, 'utf8')]) assert.ok(!text.includes(API_KEY));
    });
  }
});

describe('the API key', () => {
  it('goes only into the Authorization header: not in bodies, URLs, config, run names or rows', async () => {
    const job = configure('sync');
    await work(2);
    await OneLoggerProvider.instance().shutdown();
    const mine = server.requests.filter((r) => r.rawBody.includes(job.runId) || r.path.includes(job.runId));
    assert.ok(mine.length >= 3);
    for (const r of mine) {
      assert.ok(!r.rawBody.includes(API_KEY) && !r.path.includes(API_KEY));
      assert.equal(r.authorization, `Basic ${Buffer.from(`api:${API_KEY}`).toString('base64')}`);
    }
    assert.ok(!JSON.stringify(server.run(job.runId)).includes(API_KEY));
    assert.ok(!readFileSync(job.file, 'utf8').includes(API_KEY));
  });
});

describe('heartbeat', () => {
  it('a run with nothing to send gets `{}` on file_stream after the heartbeat interval, and is finished normally', async () => {
    const transport = new WandbHttpTransport({ baseUrl: server.url, apiKey: API_KEY, requestTimeoutMillis: 2000, userAgent: 'test' });
    const runId = 'heartbeat1';
    const run = new WandbRun(transport, {
      entity: 'team',
      project: 'proj',
      runId,
      displayName: 'hb',
      tags: [],
      resume: undefined,
      host: 'h',
    });
    const sender = new HistorySender(
      run,
      {
        maxQueueSize: 10,
        transmitIntervalMillis: 0,
        shutdownTimeoutMillis: 2000,
        heartbeatMillis: 100,
        maxBatchRows: 10,
        retry: { maxRetries: 0, initialMillis: 10, maxMillis: 10 },
      },
      {
        config: () => ({}),
        startedWallMs: Date.now(),
        onDrop: () => undefined,
        onFatal: () => undefined,
        onStepBehind: () => undefined,
        onFinishFailed: () => undefined,
      },
    );
    sender.enqueue({ data: new Row().add('a', 1), wallMs: Date.now(), step: undefined });
    await sender.flush();
    await new Promise((r) => setTimeout(r, 450));
    await sender.shutdown(() => 0);
    const bodies = server.requests.filter((r) => r.path.endsWith(`/${runId}/file_stream`)).map((r) => r.rawBody);
    assert.equal(bodies[0]?.startsWith('{"files":'), true);
    assert.ok(bodies.slice(1, -1).length >= 1 && bodies.slice(1, -1).every((b) => b === '{}'), bodies.join(' | '));
    assert.equal(bodies.at(-1), '{"complete":true,"exitcode":0}');
    assert.equal(server.run(runId).history.length, 1);
  });
});
