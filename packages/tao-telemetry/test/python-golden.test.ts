// Replays inputs through the port and compares with what the Python module produced for the same JSON
// (fixtures/python-golden.json, made by fixtures/generate-python-golden.py): keys, values and key order.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { MetricProcessor } from '../src/processor.js';
import type { RawReport } from '../src/types.js';

interface Scenario {
  name: string;
  steps: Array<{ report: RawReport; now: string }>;
  metrics: Record<string, unknown>;
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/python-golden.json', import.meta.url), 'utf8')) as { scenarios: Scenario[] };

describe('identical to the Python implementation', () => {
  test('the fixture holds the spec examples, None/Unicode cases and randomized reports', () => {
    assert.equal(golden.scenarios.length, 14);
    assert.equal(
      golden.scenarios.reduce((n, s) => n + s.steps.length, 0),
      169,
    );
  });

  for (const scenario of golden.scenarios) {
    test(`${scenario.name}: ${scenario.steps.length} reports, ${Object.keys(scenario.metrics).length} metrics`, () => {
      // Python writes naive local time; naive in UTC round-trips the same strings in any zone.
      const processor = new MetricProcessor({ lastUpdatedFormat: 'naive', timeZone: 'utc' });
      const metrics = {};
      for (const step of scenario.steps) processor.process(metrics, step.report, { now: step.now });
      assert.deepEqual(Object.entries(metrics), Object.entries(scenario.metrics));
    });
  }
});
