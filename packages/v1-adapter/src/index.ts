// Public API of @nv-one-logger/v1-adapter. Importing the package registers the `v1_wandb` exporter factory.
import { registerV1Exporters } from './factory.js';

export type { V1Config, V1Metadata, V2ConfigInput } from './config-adapter.js';
export { ConfigAdapter } from './config-adapter.js';
export type { ConfigureV2AdapterOptions } from './configure.js';
export { configureV2Adapter } from './configure.js';
export { registerV1Exporters, V1_EXPORTER_CLASS_NAME, v1WandbExporterFactory } from './factory.js';
export type { PerfTagBlock } from './perf-tag.js';
export { perfTagBlock } from './perf-tag.js';
export { slurmRow } from './slurm.js';
export type { V1ExporterConfig } from './v1-compatible-exporter.js';
export { V1CompatibleExporter } from './v1-compatible-exporter.js';
export type { V1MetricContractOptions, V1Row } from './v1-metrics.js';
export { V1MetricContract } from './v1-metrics.js';
export {
  createV1WandbExporter,
  V1CompatibleWandbExporter,
  V1CompatibleWandbExporterAsync,
  V1CompatibleWandbExporterSync,
} from './v1-wandb-exporter.js';
export type { V1ExporterOptions } from './wandb-connection.js';
export { V1_DEFAULT_ENTITY, v1WandbOptions } from './wandb-connection.js';

registerV1Exporters();
