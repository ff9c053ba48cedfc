// End to end over real OTLP/HTTP: the exporter sends to a receiver on 127.0.0.1 that decodes the payloads
// with the official protobuf definitions (or JSON), and the decoded spans are checked against the JSONL
// records the FileExporter wrote for the same run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  DefaultRecorder,
  Event,
  FileExporter,
  getRecorder,
  OneLoggerProvider,
  setIdGenerator,
  timedSpan,
  VERSION,
} from '@nv-one-logger/core';
import {
  CheckpointStrategy,
  onAppEnd,
  onAppStart,
  onSaveCheckpointEnd,
  onSaveCheckpointStart,
  onSaveCheckpointSuccess,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationSingleIterationEnd,
  onValidationSingleIterationStart,
  onValidationStart,
  TrainingTelemetryProvider,
} from '@nv-one-logger/training-telemetry';
import { readRecords } from '../../core/test/helpers/records.js';
import { OTelExporter } from '../src/index.js';
import { assertMatchesRecords } from './helpers/compare.js';
import { OtlpReceiver, type ReceivedSpan } from './helpers/otlp-receiver.js';

let dir = '';
let receiver: OtlpReceiver;
before(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'otel-e2e-'));
  receiver = await new OtlpReceiver().start();
});
after(async () => {
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  receiver.requests.length = 0;
  receiver.answers = [];
  delete process.env.RANK;
  setIdGenerator(undefined);
  await OneLoggerProvider.instance()
    .shutdown()
    .catch(() => undefined);
  TrainingTelemetryProvider.resetForTests();
});

describe('training job over OTLP/HTTP protobuf', () => {
  it('the collector receives the same span tree, attributes (typed), events and resource as the JSONL', async () => {
    process.env.RANK = '3';
    const file = join(dir, 'training.jsonl');
    const otel = new OTelExporter({
      endpoint: receiver.url.replace('/v1/traces', ''),
      scheduledDelayMillis: 20,
      headers: { 'x-api-key': 'secret-1' },
    });
    TrainingTelemetryProvider.instance()
      .withBaseConfig({
        applicationName: 'train_app',
        sessionTag: 'run_42',
        worldSize: 8,
        // Given up front, the training config's perf tag and app type also describe the resource.
        telemetryConfig: {
          perfTag: 'perf_a',
          globalBatchSize: 32,
          logEveryNTrainIterations: 2,
          flopsPerSample: 100,
          isLogThroughputEnabled: true,
          trainIterationsTarget: 5,
          trainSamplesTarget: 160,
          saveCheckpointStrategy: CheckpointStrategy.SYNC,
        },
      })
      .withExporter(new FileExporter({ filePath: file }))
      .withExporter(otel)
      .configureProvider();
    onAppStart();
    onTrainStart({ trainIterationsStart: 0, trainSamplesStart: 0 });
    for (let i = 0; i < 5; i++) {
      onTrainingSingleIterationStart();
      await new Promise((r) => setTimeout(r, 2));
      onTrainingSingleIterationEnd();
    }
    onValidationStart();
    for (let i = 0; i < 2; i++) {
      onValidationSingleIterationStart();
      onValidationSingleIterationEnd();
    }
    onValidationEnd();
    onSaveCheckpointStart({ globalStep: 5 });
    onSaveCheckpointSuccess({ globalStep: 5 });
    onSaveCheckpointEnd();
    onTrainEnd();
    await onAppEnd();

    const records = readRecords(file);
    const spans = receiver.spans;
    assert.ok(records.some((r) => r.type === 'event' && r.event.name === 'training_metrics_update'));
    assertMatchesRecords(records, spans);
    assert.equal(new Set(spans.map((s) => s.traceId)).size, 1, 'one trace: everything under the application span');
    assert.ok(receiver.requests.every((r) => r.contentType === 'application/x-protobuf' && r.headers['x-api-key'] === 'secret-1'));
    const resource = spans[0]?.resource ?? {};
    assert.equal(resource['service.name'], 'train_app');
    assert.equal(resource['one_logger.session_tag'], 'run_42');
    assert.equal(resource['one_logger.perf_tag'], 'perf_a');
    assert.equal(resource['one_logger.app_type'], 'training');
    assert.equal(resource['one_logger.world_size'], 8);
    assert.equal(resource['one_logger.rank'], 3);
    assert.equal(resource['one_logger.version'], VERSION);
    assert.equal(resource['host.name'], os.hostname());
    assert.equal(resource['process.pid'], process.pid);
    assert.equal(resource['telemetry.sdk.language'], 'nodejs');
    assert.ok(spans.every((s) => s.scope === 'one_logger'));
    assert.equal(otel.stats.dropped, 0);
    assert.equal(otel.stats.exported, spans.length);
  });
});

describe('concurrent async spans over OTLP/HTTP JSON', () => {
  it('each load is a child of its own shard, each shard of the application', async () => {
    const file = join(dir, 'shards.jsonl');
    OneLoggerProvider.instance().configure(
      { applicationName: 'etl_job', sessionTag: 'nightly', worldSize: 1 },
      new DefaultRecorder({
        exporters: [
          new FileExporter({ filePath: file }),
          new OTelExporter({ endpoint: receiver.url, protocol: 'http/json', scheduledDelayMillis: 20 }),
        ],
      }),
    );
    await timedSpan('application', async () => {
      await Promise.all(
        ['a', 'b', 'c'].map((shard, i) =>
          timedSpan(
            'process_shard',
            async (span) => {
              await timedSpan('load', () => new Promise((r) => setTimeout(r, 15 - i * 5)), { spanAttributes: { shard } });
              getRecorder().event(span, Event.create('shard_done', { rows: 100, shard, ratio: 0.25 }));
            },
            { spanAttributes: { shard } },
          ),
        ),
      );
    });
    await OneLoggerProvider.instance().shutdown();

    const spans = receiver.spans;
    assert.ok(receiver.requests.length > 0 && receiver.requests.every((r) => r.contentType === 'application/json'));
    assertMatchesRecords(readRecords(file), spans);
    const app = spans.find((s) => s.name === 'application') as ReceivedSpan;
    const shards = spans.filter((s) => s.name === 'process_shard');
    const loads = spans.filter((s) => s.name === 'load');
    assert.equal(shards.length, 3);
    assert.equal(loads.length, 3);
    for (const load of loads) {
      const shard = shards.find((s) => s.spanId === load.parentSpanId);
      assert.equal(shard?.attributes.shard, load.attributes.shard, 'load under its own shard');
      assert.equal(shard?.parentSpanId, app.spanId);
      const done = shard?.events.find((e) => e.name === 'shard_done');
      assert.deepEqual(done?.attributes, {
        rows: 100,
        shard: load.attributes.shard,
        ratio: 0.25,
        timestamp_msec: done?.attributes.timestamp_msec,
      });
      assert.deepEqual(done?.types, { rows: 'int', shard: 'string', ratio: 'double', timestamp_msec: 'int' });
    }
    assert.equal(app.resource['service.name'], 'etl_job');
  });
});

describe('configuration', () => {
  it('a YAML entry { class_name: otel } (and the Python class path) turns the exporter on, env headers included', async () => {
    const yaml = join(dir, 'exporters.yaml');
    writeFileSync(
      yaml,
      [
        'exporters:',
        '  - class_name: otel',
        '    config:',
        `      endpoint: ${receiver.url}`,
        '      protocol: http/json',
        '      scheduled_delay_millis: 20',
        '      resource: { deployment.environment: test }',
      ].join('\n'),
    );
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'authorization=Bearer%20tok';
    try {
      await import('../src/index.js');
      OneLoggerProvider.instance().configure({ applicationName: 'yaml_app', sessionTag: 's', worldSize: 1 }, { configFilePath: yaml });
      await timedSpan('from_yaml', () => undefined);
      await OneLoggerProvider.instance().shutdown();
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
    }
    const span = receiver.spans.find((s) => s.name === 'from_yaml');
    assert.ok(span);
    assert.equal(span.resource['service.name'], 'yaml_app');
    assert.equal(span.resource['deployment.environment'], 'test');
    assert.equal(receiver.requests[0]?.headers.authorization, 'Bearer tok');
    assert.equal(receiver.requests[0]?.contentType, 'application/json');
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT (a base URL) is used when no endpoint is given', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url.replace('/v1/traces', '/');
    let exporter: OTelExporter;
    try {
      exporter = new OTelExporter({ scheduledDelayMillis: 20 });
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    }
    assert.equal(exporter.endpoint, receiver.url);
    OneLoggerProvider.instance().configure(
      { applicationName: 'env_app', sessionTag: 's', worldSize: 1 },
      new DefaultRecorder({ exporters: [exporter] }),
    );
    await timedSpan('from_env', () => undefined);
    await OneLoggerProvider.instance().shutdown();
    assert.ok(receiver.spans.some((s) => s.name === 'from_env'));
  });
});
