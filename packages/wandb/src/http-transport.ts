// One W&B HTTP request, with no retry: GraphQL (`POST {base}/graphql`) and file_stream
// (`POST {base}/files/{entity}/{project}/{run}/file_stream`). The answer is a value, never an exception, and
// no message it produces contains the API key.
import { isRetryableStatus, retryAfterMillis, type WandbEndpoint } from './retry-policy.js';

export type TransportResult =
  | { readonly kind: 'success'; readonly status: number; readonly body: unknown }
  /** Worth repeating (429, 5xx, a network error, a timeout); `retryAfterMillis` when the server named a wait. */
  | { readonly kind: 'retryable'; readonly status?: number; readonly retryAfterMillis?: number; readonly message: string }
  /** Final: repeating the same request cannot succeed (401, 400, a GraphQL error, ...). */
  | { readonly kind: 'failure'; readonly status?: number; readonly message: string };

export interface TransportSettings {
  /** Base URL without a trailing slash, e.g. `https://api.wandb.ai`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Time allowed for one request. */
  readonly requestTimeoutMillis: number;
  readonly userAgent: string;
}

/** Sends single requests to a W&B server. `signal` aborts a request in flight (shutdown). */
export class WandbHttpTransport {
  private readonly authorization: string;

  constructor(private readonly settings: TransportSettings) {
    // User `api`, password = the key (the W&B client's Basic scheme). Kept only in this header.
    this.authorization = `Basic ${Buffer.from(`api:${settings.apiKey}`).toString('base64')}`;
  }

  get baseUrl(): string {
    return this.settings.baseUrl;
  }

  /** A GraphQL operation; `errors` in a 2xx answer is a final failure carrying the server's first message. */
  async graphql(operationName: string, query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<TransportResult> {
    const result = await this.post(
      'graphql',
      `${this.settings.baseUrl}/graphql`,
      JSON.stringify({ query, variables, operationName }),
      signal,
    );
    if (result.kind !== 'success') return result;
    const body = result.body as { data?: unknown; errors?: Array<{ message?: unknown }> } | null;
    if (body === null || typeof body !== 'object')
      return { kind: 'failure', status: result.status, message: `${operationName}: the answer is not a JSON object` };
    if (Array.isArray(body.errors) && body.errors.length > 0) {
      const first = body.errors[0]?.message;
      return {
        kind: 'failure',
        status: result.status,
        message: `${operationName}: ${typeof first === 'string' ? first : 'GraphQL error'}`,
      };
    }
    return { kind: 'success', status: result.status, body: body.data };
  }

  /**
   * One file_stream request for a run; `body` is the request's JSON text (built by the caller, which writes the
   * history lines as string literals directly). An answer that is not JSON counts as `{}` (the W&B client
   * ignores it too).
   */
  fileStream(entity: string, project: string, runId: string, body: string, signal?: AbortSignal): Promise<TransportResult> {
    const path = [entity, project, runId].map(encodeURIComponent).join('/');
    return this.post('file_stream', `${this.settings.baseUrl}/files/${path}/file_stream`, body, signal);
  }

  private async post(endpoint: WandbEndpoint, url: string, body: string, signal?: AbortSignal): Promise<TransportResult> {
    const result = await this.postOnce(endpoint, url, body, signal);
    // A server that echoes the credentials must not put them into a log line through this message.
    if (result.kind === 'success' || !result.message.includes(this.settings.apiKey)) return result;
    return { ...result, message: result.message.replaceAll(this.settings.apiKey, '<redacted>') };
  }

  private async postOnce(endpoint: WandbEndpoint, url: string, body: string, signal?: AbortSignal): Promise<TransportResult> {
    const timeout = AbortSignal.timeout(this.settings.requestTimeoutMillis);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/json',
          'user-agent': this.settings.userAgent,
        },
        body,
        signal: combined,
      });
    } catch (e) {
      if (signal?.aborted) return { kind: 'failure', message: `${endpoint} request cancelled (exporter shut down)` };
      if (timeout.aborted)
        return { kind: 'retryable', message: `${endpoint} request timed out after ${this.settings.requestTimeoutMillis} ms` };
      return { kind: 'retryable', message: `${endpoint} request failed: ${networkReason(e)}` };
    }
    let text = '';
    try {
      text = await response.text();
    } catch (e) {
      return { kind: 'retryable', status: response.status, message: `${endpoint} answer could not be read: ${networkReason(e)}` };
    }
    const status = response.status;
    if (status >= 200 && status < 300) {
      let body: unknown = {};
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        if (endpoint === 'graphql') return { kind: 'retryable', status, message: 'graphql answer is not JSON' };
      }
      return { kind: 'success', status, body };
    }
    const message = `${endpoint} answered HTTP ${status}${briefReason(text)}`;
    if (!isRetryableStatus(endpoint, status)) return { kind: 'failure', status, message };
    const wait = retryAfterMillis(response.headers.get('retry-after'), Date.now());
    return wait === undefined ? { kind: 'retryable', status, message } : { kind: 'retryable', status, retryAfterMillis: wait, message };
  }
}

/** `ECONNREFUSED`, `ECONNRESET`, ... from a fetch failure (undici hides the code in `cause`). */
function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return e instanceof Error ? e.message : String(e);
}

/** The server's own words, shortened; W&B answers `{"errors":[{"message":...}]}` or a line of text. */
function briefReason(text: string): string {
  if (text === '') return '';
  let reason = text;
  try {
    const body = JSON.parse(text) as { errors?: Array<{ message?: unknown }>; error?: unknown };
    const first = body.errors?.[0]?.message ?? body.error;
    if (typeof first === 'string') reason = first;
  } catch {
    // Plain text.
  }
  reason = reason.replace(/\s+/g, ' ').trim();
  return reason === '' ? '' : `: ${reason.length > 200 ? `${reason.slice(0, 200)}…` : reason}`;
}
