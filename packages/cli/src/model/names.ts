// Wire names of spec/training.md §5 that the summary reads. Kept here (not imported from
// @nv-one-logger/training-telemetry) so the CLI depends on core only and reads any writer's files.

export const SPAN = {
  APPLICATION: 'application',
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
} as const;

export const EVENT = {
  ONE_LOGGER_INITIALIZATION: 'one_logger_initialization',
  UPDATE_TRAINING_TELEMETRY_CONFIG: 'update_training_telemetry_config',
  TRAINING_METRICS_UPDATE: 'training_metrics_update',
  VALIDATION_METRICS_UPDATE: 'validation_metrics_update',
  TESTING_METRICS_UPDATE: 'testing_metrics_update',
  SAVE_CHECKPOINT_SUCCESS: 'save_checkpoint_success',
  SYNC_CHECKPOINT_METRICS_UPDATE: 'sync_checkpoint_metrics_update',
  /** The model's own metrics (logMetrics): additive, never written by the Python library. */
  MODEL_METRICS: 'model_metrics',
} as const;

/** Spans counted as initialisation in the time breakdown. */
export const INIT_SPANS: ReadonlySet<string> = new Set([
  SPAN.DIST_INIT,
  SPAN.DATA_LOADER_INIT,
  SPAN.MODEL_INIT,
  SPAN.OPTIMIZER_INIT,
  SPAN.CHECKPOINT_LOAD,
]);

/** Every span name the summary reads (records of other spans only contribute times and counts). */
export const SUMMARY_SPANS: ReadonlySet<string> = new Set(Object.values(SPAN));
