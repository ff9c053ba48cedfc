// Public API of @nv-one-logger/wandb. Importing the package registers the `wandb` and `wandb_async` exporter factories.
import { registerWandbExporters } from './factory.js';

export { registerWandbExporters, wandbAsyncExporterFactory, wandbExporterFactory } from './factory.js';
export type { SenderStats } from './history-sender.js';
export type { MetricNamingStrategy, Named } from './naming.js';
export { FlatMetricNamingStrategy, HierarchicalMetricNamingStrategy, MetricNaming } from './naming.js';
export type { DropReport, ResolvedOptions, WandBExporterOptions } from './options.js';
export { DEFAULT_HOST, DEFAULT_PROJECT, DEFAULT_TAGS, resolveOptions, WANDB_OPTION_NAMES, WandbMode, WandbResume } from './options.js';
export type { ReplayedRun, WandbReplayOptions, WandbReplayResult } from './replay.js';
export { replayToWandb } from './replay.js';
export type { BackoffSettings, WandbEndpoint } from './retry-policy.js';
export { isRetryableStatus, retryAfterMillis, retryDelayMillis } from './retry-policy.js';
export { GLOBAL_STEP, MODEL_METRICS_EVENT, Row } from './rows.js';
export type { WandbExportStats, WandbRunInfo } from './wandb-exporter.js';
export { WandBExporterAsync, WandBExporterBase, WandBExporterSync } from './wandb-exporter.js';

registerWandbExporters();
