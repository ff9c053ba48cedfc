// After shutdown() resolved, nothing of the OTel exporter keeps the process alive, even with a collector that
// accepts the connection and never answers (the request would otherwise stay open for the whole request timeout).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../core/test/helpers/free-port.js';
import { readRecords } from '../../core/test/helpers/records.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'otel-liveness-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A TCP server on 127.0.0.1 that accepts, reads everything and never writes a byte back. */
async function silentCollector(): Promise<{ url: string; bytesReceived: () => number; close: () => Promise<void> }> {
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      bytes += chunk.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    bytesReceived: () => bytes,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From spawn to the exit event, measured by the parent. */
  ms: number;
}

function run(script: string, args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    // A process that stayed alive is the failure under test: it is ended so the test reports it.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** A port on 127.0.0.1 where nothing listens: connections are refused, so the transport keeps retrying. */
async function refusingCollector(): Promise<{ url: string; bytesReceived: () => number; close: () => Promise<void> }> {
  return { url: `http://127.0.0.1:${await freePort()}/v1/traces`, bytesReceived: () => 0, close: async () => undefined };
}

describe('issue 12 item 3: after shutdown() resolved, nothing of the OTel exporter keeps the process alive', () => {
  const cases = [
    { collector: 'accepts and never answers (a request is open at shutdown)', start: silentCollector, reached: true },
    { collector: 'refuses connections (a retry wait is pending at shutdown)', start: refusingCollector, reached: false },
  ];
  for (const { collector: kind, start, reached } of cases) {
    it(`issue 12 item 3: collector ${kind}: the process exits by itself right after shutdown(); the file records are complete`, async () => {
      const collector = await start();
      try {
        const file = join(dir, `job-${reached ? 'silent' : 'refusing'}.jsonl`);
        const script = fileURLToPath(new URL('./fixtures/job-with-silent-collector.mjs', import.meta.url));
        const child = await run(script, [collector.url, file]);
        assert.equal(child.code, 0, child.stderr);
        assert.match(child.stdout, /^result 6\n/);
        // The scenario is real: a request reached the collector and was left open by it.
        if (reached) assert.ok(collector.bytesReceived() > 0, 'the collector received a request');
        const shutdownMs = Number(/shutdown_ms (\d+)/.exec(child.stdout)?.[1]);
        const aliveAfter = Number(/alive_after_shutdown_ms (\d+)/.exec(child.stdout)?.[1]);
        // shutdown() returns at its 1 s bound; the open request (10 s timeout) or the transport's retries
        // (within the same 10 s) used to keep the process alive for up to 10 s after that.
        assert.ok(shutdownMs < 5000, `shutdown took ${shutdownMs} ms`);
        assert.ok(aliveAfter < 3000, `the process lived ${aliveAfter} ms after shutdown() resolved`);
        assert.ok(child.ms < 9000, `the child took ${Math.round(child.ms)} ms in all`);
        const records = readRecords(file);
        assert.equal(records.filter((r) => r.name === 'batch' && r.type === 'complete').length, 3);
        const reported = records.filter((r) => r.type === 'telemetry_data_error').map((r) => r.error.attributes.error_message);
        assert.equal(reported.length, 1, 'one report of the loss');
        assert.match(
          String(reported[0]),
          /^OTelExporter dropped (\d+) span\(s\) \((shutdown_timeout|export_failed: .*)\); \d+ dropped so far$/,
        );
      } finally {
        await collector.close();
      }
    });
  }
});
