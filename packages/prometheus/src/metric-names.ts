// The metric families this package exposes, with their help texts (the README table lists their sources).

/** Names follow the Prometheus conventions: `one_logger_` prefix, base units (seconds), counters end in `_total`. */
export const MetricName = {
  TRAIN_ITERATIONS: 'one_logger_train_iterations_total',
  TRAIN_SAMPLES: 'one_logger_train_samples_total',
  TRAIN_TOKENS: 'one_logger_train_tokens_total',
  TRAIN_CURRENT_ITERATION: 'one_logger_train_current_iteration',
  TRAIN_ITERATION_DURATION: 'one_logger_train_iteration_duration_seconds',
  TRAIN_ITERATION_MIN: 'one_logger_train_iteration_min_seconds',
  TRAIN_ITERATION_MAX: 'one_logger_train_iteration_max_seconds',
  TRAIN_TFLOPS_PER_GPU: 'one_logger_train_throughput_tflops_per_gpu',
  TRAIN_SAMPLES_PER_SECOND: 'one_logger_train_samples_per_second',
  TRAIN_LAST_ITERATION_TIME: 'one_logger_train_last_iteration_timestamp_seconds',
  CHECKPOINT_SAVES: 'one_logger_checkpoint_saves_total',
  CHECKPOINT_SAVE_DURATION: 'one_logger_checkpoint_save_duration_seconds',
  VALIDATION_LOOP_DURATION: 'one_logger_validation_loop_duration_seconds',
  PRODUCTIVE_TRAIN_SECONDS: 'one_logger_productive_train_seconds',
  PRODUCTIVE_TRAIN_ITERATIONS: 'one_logger_productive_train_iterations',
  PRODUCTIVE_TRAIN_SAMPLES: 'one_logger_productive_train_samples',
  PRODUCTIVE_VALIDATION_SECONDS: 'one_logger_productive_validation_seconds',
  MODEL_GLOBAL_STEP: 'one_logger_model_global_step',
  TELEMETRY_ERRORS: 'one_logger_telemetry_errors_total',
  APPLICATION_ERRORS: 'one_logger_application_errors_total',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** Prefix of the gauges made from `model_metrics` events: `loss` becomes `one_logger_model_loss`. */
export const MODEL_METRIC_PREFIX = 'one_logger_model_';

export const HELP: Readonly<Record<MetricName, string>> = {
  [MetricName.TRAIN_ITERATIONS]: 'Training iterations completed by this job (training_metrics_update num_iterations).',
  [MetricName.TRAIN_SAMPLES]: 'Training samples completed by this job (training_metrics_update num_train_samples).',
  [MetricName.TRAIN_TOKENS]: 'Training tokens completed by this job (training_metrics_update train_tokens).',
  [MetricName.TRAIN_CURRENT_ITERATION]: 'Zero-based global step of the latest reported training iteration (current_iteration).',
  [MetricName.TRAIN_ITERATION_DURATION]:
    'Training iteration time in seconds: total and count of this job (total_iteration_time_sec, num_iterations).',
  [MetricName.TRAIN_ITERATION_MIN]: 'Shortest training iteration of this job in seconds (min_iteration_time_sec).',
  [MetricName.TRAIN_ITERATION_MAX]: 'Longest training iteration of this job in seconds (max_iteration_time_sec).',
  [MetricName.TRAIN_TFLOPS_PER_GPU]: 'Job-average training throughput in TFLOP/s per GPU (train_throughput_per_gpu).',
  [MetricName.TRAIN_SAMPLES_PER_SECOND]:
    'Job-average training samples per second of iteration time (num_train_samples / total_iteration_time_sec).',
  [MetricName.TRAIN_LAST_ITERATION_TIME]:
    'Unix time of the latest finished training iteration (last_logged_train_iterations_finish_timestamp_sec).',
  [MetricName.CHECKPOINT_SAVES]: 'Successful checkpoint saves (save_checkpoint_success events), by strategy.',
  [MetricName.CHECKPOINT_SAVE_DURATION]: 'Checkpoint save durations in seconds (checkpoint_save_sync/async spans), by strategy.',
  [MetricName.VALIDATION_LOOP_DURATION]: 'Validation loop durations in seconds (validation_loop spans).',
  [MetricName.PRODUCTIVE_TRAIN_SECONDS]:
    'Training iteration time saved in the latest successful checkpoint, in seconds (productive_train_iterations_sec).',
  [MetricName.PRODUCTIVE_TRAIN_ITERATIONS]: 'Training iterations saved in the latest successful checkpoint (productive_train_iterations).',
  [MetricName.PRODUCTIVE_TRAIN_SAMPLES]: 'Training samples saved in the latest successful checkpoint (productive_train_samples).',
  [MetricName.PRODUCTIVE_VALIDATION_SECONDS]:
    'Validation iteration time before the latest successful checkpoint, in seconds (productive_validation_iterations_sec).',
  [MetricName.MODEL_GLOBAL_STEP]: 'Step of the latest model_metrics event (global_step).',
  [MetricName.TELEMETRY_ERRORS]: 'Telemetry data errors recorded (the collected telemetry is incomplete or unreliable).',
  [MetricName.APPLICATION_ERRORS]: 'Application errors recorded on spans.',
};
