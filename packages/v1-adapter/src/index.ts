// Public API of @nv-one-logger/v1-adapter.
export type { V1Config, V1Metadata, V2ConfigInput } from './config-adapter.js';
export { ConfigAdapter } from './config-adapter.js';
export type { PerfTagBlock } from './perf-tag.js';
export { perfTagBlock } from './perf-tag.js';
export { slurmRow } from './slurm.js';
export type { V1MetricContractOptions, V1Row } from './v1-metrics.js';
export { V1MetricContract } from './v1-metrics.js';
