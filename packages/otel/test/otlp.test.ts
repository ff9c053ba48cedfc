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
    assert.match(String(receiver.requests[0]?.headers['user-agent']), /^nv-one-logger-otel\/\d+\.\d+\.\d+ \(Node\.js \d+/);
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
              if (shard === 'c') getRecorder().error(span, 'shard c had bad rows', new RangeError('row 7'));
              getRecorder().event(span, Event.create('shard_done', { rows: 100, shard, ratio: 0.25 }));
            },
            { spanAttributes: { shard } },
          ),
        ),
      );
      // While the application span runs: a telemetry-data error must still be a root of its own.
      getRecorder().telemetryDataError('input stats missing', { source: 'loader' });
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
    // The application error: ERROR status (with the message) on its span only, an `error` event and an
    // `error_for_process_shard` child span with ERROR status.
    const failed = shards.find((s) => s.attributes.shard === 'c') as ReceivedSpan;
    assert.deepEqual([failed.statusCode, failed.statusMessage], [2, 'shard c had bad rows']);
    assert.deepEqual(
      shards.filter((s) => s !== failed).map((s) => s.statusCode),
      [0, 0],
    );
    assert.equal(app.statusCode, 0);
    const error = failed.events.find((e) => e.name === 'error');
    assert.equal(error?.attributes.error_message, 'shard c had bad rows');
    assert.equal(error?.attributes.exception_type, 'RangeError');
    assert.equal(error?.attributes.exception_message, 'row 7');
    const errorSpan = spans.find((s) => s.name === 'error_for_process_shard');
    assert.equal(errorSpan?.parentSpanId, failed.spanId);
    assert.deepEqual([errorSpan?.statusCode, errorSpan?.statusMessage], [2, 'shard c had bad rows']);
    // The telemetry-data error: a root span in a trace of its own, status ERROR, one event with typed attributes.
    const tde = spans.filter((s) => s.name === 'span_for_telemetry_data_error');
    assert.equal(tde.length, 1);
    assert.equal(tde[0]?.parentSpanId, undefined);
    assert.notEqual(tde[0]?.traceId, app.traceId);
    assert.deepEqual([tde[0]?.statusCode, tde[0]?.statusMessage], [2, 'input stats missing']);
    assert.deepEqual(
      tde[0]?.events.map((e) => [e.name, e.attributes.error_message, e.attributes.telemetry_data_error_type, e.attributes.source]),
      [['telemetry_data_error', 'input stats missing', 'incomplete_telemetry_data', 'loader']],
    );
    assert.equal(tde[0]?.events[0]?.types.timestamp_msec, 'int');
  });
});

describe('configuration', () => {
  for (const [className, eventSpans] of [
    ['otel', true],
    ['nv_one_logger.otel.exporter.otel_exporter.OTelExporter', false],
  ] as const) {
    it(`a YAML exporter config file entry { class_name: ${className} } turns the exporter on (event_spans: ${eventSpans}), env headers included`, async () => {
      const yaml = join(dir, `exporters-${eventSpans}.yaml`);
      writeFileSync(
        yaml,
        [
          'exporters:',
          `  - class_name: ${className}`,
          '    config:',
          `      endpoint: ${receiver.url}`,
          '      protocol: http/json',
          '      scheduled_delay_millis: 20',
          `      event_spans: ${eventSpans}`,
          '      resource: { deployment.environment: test }',
        ].join('\n'),
      );
      process.env.OTEL_EXPORTER_OTLP_HEADERS = 'authorization=Bearer%20tok';
      try {
        await import('../src/index.js');
        OneLoggerProvider.instance().configure({ applicationName: 'yaml_app', sessionTag: 's', worldSize: 1 }, { configFilePath: yaml });
        await timedSpan('from_yaml', (span) => {
          getRecorder().event(span, Event.create('tick', { n: 1 }));
        });
        await OneLoggerProvider.instance().shutdown();
      } finally {
        delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
      }
      const span = receiver.spans.find((s) => s.name === 'from_yaml');
      assert.ok(span);
      assert.deepEqual(
        span.events.map((e) => e.name),
        ['span_start', 'tick', 'span_stop'],
      );
      assert.deepEqual(
        receiver.spans.map((s) => s.name).sort(),
        eventSpans
          ? ['from_yaml', 'span_start_event_for_from_yaml', 'span_stop_event_for_from_yaml', 'tick_event_for_from_yaml']
          : ['from_yaml'],
      );
      assert.equal(span.resource['service.name'], 'yaml_app');
      assert.equal(span.resource['deployment.environment'], 'test');
      assert.equal(receiver.requests[0]?.headers.authorization, 'Bearer tok');
      assert.equal(receiver.requests[0]?.contentType, 'application/json');
    });
  }

  it('traces-specific OTEL_EXPORTER_OTLP_TRACES_* variables win over the generic ones; OTEL_SERVICE_NAME and options.resource', async () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/not-used',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=generic,x-region=eu',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=traces',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
      OTEL_SERVICE_NAME: 'svc_from_env',
      OTEL_RESOURCE_ATTRIBUTES: 'team=infra,deployment.environment=staging',
    };
    Object.assign(process.env, env);
    try {
      const exporter = new OTelExporter({ scheduledDelayMillis: 20, resource: { 'deployment.environment': 'prod' } });
      assert.equal(exporter.endpoint, receiver.url);
      OneLoggerProvider.instance().configure(
        { applicationName: 'app_name', sessionTag: 's', worldSize: 1 },
        new DefaultRecorder({ exporters: [exporter] }),
      );
      await timedSpan('from_traces_env', () => undefined);
      await OneLoggerProvider.instance().shutdown();
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
    }
    const request = receiver.requests[0];
    assert.equal(request?.contentType, 'application/json');
    assert.equal(request?.headers['content-encoding'], 'gzip');
    assert.equal(request?.headers['x-tenant'], 'traces');
    assert.equal(request?.headers['x-region'], 'eu');
    const span = receiver.spans.find((s) => s.name === 'from_traces_env');
    assert.ok(span);
    // OTEL_SERVICE_NAME names the service over the application name; options.resource wins over the env.
    assert.equal(span.resource['service.name'], 'svc_from_env');
    assert.equal(span.resource.team, 'infra');
    assert.equal(span.resource['deployment.environment'], 'prod');
    assert.equal(span.resource['one_logger.session_tag'], 's');
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
