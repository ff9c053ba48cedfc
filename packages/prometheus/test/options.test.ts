// Options and the `prometheus` exporter factory: bad input is refused with the field, the value and the rule
// (secrets never shown); a YAML exporter config alone turns the exporter on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  type DefaultRecorder,
  ExporterConfig,
  ExporterConfigError,
  exporterRegistry,
  internalLogger,
  OneLoggerProvider,
} from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { readRecords } from '../../core/test/helpers/records.js';
import { groupPath, PrometheusExporter, type PrometheusExporterOptions, prometheusExporterFactory, resolveOptions } from '../src/index.js';
import { freePort, waitFor } from './helpers/servers.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

let dir = '';
before(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'prom-options-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await OneLoggerProvider.instance()
    .shutdown()
    .catch(() => undefined);
  OneLoggerProvider.resetForTests();
});

const F = 'PrometheusExporterOptions';
const refused: Array<[string, unknown, string]> = [
  ['port out of range', { port: 70000 }, `${F}.port: must be an integer from 0 to 65535 (0 picks a free port) (got 70000)`],
  ['path without /', { path: 'metrics' }, `${F}.path: must start with / and contain no query, fragment or spaces (got "metrics")`],
  ['empty host', { host: '' }, `${F}.host: must be a non-empty string (got "")`],
  [
    'unknown option',
    { prot: 1 },
    `${F}.prot: is not an option; the options are serve, port, portPerLocalRank, host, path, push, labels, checkpointBuckets, maxModelMetrics, shutdownTimeoutMillis, onPushError (got undefined)`,
  ],
  ['gateway URL of another scheme', { push: { url: 'ftp://gw' } }, `${F}.push.url: must be an http:// or https:// URL (got "ftp://gw")`],
  [
    'credentials in the gateway URL',
    { push: { url: 'http://user:pw@gw:9091' } },
    `${F}.push.url: must not contain credentials; pass them in headers (got "http://<redacted>@gw:9091/")`,
  ],
  [
    'a header value with a line break',
    { push: { url: 'http://gw', headers: { authorization: 'Bearer abc\nx' } } },
    `${F}.push.headers.authorization: must be a single-line string (got "<redacted>")`,
  ],
  ['interval 0', { push: { url: 'http://gw', intervalMillis: 0 } }, `${F}.push.intervalMillis: must be a positive integer (got 0)`],
  [
    'job as an extra grouping',
    { push: { url: 'http://gw', groupings: { job: 'x' } } },
    `${F}.push.groupings.job: is a grouping key of its own: set it with push.job or push.instance (got "job")`,
  ],
  [
    'a reserved label',
    { labels: { rank: '3' } },
    `${F}.labels.rank: is set by the exporter or by Prometheus; reserved label names are application, session, perf_tag, rank, world_size, strategy, le, quantile, job, instance (got "rank")`,
  ],
  [
    'an invalid label name',
    { labels: { 'team-name': 'x' } },
    `${F}.labels.team-name: must be a label name: [a-zA-Z_][a-zA-Z0-9_]*, not starting with __ (got "team-name")`,
  ],
  [
    'buckets not increasing',
    { checkpointBuckets: [1, 1] },
    `${F}.checkpointBuckets[1]: must be a finite positive number greater than the bucket before it (got 1)`,
  ],
  ['maxModelMetrics 0', { maxModelMetrics: 0 }, `${F}.maxModelMetrics: must be a positive integer (got 0)`],
  [
    'a push timeout longer than the shutdown bound',
    { shutdownTimeoutMillis: 2000, push: { url: 'http://gw', timeoutMillis: 3000 } },
    `${F}.push.timeoutMillis: must not exceed shutdownTimeoutMillis (2000) (got 3000)`,
  ],
];

describe('PrometheusExporter options', () => {
  for (const [what, options, message] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => new PrometheusExporter(options as PrometheusExporterOptions),
        (e: unknown) => e instanceof ConfigError && e.message === message && !e.message.includes('pw@') && !e.message.includes('abc'),
      );
    });
  }

  it('defaults: served on 0.0.0.0:9464/metrics, no push, 10 s shutdown bound', () => {
    const { settings } = new PrometheusExporter();
    assert.deepEqual(
      [settings.serve, settings.host, settings.port, settings.path, settings.push, settings.shutdownTimeoutMillis],
      [true, '0.0.0.0', 9464, '/metrics', undefined, 10_000],
    );
    // Declared to the recorder, which then waits for this bound rather than its shorter default.
    assert.equal(new PrometheusExporter({ shutdownTimeoutMillis: 7000 }).shutdownTimeoutMillis, 7000);
  });

  it('portPerLocalRank adds LOCAL_RANK to the port (0 when unset); a bad LOCAL_RANK is named', () => {
    assert.equal(resolveOptions({ port: 9464, portPerLocalRank: true }, { LOCAL_RANK: '3' }).port, 9467);
    assert.equal(resolveOptions({ portPerLocalRank: true }, {}).port, 9464);
    assert.equal(resolveOptions({ port: 9464 }, { LOCAL_RANK: '3' }).port, 9464, 'off by default');
    assert.throws(
      () => resolveOptions({ portPerLocalRank: true }, { LOCAL_RANK: 'x' }),
      (e: unknown) => e instanceof ConfigError && e.message === 'LOCAL_RANK: must be a non-negative integer (portPerLocalRank) (got "x")',
    );
  });

  it('the push timeout defaults to 5000, or to a shorter shutdown bound', () => {
    assert.equal(new PrometheusExporter({ push: { url: 'http://gw' } }).settings.push?.timeoutMillis, 5000);
    assert.equal(new PrometheusExporter({ shutdownTimeoutMillis: 800, push: { url: 'http://gw' } }).settings.push?.timeoutMillis, 800);
  });

  it('group paths: values with / or empty ones are base64url-encoded with @base64', () => {
    const base = new URL('http://gw:9091/prefix/');
    assert.equal(
      groupPath(base, [
        ['job', 'train gpt'],
        ['instance', 'rank0'],
      ]),
      '/prefix/metrics/job/train%20gpt/instance/rank0',
    );
    assert.equal(
      groupPath(base, [
        ['job', 'a/b'],
        ['zone', ''],
      ]),
      '/prefix/metrics/job@base64/YS9i/zone@base64/=',
    );
  });
});

describe('the prometheus exporter factory', () => {
  it('is registered on import under prometheus (and PrometheusExporter), snake_case keys', () => {
    assert.equal(exporterRegistry.get('prometheus'), prometheusExporterFactory);
    assert.equal(exporterRegistry.canonicalName('PrometheusExporter'), 'prometheus');
    const exporter = exporterRegistry.create(
      ExporterConfig.from({
        class_name: 'prometheus',
        config: {
          port: 9500,
          host: '127.0.0.1',
          labels: { cluster: 'eu' },
          checkpoint_buckets: [1, 10],
          max_model_metrics: 5,
          shutdown_timeout_millis: 2000,
          push: { url: 'http://gw:9091', job: 'j', interval_millis: 1000, timeout_millis: 500, delete_on_shutdown: true },
        },
      }),
    ) as PrometheusExporter;
    const s = exporter.settings;
    assert.deepEqual(
      [s.port, s.host, s.labels, s.checkpointBuckets, s.maxModelMetrics, s.shutdownTimeoutMillis],
      [9500, '127.0.0.1', { cluster: 'eu' }, [1, 10], 5, 2000],
    );
    assert.deepEqual(
      [s.push?.url.toString(), s.push?.job, s.push?.intervalMillis, s.push?.timeoutMillis, s.push?.deleteOnShutdown],
      ['http://gw:9091/', 'j', 1000, 500, true],
    );
  });

  it('a bad key is an error naming it (also inside push), the value of a secret-looking key is not shown', () => {
    const create = (config: object) => exporterRegistry.create(ExporterConfig.from({ class_name: 'prometheus', config }));
    assert.throws(
      () => create({ prot: 9 }),
      (e: unknown) => e instanceof ExporterConfigError && e.message.includes('config.prot: is not an option of exporter "prometheus"'),
    );
    assert.throws(
      () => create({ push: { url: 'http://gw', intervl_millis: 5 } }),
      (e: unknown) =>
        e instanceof ExporterConfigError &&
        e.message.includes('config.push.intervl_millis is not an option of exporter "prometheus"; the push options are url, job'),
    );
    assert.throws(
      () => create({ push: { url: 'http://gw', headers: { authorization: 'Bearer abc\nd' } } }),
      (e: unknown) => e instanceof ExporterConfigError && e.message.includes('push.headers.authorization') && !e.message.includes('abc'),
    );
  });

  it('with the package imported, a YAML exporter config turns it on: served on the configured port', async () => {
    const file = join(dir, 'one_logger_exporters_config.yaml');
    writeFileSync(
      file,
      ['exporters:', '  - class_name: prometheus', '    config:', '      port: 0', '      host: 127.0.0.1', ''].join('\n'),
    );
    OneLoggerProvider.instance().configure({ applicationName: 'yaml_job', sessionTag: 's', worldSize: 1 }, { configFilePath: file });
    const recorder = OneLoggerProvider.instance().recorder as DefaultRecorder;
    recorder.telemetryDataError('one');
    const exporter = recorder.exporters.find((e) => e instanceof PrometheusExporter);
    assert.ok(exporter !== undefined, 'the recorder has a PrometheusExporter');
    const address = await exporter.address;
    const text = await (await fetch(`http://127.0.0.1:${address?.port}/metrics`)).text();
    assert.match(text, /^one_logger_telemetry_errors_total\{application="yaml_job",session="s",world_size="1"\} 1$/m);
  });

  it('first party: a job importing neither this package nor any exporter is served from its YAML file alone', async () => {
    const port = await freePort();
    writeFileSync(
      join(dir, 'exporters.yaml'),
      [
        'exporters:',
        '  - class_name: file',
        '    config: { file_path: job.jsonl }',
        '  - class_name: prometheus',
        `    config: { port: ${port}, host: 127.0.0.1 }`,
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/yaml-only-job.mjs', import.meta.url))], {
      cwd: dir,
      env: { ...process.env, ONE_LOGGER_EXPORTER_CONFIG_PATH: join(dir, 'exporters.yaml') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitFor(`the job to train (stderr: ${stderr})`, async () => (stdout.includes('trained') ? true : undefined));
      assert.match(stdout, /^exporters FileExporter,PrometheusExporter$/m);
      // The endpoint binds on the job's event loop after its synchronous training loop printed "trained": poll it.
      const text = await waitFor(`the job's endpoint on port ${port} (stderr: ${stderr})`, async () => {
        const r = await fetch(`http://127.0.0.1:${port}/metrics`);
        return r.ok ? r.text() : undefined;
      });
      const records = readRecords(join(dir, 'job.jsonl'));
      const updates = records.filter((r) => r.event?.name === 'training_metrics_update');
      assert.equal(updates.at(-1)?.event.attributes.num_iterations, 12);
      assert.match(
        text,
        /^one_logger_train_iterations_total\{application="yaml_only",session="yaml",perf_tag="yaml_perf",rank="0",world_size="1"\} 12$/m,
      );
      child.stdin.end();
      assert.equal(await exited, 0, stderr);
    } finally {
      child.kill();
    }
  });
});
