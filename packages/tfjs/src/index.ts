// Public API of @nv-one-logger/tfjs.
export type { CheckpointEveryOptions, OneLoggerTfjsCallbackOptions } from './callback.js';
export { OneLoggerTfjsCallback } from './callback.js';
export type {
  CheckpointSaveInfo,
  CheckpointSaveStatus,
  InstrumentedSaveHandler,
  InstrumentSaveOptions,
  ModelSaveRun,
  SaveTarget,
} from './checkpoint-save.js';
export { instrumentModelSave, instrumentSaveHandler, waitForCheckpointSaves } from './checkpoint-save.js';
export type { ConfigFromModelOptions } from './config-from-model.js';
export { configFromModel } from './config-from-model.js';
export type { InstrumentedEvaluateOptions } from './evaluate.js';
export { instrumentedEvaluate, instrumentedEvaluateDataset } from './evaluate.js';
export type { DirectoryIOHandler } from './file-system-handlers.js';
export { fileSystemLoadHandler, fileSystemSaveHandler } from './file-system-handlers.js';
export type { EstimateFlopsOptions, FlopsEstimate, LayerFlops } from './flops.js';
export { estimateFlops, estimateFlopsPerSample } from './flops.js';
export type { WithApplicationOptions } from './phases.js';
export {
  loadCheckpoint,
  withApplication,
  withCheckpointLoad,
  withDataloaderInit,
  withModelInit,
  withOptimizerInit,
  withTestingLoop,
  withValidationLoop,
} from './phases.js';
export type { TfjsBaseConfigOptions } from './rank.js';
export { currentRank, isRankZero, tfjsBaseConfig } from './rank.js';
