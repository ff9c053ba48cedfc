// Replaying JSONL to a collector: `replayRecords` and the `one-logger replay` command, against the real
// OTLP receiver. A replayed file must give the collector the same tree as the live exporter would.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DefaultRecorder, Event, FileExporter, getRecorder, internalLogger, OneLoggerProvider, timedSpan } from '@nv-one-logger/core';
import { freePort } from '../../core/test/helpers/free-port.js';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { readRecords } from '../../core/test/helpers/records.js';
import { replayRecords } from '../src/index.js';
import { assertMatchesRecords, realSpans } from './helpers/compare.js';
import { OtlpReceiver } from './helpers/otlp-receiver.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const BIN = fileURLToPath(new URL('../../cli/bin/one-logger.js', import.meta.url));
const PYTHON_FIXTURE = fileURLToPath(new URL('../../cli/test/fixtures/python-reference.jsonl', import.meta.url));

let dir = '';
let receiver: OtlpReceiver;
before(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'otel-replay-'));
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

/** A job with nested concurrent spans, events and an application error, written to JSONL only. */
async function writeJob(file: string): Promise<void> {
  OneLoggerProvider.instance().configure(
    { applicationName: 'offline_job', sessionTag: 'offline', worldSize: 1 },
    new DefaultRecorder({ exporters: [new FileExporter({ filePath: file })] }),
  );
  await timedSpan('application', async () => {
    await Promise.all(
      [1, 2].map((n) =>
        timedSpan(
          'stage',
          async (span) => {
            await timedSpan('io', () => new Promise((r) => setTimeout(r, 3 * n)));
            getRecorder().event(span, Event.create('progress', { done: n, frac: n / 4 }));
            if (n === 2) getRecorder().error(span, 'stage 2 had a hiccup');
          },
          { spanAttributes: { n } },
        ),
      ),
    );
  });
  await OneLoggerProvider.instance().shutdown();
}

describe('replayRecords', () => {
  it('a replayed file gives the collector the span tree, attributes, events and errors of the records', async () => {
    const file = join(dir, 'job.jsonl');
    await writeJob(file);
    const records = readRecords(file);
    const result = await replayRecords(records, {
      endpoint: receiver.url,
      serviceName: 'offline_job',
      resource: { 'one_logger.session_tag': 'offline' },
    });
    const spans = receiver.spans;
    assertMatchesRecords(records, spans);
    assert.deepEqual(
      {
        records: result.records,
        spans: result.spans,
        skipped: result.skipped,
        orphans: result.orphans,
        incomplete: result.incomplete,
        dropped: result.dropped,
      },
      { records: records.length, spans: 5, skipped: 0, orphans: 0, incomplete: 0, dropped: 0 },
    );
    assert.equal(result.exported, spans.length);
    const stage2 = spans.find((s) => s.name === 'stage' && s.attributes.n === 2);
    assert.equal(stage2?.statusCode, 2);
    assert.equal(stage2?.statusMessage, 'stage 2 had a hiccup');
    assert.equal(spans.find((s) => s.name === 'stage' && s.attributes.n === 1)?.statusCode, 0);
    assert.equal(spans[0]?.resource['service.name'], 'offline_job');
    assert.equal(spans[0]?.resource['one_logger.session_tag'], 'offline');
    assert.equal(spans[0]?.resource['process.pid'], undefined, 'the replaying process does not describe the job');
  });

  it('partial data: a stop without its start is rebuilt from duration_msec, a start without a stop is flagged, bad records are skipped', async () => {
    const lines = [
      '{"type":"stop","id":"s-1","name":"late","attributes":{"duration_msec":250},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":1700000001000}},"count":1,"pid":7}',
      '{"type":"start","id":"s-2","name":"open","parent_id":"gone","start_event":{"name":"span_start","attributes":{"timestamp_msec":1700000001100}},"count":2,"pid":7}',
      '{"type":"event","span_id":"nobody","event":{"name":"e","attributes":{"timestamp_msec":1700000001200}},"count":3,"pid":7}',
      '{"type":"mystery","count":4,"pid":7}',
      '{"type":"event","span_id":"s-2","event":{"name":"tick","attributes":{"obj":{"a":1},"nothing":null,"timestamp_msec":1700000001300}},"count":5,"pid":7}',
    ];
    const result = await replayRecords(
      lines.map((l) => JSON.parse(l)),
      { endpoint: receiver.url },
    );
    assert.equal(result.records, 5);
    assert.equal(result.spans, 2);
    assert.equal(result.orphans, 2);
    assert.equal(result.incomplete, 1);
    assert.equal(result.skipped, 2);
    assert.deepEqual(result.skippedReasons, ['record 3: Span nobody not found', 'record 4: unknown record type "mystery"']);
    const real = realSpans(receiver.spans);
    const late = real.get('s-1');
    assert.equal(late?.startNs, 1_700_000_000_750n * 1_000_000n);
    assert.equal(late?.endNs, 1_700_000_001_000n * 1_000_000n);
    const open = real.get('s-2');
    assert.equal(open?.parentSpanId, undefined);
    assert.equal(open?.attributes.one_logger_span_incomplete, true);
    assert.equal(open?.endNs, 1_700_000_001_300n * 1_000_000n, 'ended at the last record time');
    assert.deepEqual(open?.events.find((e) => e.name === 'tick')?.attributes, { obj: '{"a":1}', timestamp_msec: 1_700_000_001_300 });
  });
});

describe('one-logger replay', () => {
  it('sends a Python-written file (NaN tokens and all) and reports what it did', async () => {
    const run = await cli([
      'replay',
      PYTHON_FIXTURE,
      '--otlp',
      receiver.url.replace('/v1/traces', ''),
      '--protocol',
      'http/json',
      '--service-name',
      'py_job',
      '--resource',
      'one_logger.rank=0',
      '--header',
      'x-token=abc',
    ]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const records = parseRecordsLenient(readFileSync(PYTHON_FIXTURE, 'utf8'));
    const spanCount = records.filter((r) => r.type === 'start' || r.type === 'complete').length;
    assert.match(
      run.stdout,
      new RegExp(`^replayed 1 file, ${records.length} records: ${spanCount} spans \\(\\d+ OTel spans delivered, 0 dropped\\) to `),
    );
    assert.match(run.stderr, /NaN/, 'the reader warns about the non-standard tokens');
    const spans = receiver.spans;
    assert.equal(realSpans(spans).size, spanCount);
    assert.equal(spans[0]?.resource['service.name'], 'py_job');
    assert.equal(spans[0]?.resource['one_logger.rank'], 0);
    assert.ok(receiver.requests.every((r) => r.headers['x-token'] === 'abc' && r.contentType === 'application/json'));
    const loop = spans.find((s) => s.name === 'training_loop');
    assert.ok(loop);
    assert.equal(loop.attributes.my_custom_metric, undefined, 'NaN (read as null) is left out');
    assert.equal(loop.attributes.train_iterations_target, 3);
  });

  it('exit 1 with the drop count when the collector refuses; exit 2 on usage errors; header values never printed', async () => {
    receiver.defaultAnswer = 400;
    const file = join(dir, 'small.jsonl');
    writeFileSync(
      file,
      '{"type":"complete","id":"a","name":"x","attributes":{"duration_msec":1},"start_event":{"name":"span_start","attributes":{"timestamp_msec":1700000000000}},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":1700000000001}},"count":1,"pid":1}\n',
    );
    const refused = await cli(['replay', file, '--otlp', receiver.url, '--header', 'authorization=Bearer hunter2']);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stdout, /1 span \(0 OTel spans delivered, 3 dropped\)/);
    assert.doesNotMatch(refused.stdout + refused.stderr, /hunter2/);

    const noUrl = await cli(['replay', file]);
    assert.equal(noUrl.status, 2);
    assert.match(noUrl.stderr, /replay needs --otlp <collector url>/);
    const badUrl = await cli(['replay', file, '--otlp', 'ftp://x', '--header', 'authorization=hunter2']);
    assert.equal(badUrl.status, 2);
    assert.match(badUrl.stderr, /OTelExporterOptions.endpoint: must be an http:\/\/ or https:\/\/ URL/);
    assert.doesNotMatch(badUrl.stderr, /hunter2/);
    const badProtocol = await cli(['replay', file, '--otlp', receiver.url, '--protocol', 'grpc']);
    assert.equal(badProtocol.status, 2);
    assert.match(badProtocol.stderr, /--protocol must be http\/protobuf or http\/json \(got "grpc"\)/);
  });
});

describe('one-logger replay: several files, --no-event-spans, --timeout-ms', () => {
  it('replays two files in one run; --no-event-spans sends span events only', async () => {
    const first = join(dir, 'node-a.jsonl');
    const second = join(dir, 'node-b.jsonl');
    await writeJob(first);
    OneLoggerProvider.resetForTests();
    await writeJob(second);
    const records = [...readRecords(first), ...readRecords(second)];
    const run = await cli(['replay', first, second, '--otlp', receiver.url, '--no-event-spans']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`^replayed 2 files, ${records.length} records: 10 spans \\(10 OTel spans delivered, 0 dropped\\)`));
    const spans = receiver.spans;
    assert.equal(spans.length, 10, 'one OTel span per one-logger span, no child span per event');
    assert.equal(new Set(spans.map((s) => s.traceId)).size, 2, 'one trace per file');
    for (const r of records.filter((x) => x.type === 'event' || x.type === 'application_error')) {
      const owner = realSpans(spans).get(r.span_id);
      assert.ok(owner?.events.some((e) => e.name === r.event.name && e.attributes.timestamp_msec === r.event.attributes.timestamp_msec));
    }
    assert.equal(spans.filter((s) => s.statusCode === 2).length, 2, 'the failed stage of each file');
  });

  it('--timeout-ms bounds a replay to a dead collector; exit 1 with the drops counted', async () => {
    const file = join(dir, 'to-dead.jsonl');
    writeFileSync(
      file,
      '{"type":"complete","id":"a","name":"x","attributes":{"duration_msec":1},"start_event":{"name":"span_start","attributes":{"timestamp_msec":1700000000000}},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":1700000000001}},"count":1,"pid":1}\n',
    );
    // A port on 127.0.0.1 where nothing listens.
    const port = await freePort();
    const t0 = performance.now();
    const run = await cli(['replay', file, '--otlp', `http://127.0.0.1:${port}/v1/traces`, '--timeout-ms', '500']);
    const ms = performance.now() - t0;
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /1 span \(0 OTel spans delivered, 3 dropped\)/);
    assert.ok(ms < 5000, `replay took ${ms} ms`);
    const badHeader = await cli(['replay', file, '--otlp', receiver.url, '--header', 'hunter2']);
    assert.equal(badHeader.status, 2);
    assert.match(badHeader.stderr, /--header needs key=value/);
    assert.doesNotMatch(badHeader.stderr, /hunter2/);
    const badTimeout = await cli(['replay', file, '--otlp', receiver.url, '--timeout-ms', '0']);
    assert.equal(badTimeout.status, 2);
    assert.match(badTimeout.stderr, /--timeout-ms needs a positive integer \(got "0"\)/);
  });
});

/** Runs the CLI without blocking this process's event loop (the receiver lives in it). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ status, stdout, stderr });
    });
  });
}

/** The Python fixture has NaN tokens; count its records the way the CLI reader sees them. */
function parseRecordsLenient(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l.replace(/\bNaN\b|-?Infinity\b/g, 'null')) as Record<string, unknown>);
}
