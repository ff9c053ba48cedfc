import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpHttpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OtlpProtocol, type ResolvedOptions } from './options.js';

/**
 * The OpenTelemetry JS OTLP/HTTP exporter for the resolved options. It retries 429/502/503/504 and network
 * errors itself (exponential backoff, honouring `Retry-After`) within `timeoutMillis`.
 */
export function createOtlpSpanExporter(options: ResolvedOptions): SpanExporter {
  const config = {
    url: options.url,
    headers: { ...options.headers },
    timeoutMillis: options.timeoutMillis,
    compression: options.compression,
    // One batch at a time is sent; a small limit keeps a stuck collector from piling up sockets.
    concurrencyLimit: 2,
  } as ConstructorParameters<typeof OtlpHttpProtobufExporter>[0];
  return options.protocol === OtlpProtocol.HTTP_JSON ? new OtlpHttpJsonExporter(config) : new OtlpHttpProtobufExporter(config);
}
