// Training-telemetry config errors quote user values bounded (issue 12 item 8): a huge value or key never ends up
// whole in a message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@nv-one-logger/core';
import { TrainingTelemetryConfig, type TrainingTelemetryConfigInput } from '../src/config.js';

const huge = 'p'.repeat(5_000_000);

function messageOf(input: Record<string, unknown>): ConfigError {
  try {
    new TrainingTelemetryConfig({ perfTag: 'perf', globalBatchSize: 32, ...input } as unknown as TrainingTelemetryConfigInput);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail('expected a ConfigError');
}

test('issue 12 item 8: a huge value in a training config error is cut to 200 characters with an ellipsis and its length', () => {
  const e = messageOf({ globalBatchSize: huge });
  assert.equal(e.field, 'TrainingTelemetryConfig.globalBatchSize');
  assert.ok(e.message.endsWith(`(got "${'p'.repeat(200)}…" (5,000,000 characters))`), e.message.slice(0, 300));
  assert.ok(e.message.length < 500, String(e.message.length));
  assert.equal(e.value, huge, 'the value itself stays available to the program');
});

test('issue 12 item 8: a huge unknown key in a training config error is cut in the message', () => {
  const e = messageOf({ [huge]: 1 });
  assert.ok(
    e.message.startsWith(`TrainingTelemetryConfig.${'p'.repeat(176)}… (5,000,024 characters): is not a known option`),
    e.message.slice(0, 300),
  );
  assert.ok(e.message.length < 1500, String(e.message.length));
});
