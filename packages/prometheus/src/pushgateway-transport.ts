// One request to a Prometheus Pushgateway: push (PUT) or delete a group. Never throws; the whole exchange is bounded.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type GatewayResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly detail: string };

/**
 * The group path of the Pushgateway API: `/metrics/job/<job>/<label>/<value>...`. A value with a `/` (or an
 * empty one) is sent base64url-encoded with the `@base64` suffix, as the Pushgateway documents.
 */
export function groupPath(base: URL, grouping: ReadonlyArray<readonly [string, string]>): string {
  const prefix = base.pathname.replace(/\/+$/, '');
  let path = `${prefix}/metrics`;
  for (const [name, value] of grouping) {
    if (value === '' || value.includes('/')) {
      const encoded = value === '' ? '=' : Buffer.from(value, 'utf8').toString('base64url');
      path += `/${name}@base64/${encoded}`;
    } else {
      path += `/${name}/${encodeURIComponent(value)}`;
    }
  }
  return path;
}

const MAX_BODY_IN_MESSAGE = 200;

/**
 * Sends one request and resolves with its outcome: 2xx is success; anything else (status, network error,
 * `timeout` after `timeoutMillis` from the start) is a failure described without header values. No connection
 * is kept alive, and the timer is `unref`'d: a pending push never keeps the process alive on its own.
 */
export function sendToGateway(
  url: URL,
  method: 'PUT' | 'POST' | 'DELETE',
  body: string | undefined,
  headers: Readonly<Record<string, string>>,
  timeoutMillis: number,
): Promise<GatewayResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: GatewayResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const requestHeaders: Record<string, string | number> = { ...headers };
    if (body !== undefined) {
      requestHeaders['content-type'] = 'text/plain; version=0.0.4; charset=utf-8';
      requestHeaders['content-length'] = Buffer.byteLength(body);
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let req: ReturnType<typeof httpRequest>;
    try {
      req = send(url, { method, headers: requestHeaders, agent: false }, (res) => {
        const status = res.statusCode ?? 0;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < MAX_BODY_IN_MESSAGE) text += chunk;
        });
        res.on('end', () => {
          if (status >= 200 && status < 300) finish({ ok: true, status });
          else finish({ ok: false, detail: `HTTP ${status}${text.trim() === '' ? '' : `: ${text.trim().slice(0, MAX_BODY_IN_MESSAGE)}`}` });
        });
        res.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, detail: e.code ?? e.message }));
      });
    } catch (e) {
      resolve({ ok: false, detail: e instanceof Error ? e.message : String(e) });
      return;
    }
    const timer = setTimeout(() => {
      finish({ ok: false, detail: `timeout after ${timeoutMillis} ms` });
      req.destroy();
    }, timeoutMillis);
    timer.unref();
    req.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, detail: e.code ?? e.message }));
    req.end(body);
  });
}
