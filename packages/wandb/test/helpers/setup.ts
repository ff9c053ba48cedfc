// Shared set-up of the W&B tests: one fake server per file, exporters pointed at it with short retry waits.
import { WandBExporterAsync, type WandBExporterOptions, WandBExporterSync } from '../../src/index.js';
import { FakeWandbServer, testApiKey } from './fake-wandb-server.js';

export const API_KEY = testApiKey('wbtest');

export type Mode = 'sync' | 'async';
export const MODES: readonly Mode[] = ['sync', 'async'];

/** Options for `server` with quick retries; a fresh run ID unless given. */
export function optionsFor(server: FakeWandbServer, extra: WandBExporterOptions = {}): WandBExporterOptions {
  return {
    host: server.url,
    apiKey: API_KEY,
    entity: 'team',
    project: 'proj',
    runId: nextRunId(),
    retryInitialMillis: 20,
    retryMaxMillis: 200,
    shutdownTimeoutMillis: 3000,
    ...extra,
  };
}

export function newExporter(mode: Mode, options: WandBExporterOptions): WandBExporterSync | WandBExporterAsync {
  // The async exporter batches per transmit interval; 50 ms keeps tests quick while still batching.
  return mode === 'sync' ? new WandBExporterSync(options) : new WandBExporterAsync({ transmitIntervalMillis: 50, ...options });
}

let runNo = 0;
export function nextRunId(): string {
  return `run${process.pid.toString(36)}x${++runNo}`;
}

export async function startServer(): Promise<FakeWandbServer> {
  return new FakeWandbServer(API_KEY).start();
}
