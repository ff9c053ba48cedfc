import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Attributes, type AttributeValue } from '../src/core/attributes.js';
import { Event } from '../src/core/event.js';
import { Span } from '../src/core/span.js';
import { AttributesJsonMemo } from '../src/exporter/attributes-json-memo.js';
import { buildSpanRecord } from '../src/exporter/base-json-exporter.js';
import { eventRecordLine, recordToJsonLine, spanRecordLine } from '../src/exporter/json-line.js';
import { writeMap } from '../src/exporter/json-value.js';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Few keys and values, so consecutive maps often share a prefix, differ in one entry, or reorder.
const KEYS = ['a', 'b', 'step', 'loss', 'tags', 'é"k'];
const VALUES: AttributeValue[] = [1, 2, 0.5, -3e-7, 'x', 'y "q"', true, false, ['p', 'q'], [1, 2], []];

function randomMap(rand: () => number): Map<string, AttributeValue> {
  const map = new Map<string, AttributeValue>();
  const n = Math.floor(rand() * (KEYS.length + 1));
  for (let i = 0; i < n; i++) {
    const key = KEYS[Math.floor(rand() * KEYS.length)] as string;
    let value = VALUES[Math.floor(rand() * VALUES.length)] as AttributeValue;
    if (Array.isArray(value)) value = Object.freeze(value.slice());
    map.set(key, value);
  }
  return map;
}

describe('AttributesJsonMemo (reuses the JSON of the previous map)', () => {
  test('always writes exactly what writeMap writes, over long random sequences of maps', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rand = prng(seed);
      const memo = new AttributesJsonMemo(',"attributes":', '!');
      for (let i = 0; i < 2000; i++) {
        // Half the time the next map is the previous one with one entry changed: the memo's partial reuse.
        const map = randomMap(rand);
        assert.equal(memo.write(map), `,"attributes":${writeMap(map)}!`, `seed ${seed}, step ${i}`);
        if (rand() < 0.5 && map.size > 0) {
          const keys = [...map.keys()];
          map.set(keys[Math.floor(rand() * keys.length)] as string, rand());
          assert.equal(memo.write(map), `,"attributes":${writeMap(map)}!`, `seed ${seed}, step ${i} (one changed)`);
        }
      }
    }
  });

  test('entries after a changed one: reused when unchanged, written again when changed (model-metrics shape)', () => {
    const rand = prng(11);
    const memo = new AttributesJsonMemo('<', '>');
    const tags = ['t'];
    let step = 0;
    let ms = 1_765_000_000_000;
    for (let i = 0; i < 5000; i++) {
      // Fresh values first (they defeat the prefix reuse), then entries that mostly repeat.
      if (rand() < 0.1) step++;
      if (rand() < 0.05) ms++;
      const r = rand();
      const extra = r < 0.05 ? Number.NaN : r < 0.1 ? tags : r < 0.15 ? Object.freeze(['f']) : -0;
      if (r < 0.1) tags.push('u');
      const map = new Map<string, unknown>([
        // Omitted entries (NaN) in front change whether a later reused entry is written with a comma.
        ['loss', rand() < 0.1 ? Number.NaN : rand()],
        ['accuracy', rand() < 0.1 ? Number.NaN : rand() < 0.2 ? 0.5 : rand() * 1e-9],
        ['global_step', step],
        ['extra', extra],
        ['timestamp_msec', ms],
      ]);
      assert.equal(memo.write(map), `<${writeMap(map)}>`, `step ${i}`);
    }
  });

  test('a repeated tail after changed entries of other lengths, then a record that reuses part of that tail', () => {
    const memo = new AttributesJsonMemo('<', '>');
    const MS = 1_765_000_000_000;
    // One record: loss, acc, step and (unless undefined) ms, in that order.
    const write = (loss: number, acc: number, step: number, ms: number | undefined) => {
      const map = new Map<string, number>([
        ['loss', loss],
        ['acc', acc],
        ['step', step],
      ]);
      if (ms !== undefined) map.set('ms', ms);
      assert.equal(memo.write(map), `<${writeMap(map)}>`, JSON.stringify([...map]));
    };
    // The tail (step, ms) is reused at a new position each time, since the values before it change length.
    write(0.5, 0.25, 7, MS);
    write(1 / 3, 0.125, 7, MS);
    write(2, 1 / 7, 7, MS);
    // Same values up to step: the memo's prefix up to the end of step must come from the moved tail.
    write(2, 1 / 7, 7, MS + 1);
    write(2, 1 / 7, 7, undefined);
    // An omitted first value: the tail's first entry is then written without a comma, and not taken from the memo.
    write(Number.NaN, Number.NaN, 7, MS + 1);
    write(Number.NaN, 0.5, 7, MS + 1);
    write(Number.NaN, Number.NaN, 7, MS + 1);
    write(0.75, Number.NaN, 7, MS + 1);
  });

  test('an array that is not frozen is never reused from the memo, even when it is the same object', () => {
    const memo = new AttributesJsonMemo();
    const list = [1, 2];
    const map = new Map<string, unknown>([['l', list]]);
    assert.equal(memo.write(map), '{"l":[1,2]}');
    list.push(3);
    assert.equal(memo.write(map), '{"l":[1,2,3]}');
  });

  test('a map that shrinks, grows or is emptied between calls', () => {
    const memo = new AttributesJsonMemo('<', '>');
    const m = (entries: [string, unknown][]) => new Map(entries);
    assert.equal(
      memo.write(
        m([
          ['a', 1],
          ['b', 2],
          ['c', 3],
        ]),
      ),
      '<{"a":1,"b":2,"c":3}>',
    );
    assert.equal(
      memo.write(
        m([
          ['a', 1],
          ['b', 2],
        ]),
      ),
      '<{"a":1,"b":2}>',
    );
    assert.equal(
      memo.write(
        m([
          ['a', 1],
          ['b', 2],
          ['d', 4],
        ]),
      ),
      '<{"a":1,"b":2,"d":4}>',
    );
    assert.equal(memo.write(m([])), '<{}>');
    assert.equal(memo.write(m([['a', Number.NaN]])), '<{}>');
    assert.equal(
      memo.write(
        m([
          ['a', Number.NaN],
          ['b', 1],
        ]),
      ),
      '<{"b":1}>',
    );
  });
});

describe('record lines built from cached fragments match the generic record path', () => {
  test('random spans and events of a few repeating names, attribute sets and parents', () => {
    const rand = prng(42);
    const names = ['load', 'step', 'save "ckpt"'];
    const roots = [undefined, Span.create('root')];
    for (let i = 0; i < 3000; i++) {
      const name = names[Math.floor(rand() * names.length)] as string;
      const spanAttributes = new Attributes(Object.fromEntries(randomMap(rand)));
      const startEventAttributes = rand() < 0.3 ? new Attributes(Object.fromEntries(randomMap(rand))) : undefined;
      const span = Span.create(name, { parentSpan: roots[i % 2], spanAttributes, startEventAttributes });
      const count = Math.floor(rand() * 1e6);
      assert.equal(spanRecordLine('start', span, count, 7, true), `${recordToJsonLine(buildSpanRecord('start', span, count, 7))}\n`);
      if (rand() < 0.5) span.addAttribute('step', i);
      span.stop(rand() < 0.3 ? { stopEventAttributes: Object.fromEntries(randomMap(rand)) } : undefined);
      for (const type of ['stop', 'complete'] as const) {
        assert.equal(spanRecordLine(type, span, count + 1, 7), recordToJsonLine(buildSpanRecord(type, span, count + 1, 7)), `span ${i}`);
      }
      const event = Event.create(name, Object.fromEntries(randomMap(rand)));
      assert.equal(
        eventRecordLine('event', event, span, count + 2, 7),
        recordToJsonLine({
          type: 'event',
          span_id: span.id,
          event: { name: event.name, attributes: event.attributes },
          count: count + 2,
          pid: 7,
        }),
      );
    }
  });
});
