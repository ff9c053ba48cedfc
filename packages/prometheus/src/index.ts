// Public API of @nv-one-logger/prometheus. Importing the package registers the `prometheus` exporter factory.
import { registerPrometheusExporter } from './factory.js';

export { prometheusExporterFactory, registerPrometheusExporter } from './factory.js';
export type { PusherStats } from './gateway-pusher.js';
export { JobLabel } from './job-labels.js';
export { HELP, MetricName, MODEL_METRIC_PREFIX } from './metric-names.js';
export { metricsRequestHandler } from './metrics-server.js';
export type { PrometheusExporterOptions, PushFailure, PushOptions } from './options.js';
export { DEFAULT_CHECKPOINT_BUCKETS, DEFAULT_PORT, resolveOptions } from './options.js';
export { PrometheusExporter } from './prometheus-exporter.js';
export { groupPath } from './pushgateway-transport.js';
export { modelMetricName } from './training-metrics.js';

registerPrometheusExporter();
