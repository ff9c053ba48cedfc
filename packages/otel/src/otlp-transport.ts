import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OtlpProtocol, type ResolvedOptions } from './options.js';
import { postOnce, type RequestSettings, type SendOutcome } from './otlp-http-request.js';
import { backoffMillis, MAX_RETRIES } from './otlp-retry-policy.js';
import { TransportAgent } from './releasable-agent.js';

type Serialize = (spans: ReadableSpan[]) => Uint8Array | undefined;

/**
 * OTLP/HTTP (protobuf or JSON) to one collector URL. One `export()` sends one request, retried on 429,
 * 502/503/504 and network errors (backoff from 1 s, ×1.5, ±20 %, at most 5 s; `Retry-After` honoured), all
 * within `timeoutMillis`. `shutdown()` ends it for good: open requests fail at once, a retry wait is cut
 * short, new requests are refused, so no socket or timer of the transport outlives it.
 */
class OtlpHttpSpanExporter implements SpanExporter {
  private readonly agent = new TransportAgent();
  private readonly settings: RequestSettings;
  private readonly serialize: Serialize;
  private released = false;
  /** Ends the retry waits in progress. */
  private readonly waits = new Set<() => void>();

  constructor(private readonly options: ResolvedOptions) {
    const url = new URL(options.url);
    const json = options.protocol === OtlpProtocol.HTTP_JSON;
    this.serialize = (json ? JsonTraceSerializer.serializeRequest : ProtobufTraceSerializer.serializeRequest) as unknown as Serialize;
    this.settings = {
      url,
      headers: { ...options.headers },
      contentType: json ? 'application/json' : 'application/x-protobuf',
      compression: options.compression,
      agent: this.agent.factory(url.protocol),
    };
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let body: Uint8Array | undefined;
    try {
      body = this.serialize(spans);
    } catch (e) {
      resultCallback({ code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) });
      return;
    }
    if (body === undefined) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('the spans could not be serialized') });
      return;
    }
    // send() never rejects by design; the catch keeps an unexpected error a failed export, never a crash of the job.
    this.send(body).then(
      (outcome) =>
        resultCallback(
          outcome.status === 'success' ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: outcome.error },
        ),
      (e: unknown) => resultCallback({ code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) }),
    );
  }

  shutdown(): Promise<void> {
    this.released = true;
    this.agent.release();
    for (const end of [...this.waits]) end();
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  private async send(body: Uint8Array): Promise<SendOutcome> {
    const deadline = Date.now() + this.options.timeoutMillis;
    let outcome = await postOnce(this.settings, body, this.options.timeoutMillis);
    for (let retry = 0; outcome.status === 'retryable' && retry < MAX_RETRIES; retry++) {
      const wait = outcome.retryAfterMs ?? backoffMillis(retry, Math.random());
      const remaining = deadline - Date.now();
      // A retry that could not finish in time is not started (a timed-out request has used all the time).
      if (this.released || wait >= remaining) break;
      if (!(await this.pause(wait))) break;
      // A late timer (busy host) can eat the rest of the budget while pausing: then stop, as above.
      const left = deadline - Date.now();
      if (left <= 0) break;
      outcome = await postOnce(this.settings, body, left);
    }
    return outcome;
  }

  /** Waits `ms`; resolves `false` at once if the transport is shut down meanwhile. */
  private pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.waits.delete(end);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.waits.delete(end);
        resolve(true);
      }, ms);
      this.waits.add(end);
    });
  }
}

/**
 * The built-in OTLP/HTTP span exporter for the resolved options (protobuf or JSON, optional gzip). Its
 * `shutdown()` releases every socket and timer of the transport, so nothing of it keeps the process alive.
 */
export function createOtlpSpanExporter(options: ResolvedOptions): SpanExporter {
  return new OtlpHttpSpanExporter(options);
}
