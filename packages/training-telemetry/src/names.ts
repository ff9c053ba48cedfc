import { StandardSpanName } from '@nv-one-logger/core';

/** Span names of the training layer (wire values of the reference, including its upper-case testing iteration). */
export const StandardTrainingJobSpanName = {
  APPLICATION: StandardSpanName.APPLICATION,
  TRAINING_LOOP: 'training_loop',
  VALIDATION_LOOP: 'validation_loop',
  TESTING_LOOP: 'testing_loop',
  DIST_INIT: 'distributed_code_initialization',
  DATA_LOADER_INIT: 'data_loader_initialization',
  MODEL_INIT: 'model_initialization',
  OPTIMIZER_INIT: 'optimizer_initialization',
  CHECKPOINT_LOAD: 'checkpoint_load',
  CHECKPOINT_SAVE_SYNC: 'checkpoint_save_sync',
  CHECKPOINT_SAVE_ASYNC: 'checkpoint_save_async',
  CHECKPOINT_SAVE_FINALIZATION: 'checkpoint_save_finalization',
  TRAINING_SINGLE_ITERATION: 'training_single_iteration',
  VALIDATION_SINGLE_ITERATION: 'validation_single_iteration',
  TESTING_SINGLE_ITERATION: 'TESTING_SINGLE_ITERATION',
  DATA_LOADING: 'data_loading',
  MODEL_FORWARD: 'model_forward',
  ZERO_GRAD: 'zero_grad',
  MODEL_BACKWARD: 'model_backward',
  OPTIMIZER_UPDATE: 'optimizer_update',
} as const;
export type StandardTrainingJobSpanName = (typeof StandardTrainingJobSpanName)[keyof typeof StandardTrainingJobSpanName];

/** Standard names: at most one active span per name at a time. */
export const STANDARD_TRAINING_SPAN_NAMES: ReadonlySet<string> = new Set(Object.values(StandardTrainingJobSpanName));

/** Spans not exported by default (short, high-frequency). */
export const DEFAULT_SPAN_BLACKLIST: readonly string[] = [
  StandardTrainingJobSpanName.TRAINING_SINGLE_ITERATION,
  StandardTrainingJobSpanName.VALIDATION_SINGLE_ITERATION,
  StandardTrainingJobSpanName.TESTING_SINGLE_ITERATION,
  StandardTrainingJobSpanName.DATA_LOADING,
  StandardTrainingJobSpanName.MODEL_FORWARD,
  StandardTrainingJobSpanName.ZERO_GRAD,
  StandardTrainingJobSpanName.MODEL_BACKWARD,
  StandardTrainingJobSpanName.OPTIMIZER_UPDATE,
];

export const StandardTrainingJobEventName = {
  ONE_LOGGER_INITIALIZATION: 'one_logger_initialization',
  UPDATE_TRAINING_TELEMETRY_CONFIG: 'update_training_telemetry_config',
  TRAINING_METRICS_UPDATE: 'training_metrics_update',
  VALIDATION_METRICS_UPDATE: 'validation_metrics_update',
  TESTING_METRICS_UPDATE: 'testing_metrics_update',
  SAVE_CHECKPOINT_SUCCESS: 'save_checkpoint_success',
  SYNC_CHECKPOINT_METRICS_UPDATE: 'sync_checkpoint_metrics_update',
  /** The model's own metrics (`logMetrics`); additive, the Python library has no such event. */
  MODEL_METRICS: 'model_metrics',
} as const;
export type StandardTrainingJobEventName = (typeof StandardTrainingJobEventName)[keyof typeof StandardTrainingJobEventName];

export const CheckpointStrategy = { SYNC: 'sync', ASYNC: 'async' } as const;
export type CheckpointStrategy = (typeof CheckpointStrategy)[keyof typeof CheckpointStrategy];

/** Where a checkpoint lives (kept for API parity; not used by the recorder). */
export const CheckPointType = { GLOBAL: 'global', LOCAL: 'local' } as const;
export type CheckPointType = (typeof CheckPointType)[keyof typeof CheckPointType];
