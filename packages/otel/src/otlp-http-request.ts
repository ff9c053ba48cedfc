import http from 'node:http';
import https from 'node:https';
import { gzipSync } from 'node:zlib';
import { VERSION } from '@nv-one-logger/core';
import { isRetryableNetworkError, isRetryableStatus, retryAfterMillis } from './otlp-retry-policy.js';

/** What one POST to the collector came to. */
export type SendOutcome =
  | { readonly status: 'success' }
  | { readonly status: 'retryable'; readonly error: Error; readonly retryAfterMs?: number | undefined }
  | { readonly status: 'failure'; readonly error: Error };

export interface RequestSettings {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly compression: 'gzip' | 'none';
  readonly agent: http.Agent;
}

/** Names the sender in the collector's logs (a `User-Agent` header given in the options wins). */
const USER_AGENT = `nv-one-logger-otel/${VERSION} (Node.js ${process.versions.node})`;

/** Answers larger than this are not read (a collector answers with a few bytes). */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** An HTTP answer that is not 2xx; `code` is the status, as the OpenTelemetry exporters report it. */
function httpError(status: number, statusMessage: string | undefined, body: string): Error {
  return Object.assign(new Error(statusMessage || `HTTP ${status}`), { code: status, data: body });
}

/**
 * POSTs `body` once. Resolves (never rejects) when the answer is complete, the request failed or
 * `timeoutMs` passed without an answer (the request is then destroyed: a timed-out request has used its time).
 */
export function postOnce(settings: RequestSettings, body: Uint8Array, timeoutMs: number): Promise<SendOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: SendOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const payload = settings.compression === 'gzip' ? gzipSync(body) : body;
    const headers: Record<string, string | number> = {
      'User-Agent': USER_AGENT,
      ...settings.headers,
      'Content-Type': settings.contentType,
      'Content-Length': payload.byteLength,
    };
    if (settings.compression === 'gzip') headers['Content-Encoding'] = 'gzip';
    const request = settings.url.protocol === 'https:' ? https.request : http.request;
    let req: http.ClientRequest;
    try {
      req = request(settings.url, { method: 'POST', headers, agent: settings.agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        res.on('error', (error) => finish({ status: 'failure', error }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status <= 299) finish({ status: 'success' });
          else {
            const error = httpError(status, res.statusMessage, Buffer.concat(chunks).toString('utf8'));
            if (isRetryableStatus(status)) {
              const header = res.headers['retry-after'];
              finish({
                status: 'retryable',
                error,
                retryAfterMs: retryAfterMillis(Array.isArray(header) ? header[0] : header, Date.now()),
              });
            } else finish({ status: 'failure', error });
          }
        });
      });
    } catch (e) {
      finish({ status: 'failure', error: e instanceof Error ? e : new Error(String(e)) });
      return;
    }
    // The socket's idle timer (not a timer of its own): it ends with the socket. At least 1 ms: a caller's
    // remaining time can reach 0 or less when timers fire late on a busy host, and Node refuses a negative one.
    req.setTimeout(Math.max(1, Math.floor(timeoutMs)), () => {
      finish({ status: 'retryable', error: new Error('Request timed out') });
      req.destroy();
    });
    req.on('error', (error: Error & { code?: unknown }) => {
      finish(isRetryableNetworkError(error.code) ? { status: 'retryable', error } : { status: 'failure', error });
    });
    req.end(payload);
  });
}
