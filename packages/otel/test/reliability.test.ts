// The collector misbehaves (down, down then up, slow, 429/503/500 then 200, 400, overwhelmed; a span exporter
// that never calls back): flush and shutdown stay bounded, retries happen where they should, every loss is
// counted and reported, and the job never sees an error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DefaultRecorder, FileExporter, getRecorder, internalLogger, OneLoggerProvider, timedSpan } from '@nv-one-logger/core';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { freePort } from '../../core/test/helpers/free-port.js';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { readRecords } from '../../core/test/helpers/records.js';
import { type DropReport, OTelExporter, type OTelExporterOptions } from '../src/index.js';
import { OtlpReceiver } from './helpers/otlp-receiver.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

let dir = '';
let receiver: OtlpReceiver;
before(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'otel-rel-'));
  receiver = await new OtlpReceiver().start();
});
after(async () => {
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  receiver.requests.length = 0;
  receiver.answers = [];
  receiver.defaultAnswer = 200;
  await OneLoggerProvider.instance()
    .shutdown()
    .catch(() => undefined);
  OneLoggerProvider.resetForTests();
});

/** A port on 127.0.0.1 where nothing listens. */
async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/v1/traces`;
}

interface Job {
  exporter: OTelExporter;
  drops: DropReport[];
  file: string;
}

let fileNo = 0;
/** Configures the provider with a FileExporter and an OTelExporter (`options`), quiet error strategy. */
function configure(options: OTelExporterOptions): Job {
  const drops: DropReport[] = [];
  const exporter = new OTelExporter({ scheduledDelayMillis: 10, ...options, onDrop: (d) => drops.push(d) });
  const file = join(dir, `job-${++fileNo}.jsonl`);
  OneLoggerProvider.instance().configure(
    { applicationName: 'rel', sessionTag: 's', worldSize: 1, errorHandlingStrategy: 'disable_quietly_and_report_metric_error' },
    new DefaultRecorder({ exporters: [new FileExporter({ filePath: file }), exporter] }),
  );
  return { exporter, drops, file };
}

/** The job's own work, instrumented: returns its result, which telemetry must never change. */
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

describe('collector down', () => {
  it('flush and shutdown return within the bound; drops are counted and reported as a telemetry-data error', async () => {
    const job = configure({ endpoint: await deadUrl(), timeoutMillis: 400, shutdownTimeoutMillis: 1500 });
    assert.equal(await work(5), 20);
    const flush = await timed(() => job.exporter.flush());
    assert.ok(flush.ms < 2000, `flush took ${flush.ms} ms`);
    // 5 spans x (real + start/stop event spans) were refused, then the telemetry-data-error span that
    // reported them (the report reaches every exporter, this one included).
    assert.equal(job.exporter.stats.dropped, 16);
    assert.deepEqual(
      job.drops.map((d) => d.count),
      [15, 1],
    );
    assert.equal(job.drops[0]?.reason, 'export_failed');
    assert.match(job.drops[0]?.detail ?? '', /ECONNREFUSED/);
    const shutdown = await timed(() => OneLoggerProvider.instance().shutdown());
    assert.ok(shutdown.ms < 2000, `shutdown took ${shutdown.ms} ms`);
    // The report reached the other exporter: the JSONL says the OTel data is incomplete.
    const tde = readRecords(job.file).filter((r) => r.type === 'telemetry_data_error');
    assert.equal(tde.length, 1);
    assert.match(
      tde[0]?.error.attributes.error_message,
      /^OTelExporter dropped 15 span\(s\) \(export_failed: .*ECONNREFUSED.*\); 15 dropped so far$/,
    );
    assert.equal(OneLoggerProvider.instance().isEnabled, true, 'the library stays enabled: a dead collector is not a library fault');
  });
});

describe('collector slow', () => {
  it('a collector that never answers: shutdown returns at the bound and counts the unconfirmed spans', async () => {
    receiver.defaultAnswer = 'hang';
    const job = configure({ endpoint: receiver.url, timeoutMillis: 5000, shutdownTimeoutMillis: 600 });
    assert.equal(await work(3), 6);
    const shutdown = await timed(() => OneLoggerProvider.instance().shutdown());
    assert.ok(shutdown.ms >= 550 && shutdown.ms < 1500, `shutdown took ${shutdown.ms} ms`);
    assert.equal(job.exporter.stats.exported, 0);
    assert.equal(job.exporter.stats.dropped, 9);
    assert.deepEqual(
      job.drops.map((d) => d.reason),
      ['shutdown_timeout'],
    );
    assert.equal(job.drops[0]?.count, 9);
    assert.ok(receiver.requests.length >= 1);
    // The recorder closes the OTel exporter before the file, so the file records the loss found at the bound.
    const tde = readRecords(job.file).filter((r) => r.type === 'telemetry_data_error');
    assert.equal(tde.length, 1);
    assert.equal(tde[0]?.error.attributes.error_message, 'OTelExporter dropped 9 span(s) (shutdown_timeout); 9 dropped so far');
  });

  it('flush() with a collector that never answers returns at the bound; the spans are still sent later', async () => {
    receiver.answers = ['hang'];
    const job = configure({ endpoint: receiver.url, timeoutMillis: 800, shutdownTimeoutMillis: 300 });
    assert.equal(await work(2), 2);
    const flush = await timed(() => job.exporter.flush());
    assert.ok(flush.ms >= 250 && flush.ms < 800, `flush took ${flush.ms} ms`);
    assert.equal(job.exporter.stats.exported, 0);
    assert.equal(job.exporter.stats.dropped, 0, 'a bounded flush gives up waiting, not the spans');
    // The hung request times out (800 ms) and is dropped; spans ended afterwards go out normally.
    await receiver.waitFor(() => job.drops.length > 0, 3000);
    assert.equal(job.drops[0]?.reason, 'export_failed');
    assert.equal(job.drops[0]?.count, 6);
    assert.match(job.drops[0]?.detail ?? '', /Request timed out/);
    assert.equal(await work(1), 0);
    await job.exporter.flush();
    assert.ok(receiver.spans.some((s) => s.name === 'step'));
    assert.ok(receiver.spans.some((s) => s.name === 'span_for_telemetry_data_error'));
  });

  it('answers slower than timeoutMillis: the request times out (using up its time, so no retry), the spans are dropped and reported', async () => {
    receiver.defaultAnswer = { status: 200, delayMs: 1500 };
    const job = configure({ endpoint: receiver.url, timeoutMillis: 300, shutdownTimeoutMillis: 3000 });
    assert.equal(await work(1), 0);
    const flush = await timed(() => job.exporter.flush());
    assert.ok(flush.ms < 1500, `flush took ${flush.ms} ms`);
    assert.equal(job.exporter.stats.exported, 0);
    assert.equal(job.exporter.stats.dropped, 4); // 3 + the span of the telemetry-data error reporting them
    assert.equal(job.drops[0]?.reason, 'export_failed');
    assert.equal(job.drops[0]?.count, 3);
    assert.match(job.drops[0]?.detail ?? '', /Request timed out/);
    // One request for the batch, one for the telemetry-data error span: neither was repeated.
    assert.deepEqual(
      receiver.requests.map((r) => r.spans.length),
      [3, 1],
    );
    await OneLoggerProvider.instance().shutdown();
    const tde = readRecords(job.file).filter((r) => r.type === 'telemetry_data_error');
    assert.equal(tde.length, 1);
    assert.match(tde[0]?.error.attributes.error_message, /^OTelExporter dropped 3 span\(s\) \(export_failed: Request timed out\)/);
  });
});

describe('retries', () => {
  it('503 then 200: the transport retries (honouring Retry-After) and everything is delivered', async () => {
    receiver.answers = [{ status: 503, headers: { 'retry-after': '0' } }];
    const job = configure({ endpoint: receiver.url, timeoutMillis: 5000 });
    assert.equal(await work(2), 2);
    await job.exporter.flush();
    assert.deepEqual(
      receiver.requests.map((r) => r.status),
      [503, 200],
    );
    assert.deepEqual(
      receiver.requests[1]?.spans.map((s) => s.name),
      receiver.requests[0]?.spans.map((s) => s.name),
    );
    assert.equal(job.exporter.stats.exported, 6);
    assert.equal(job.exporter.stats.dropped, 0);
    assert.equal(job.drops.length, 0);
  });

  it('429 with Retry-After: 1 then 200: the transport waits the given second, then delivers', async () => {
    receiver.answers = [{ status: 429, headers: { 'retry-after': '1' } }];
    const job = configure({ endpoint: receiver.url, timeoutMillis: 5000 });
    assert.equal(await work(1), 0);
    await job.exporter.flush();
    assert.deepEqual(
      receiver.requests.map((r) => r.status),
      [429, 200],
    );
    const gap = (receiver.requests[1]?.at ?? 0) - (receiver.requests[0]?.at ?? 0);
    assert.ok(gap >= 950, `retried after ${gap} ms`);
    assert.equal(job.exporter.stats.exported, 3);
    assert.equal(job.exporter.stats.dropped, 0);
  });

  it('500 then 200: retried by the exporter with backoff (the OTLP transport would give up)', async () => {
    receiver.answers = [500];
    const job = configure({ endpoint: receiver.url, timeoutMillis: 5000 });
    assert.equal(await work(1), 0);
    await job.exporter.flush();
    assert.deepEqual(
      receiver.requests.map((r) => r.status),
      [500, 200],
    );
    const gap = (receiver.requests[1]?.at ?? 0) - (receiver.requests[0]?.at ?? 0);
    assert.ok(gap >= 350, `retried after ${gap} ms (backoff starts at 500 ms ± 20 %)`);
    assert.equal(job.exporter.stats.retries, 1);
    assert.equal(job.exporter.stats.exported, 3);
    assert.equal(job.exporter.stats.dropped, 0);
  });

  it('network errors are retried with backoff: a collector that comes up after the first attempt gets everything', async () => {
    const url = await deadUrl();
    const job = configure({ endpoint: url, timeoutMillis: 6000 });
    assert.equal(await work(2), 2);
    const t0 = performance.now();
    const flushing = job.exporter.flush();
    // The first attempt is refused (nothing listens); the collector starts while the transport backs off.
    await new Promise((r) => setTimeout(r, 200));
    const late = await new OtlpReceiver().start(Number(new URL(url).port));
    try {
      await flushing;
      assert.deepEqual(
        late.requests.map((r) => [r.status, r.spans.length]),
        [[200, 6]],
      );
      assert.ok((late.requests[0]?.at ?? 0) - t0 >= 700, 'delivered by a retry after the backoff (1 s ± 20 %)');
      assert.equal(job.exporter.stats.exported, 6);
      assert.equal(job.exporter.stats.dropped, 0);
      assert.equal(job.drops.length, 0);
    } finally {
      await late.stop();
    }
  });

  it('400: not retried; the batch is dropped, counted and reported', async () => {
    receiver.defaultAnswer = 400;
    const job = configure({ endpoint: receiver.url, timeoutMillis: 5000 });
    assert.equal(await work(2), 2);
    await job.exporter.flush();
    // One request for the batch (not repeated), one for the telemetry-data error reporting its loss.
    assert.deepEqual(
      receiver.requests.map((r) => r.spans.length),
      [6, 1],
    );
    assert.equal(receiver.requests[1]?.spans[0]?.name, 'span_for_telemetry_data_error');
    assert.equal(job.exporter.stats.failedExports, 2);
    assert.equal(job.exporter.stats.dropped, 7);
    assert.equal(job.drops[0]?.reason, 'export_failed');
    assert.match(job.drops[0]?.detail ?? '', /400/);
  });
});

describe('overwhelmed', () => {
  it('a full queue drops (and counts) instead of blocking or growing', async () => {
    receiver.defaultAnswer = 200;
    const job = configure({ endpoint: receiver.url, maxQueueSize: 10, maxExportBatchSize: 5 });
    const recorder = getRecorder();
    // 30 spans stopped without yielding: 90 OTel spans (each with its start/stop event spans) into a queue of 10.
    for (let i = 0; i < 30; i++) recorder.stop(recorder.start('burst'));
    assert.equal(job.exporter.stats.enqueued, 10);
    // 80 of the burst, and the telemetry-data-error span reporting the first loss (the queue is still full).
    assert.equal(job.exporter.stats.dropped, 81);
    assert.ok(job.drops.every((d) => d.reason === 'queue_full'));
    await job.exporter.flush();
    assert.equal(job.exporter.stats.exported, 10);
  });
});

describe('a custom span exporter that never calls back', () => {
  it('the stuck export counts as failed after timeoutMillis plus grace; later batches go through', async () => {
    const received: string[][] = [];
    let calls = 0;
    const stuckOnce: SpanExporter = {
      export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
        calls++;
        if (calls === 1) return; // never answers
        received.push(spans.map((s) => s.name));
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: () => Promise.resolve(),
    };
    const job = configure({ spanExporter: stuckOnce, timeoutMillis: 200 });
    assert.equal(await work(1), 0);
    const flush = await timed(() => job.exporter.flush());
    assert.ok(flush.ms >= 350 && flush.ms < 2000, `flush took ${flush.ms} ms`);
    assert.equal(job.drops[0]?.reason, 'export_failed');
    assert.equal(job.drops[0]?.count, 3);
    assert.equal(job.drops[0]?.detail, 'the span exporter did not answer within 400 ms');
    assert.equal(await work(1), 0);
    await job.exporter.flush();
    assert.deepEqual(received, [['span_for_telemetry_data_error'], ['span_start_event_for_step', 'span_stop_event_for_step', 'step']]);
    assert.equal(job.exporter.stats.exported, 4);
    assert.equal(job.exporter.stats.dropped, 3);
  });
});

describe('a real job process', () => {
  const script = fileURLToPath(new URL('./fixtures/job-with-dead-collector.mjs', import.meta.url));

  for (const mode of ['shutdown', 'natural-exit'] as const) {
    it(`collector down, ${mode}: the job finishes with its own result and exit code, within the bound`, async () => {
      const file = join(dir, `child-${mode}.jsonl`);
      const t0 = performance.now();
      const child = spawnSync(process.execPath, [script, await deadUrl(), file, mode], { encoding: 'utf8', timeout: 20_000 });
      const ms = performance.now() - t0;
      assert.equal(child.status, 0, child.stderr);
      assert.match(child.stdout, /^result 499500\n/);
      assert.ok(ms < 6000, `the job took ${ms} ms`);
      const records = readRecords(file);
      assert.equal(records.filter((r) => r.name === 'batch').length, 10, 'the file exporter is unaffected');
    });
  }
});
