// The span/event/error mapping (spec backends.md A.3-A.6, with the A.9 fixes), checked through the
// SDK's InMemorySpanExporter: what the collector would receive, before any transport.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  ErrorEvent,
  Event,
  ExportError,
  internalLogger,
  Span,
  TelemetryDataError,
  TelemetryDataErrorType,
  TracingTimestamp,
} from '@nv-one-logger/core';
import { type Context, type ContextManager, context, ROOT_CONTEXT, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { hrTimeFromEpochMs, ONE_LOGGER_SPAN_ID, OTelExporter, type OTelExporterOptions } from '../src/index.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const T = 1_700_000_000_000; // epoch ms
const P = 50_000; // monotonic ms at T

function at(offsetMs: number): TracingTimestamp {
  return TracingTimestamp.ofMillis(T + offsetMs, P + offsetMs);
}

function ns(offsetMs: number): bigint {
  return BigInt(T + offsetMs) * 1_000_000n;
}

function hrNs(time: readonly [number, number]): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

const open: OTelExporter[] = [];
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});

function setup(options: OTelExporterOptions = {}): {
  exporter: OTelExporter;
  memory: InMemorySpanExporter;
  finished: () => Promise<ReadableSpan[]>;
} {
  const memory = new InMemorySpanExporter();
  const exporter = new OTelExporter({ spanExporter: memory, ...options });
  exporter.initialize();
  open.push(exporter);
  return {
    exporter,
    memory,
    finished: async () => {
      await exporter.flush();
      return memory.getFinishedSpans();
    },
  };
}

/** A synchronous global context manager, as an application with its own OTel instrumentation might register. */
class StackContextManager implements ContextManager {
  private readonly stack: Context[] = [];
  constructor(private readonly base: Context) {}
  get depth(): number {
    return this.stack.length;
  }
  active(): Context {
    return this.stack.at(-1) ?? this.base;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    this.stack.push(ctx);
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.stack.pop();
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

function byName(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.find((s) => s.name === name);
  assert.ok(found, `no span named ${name} among ${spans.map((s) => s.name).join(', ')}`);
  return found;
}

describe('span start and stop (A.6 first case)', () => {
  it('emits the start and stop event spans, then the real span with exactly its id and duration', async () => {
    const { exporter, finished } = setup();
    const span = Span.create('test_span1', { startTime: at(0) });
    exporter.exportStart(span);
    span.stop({ stopTime: at(5310) });
    exporter.exportStop(span);
    const spans = await finished();
    assert.deepEqual(
      spans.map((s) => s.name),
      ['span_start_event_for_test_span1', 'span_stop_event_for_test_span1', 'test_span1'],
    );
    const [startFake, stopFake, real] = spans as [ReadableSpan, ReadableSpan, ReadableSpan];
    assert.deepEqual(real.attributes, { [ONE_LOGGER_SPAN_ID]: span.id, duration_msec: 5310 });
    // Pinned (A.8): the canonical UUID string, not the reference's 128-bit integer (OTLP ints are int64).
    assert.match(String(real.attributes[ONE_LOGGER_SPAN_ID]), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(typeof real.attributes[ONE_LOGGER_SPAN_ID], 'string');
    assert.equal(real.parentSpanContext, undefined);
    assert.equal(real.status.code, SpanStatusCode.UNSET);
    assert.equal(hrNs(real.startTime), ns(0));
    assert.equal(hrNs(real.endTime), ns(5310));
    assert.deepEqual(
      real.events.map((e) => [e.name, e.attributes, hrNs(e.time)]),
      [
        ['span_start', { timestamp_msec: T }, ns(0)],
        ['span_stop', { timestamp_msec: T + 5310 }, ns(5310)],
      ],
    );
    assert.deepEqual(startFake.attributes, { timestamp_msec: T });
    assert.equal(hrNs(startFake.startTime), ns(0));
    assert.equal(hrNs(startFake.endTime), ns(0));
    assert.equal(startFake.events.length, 0);
    assert.equal(startFake.parentSpanContext?.spanId, real.spanContext().spanId);
    assert.equal(startFake.spanContext().traceId, real.spanContext().traceId);
    assert.deepEqual(stopFake.attributes, { timestamp_msec: T + 5310 });
    assert.equal(stopFake.parentSpanContext?.spanId, real.spanContext().spanId);
    assert.equal(real.instrumentationScope.name, 'one_logger');
  });

  it('carries span attributes (typed) and the start/stop event attributes', async () => {
    const { exporter, finished } = setup();
    const span = Span.create('load', {
      startTime: at(0),
      spanAttributes: { span_attrib_key: 'v', rows: 100, ratio: 0.5, ok: true, tags: ['a', 'b'] },
      startEventAttributes: { start_key: 1 },
    });
    exporter.exportStart(span);
    span.addAttribute('late', 7);
    span.stop({ stopTime: at(1000), stopEventAttributes: { stop_key: 'x' } });
    exporter.exportStop(span);
    const spans = await finished();
    const real = byName(spans, 'load');
    assert.deepEqual(real.attributes, {
      span_attrib_key: 'v',
      rows: 100,
      ratio: 0.5,
      ok: true,
      tags: ['a', 'b'],
      [ONE_LOGGER_SPAN_ID]: span.id,
      late: 7,
      duration_msec: 1000,
    });
    assert.deepEqual(byName(spans, 'span_start_event_for_load').attributes, { start_key: 1, timestamp_msec: T });
    assert.deepEqual(byName(spans, 'span_stop_event_for_load').attributes, { stop_key: 'x', timestamp_msec: T + 1000 });
  });

  it('keeps sub-millisecond times to the nanosecond (no float multiply by 1e9)', () => {
    assert.deepEqual(hrTimeFromEpochMs(1_700_000_000_000.5), [1_700_000_000, 500_000]);
    assert.deepEqual(hrTimeFromEpochMs(45_253_523_993_243_000), [45_253_523_993_243, 0]);
    assert.deepEqual(hrTimeFromEpochMs(1999.999_999_9), [2, 0]);
    assert.deepEqual(hrTimeFromEpochMs(1_234.000_001), [1, 234_000_001]);
  });
});

describe('events and errors', () => {
  it('a custom event becomes a child span <event>_event_for_<span> and a span event', async () => {
    const { exporter, finished } = setup();
    const span = Span.create('test_span1', { startTime: at(0) });
    exporter.exportStart(span);
    exporter.exportEvent(Event.create('event1', { ev1_attr1: 'ev1_val1' }, at(2500)), span);
    span.stop({ stopTime: at(3500) });
    exporter.exportStop(span);
    const spans = await finished();
    assert.deepEqual(
      spans.map((s) => s.name),
      ['span_start_event_for_test_span1', 'event1_event_for_test_span1', 'span_stop_event_for_test_span1', 'test_span1'],
    );
    const fake = byName(spans, 'event1_event_for_test_span1');
    assert.deepEqual(fake.attributes, { ev1_attr1: 'ev1_val1', timestamp_msec: T + 2500 });
    assert.equal(hrNs(fake.startTime), ns(2500));
    const real = byName(spans, 'test_span1');
    assert.equal(real.attributes.duration_msec, 3500);
    assert.deepEqual(
      real.events.map((e) => e.name),
      ['span_start', 'event1', 'span_stop'],
    );
    assert.equal(real.status.code, SpanStatusCode.UNSET);
  });

  it('errors add error_for_<span> spans with ERROR status and make the span ERROR (sticky)', async () => {
    const { exporter, finished } = setup();
    const span = Span.create('test_span1', { startTime: at(0) });
    exporter.exportStart(span);
    const boom = new TypeError('bad value');
    exporter.exportError(ErrorEvent.fromException('step failed', boom, { timestamp: at(2500) }), span);
    let spans = await finished();
    assert.deepEqual(
      spans.map((s) => s.name),
      ['span_start_event_for_test_span1', 'error_for_test_span1'],
    );
    const first = byName(spans, 'error_for_test_span1');
    assert.deepEqual(Object.keys(first.attributes).sort(), [
      'error_message',
      'exception_message',
      'exception_traceback',
      'exception_type',
      'timestamp_msec',
    ]);
    assert.equal(first.attributes.error_message, 'step failed');
    assert.equal(first.attributes.exception_type, 'TypeError');
    assert.deepEqual(first.status, { code: SpanStatusCode.ERROR, message: 'step failed' });

    exporter.exportError(new ErrorEvent(at(3000), 'second'), span);
    exporter.exportEvent(Event.create('fine', undefined, at(4000)), span);
    span.stop({ stopTime: at(10_500) });
    exporter.exportStop(span);
    spans = await finished();
    assert.deepEqual(
      spans.map((s) => s.name),
      [
        'span_start_event_for_test_span1',
        'error_for_test_span1',
        'error_for_test_span1',
        'fine_event_for_test_span1',
        'span_stop_event_for_test_span1',
        'test_span1',
      ],
    );
    const real = byName(spans, 'test_span1');
    assert.equal(real.attributes.duration_msec, 10_500);
    assert.deepEqual(
      real.events.map((e) => e.name),
      ['span_start', 'error', 'error', 'fine', 'span_stop'],
    );
    assert.equal(real.status.code, SpanStatusCode.ERROR);
    assert.equal(real.status.message, 'second');
  });

  it('a telemetry-data error is one root span with status ERROR and one event', async () => {
    for (const type of Object.values(TelemetryDataErrorType)) {
      const { exporter, memory, finished } = setup();
      // A span is running: the error span must still be a root (the reference leaked the current context).
      const running = Span.create('running', { startTime: at(0) });
      exporter.exportStart(running);
      exporter.exportTelemetryDataError(new TelemetryDataError(at(100), type, 'lost data'));
      const spans = (await finished()).filter((s) => s.name === 'span_for_telemetry_data_error');
      assert.equal(spans.length, 1);
      const [tde] = spans as [ReadableSpan];
      assert.equal(tde.parentSpanContext, undefined);
      assert.deepEqual(tde.attributes, {});
      assert.deepEqual(tde.status, { code: SpanStatusCode.ERROR, message: 'lost data' });
      assert.deepEqual(
        tde.events.map((e) => [e.name, e.attributes]),
        [['telemetry_data_error', { error_message: 'lost data', telemetry_data_error_type: type, timestamp_msec: T + 100 }]],
      );
      memory.reset();
    }
  });

  it('eventSpans: false sends span events only (no duplicated volume)', async () => {
    const { exporter, finished } = setup({ eventSpans: false });
    const span = Span.create('quiet', { startTime: at(0) });
    exporter.exportStart(span);
    exporter.exportEvent(Event.create('e', { k: 1 }, at(1)), span);
    exporter.exportError(new ErrorEvent(at(2), 'oops'), span);
    span.stop({ stopTime: at(3) });
    exporter.exportStop(span);
    const spans = await finished();
    assert.deepEqual(
      spans.map((s) => s.name),
      ['quiet'],
    );
    assert.deepEqual(
      spans[0]?.events.map((e) => e.name),
      ['span_start', 'e', 'error', 'span_stop'],
    );
    assert.equal(spans[0]?.status.code, SpanStatusCode.ERROR);
  });
});

describe('parents (A.9-1: no leaked current context)', () => {
  it('children point at their own parent; a later root span is a root in a new trace', async () => {
    const { exporter, finished } = setup();
    const app = Span.create('application', { startTime: at(0) });
    exporter.exportStart(app);
    const child = Span.create('load', { startTime: at(1), parentSpan: app });
    exporter.exportStart(child);
    child.stop({ stopTime: at(2) });
    exporter.exportStop(child);
    app.stop({ stopTime: at(3) });
    exporter.exportStop(app);
    const later = Span.create('another_root', { startTime: at(4) });
    exporter.exportStart(later);
    later.stop({ stopTime: at(5) });
    exporter.exportStop(later);
    const spans = await finished();
    const a = byName(spans, 'application');
    const l = byName(spans, 'load');
    const r = byName(spans, 'another_root');
    assert.equal(l.parentSpanContext?.spanId, a.spanContext().spanId);
    assert.equal(l.spanContext().traceId, a.spanContext().traceId);
    assert.equal(r.parentSpanContext, undefined);
    assert.notEqual(r.spanContext().traceId, a.spanContext().traceId);
  });

  it('an application with its own active OTel span and context manager: roots stay roots, its context is untouched', async () => {
    // The application's own instrumentation has a span active (through a registered global context manager).
    const appSpan = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    const manager = new StackContextManager(trace.setSpan(ROOT_CONTEXT, appSpan));
    assert.equal(context.setGlobalContextManager(manager), true);
    try {
      const { exporter, finished } = setup();
      const root = Span.create('application', { startTime: at(0) });
      exporter.exportStart(root);
      const child = Span.create('load', { startTime: at(1), parentSpan: root });
      exporter.exportStart(child);
      exporter.exportTelemetryDataError(new TelemetryDataError(at(2), TelemetryDataErrorType.INCOMPLETE_TELEMETRY_DATA, 'x'));
      child.stop({ stopTime: at(3) });
      exporter.exportStop(child);
      root.stop({ stopTime: at(4) });
      exporter.exportStop(root);
      // Nothing was made current: the application still sees its own span, and only it.
      assert.equal(trace.getActiveSpan(), appSpan);
      assert.equal(manager.depth, 0);
      const spans = await finished();
      const app = byName(spans, 'application');
      assert.equal(app.parentSpanContext, undefined, 'not a child of the active application span');
      assert.notEqual(app.spanContext().traceId, 'a'.repeat(32));
      assert.equal(byName(spans, 'load').parentSpanContext?.spanId, app.spanContext().spanId);
      const tde = byName(spans, 'span_for_telemetry_data_error');
      assert.equal(tde.parentSpanContext, undefined);
      assert.notEqual(tde.spanContext().traceId, app.spanContext().traceId);
      assert.ok(spans.every((s) => s.spanContext().traceId !== 'a'.repeat(32)));
    } finally {
      context.disable();
    }
  });

  it('uses the nearest exported ancestor when the recorder filtered the direct parent', async () => {
    const { exporter, finished } = setup();
    const app = Span.create('application', { startTime: at(0) });
    exporter.exportStart(app);
    const filtered = Span.create('filtered', { startTime: at(1), parentSpan: app });
    const grandchild = Span.create('grandchild', { startTime: at(2), parentSpan: filtered });
    grandchild.exportedParentId = app.id; // what DefaultRecorder sets under a filter
    exporter.exportStart(grandchild);
    grandchild.stop({ stopTime: at(3) });
    exporter.exportStop(grandchild);
    const spans = await finished();
    assert.equal(
      byName(spans, 'grandchild').parentSpanContext?.spanId,
      byName(spans, 'span_start_event_for_application').parentSpanContext?.spanId,
    );
  });

  it('an unknown parent is an ExportError naming both spans', () => {
    const { exporter } = setup();
    const ghost = Span.create('ghost', { startTime: at(0) });
    const child = Span.create('child', { startTime: at(1), parentSpan: ghost });
    assert.throws(
      () => exporter.exportStart(child),
      (e: unknown) =>
        e instanceof ExportError &&
        e.message === `Error exporting span ${child.id}: Cannot find the parent span ${ghost.id} of span child (id=${child.id})`,
    );
  });
});

describe('state and close', () => {
  it('rejects use before initialize and after close with the reference messages', async () => {
    const exporter = new OTelExporter({ spanExporter: new InMemorySpanExporter() });
    const span = Span.create('s', { startTime: at(0) });
    assert.throws(() => exporter.exportStart(span), { name: 'ExportError', message: 'Exporter not initialized. Call initialize first.' });
    exporter.initialize();
    await exporter.close();
    assert.throws(() => exporter.exportStart(span), { name: 'ExportError', message: 'Exporter is closed and cannot be used anymore.' });
    await exporter.close(); // twice is fine
  });

  it('initialize() that fails leaves the exporter NOT ready (A.9-3); a later initialize() can succeed', async () => {
    const memory = new InMemorySpanExporter();
    const exporter = new OTelExporter({ spanExporter: memory });
    const span = Span.create('s', { startTime: at(0) });
    // The tracer provider cannot hand out a tracer (injected into the real SDK class for this test).
    const proto = BasicTracerProvider.prototype as { getTracer: unknown };
    Object.defineProperty(proto, 'getTracer', {
      configurable: true,
      value: () => {
        throw new Error('no tracer today');
      },
    });
    try {
      assert.throws(() => exporter.initialize(), { name: 'ExportError', message: 'Error initializing the exporter: no tracer today' });
    } finally {
      delete (proto as { getTracer?: unknown }).getTracer;
    }
    assert.equal(exporter.ready, false);
    assert.throws(() => exporter.exportStart(span), { name: 'ExportError', message: 'Exporter not initialized. Call initialize first.' });
    exporter.initialize();
    open.push(exporter);
    assert.equal(exporter.ready, true);
    exporter.exportStart(span);
    span.stop({ stopTime: at(1) });
    exporter.exportStop(span);
    await exporter.flush();
    assert.deepEqual(
      memory.getFinishedSpans().map((s) => s.name),
      ['span_start_event_for_s', 'span_stop_event_for_s', 's'],
    );
  });

  it('stop of an unknown span, and stop without a stop event, are ExportErrors', () => {
    const { exporter } = setup();
    const span = Span.create('never_started', { startTime: at(0) });
    assert.throws(() => exporter.exportStop(span), { name: 'ExportError', message: `Span ${span.id} has no stop event` });
    span.stop({ stopTime: at(1) });
    assert.throws(() => exporter.exportStop(span), {
      name: 'ExportError',
      message: `Error exporting span ${span.id}: Span ${span.id} not found`,
    });
    assert.throws(() => exporter.exportEvent(Event.create('e', undefined, at(1)), span), {
      name: 'ExportError',
      message: `Error exporting event e: Span ${span.id} not found`,
    });
  });

  it('close ends spans still open, flagged incomplete with status ERROR, and shuts the span exporter down once', async () => {
    const memory = new InMemorySpanExporter();
    let shutdowns = 0;
    const original = memory.shutdown.bind(memory);
    memory.shutdown = async () => {
      shutdowns++;
      // InMemorySpanExporter forgets its spans on shutdown; keep them for the assertions.
      return Promise.resolve();
    };
    const exporter = new OTelExporter({ spanExporter: memory });
    exporter.initialize();
    const span = Span.create('left_open', { startTime: at(0) });
    exporter.exportStart(span);
    await exporter.close();
    await exporter.close();
    assert.equal(shutdowns, 1);
    const real = byName(memory.getFinishedSpans(), 'left_open');
    assert.equal(real.attributes.one_logger_span_incomplete, true);
    assert.equal(real.status.code, SpanStatusCode.ERROR);
    await original();
  });
});
