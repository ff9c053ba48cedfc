// Real Prometheus and Pushgateway processes (Debian's packages) on 127.0.0.1, each with its own temporary
// config and storage, plus the training-job fixture as a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../core/test/helpers/free-port.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PUSHGATEWAY_BIN = '/usr/bin/prometheus-pushgateway';
export const JOB_FIXTURE = fileURLToPath(new URL('../fixtures/training-job.mjs', import.meta.url));

export { freePort };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 200 ms until it returns a value (not undefined) or `timeoutMs` passed (then throws `what`). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last === undefined ? '' : ` (last error: ${String(last)})`}`);
    await sleep(200);
  }
}

class Service {
  private stderr = '';
  constructor(
    readonly name: string,
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
  }

  get log(): string {
    return this.stderr;
  }

  async ready(): Promise<this> {
    await waitFor(`${this.name} at ${this.url} to be ready; its log:\n${this.stderr}`, async () => {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited with ${this.child.exitCode}: ${this.stderr}`);
      const r = await fetch(`${this.url}/-/ready`);
      return r.ok ? true : undefined;
    });
    return this;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

/** A Prometheus server scraping `targets` every second (honouring pushed job/instance labels). */
export class PrometheusServer extends Service {
  static async start(targets: readonly string[]): Promise<PrometheusServer> {
    const dir = mkdtempSync(join(os.tmpdir(), 'prometheus-test-'));
    const port = await freePort();
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: training',
      '    honor_labels: true',
      '    static_configs:',
      `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'prometheus.yml'), config);
    const child = spawn(
      PROMETHEUS_BIN,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return new PrometheusServer('prometheus', `http://127.0.0.1:${port}`, child, dir).ready();
  }

  /** An instant query through the HTTP API (`/api/v1/query`). */
  async query(expr: string): Promise<Sample[]> {
    const r = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await r.json()) as {
      status: string;
      error?: string;
      data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (body.status !== 'success' || body.data === undefined) throw new Error(`query ${expr} failed: ${body.error ?? r.status}`);
    return body.data.result.map((x) => ({ metric: x.metric, value: Number(x.value[1]) }));
  }

  /** The single sample of `expr`, waiting until `accept` holds for it. */
  async waitForValue(expr: string, accept: (v: number) => boolean, timeoutMs = 20_000): Promise<Sample> {
    return waitFor(
      `${expr} in Prometheus`,
      async () => {
        const samples = await this.query(expr);
        return samples.length === 1 && accept((samples[0] as Sample).value) ? samples[0] : undefined;
      },
      timeoutMs,
    );
  }

  /** The value of `expr`, which must have exactly one sample. */
  async value(expr: string): Promise<number> {
    const samples = await this.query(expr);
    if (samples.length !== 1) throw new Error(`${expr}: expected one sample, got ${JSON.stringify(samples)}`);
    return (samples[0] as Sample).value;
  }
}

/** A Pushgateway (no persistence). */
export class Pushgateway extends Service {
  readonly port: number;
  private constructor(url: string, child: ChildProcess, dir: string, port: number) {
    super('pushgateway', url, child, dir);
    this.port = port;
  }

  static async start(): Promise<Pushgateway> {
    const dir = mkdtempSync(join(os.tmpdir(), 'pushgateway-test-'));
    const port = await freePort();
    const child = spawn(PUSHGATEWAY_BIN, [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return new Pushgateway(`http://127.0.0.1:${port}`, child, dir, port).ready();
  }

  /** What the gateway serves on its own /metrics. */
  async metricsText(): Promise<string> {
    return (await fetch(`${this.url}/metrics`)).text();
  }
}

export interface RunningJob {
  child: ChildProcess;
  /** Resolves with the first stdout line starting with `prefix`. */
  line(prefix: string, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (kills the job after `timeoutMs`). */
  exit(timeoutMs?: number): Promise<number | null>;
  stderr(): string;
}

/** Starts the training-job fixture with the given PrometheusExporter options. */
export function startJob(jsonl: string, prometheus: object, env: Record<string, string> = {}): RunningJob {
  const child = spawn(process.execPath, [JOB_FIXTURE], {
    env: { ...process.env, JOB_JSONL: jsonl, JOB_PROMETHEUS: JSON.stringify(prometheus), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-8000);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    stderr: () => err,
    line(prefix, timeoutMs = 30_000) {
      return waitFor(
        `a job line starting with ${JSON.stringify(prefix)} (stderr: ${err})`,
        async () => out.split('\n').find((l) => l.startsWith(prefix)),
        timeoutMs,
      );
    },
    async exit(timeoutMs = 30_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
