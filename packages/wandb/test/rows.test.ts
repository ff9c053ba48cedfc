// What one export call logs (spec backends.md B.4) and the reference's pinned rows (B.7), read back from the
// fake W&B server: both naming strategies, both exporters, `_step`/`_runtime`/`_timestamp`, summary, config.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { ErrorEvent, Event, Span, setClock, TelemetryDataError, TelemetryDataErrorType, TracingTimestamp } from '@nv-one-logger/core';
import { FlatMetricNamingStrategy, HierarchicalMetricNamingStrategy, type WandBExporterOptions } from '../src/index.js';
import type { FakeWandbServer } from './helpers/fake-wandb-server.js';
import { MODES, newExporter, optionsFor, startServer } from './helpers/setup.js';

let server: FakeWandbServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());
afterEach(() => setClock(undefined));

/** The reference's tests patch the clock to 1000 ms: every row ends with app_last_log_time 1000. */
function pinClock(): void {
  setClock({ wallMs: () => 1000, perfMs: () => 1000 });
}

const at = (ms: number): TracingTimestamp => TracingTimestamp.ofMillis(ms, ms);

for (const mode of MODES) {
  describe(`B.7 pinned rows (${mode})`, () => {
    async function run(extra: WandBExporterOptions, body: (e: ReturnType<typeof newExporter>) => void): Promise<string> {
      pinClock();
      const options = optionsFor(server, extra);
      const exporter = newExporter(mode, options);
      exporter.initialize();
      body(exporter);
      await exporter.close();
      return options.runId as string;
    }

    it('span start at 500 s and stop 5.31 s later, flat: timestamp, then duration and stop timestamp', async () => {
      const runId = await run({ metricNaming: 'flat' }, (e) => {
        const span = Span.create('test_span1', { startTime: at(500_000) });
        e.exportStart(span);
        span.stop({ stopTime: at(505_310) });
        e.exportStop(span);
      });
      const rows = server.rows(runId);
      assert.deepEqual(rows, [
        { timestamp_msec: 500_000, app_last_log_time: 1000 },
        { duration_msec: 5310, timestamp_msec: 505_310, app_last_log_time: 1000 },
      ]);
      assert.deepEqual(
        rows.map((r) => Object.keys(r)),
        [
          ['timestamp_msec', 'app_last_log_time'],
          ['duration_msec', 'timestamp_msec', 'app_last_log_time'],
        ],
      );
    });

    it('the same span, hierarchical: <span>.span_start.timestamp_msec, <span>.duration_msec, <span>.span_stop.timestamp_msec', async () => {
      const runId = await run({}, (e) => {
        const span = Span.create('test_span1', { startTime: at(500_000) });
        e.exportStart(span);
        span.stop({ stopTime: at(505_310) });
        e.exportStop(span);
      });
      assert.deepEqual(server.rows(runId), [
        { 'test_span1.span_start.timestamp_msec': 500_000, app_last_log_time: 1000 },
        { 'test_span1.duration_msec': 5310, 'test_span1.span_stop.timestamp_msec': 505_310, app_last_log_time: 1000 },
      ]);
    });

    for (const [naming, expected] of [
      [
        'hierarchical',
        [
          {
            'test_span2.span_attrib_key': 'span_attrib_value',
            'test_span2.span_start.start_event_attr_key': 'start_event_attr_value',
            'test_span2.span_start.timestamp_msec': 500_000,
            app_last_log_time: 1000,
          },
          {
            'test_span2.duration_msec': 5310,
            'test_span2.span_stop.stop_event_attr_key': 'stop_event_attr_value',
            'test_span2.span_stop.timestamp_msec': 505_310,
            app_last_log_time: 1000,
          },
        ],
      ],
      [
        'flat',
        [
          {
            span_attrib_key: 'span_attrib_value',
            start_event_attr_key: 'start_event_attr_value',
            timestamp_msec: 500_000,
            app_last_log_time: 1000,
          },
          { duration_msec: 5310, stop_event_attr_key: 'stop_event_attr_value', timestamp_msec: 505_310, app_last_log_time: 1000 },
        ],
      ],
    ] as const) {
      it(`span and event attributes, ${naming}: start row has the span's and the start event's, stop row the updated and the stop event's`, async () => {
        const runId = await run({ metricNaming: naming }, (e) => {
          const span = Span.create('test_span2', {
            startTime: at(500_000),
            spanAttributes: { span_attrib_key: 'span_attrib_value' },
            startEventAttributes: { start_event_attr_key: 'start_event_attr_value' },
          });
          e.exportStart(span);
          span.stop({ stopTime: at(505_310), stopEventAttributes: { stop_event_attr_key: 'stop_event_attr_value' } });
          e.exportStop(span);
        });
        assert.deepEqual(server.rows(runId), expected);
      });
    }

    it('a custom event is one row; an application error logs nothing; a telemetry-data error logs the upper-case type name', async () => {
      const runId = await run({}, (e) => {
        const span = Span.create('test_span1', { startTime: at(600_000) });
        e.exportEvent(Event.create('event1', { ev1_attr1: 'ev1_val1' }, at(602_500)), span);
        e.exportError(ErrorEvent.fromException('boom', new Error('boom'), { timestamp: at(602_600) }), span);
        e.exportTelemetryDataError(new TelemetryDataError(at(603_000), TelemetryDataErrorType.NO_TELEMETRY_DATA, 'nothing'));
      });
      assert.deepEqual(server.rows(runId), [
        { 'test_span1.event1.ev1_attr1': 'ev1_val1', 'test_span1.event1.timestamp_msec': 602_500, app_last_log_time: 1000 },
        { telemetry_data_error: 'NO_TELEMETRY_DATA', app_last_log_time: 1000 },
      ]);
    });
  });
}

describe('the run over the protocol', () => {
  it('history lines get _step 0,1,2,…, _runtime from the exporter start and _timestamp in seconds; the summary is the last value of every key', async () => {
    let now = 1_700_000_000_000;
    setClock({ wallMs: () => now, perfMs: () => now });
    const options = optionsFor(server, { runName: 'pinned-run', tags: ['a', 'b'] });
    const exporter = newExporter('sync', options);
    exporter.initialize();
    const span = Span.create('step', { startTime: at(now) });
    now += 1500;
    exporter.exportEvent(Event.create('tick', { n: 1 }, at(now)), span);
    now += 1000;
    exporter.exportEvent(Event.create('tick', { n: 2 }, at(now)), span);
    now += 250;
    exporter.exportEvent(Event.create('tock', { m: 'x' }, at(now)), span);
    await exporter.close();
    const run = server.run(options.runId as string);
    assert.deepEqual(
      run.history.map((r) => [r._step, r._runtime, r._timestamp]),
      [
        [0, 1.5, 1_700_000_001.5],
        [1, 2.5, 1_700_000_002.5],
        [2, 2.75, 1_700_000_002.75],
      ],
    );
    assert.deepEqual(run.summary, {
      'step.tick.n': 2,
      'step.tick.timestamp_msec': 1_700_000_002_500,
      app_last_log_time: 1_700_000_002_750,
      _step: 2,
      _runtime: 2.75,
      _timestamp: 1_700_000_002.75,
      'step.tock.m': 'x',
      'step.tock.timestamp_msec': 1_700_000_002_750,
      _wandb: { runtime: 2 },
    });
    assert.equal(run.complete, true);
    assert.equal(run.exitcode, 0);
    assert.equal(run.displayName, 'pinned-run');
    assert.deepEqual(run.tags, ['a', 'b']);
    assert.deepEqual(run.config._wandb, { value: { t: {} } });
    assert.equal(run.upsertVariables[0]?.name, options.runId);
  });

  it('an application error on a root span and a telemetry-data error finish the run with exit code 1 (weakness B.10-3)', async () => {
    for (const [what, act] of [
      [
        'application error',
        (e: ReturnType<typeof newExporter>, s: Span) => e.exportError(ErrorEvent.fromException('failed', new Error('x')), s),
      ],
      [
        'telemetry-data error',
        (e: ReturnType<typeof newExporter>) =>
          e.exportTelemetryDataError(TelemetryDataError.of(TelemetryDataErrorType.INCOMPLETE_TELEMETRY_DATA, 'lost')),
      ],
    ] as const) {
      const options = optionsFor(server);
      const exporter = newExporter('async', options);
      exporter.initialize();
      const span = Span.create('application');
      exporter.exportStart(span);
      act(exporter, span);
      await exporter.close();
      assert.equal(server.run(options.runId as string).exitcode, 1, what);
    }
  });

  it('the async exporter sends rows in batches (one request per transmit interval); the sync one as soon as possible', async () => {
    const counts: Record<string, number> = {};
    for (const mode of MODES) {
      const options = optionsFor(server, mode === 'async' ? { transmitIntervalMillis: 60_000 } : {});
      const exporter = newExporter(mode, options);
      exporter.initialize();
      const span = Span.create('loop');
      for (let i = 0; i < 20; i++) {
        exporter.exportEvent(Event.create('it', { i }), span);
        await new Promise((r) => setTimeout(r, 2));
      }
      await exporter.close();
      const requests = server.requests.filter((r) => r.path.endsWith(`/${options.runId}/file_stream`));
      counts[mode] = requests.length;
      assert.equal(server.run(options.runId as string).history.length, 20, mode);
    }
    // async: the first row at once, the other 19 at close, then the finish request.
    assert.equal(counts.async, 3);
    assert.ok((counts.sync ?? 0) > 3, `sync sent ${counts.sync} requests`);
  });

  it('flat naming: an attribute name given twice in one row keeps its place and takes the later value', async () => {
    pinClock();
    const options = optionsFor(server, { metricNaming: 'flat' });
    const exporter = newExporter('sync', options);
    exporter.initialize();
    exporter.exportStart(Span.create('s', { startTime: at(1000), spanAttributes: { x: 'span' }, startEventAttributes: { x: 'event' } }));
    await exporter.close();
    const rows = server.rows(options.runId as string);
    assert.deepEqual(rows, [{ x: 'event', timestamp_msec: 1000, app_last_log_time: 1000 }]);
    assert.deepEqual(Object.keys(rows[0] ?? {}), ['x', 'timestamp_msec', 'app_last_log_time']);
    assert.equal(server.run(options.runId as string).summary.x, 'event');
  });

  it("without an entity, the run goes to the API key's default entity (GraphQL Viewer)", async () => {
    const options = optionsFor(server);
    delete options.entity;
    const saved = process.env.WANDB_ENTITY;
    delete process.env.WANDB_ENTITY;
    try {
      const exporter = newExporter('sync', options);
      exporter.initialize();
      exporter.exportEvent(Event.create('e', { a: 1 }), Span.create('s'));
      await exporter.close();
      assert.equal(server.run(options.runId as string).entity, server.defaultEntity);
      assert.equal(exporter.run.entity, server.defaultEntity);
    } finally {
      if (saved !== undefined) process.env.WANDB_ENTITY = saved;
    }
  });

  it('strategy objects: the built-in classes and a custom one (its names are used as given)', async () => {
    for (const [strategy, key] of [
      [new HierarchicalMetricNamingStrategy('/'), 'sp/ev/a'],
      [new FlatMetricNamingStrategy(), 'a'],
      [
        {
          fromSpanAttribute: (s: { name: string }, a: string) => `${a}@${s.name}`,
          fromEventAttribute: (_s: unknown, e: { name: string }, a: string) => `${e.name}:${a}`,
        },
        'ev:a',
      ],
    ] as const) {
      const options = optionsFor(server, { metricNaming: strategy });
      const exporter = newExporter('sync', options);
      exporter.initialize();
      exporter.exportEvent(Event.create('ev', { a: 1 }), Span.create('sp'));
      await exporter.close();
      assert.equal(server.rows(options.runId as string)[0]?.[key], 1, key);
    }
  });
});
