import type { ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpHttpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OtlpProtocol, type ResolvedOptions } from './options.js';
import { TransportAgent } from './releasable-agent.js';

/**
 * The OTLP exporter with a transport that ends with it: `shutdown()` first releases every socket of the
 * transport (a request still waiting on a collector fails at once), then shuts the OTLP exporter down. The
 * OTLP exporter alone waits for its open requests, which keeps the process alive for up to `timeoutMillis`.
 */
class ReleasingSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly agent: TransportAgent,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, resultCallback);
  }

  shutdown(): Promise<void> {
    this.agent.release();
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * The OpenTelemetry JS OTLP/HTTP exporter for the resolved options. It retries 429/502/503/504 and network
 * errors itself (exponential backoff, honouring `Retry-After`) within `timeoutMillis`. Its `shutdown()`
 * releases the transport's sockets, so nothing of it keeps the process alive afterwards.
 */
export function createOtlpSpanExporter(options: ResolvedOptions): SpanExporter {
  const agent = new TransportAgent();
  const config = {
    url: options.url,
    headers: { ...options.headers },
    timeoutMillis: options.timeoutMillis,
    compression: options.compression,
    // One batch at a time is sent; a small limit keeps a stuck collector from piling up sockets.
    concurrencyLimit: 2,
    httpAgentOptions: agent.factory,
  } as ConstructorParameters<typeof OtlpHttpProtobufExporter>[0];
  const inner = options.protocol === OtlpProtocol.HTTP_JSON ? new OtlpHttpJsonExporter(config) : new OtlpHttpProtobufExporter(config);
  return new ReleasingSpanExporter(inner, agent);
}
