import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { InMemoryMetricStore, MetricAggregator, type MetricStore } from '../src/aggregator.js';
import { TelemetryInputError } from '../src/errors.js';
import { MetricProcessor } from '../src/processor.js';
import type { Metrics } from '../src/types.js';

/** An async store (like a database) whose load and save each take a turn of the event loop. */
class SlowStore implements MetricStore {
  metrics: Metrics | undefined;
  saves = 0;
  async load(): Promise<Metrics | undefined> {
    await tick();
    return this.metrics === undefined ? undefined : { ...this.metrics };
  }
  async save(metrics: Metrics): Promise<void> {
    await tick();
    this.saves++;
    this.metrics = { ...metrics };
  }
}

const report = { action: 'train', network: 'resnet50', success: true, gpu: ['NVIDIA A100'], time_lapsed: 10 };
const now = new Date(2025, 0, 15, 12);

describe('MetricAggregator (spec D.10.9: concurrent reports)', () => {
  test('unserialised read-modify-write loses increments (the Python service pattern)', async () => {
    const store = new SlowStore();
    const processor = new MetricProcessor();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const metrics = (await store.load()) ?? {};
        processor.process(metrics, report, { now });
        await store.save(metrics);
      }),
    );
    assert.equal(store.metrics!['total_action_train_pass'], 1);
  });

  test('50 concurrent reports through the aggregator: no increment lost', async () => {
    const store = new SlowStore();
    const aggregator = new MetricAggregator(store);
    const results = await Promise.all(Array.from({ length: 50 }, () => aggregator.report(report, { now })));
    assert.equal(store.saves, 50);
    assert.equal(store.metrics!['total_action_train_pass'], 50);
    assert.equal(store.metrics!['time_lapsed_today'], 500);
    assert.equal(store.metrics!['tao_job_gpu_total{tao_gpu_type="A100"}'], 50);
    assert.equal(results[49]!['total_action_train_pass'], 50);
    assert.equal(results[0]!['total_action_train_pass'], 1);
  });

  test('a bad report rejects its own promise, leaves the store unchanged and does not block later reports', async () => {
    const store = new InMemoryMetricStore({ total_action_train_pass: 3 });
    const aggregator = new MetricAggregator(store);
    const bad = aggregator.report({ time_lapsed: 'soon' }, { now });
    const good = aggregator.report(report, { now });
    await assert.rejects(bad, (e: unknown) => e instanceof TelemetryInputError && e.field === 'time_lapsed');
    assert.equal((await good)['total_action_train_pass'], 4);
    assert.equal(store.load()!['total_action_train_pass'], 4);
  });

  test('a failing store rejects that report only', async () => {
    let fail = true;
    const inner = new InMemoryMetricStore();
    const store: MetricStore = {
      load: () => inner.load(),
      save: (m) => {
        if (fail) {
          fail = false;
          throw new Error('disk full');
        }
        inner.save(m);
      },
    };
    const aggregator = new MetricAggregator(store);
    await assert.rejects(aggregator.report(report, { now }), /disk full/);
    assert.equal((await aggregator.report(report, { now }))['total_action_train_pass'], 1);
    assert.equal(inner.load()!['total_action_train_pass'], 1);
  });
});
