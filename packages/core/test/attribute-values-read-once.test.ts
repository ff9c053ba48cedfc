// Attribute values are read once, copied, and the copy is what gets validated and written: an array whose
// elements change between reads, a Proxy, a throwing getter or an object with toJSON can neither corrupt the
// file nor make the serializer recurse into user data (which used to overflow the stack, and five such spans
// disabled the file exporter).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import type { OneLoggerConfigInput } from '../src/api/config.js';
import { OneLoggerProvider } from '../src/api/provider.js';
import { getRecorder, timedSpan } from '../src/api/timed-span.js';
import { Attribute, Attributes } from '../src/core/attributes.js';
import { Event } from '../src/core/event.js';
import { Span } from '../src/core/span.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { toJsonLine } from '../src/exporter/json-value.js';
import { DEFAULT_LOG_FORMAT, internalLogger } from '../src/internal/logger.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';
import { type Rec, readRecords } from './helpers/records.js';

const root = mkdtempSync(join(tmpdir(), 'olg-read-once-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const path = (name: string): string => join(root, `${++n}-${name}`);

let errors: string[] = [];
beforeEach(() => {
  errors = [];
  internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: join(root, 'diagnostics.log') });
  internalLogger.listener = (level, message) => {
    if (level === 'ERROR') errors.push(message);
  };
});
afterEach(async () => {
  await OneLoggerProvider.instance().shutdown();
  OneLoggerProvider.resetForTests();
  internalLogger.reset();
});

function quietJob(file: string): DefaultRecorder {
  const config: OneLoggerConfigInput = {
    applicationName: 'read_once',
    sessionTag: 's',
    worldSize: 1,
    errorHandlingStrategy: 'disable_quietly_and_report_metric_error',
    loggerConfig: { logFilePathForInfo: join(root, 'diagnostics.log') },
  };
  const recorder = new DefaultRecorder({ exporters: [new FileExporter({ filePath: file })] });
  OneLoggerProvider.instance().configure(config, recorder);
  return recorder;
}

type Circular = { self?: Circular };

/** `[x]` whose element is an accessor: a number on the first `goodReads` reads, then a circular object. */
function shiftingArray(goodReads: number): { value: number[]; reads: () => number } {
  const arr: unknown[] = [0];
  let reads = 0;
  Object.defineProperty(arr, 0, {
    enumerable: true,
    get() {
      reads++;
      if (reads <= goodReads) return 7;
      const o: Circular = {};
      o.self = o;
      return o;
    },
  });
  return { value: arr as number[], reads: () => reads };
}

const names = (records: Rec[]): string[] => records.map((r) => `${r.type}:${r.name ?? r.event?.name ?? r.error?.name}`);

describe('issue 12 item 7: values are validated once, on the copy that is stored', () => {
  test('issue 12 item 7: five spans with an array element that turns circular after it was read do not disable the file exporter', async () => {
    const file = path('shifting.jsonl');
    const recorder = quietJob(file);
    const readCounts: number[] = [];
    for (let i = 0; i < 5; i++) {
      // The old code read the element twice to validate it, then again to copy it: the copy held the circle.
      const { value, reads } = shiftingArray(2);
      await timedSpan('bad', () => undefined, { spanAttributes: { a: value } });
      readCounts.push(reads());
    }
    await timedSpan('later', () => undefined);
    assert.deepEqual(readCounts, [1, 1, 1, 1, 1], 'each element is read exactly once');
    assert.equal(recorder.exporterStatuses[0]?.forceDisabled, false);
    assert.equal(recorder.exporterStatuses[0]?.numErrors, 0);
    await OneLoggerProvider.instance().shutdown();
    const records = readRecords(file);
    const bad = records.filter((r) => r.name === 'bad');
    assert.equal(bad.length, 5);
    for (const r of bad) assert.deepEqual(r.attributes.a, [7]);
    assert.deepEqual(names(records).slice(-1), ['complete:later']);
    assert.deepEqual(errors, []);
  });

  test('issue 12 item 7: an element that is already circular on its only read is left out with a clear message (quiet)', async () => {
    const file = path('circular.jsonl');
    quietJob(file);
    const { value } = shiftingArray(0);
    await timedSpan('bad', () => undefined, { spanAttributes: { a: value, b: 1 } });
    await timedSpan('later', () => undefined);
    await OneLoggerProvider.instance().shutdown();
    const records = readRecords(file);
    assert.deepEqual(records.find((r) => r.name === 'bad')?.attributes, { b: 1, duration_msec: records[1]?.attributes.duration_msec });
    const tde = records.filter((r) => r.type === 'telemetry_data_error');
    assert.equal(
      tde[0]?.error.attributes.error_message,
      'Invalid telemetry input left out: All elements of a list attribute must be of primitive type: attribute a has object at index 0',
    );
    assert.ok(records.some((r) => r.name === 'later'));
  });

  test('issue 12 item 7: Span.addAttribute, Attribute and Event.create store what they read once', () => {
    const s = Span.create('s');
    const a = shiftingArray(1);
    assert.deepEqual(s.addAttribute('a', a.value)?.value, [7]);
    assert.equal(a.reads(), 1);
    const b = shiftingArray(1);
    assert.deepEqual(new Attribute('b', b.value).value, [7]);
    assert.equal(b.reads(), 1);
    const c = shiftingArray(1);
    const event = Event.create('e', { c: c.value });
    assert.deepEqual(event.attributes.getValue('c'), [7]);
    assert.equal(c.reads(), 1);
    assert.ok(Object.isFrozen(event.attributes.getValue('c')));
  });
});

describe('issue 12 item 7: hostile values never break the file', () => {
  test('issue 12 item 7: a Proxy array is copied through its traps once; its later answers do not matter', () => {
    let gets = 0;
    const target = [1, 2, 3];
    const proxy = new Proxy(target, {
      get(t, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          gets++;
          // A different answer on every read: only the one read per element counts.
          return gets <= 3 ? Reflect.get(t, key, receiver) : { nested: proxy };
        }
        return Reflect.get(t, key, receiver);
      },
    });
    const attrs = new Attributes({ p: proxy });
    assert.deepEqual(attrs.getValue('p'), [1, 2, 3]);
    assert.equal(gets, 3);
    assert.equal(toJsonLine(attrs), '{"p":[1,2,3]}');
  });

  test('issue 12 item 7: a Proxy that lies about its length, a revoked Proxy and a throwing getter are refused with the attribute named (propagate)', () => {
    const liar = new Proxy([1], { get: (t, k, r) => (k === 'length' ? -1 : Reflect.get(t, k, r)) });
    assert.throws(() => new Attributes({ liar }), {
      name: 'OneLoggerError',
      message: 'Attribute liar: the value could not be read (length -1 is not an array length)',
    });
    const { proxy: revoked, revoke } = Proxy.revocable([1], {});
    revoke();
    assert.throws(() => new Attributes({ revoked }), {
      name: 'OneLoggerError',
      message: /^Attribute revoked: the value could not be read \(Cannot perform 'IsArray' on a proxy that has been revoked\)$/,
    });
    const throwing: number[] = [];
    Object.defineProperty(throwing, 0, {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    assert.throws(() => new Attributes({ throwing }), {
      name: 'OneLoggerError',
      message: 'Attribute throwing: the value could not be read (boom)',
    });
    const holder = {
      get g(): number {
        throw new Error('getter failed');
      },
    };
    assert.throws(() => new Attributes(holder), {
      name: 'OneLoggerError',
      message: 'Attribute g: the value could not be read (getter failed)',
    });
  });

  test('issue 12 item 7: throwing getters, Proxies and toJSON objects in a quiet job: left out, reported, the file stays valid', async () => {
    const file = path('hostile.jsonl');
    const recorder = quietJob(file);
    const throwingElement: number[] = [];
    Object.defineProperty(throwingElement, 0, {
      enumerable: true,
      get() {
        throw new Error('element getter failed');
      },
    });
    const throwingAttrs = {
      ok: 1,
      get bad(): number {
        throw new Error('attribute getter failed');
      },
    };
    const withToJson = { toJSON: () => 42 };
    const trapThrows = new Proxy([1, 2], {
      get(t, k, r) {
        if (k === '1') throw new Error('trap failed');
        return Reflect.get(t, k, r);
      },
    });
    const constructorThrows = new Proxy(
      {},
      {
        get() {
          throw new Error('no reads');
        },
      },
    );
    await timedSpan('throwing_element', () => undefined, { spanAttributes: { a: throwingElement } });
    await timedSpan('throwing_getter', () => undefined, { spanAttributes: throwingAttrs as unknown as Record<string, number> });
    await timedSpan('to_json', () => undefined, {
      spanAttributes: { j: withToJson as unknown as number, k: [withToJson] as unknown as number[] },
    });
    await timedSpan('trap_throws', () => undefined, { spanAttributes: { t: trapThrows } });
    await timedSpan('unreadable_object', () => undefined, { spanAttributes: { u: [constructorThrows] as unknown as number[] } });
    await timedSpan('event_holder', async (span) => {
      getRecorder().event(span, Event.create('metrics', { step: 1, bad: withToJson as unknown as number }));
    });
    await timedSpan('later', () => undefined);
    assert.equal(OneLoggerProvider.instance().isEnabled, true);
    assert.equal(recorder.exporterStatuses[0]?.forceDisabled, false);
    await OneLoggerProvider.instance().shutdown();
    const records = readRecords(file);
    const attrsOf = (name: string): Rec | undefined => {
      const { duration_msec: _d, ...rest } = records.find((r) => r.name === name)?.attributes ?? {};
      return rest;
    };
    assert.deepEqual(attrsOf('throwing_element'), {});
    assert.deepEqual(attrsOf('throwing_getter'), { ok: 1 });
    assert.deepEqual(attrsOf('to_json'), {});
    assert.deepEqual(attrsOf('trap_throws'), {});
    assert.deepEqual(attrsOf('unreadable_object'), {});
    const event = records.find((r) => r.type === 'event');
    assert.equal(event?.event.attributes.step, 1);
    assert.equal('bad' in (event?.event.attributes ?? {}), false);
    assert.ok(records.some((r) => r.name === 'later'));
    // The first rejection is reported in the file (one telemetry-data error per exporter).
    const tde = records.filter((r) => r.type === 'telemetry_data_error');
    assert.equal(tde.length, 1);
    assert.equal(
      tde[0]?.error.attributes.error_message,
      'Invalid telemetry input left out: Attribute a: the value could not be read (element getter failed)',
    );
  });

  test('issue 12 item 7: toJsonLine refuses a circular value with a clear error instead of overflowing the stack', () => {
    const o: Circular = {};
    o.self = o;
    assert.throws(() => toJsonLine(o), {
      name: 'OneLoggerError',
      message: 'toJsonLine: the value nests deeper than 100 levels (or is circular)',
    });
  });
});
