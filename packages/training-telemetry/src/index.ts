// Public API of @nv-one-logger/training-telemetry.
export * from './attributes.js';
export * from './callbacks.js';
export type { TrainingTelemetryConfigInput } from './config.js';
export { TrainingTelemetryConfig } from './config.js';
export * from './context.js';
export type { LogMetricsOptions, ModelMetrics } from './model-metrics.js';
export { GLOBAL_STEP_ATTRIBUTE, METRIC_NAME_PATTERN, metricNameProblem, RESERVED_METRIC_NAMES } from './model-metrics.js';
export * from './names.js';
export type { TrainingBaseConfigInput, TrainingConfigOverride } from './provider.js';
export { TrainingTelemetryProvider } from './provider.js';
export type { SaveCheckpointSuccessOptions, TrainingRecorderOptions, TrainStartOptions } from './training-recorder.js';
export { TRAINING_TELEMETRY_VERSION, TrainingRecorder } from './training-recorder.js';
