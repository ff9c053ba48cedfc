// logMetrics over OTLP/HTTP: each model_metrics record arrives as a span event named `model_metrics` on the span
// it was recorded on (training or validation loop), its metrics as typed attributes, then global_step and
// timestamp_msec; latest_loss rides on the training updates. Checked against the JSONL of the same run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileExporter } from '@nv-one-logger/core';
import {
  logMetrics,
  onAppEnd,
  onAppStart,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationStart,
  TrainingTelemetryProvider,
} from '@nv-one-logger/training-telemetry';
import { readRecords } from '../../core/test/helpers/records.js';
import { OTelExporter } from '../src/index.js';
import { assertMatchesRecords } from './helpers/compare.js';
import { OtlpReceiver, type ReceivedSpan } from './helpers/otlp-receiver.js';

let dir = '';
let receiver: OtlpReceiver;
before(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'otel-model-metrics-'));
  receiver = await new OtlpReceiver().start();
});
after(async () => {
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
  TrainingTelemetryProvider.resetForTests();
});

describe('model_metrics over OTLP/HTTP protobuf', () => {
  it('arrives as a span event with the metrics as typed attributes, on the loop span it was logged in', async () => {
    const file = join(dir, 'metrics.jsonl');
    TrainingTelemetryProvider.instance()
      .withBaseConfig({
        applicationName: 'metrics_app',
        sessionTag: 'm1',
        worldSize: 1,
        telemetryConfig: { perfTag: 'p', globalBatchSize: 8, logEveryNTrainIterations: 2 },
      })
      .withExporter(new FileExporter({ filePath: file }))
      .withExporter(new OTelExporter({ endpoint: receiver.url.replace('/v1/traces', ''), scheduledDelayMillis: 20 }))
      .configureProvider();
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 1; i <= 4; i++) {
      onTrainingSingleIterationStart();
      onTrainingSingleIterationEnd();
      if (i % 2 === 1) logMetrics({ loss: 1 / i, accuracy: 0.25 * i, 'train/grad_norm': 3 });
    }
    onValidationStart();
    logMetrics({ val_loss: 0.625 }, { step: 4 });
    onValidationEnd();
    onTrainEnd();
    await onAppEnd();

    const records = readRecords(file);
    const spans = receiver.spans;
    assertMatchesRecords(records, spans);
    const loop = spans.find((s) => s.name === 'training_loop') as ReceivedSpan;
    const validation = spans.find((s) => s.name === 'validation_loop') as ReceivedSpan;
    const onLoop = loop.events.filter((e) => e.name === 'model_metrics');
    assert.deepEqual(
      onLoop.map((e) => e.attributes),
      [
        { loss: 1, accuracy: 0.25, 'train/grad_norm': 3, global_step: 1, timestamp_msec: onLoop[0]?.attributes.timestamp_msec },
        { loss: 1 / 3, accuracy: 0.75, 'train/grad_norm': 3, global_step: 3, timestamp_msec: onLoop[1]?.attributes.timestamp_msec },
      ],
    );
    // Types as the OpenTelemetry JS SDK encodes numbers: a whole number is an int, any other a double.
    assert.deepEqual(onLoop[1]?.types, {
      loss: 'double',
      accuracy: 'double',
      'train/grad_norm': 'int',
      global_step: 'int',
      timestamp_msec: 'int',
    });
    // The event time is the record's timestamp.
    for (const e of onLoop) assert.equal(Number(e.timeNs / 1_000_000n), e.attributes.timestamp_msec);
    const onValidation = validation.events.filter((e) => e.name === 'model_metrics');
    assert.deepEqual(
      onValidation.map((e) => [e.attributes.val_loss, e.attributes.global_step]),
      [[0.625, 4]],
    );
    // latest_loss on the training updates: the last training loss before each (1 at step 2, 1/3 at step 4).
    const updates = loop.events.filter((e) => e.name === 'training_metrics_update');
    assert.deepEqual(
      updates.map((u) => u.attributes.latest_loss),
      [1, 1 / 3],
    );
  });
});
