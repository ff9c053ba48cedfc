// The pull side: an HTTP endpoint serving the metrics in the text exposition format.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { internalLogger, messageOf } from '@nv-one-logger/core';

export type MetricsSource = () => Promise<{ text: string; contentType: string }>;

/**
 * A request handler for `path`: GET and HEAD get the metrics (200), a failed collection 500, other paths 404,
 * other methods 405. Usable on the application's own server (`serve: false`).
 */
export function metricsRequestHandler(path: string, source: MetricsSource): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const requested = q < 0 ? url : url.slice(0, q);
    if (requested !== path) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not found: the metrics are at ${path}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
      return;
    }
    source().then(
      ({ text, contentType }) => {
        res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (e: unknown) => {
        // Unlike a 200 with partial text, a 500 makes Prometheus mark the scrape failed (`up` = 0).
        internalLogger.error(`PrometheusExporter: collecting the metrics failed: ${messageOf(e)}`);
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Collecting the metrics failed\n');
      },
    );
  };
}

/**
 * The HTTP server of the metrics endpoint. It is `unref`'d (it never keeps the job alive), starts once, and
 * `stop()` always resolves, closing idle and open connections.
 */
export class MetricsServer {
  private server: Server | undefined;
  private listening: Promise<AddressInfo | undefined> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly handler: (req: IncomingMessage, res: ServerResponse) => void,
    private readonly onError: (message: string) => void,
  ) {}

  /** Starts listening (memoised); resolves to the address, or undefined when the port could not be bound. */
  start(): Promise<AddressInfo | undefined> {
    this.listening ??= new Promise((resolve) => {
      const server = createServer(this.handler);
      this.server = server;
      server.once('error', (e: NodeJS.ErrnoException) => {
        this.onError(`the metrics endpoint could not listen on ${this.host}:${this.port}: ${e.code ?? messageOf(e)}`);
        resolve(undefined);
      });
      server.listen(this.port, this.host, () => {
        server.on('error', (e) => internalLogger.error(`PrometheusExporter: metrics endpoint error: ${messageOf(e)}`));
        resolve(server.address() as AddressInfo);
      });
      server.unref();
    });
    return this.listening;
  }

  /** Stops the server (after a start still under way); always resolves. */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    await this.listening;
    const server = this.server;
    if (server === undefined || !server.listening) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
