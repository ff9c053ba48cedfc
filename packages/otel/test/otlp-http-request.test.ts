// One POST of the built-in OTLP transport against a real collector socket on 127.0.0.1 that never answers: a
// remaining time of zero or less (a late timer on a busy host) is a timed-out request, never a thrown
// RangeError that would escape as an unhandled rejection and end the job.
import assert from 'node:assert/strict';
import http from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { postOnce } from '../src/otlp-http-request.js';

let server: Server;
let url: URL;
const sockets = new Set<Socket>();

before(async () => {
  // Accepts connections and reads, never answers.
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/v1/traces`);
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('postOnce', () => {
  for (const timeoutMs of [-303, 0, 0.4]) {
    it(`a time budget of ${timeoutMs} ms is a timed-out request (retryable), not an exception`, async () => {
      const agent = new http.Agent({ keepAlive: false });
      const settings = { url, headers: {}, contentType: 'application/x-protobuf', compression: 'none' as const, agent };
      const outcome = await postOnce(settings, new Uint8Array([1, 2, 3]), timeoutMs);
      assert.equal(outcome.status, 'retryable');
      assert.equal(outcome.status === 'retryable' ? outcome.error.message : '', 'Request timed out');
      agent.destroy();
    });
  }
});
