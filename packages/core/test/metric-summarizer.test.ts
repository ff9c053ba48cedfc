import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OneLoggerError } from '../src/core/errors.js';
import { MetricSummarizer } from '../src/internal/metric-summarizer.js';

function summaryOf(s: MetricSummarizer) {
  return { latest: s.latestValue, min: s.minValue, max: s.maxValue, avg: s.avgValue, total: s.totalValue, count: s.count };
}

function summarize(values: number[]): MetricSummarizer {
  const s = new MetricSummarizer();
  for (const v of values) s.addValue(v);
  return s;
}

describe('MetricSummarizer', () => {
  test('initial state: every statistic undefined, count 0 (#98)', () => {
    assert.deepEqual(summaryOf(new MetricSummarizer()), {
      latest: undefined,
      min: undefined,
      max: undefined,
      avg: undefined,
      total: undefined,
      count: 0,
    });
  });

  test('one value (#99)', () => {
    assert.deepEqual(summaryOf(summarize([42])), { latest: 42, min: 42, max: 42, avg: 42, total: 42, count: 1 });
  });

  test('integers 10..50 (#100)', () => {
    assert.deepEqual(summaryOf(summarize([10, 20, 30, 40, 50])), { latest: 50, min: 10, max: 50, avg: 30, total: 150, count: 5 });
  });

  test('floats 1.5, 2.5, 3.5 (#101)', () => {
    assert.deepEqual(summaryOf(summarize([1.5, 2.5, 3.5])), { latest: 3.5, min: 1.5, max: 3.5, avg: 2.5, total: 7.5, count: 3 });
  });

  test('latest, min and max follow an unordered sequence, including negatives and zero', () => {
    assert.deepEqual(summaryOf(summarize([3, -2, 0, 7, 1])), { latest: 1, min: -2, max: 7, avg: 1.8, total: 9, count: 5 });
  });

  test('equality (#102)', () => {
    assert.equal(new MetricSummarizer().equals(new MetricSummarizer()), true);
    const a = summarize([1, 2, 3]);
    const b = summarize([1, 2, 3]);
    assert.equal(a.equals(b), true);
    b.addValue(4);
    assert.equal(a.equals(b), false);
    assert.equal(summarize([1, 3]).equals(summarize([3, 1])), false);
    assert.equal(a.equals({ count: 3 }), false);
  });

  test('U11: avgValue is always total / count and each instance has its own state', () => {
    const s = summarize([1]);
    assert.equal(s.avgValue, 1);
    s.addValue(2);
    assert.equal(s.avgValue, 1.5);
    s.addValue(4);
    assert.equal(s.avgValue, 7 / 3);
    assert.equal(s.avgValue, (s.totalValue ?? Number.NaN) / s.count);
    const other = new MetricSummarizer();
    assert.equal(other.count, 0);
    assert.equal(other.latestValue, undefined);
  });

  test('non-finite values are rejected and leave the summary unchanged', () => {
    const s = summarize([5]);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '3' as unknown as number]) {
      assert.throws(
        () => s.addValue(bad),
        (err: unknown) => {
          assert.ok(err instanceof OneLoggerError);
          assert.equal(err.message, `MetricSummarizer.addValue: value must be a finite number (got ${String(bad)})`);
          return true;
        },
      );
    }
    assert.deepEqual(summaryOf(s), { latest: 5, min: 5, max: 5, avg: 5, total: 5, count: 1 });
  });
});
