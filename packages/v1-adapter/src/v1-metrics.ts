// The v1 metric contract: which spans and events of a training job become which v1 W&B keys, in which unit.
import {
  type Attributes,
  type AttributeValue,
  describeValue,
  type Event,
  type OneLoggerConfig,
  OneLoggerError,
  type Span,
  wallNowMs,
} from '@nv-one-logger/core';
import {
  CheckpointStrategy,
  StandardTrainingJobEventName as EVENT,
  StandardTrainingJobSpanName as SPAN,
  TRAINING_TELEMETRY_VERSION,
  TrainingTelemetryConfig,
} from '@nv-one-logger/training-telemetry';
import { INIT_ROW_KEYS } from './config-adapter.js';
import { PerfTagCache } from './perf-tag.js';
import { slurmRow } from './slurm.js';

/** One W&B history row in v1 names. */
export type V1Row = Record<string, AttributeValue>;

export interface V1MetricContractOptions {
  /** The configuration in effect, read at export time (perf tag, checkpoint strategy, custom metadata). */
  config: () => OneLoggerConfig;
  /** The environment the SLURM keys are read from, once, at construction. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** `one_logger_version`. Default: the version of `@nv-one-logger/training-telemetry`. */
  version?: string;
}

/** v1's own library version and run type, which v1 dashboards read from the first row. */
const V1_UTILS_VERSION = '1.0.0';
const V1_RUN_TYPE = 'training';
const MS_PER_SEC = 1000;
const TERA = 1e-12;

/** Rows are built key by key; an absent value leaves its key out (v1 never logs nulls). */
class RowBuilder {
  readonly row: V1Row = {};

  constructor(private readonly source: string) {}

  put(key: string, value: AttributeValue | undefined): this {
    if (value !== undefined) this.row[key] = value;
    return this;
  }

  /** `value × coefficient` (a unit change); a non-numeric value is an error naming the v1 key and the source. */
  scaled(key: string, value: AttributeValue | undefined, coefficient: number, attribute: string): this {
    if (value === undefined) return this;
    if (typeof value !== 'number') {
      throw new OneLoggerError(`v1 key ${key} needs a number from ${this.source}.${attribute}, got ${describeValue(value)}`);
    }
    this.row[key] = value * coefficient;
    return this;
  }

  add(block: Readonly<Record<string, AttributeValue>>): this {
    Object.assign(this.row, block);
    return this;
  }
}

function attr(attributes: Attributes, name: string): AttributeValue | undefined {
  return attributes.getValue(name);
}

/** Sum of two attributes that must both be numbers (v1's `*_end` counters). */
function plus(source: string, a: AttributeValue | undefined, b: AttributeValue | undefined, key: string): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (typeof a !== 'number' || typeof b !== 'number') {
    throw new OneLoggerError(`v1 key ${key} needs numbers from ${source}, got ${describeValue(a)} and ${describeValue(b)}`);
  }
  return a + b;
}

/**
 * Turns the spans and events of a training job, as the recorder hands them to an exporter, into v1 rows.
 * Pure apart from the clock (`app_first_log_time`) and the configuration getter; every other span or event
 * gives an empty row. Errors are `OneLoggerError`s naming the v1 key (the recorder counts them as the exporter's).
 */
export class V1MetricContract {
  readonly #config: () => OneLoggerConfig;
  readonly #slurm: Readonly<Record<string, string | number>>;
  readonly #version: string;
  readonly #perfTags = new PerfTagCache();

  constructor(options: V1MetricContractOptions) {
    this.#config = options.config;
    this.#slurm = slurmRow(options.env ?? process.env);
    this.#version = options.version ?? TRAINING_TELEMETRY_VERSION;
  }

  /** The row for a span start (empty for spans v1 does not know). */
  rowForStart(span: Span): V1Row {
    const ms = span.startTime.millisecondsSinceEpoch;
    const b = new RowBuilder(span.name);
    switch (span.name) {
      case SPAN.APPLICATION:
        return b
          .put('app_start_time', ms)
          .put('app_first_log_time', Math.round(wallNowMs()))
          .put('one_logger_version', this.#version)
          .put('one_logger_utils_version', V1_UTILS_VERSION)
          .put('app_run_type', V1_RUN_TYPE)
          .add(this.#slurm).row;
      case SPAN.MODEL_INIT:
        return b.put('app_model_init_start_time', ms).row;
      case SPAN.DATA_LOADER_INIT:
        return b.put('app_build_dataiters_start_time', ms).row;
      case SPAN.CHECKPOINT_LOAD:
        return b.put('load_checkpoint_start_time', ms).row;
      case SPAN.OPTIMIZER_INIT:
        return b.put('app_build_optimizer_start_time', ms).row;
      case SPAN.TRAINING_LOOP: {
        const a = span.attributesView;
        const iterations = attr(a, 'train_iterations_start');
        const samples = attr(a, 'train_samples_start');
        return b
          .put('train_iterations_start', iterations)
          .put('train_iterations_end', iterations)
          .put('train_samples_start', samples)
          .put('train_samples_end', samples)
          .put('train_tokens_target', attr(a, 'train_tokens_target'))
          .scaled(
            'train_tflop_start',
            attr(a, 'completed_floating_point_operations_overall'),
            TERA,
            'completed_floating_point_operations_overall',
          )
          .put('app_train_loop_start_time', ms).row;
      }
      case SPAN.CHECKPOINT_SAVE_SYNC:
      case SPAN.CHECKPOINT_SAVE_ASYNC: {
        const a = span.attributesView;
        return b
          .put(
            'train_iterations_save_checkpoint_end',
            plus(span.name, attr(a, 'current_iteration'), 1, 'train_iterations_save_checkpoint_end'),
          )
          .put('save_checkpoint_count', attr(a, 'save_checkpoint_attempt_count')).row;
      }
      default:
        return b.row;
    }
  }

  /** The row for a span stop (empty for spans v1 does not know). */
  rowForStop(span: Span): V1Row {
    const stop = span.stopTime;
    if (stop === undefined) throw new OneLoggerError(`Span ${span.name} has not stopped; a v1 stop row needs its stop time`);
    const ms = stop.millisecondsSinceEpoch;
    const b = new RowBuilder(span.name);
    switch (span.name) {
      case SPAN.APPLICATION:
        return b.put('app_finish_time', ms).row;
      case SPAN.MODEL_INIT:
        return b.put('app_model_init_finish_time', ms).row;
      case SPAN.DATA_LOADER_INIT:
        return b.put('app_build_dataiters_finish_time', ms).row;
      case SPAN.CHECKPOINT_LOAD:
        // v1 reports the load time in milliseconds (finish − start).
        return b.put('load_checkpoint_finish_time', ms).put('load_checkpoint_time', ms - span.startTime.millisecondsSinceEpoch).row;
      case SPAN.OPTIMIZER_INIT:
        return b.put('app_build_optimizer_finish_time', ms).row;
      case SPAN.TRAINING_LOOP:
        return b.put('app_train_loop_finish_time', ms).row;
      default:
        return b.row;
    }
  }

  /** The row for an event of a running span (empty for events v1 does not know). */
  rowForEvent(event: Event, span: Span): V1Row {
    const a = event.attributes;
    const b = new RowBuilder(event.name);
    switch (event.name) {
      case EVENT.ONE_LOGGER_INITIALIZATION:
        this.#requireSpan(event, span, [SPAN.APPLICATION]);
        b.put('app_tag_run_name', attr(a, 'session_tag'))
          .put('world_size', attr(a, 'world_size'))
          .put('summary_data_schema_version', attr(a, 'summary_data_schema_version'))
          .put('app_metrics_feature_tags', 'full')
          .put('is_baseline_run', attr(a, 'is_baseline_run'));
        return b.add(this.#metadata(a)).row;
      case EVENT.UPDATE_TRAINING_TELEMETRY_CONFIG: {
        b.put('global_batch_size', attr(a, 'global_batch_size'))
          .put('micro_batch_size', attr(a, 'micro_batch_size'))
          .put('is_train_iterations_enabled', attr(a, 'is_train_iterations_enabled'))
          .put('is_validation_iterations_enabled', attr(a, 'is_validation_iterations_enabled'))
          .put('is_test_iterations_enabled', attr(a, 'is_test_iterations_enabled'))
          .put('is_save_checkpoint_enabled', attr(a, 'is_save_checkpoint_enabled'))
          .put('is_log_throughput_enabled', attr(a, 'is_log_throughput_enabled'))
          .put('train_iterations_target', attr(a, 'train_iterations_target'))
          .put('train_samples_target', attr(a, 'train_samples_target'))
          .put('model_seq_length', attr(a, 'seq_length'));
        if (attr(a, 'is_save_checkpoint_enabled') === true) b.put('save_checkpoint_strategy', attr(a, 'checkpoint_strategy'));
        return b.add(this.#perfTagBlock()).row;
      }
      case EVENT.TRAINING_METRICS_UPDATE: {
        const totalFlops = attr(a, 'total_flops');
        b.add(this.#perfTagBlock())
          .put('train_iterations', attr(a, 'num_iterations'))
          // v1 counted the iteration after the last completed one; kept so v1 dashboards stay continuous.
          .put('train_iterations_end', plus(event.name, attr(a, 'current_iteration'), 1, 'train_iterations_end'))
          .put('train_iterations_time_total', attr(a, 'total_iteration_time_sec'))
          .scaled('train_iterations_time_msecs_min', attr(a, 'min_iteration_time_sec'), MS_PER_SEC, 'min_iteration_time_sec')
          .scaled('train_iterations_time_msecs_avg', attr(a, 'avg_iteration_time_sec'), MS_PER_SEC, 'avg_iteration_time_sec')
          .put('train_tokens', attr(a, 'train_tokens'))
          .put('train_throughput_per_gpu', attr(a, 'train_throughput_per_gpu'))
          .put('train_throughput_per_gpu_max', attr(a, 'train_throughput_per_gpu_max'));
        // total_flops is absent when throughput logging is off: no train_tflop then (and no failure).
        if (typeof totalFlops === 'number' && totalFlops > 0) b.scaled('train_tflop', totalFlops, TERA, 'total_flops');
        return b
          .scaled(
            'train_tflop_end',
            attr(a, 'completed_floating_point_operations_overall'),
            TERA,
            'completed_floating_point_operations_overall',
          )
          .put('train_samples', attr(a, 'num_train_samples'))
          .put('train_samples_end', plus(event.name, attr(a, 'train_samples_start'), attr(a, 'num_train_samples'), 'train_samples_end'))
          .scaled(
            'first_logged_train_iterations_finish_time',
            attr(a, 'first_logged_train_iterations_finish_timestamp_sec'),
            MS_PER_SEC,
            'first_logged_train_iterations_finish_timestamp_sec',
          )
          .scaled(
            'last_logged_train_iterations_finish_time',
            attr(a, 'last_logged_train_iterations_finish_timestamp_sec'),
            MS_PER_SEC,
            'last_logged_train_iterations_finish_timestamp_sec',
          ).row;
      }
      case EVENT.VALIDATION_METRICS_UPDATE:
        return b
          .put('validation_iterations_time_total', attr(a, 'total_iteration_time_sec'))
          .scaled('validation_iterations_time_msecs_min', attr(a, 'min_iteration_time_sec'), MS_PER_SEC, 'min_iteration_time_sec')
          .scaled('validation_iterations_time_msecs_avg', attr(a, 'avg_iteration_time_sec'), MS_PER_SEC, 'avg_iteration_time_sec').row;
      case EVENT.SAVE_CHECKPOINT_SUCCESS:
        return this.#saveCheckpointSuccess(b, a);
      case EVENT.SYNC_CHECKPOINT_METRICS_UPDATE: {
        // The recorder posts it on the save span of either strategy.
        this.#requireSpan(event, span, [SPAN.CHECKPOINT_SAVE_SYNC, SPAN.CHECKPOINT_SAVE_ASYNC]);
        const total = attr(a, 'save_checkpoint_sync_time_total_sec');
        return b
          .put('save_checkpoint_sync_time_total', total)
          .put('save_checkpoint_sync_time_total_productive', total)
          .put('save_checkpoint_sync_time_min', attr(a, 'save_checkpoint_sync_time_min_sec'))
          .put('save_checkpoint_sync_time_max', attr(a, 'save_checkpoint_sync_time_max_sec')).row;
      }
      default:
        return b.row;
    }
  }

  #saveCheckpointSuccess(b: RowBuilder, a: Attributes): V1Row {
    b.scaled('first_saved_train_iterations_start_time', attr(a, 'training_start_timestamp_sec'), MS_PER_SEC, 'training_start_timestamp_sec')
      .put('train_iterations_productive_end', attr(a, 'productive_train_iterations'))
      .put('train_samples_productive_end', attr(a, 'productive_train_samples'))
      .put('train_tflop_productive_end', attr(a, 'productive_train_tflops'))
      .put('train_iterations_time_total_productive', attr(a, 'productive_train_iterations_sec'))
      .put('validation_iterations_time_total_productive', attr(a, 'productive_validation_iterations_sec'));
    // The save's own strategy decides the keys; the configured one only when the event does not carry it.
    const strategy = attr(a, 'checkpoint_strategy') ?? this.#trainingConfig().saveCheckpointStrategy;
    const count = attr(a, 'save_checkpoint_success_count');
    if (strategy === CheckpointStrategy.SYNC) {
      b.scaled(
        'first_successful_save_checkpoint_sync_finish_time',
        attr(a, 'first_successful_save_checkpoint_timestamp_sec'),
        MS_PER_SEC,
        'first_successful_save_checkpoint_timestamp_sec',
      )
        .scaled(
          'last_successful_save_checkpoint_sync_finish_time',
          attr(a, 'latest_successful_save_checkpoint_timestamp_sec'),
          MS_PER_SEC,
          'latest_successful_save_checkpoint_timestamp_sec',
        )
        .put('save_checkpoint_sync_count', count);
    } else if (strategy === CheckpointStrategy.ASYNC) {
      b.put('save_checkpoint_async_count', count);
    } else {
      throw new OneLoggerError(`save_checkpoint_success: checkpoint_strategy must be 'sync' or 'async', got ${describeValue(strategy)}`);
    }
    return b.row;
  }

  /** The custom metadata as given in the configuration (values keep their types; keys may hold `:`). */
  #metadata(a: Attributes): Readonly<Record<string, AttributeValue>> {
    const meta = this.#config().customMetadata ?? metadataFromStrings(attr(a, 'custom_metadata'));
    const overlap = INIT_ROW_KEYS.filter((key) => Object.hasOwn(meta, key));
    if (overlap.length > 0) throw new OneLoggerError(`Metadata overlap found with keys: ${overlap.join(', ')}`);
    return meta;
  }

  #trainingConfig(): TrainingTelemetryConfig {
    const tc = this.#config().telemetryConfig;
    if (!(tc instanceof TrainingTelemetryConfig)) throw new OneLoggerError('Training telemetry config is not set');
    return tc;
  }

  #perfTagBlock(): Readonly<Record<string, AttributeValue>> {
    return this.#perfTags.get(this.#trainingConfig().perfTag) as unknown as Readonly<Record<string, AttributeValue>>;
  }

  #requireSpan(event: Event, span: Span, names: readonly string[]): void {
    if (!names.includes(span.name)) {
      throw new OneLoggerError(`Event ${event.name} is expected on the ${names.join(' or ')} span, not on ${span.name}`);
    }
  }
}

/**
 * Metadata recovered from the event's `["key:value", ...]` list, for a configuration without custom metadata
 * (split at the first `:` only, so values may hold `:`; values stay strings).
 */
function metadataFromStrings(list: AttributeValue | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (typeof item !== 'string') continue;
    const at = item.indexOf(':');
    if (at > 0) out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}
