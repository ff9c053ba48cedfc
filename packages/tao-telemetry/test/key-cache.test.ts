import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { internKey, KeyCache } from '../src/builders/key-cache.js';
import { LegacyMetricsBuilder } from '../src/builders/legacy.js';
import type { Metrics } from '../src/types.js';

describe('KeyCache (memoized metric keys)', () => {
  test('the same parts give the same stored value; different parts do not collide', () => {
    const cache = new KeyCache<string>();
    const a = cache.root().child('train').child('pass');
    assert.equal(a.value, undefined);
    assert.equal(cache.store(a, 'total_action_train_pass'), 'total_action_train_pass');
    assert.equal(cache.root().child('train').child('pass').value, 'total_action_train_pass');
    assert.equal(cache.root().child('train').child('fail').value, undefined);
    assert.equal(cache.root().child('trai').child('npass').value, undefined);
    assert.equal(cache.root().child(undefined).value, undefined);
    assert.equal(cache.root().child(2).value, undefined);
  });

  test('stored keys are interned copies with the same content', () => {
    const built = ['tao_job_total{tao_status=', '"pass"}'].join('');
    assert.equal(internKey(built), 'tao_job_total{tao_status="pass"}');
    assert.equal(internKey('__proto__'), '__proto__');
    const cache = new KeyCache<string>();
    assert.equal(cache.store(cache.root().child('x'), built), 'tao_job_total{tao_status="pass"}');
  });

  test('it starts over once it holds `limit` values, still returning the value it was given', () => {
    const cache = new KeyCache<string>(2);
    cache.store(cache.root().child('a'), 'A');
    cache.store(cache.root().child('b'), 'B');
    assert.equal(cache.store(cache.root().child('c'), 'C'), 'C');
    assert.equal(cache.root().child('a').value, undefined);
    assert.equal(cache.root().child('c').value, undefined);
    cache.store(cache.root().child('c'), 'C');
    assert.equal(cache.root().child('c').value, 'C');
  });

  test('builders keep producing correct keys across many distinct and alternating reports', () => {
    const builder = new LegacyMetricsBuilder();
    const metrics: Metrics = {};
    for (let i = 0; i < 10_000; i++) {
      builder.build(metrics, { action: `a${i % 3}`, version: `v${i % 5000}`, network: 'n', success: i % 2 === 0, gpus: [`g${i % 7}`] }, {});
    }
    assert.equal(metrics['total_action_a0_pass'], 1667);
    assert.equal(metrics['total_action_a1_fail'], 1667);
    assert.equal(metrics['version_v4999_action_a0'], 1);
    assert.equal(metrics['version_v0_action_a0'], 1);
    assert.equal(metrics['version_v0_action_a2'], 1);
    assert.equal(metrics['network_n_action_a2'], 3333);
    assert.equal(metrics['gpu_g6_action_a0'], 476);
    assert.equal(Object.keys(metrics).length, 6 + 10_000 + 3 + 21);
  });
});
