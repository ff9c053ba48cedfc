// Options: defaults, the OTEL_EXPORTER_OTLP_* environment variables, and clear errors (field, value, rule)
// that never echo a secret.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ExporterConfigManager, exporterRegistry } from '@nv-one-logger/core';
import { OTelExporter, otelExporterFactory, resolveOptions } from '../src/index.js';

function configError(fn: () => unknown, field: string, rule: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `ConfigError expected, got ${String(e)}`);
    assert.equal(e.field, field);
    assert.match(e.rule, rule);
    return true;
  });
}

describe('defaults and environment', () => {
  it('defaults: localhost:4318, protobuf, 10 s, SDK batch sizes, event spans on', () => {
    const o = resolveOptions({}, {});
    assert.equal(o.url, 'http://localhost:4318/v1/traces');
    assert.equal(o.protocol, 'http/protobuf');
    assert.equal(o.timeoutMillis, 10_000);
    assert.equal(o.compression, 'none');
    assert.deepEqual([o.maxQueueSize, o.maxExportBatchSize, o.scheduledDelayMillis, o.shutdownTimeoutMillis], [2048, 512, 5000, 10_000]);
    assert.equal(o.eventSpans, true);
    assert.deepEqual(o.headers, {});
  });

  it('an endpoint without a path gets /v1/traces; one with a path is kept', () => {
    assert.equal(resolveOptions({ endpoint: 'http://collector:4318' }, {}).url, 'http://collector:4318/v1/traces');
    assert.equal(resolveOptions({ endpoint: 'https://otlp.example.com/custom/traces' }, {}).url, 'https://otlp.example.com/custom/traces');
  });

  it('reads endpoint, protocol, headers, timeout and compression from OTEL_EXPORTER_OTLP_*, traces-specific first', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318/',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=two%20words',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=3',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
    };
    const o = resolveOptions({}, env);
    assert.equal(o.url, 'http://base:4318/v1/traces');
    assert.equal(o.protocol, 'http/json');
    assert.deepEqual(o.headers, { a: '1', b: '3' });
    assert.equal(o.timeoutMillis, 2500);
    assert.equal(o.compression, 'gzip');
    const specific = resolveOptions(
      {},
      { ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:1/exact', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' },
    );
    assert.equal(specific.url, 'http://t:1/exact');
    assert.equal(specific.protocol, 'http/protobuf');
  });

  it('per setting: the traces-specific variable wins over the generic one, an option over both (OTel specification)', () => {
    const generic = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318/prefix',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'a=generic,b=generic',
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    };
    const specific = {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=traces,c=traces',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2000',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none',
    };
    const pick = (o: ReturnType<typeof resolveOptions>) => [o.url, o.protocol, o.headers, o.timeoutMillis, o.compression];
    // Generic only: the base URL gets the signal path appended (after its own path).
    assert.deepEqual(pick(resolveOptions({}, generic)), [
      'http://generic:4318/prefix/v1/traces',
      'http/json',
      { a: 'generic', b: 'generic' },
      1000,
      'gzip',
    ]);
    // Traces-specific only: the URL is used as given (no /v1/traces added, just the root path).
    assert.deepEqual(pick(resolveOptions({}, specific)), [
      'http://traces:4318/',
      'http/protobuf',
      { b: 'traces', c: 'traces' },
      2000,
      'none',
    ]);
    // Both: the specific one wins setting by setting; headers are merged, specific keys over generic ones.
    assert.deepEqual(pick(resolveOptions({}, { ...generic, ...specific })), [
      'http://traces:4318/',
      'http/protobuf',
      { a: 'generic', b: 'traces', c: 'traces' },
      2000,
      'none',
    ]);
    // Options over both.
    assert.deepEqual(
      pick(
        resolveOptions(
          { endpoint: 'http://opt:4318', protocol: 'http/json', headers: { c: 'opt' }, timeoutMillis: 3000, compression: 'gzip' },
          { ...generic, ...specific },
        ),
      ),
      ['http://opt:4318/v1/traces', 'http/json', { a: 'generic', b: 'traces', c: 'opt' }, 3000, 'gzip'],
    );
    // Blank variables count as unset.
    assert.equal(resolveOptions({}, { ...generic, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '  ' }).url, 'http://generic:4318/prefix/v1/traces');
  });

  it('options win over the environment; option headers merge over env headers', () => {
    const o = resolveOptions(
      { endpoint: 'http://opt:4318', protocol: 'http/protobuf', headers: { b: 'opt' }, timeoutMillis: 100 },
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'a=env,b=env',
        OTEL_EXPORTER_OTLP_TIMEOUT: '9',
      },
    );
    assert.equal(o.url, 'http://opt:4318/v1/traces');
    assert.equal(o.protocol, 'http/protobuf');
    assert.deepEqual(o.headers, { a: 'env', b: 'opt' });
    assert.equal(o.timeoutMillis, 100);
  });
});

describe('bad options', () => {
  it('names the field, the value and the rule', () => {
    configError(
      () => resolveOptions({ protocol: 'grpc' as never }, {}),
      'OTelExporterOptions.protocol',
      /"http\/protobuf" or "http\/json"/,
    );
    configError(() => resolveOptions({ endpoint: 'collector:4318' }, {}), 'OTelExporterOptions.endpoint', /http:\/\/ or https:\/\/ URL/);
    configError(() => resolveOptions({ endpoint: 'grpc://c:4317' }, {}), 'OTelExporterOptions.endpoint', /gRPC is not supported/);
    configError(() => resolveOptions({ timeoutMillis: 0 }, {}), 'OTelExporterOptions.timeoutMillis', /positive integer/);
    configError(() => resolveOptions({ maxQueueSize: 1.5 }, {}), 'OTelExporterOptions.maxQueueSize', /positive integer/);
    configError(
      () => resolveOptions({ maxQueueSize: 10, maxExportBatchSize: 20 }, {}),
      'OTelExporterOptions.maxExportBatchSize',
      /must not exceed maxQueueSize \(10\)/,
    );
    configError(() => resolveOptions({ eventSpans: 'yes' as never }, {}), 'OTelExporterOptions.eventSpans', /true or false/);
    configError(
      () => resolveOptions({ resource: { bad: { nested: 1 } as never } }, {}),
      'OTelExporterOptions.resource.bad',
      /valid attribute value/,
    );
    configError(() => resolveOptions({ spanExporter: {} as never }, {}), 'OTelExporterOptions.spanExporter', /SpanExporter/);
    configError(
      () => resolveOptions({ endpont: 'x' } as never, {}),
      'OTelExporterOptions.endpont',
      /is not an option; the options are endpoint, protocol/,
    );
    configError(() => resolveOptions({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), 'OTEL_EXPORTER_OTLP_PROTOCOL', /grpc is not supported/);
    configError(
      () => resolveOptions({}, { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: 'soon' }),
      'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
      /positive integer/,
    );
    assert.throws(() => resolveOptions({ timeoutMillis: -1 }, {}), {
      message: 'OTelExporterOptions.timeoutMillis: must be a positive integer (got -1)',
    });
  });

  it('never echoes header values or URL credentials', () => {
    const secret = 'Bearer s3cr3t-token';
    for (const fn of [
      () => resolveOptions({ headers: { authorization: `${secret}\n` } }, {}),
      () => resolveOptions({ endpoint: 'https://user:s3cr3t-token@collector:4318' }, {}),
      () => resolveOptions({}, { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=%E0%A4%A' }),
    ]) {
      assert.throws(fn, (e: unknown) => e instanceof ConfigError && !e.message.includes('s3cr3t') && !e.message.includes('%E0'));
    }
  });
});

describe('registry', () => {
  it('`otel` and the Python class path resolve to the factory; config keys are validated', () => {
    assert.equal(exporterRegistry.get('otel'), otelExporterFactory);
    assert.equal(exporterRegistry.get('nv_one_logger.otel.exporter.otel_exporter.OTelExporter'), otelExporterFactory);
    const manager = new ExporterConfigManager();
    const [exporter] = manager.createExporters(
      ExporterConfigManager.buildExporterConfigs([
        {
          class_name: 'nv_one_logger.otel.exporter.otel_exporter.OTelExporter',
          config: { endpoint: 'http://c:4318', protocol: 'http/json' },
        },
      ]),
    );
    assert.ok(exporter instanceof OTelExporter);
    assert.equal(exporter.endpoint, 'http://c:4318/v1/traces');
    configError(
      () => otelExporterFactory.create({ endpoint: 'http://c', timeout_millis: 'x' }, { className: 'otel', values: {} }),
      'config.timeout_millis',
      /positive integer/,
    );
    configError(
      () => otelExporterFactory.create({ url: 'http://c' }, { className: 'otel', values: {} }),
      'config.url',
      /is not an option of exporter "otel"/,
    );
  });
});
