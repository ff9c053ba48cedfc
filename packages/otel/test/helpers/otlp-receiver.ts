// A real OTLP/HTTP trace receiver on 127.0.0.1. Protobuf bodies are decoded with the official
// opentelemetry-proto messages (pbjs static module shipped by @opentelemetry/otlp-transformer 0.216.0,
// aliased as `otlp-proto-gen`); JSON bodies with JSON.parse. Both are normalised to `ReceivedSpan`.

import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const root = require('otlp-proto-gen/build/src/generated/root.js');
const ExportRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const ExportResponse = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

export type AttributeType = 'string' | 'int' | 'double' | 'bool' | 'array' | 'other';

export interface ReceivedEvent {
  name: string;
  timeNs: bigint;
  attributes: Record<string, unknown>;
  types: Record<string, AttributeType>;
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, unknown>;
  /** The OTLP value type of each attribute. */
  types: Record<string, AttributeType>;
  events: ReceivedEvent[];
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  resource: Record<string, unknown>;
  scope: string;
}

export interface ReceivedRequest {
  contentType: string;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  /** Status the receiver answered with. */
  status: number;
  /** `performance.now()` when the request body had arrived. */
  at: number;
  spans: ReceivedSpan[];
}

/** What to answer: a status code, or `hang` (never answer; the client's timeout must act). */
export type Answer = number | 'hang' | { status: number; delayMs?: number; headers?: Record<string, string> };

export class OtlpReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Answers used in order; when exhausted, `defaultAnswer`. */
  answers: Answer[] = [];
  defaultAnswer: Answer = 200;
  private server: http.Server | undefined;
  private readonly hanging = new Set<http.ServerResponse>();

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('receiver not started');
    return `http://127.0.0.1:${address.port}/v1/traces`;
  }

  /** Spans of every request answered with 2xx, in arrival order. */
  get spans(): ReceivedSpan[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300).flatMap((r) => r.spans);
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits until `predicate` holds (polling), failing after `ms`. */
  async waitFor(predicate: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`receiver: condition not met within ${ms} ms (${this.requests.length} requests)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const contentType = String(req.headers['content-type'] ?? '');
      const spans = contentType.includes('json') ? fromJson(JSON.parse(body.toString('utf8'))) : fromProtobuf(body);
      const answer = this.answers.shift() ?? this.defaultAnswer;
      const record: ReceivedRequest = { contentType, headers: req.headers, bytes: body.length, status: 0, at: performance.now(), spans };
      this.requests.push(record);
      if (answer === 'hang') {
        record.status = -1;
        this.hanging.add(res);
        return;
      }
      const { status, delayMs = 0, headers = {} } = typeof answer === 'number' ? { status: answer } : answer;
      record.status = status;
      const send = (): void => {
        if (status === 200) {
          res.writeHead(200, { 'content-type': contentType, ...headers });
          res.end(contentType.includes('json') ? '{}' : ExportResponse.encode(ExportResponse.create({})).finish());
        } else {
          res.writeHead(status, { 'content-type': 'text/plain', ...headers });
          res.end(`answer ${status}`);
        }
      };
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    });
  }
}

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}

function decodeValue(v: AnyValue | undefined): { value: unknown; type: AttributeType } {
  if (v === undefined) return { value: undefined, type: 'other' };
  if (v.stringValue !== undefined) return { value: v.stringValue, type: 'string' };
  if (v.boolValue !== undefined) return { value: v.boolValue, type: 'bool' };
  if (v.intValue !== undefined) return { value: Number(v.intValue), type: 'int' };
  if (v.doubleValue !== undefined) return { value: v.doubleValue, type: 'double' };
  if (v.arrayValue !== undefined) return { value: (v.arrayValue.values ?? []).map((x) => decodeValue(x).value), type: 'array' };
  return { value: undefined, type: 'other' };
}

function decodeAttributes(list: KeyValue[] | undefined): { attributes: Record<string, unknown>; types: Record<string, AttributeType> } {
  const attributes: Record<string, unknown> = {};
  const types: Record<string, AttributeType> = {};
  for (const kv of list ?? []) {
    const { value, type } = decodeValue(kv.value);
    attributes[kv.key] = value;
    types[kv.key] = type;
  }
  return { attributes, types };
}

interface RawSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: KeyValue[];
  events?: { name: string; timeUnixNano: string | number; attributes?: KeyValue[] }[];
  status?: { code?: number | string; message?: string };
}
interface RawRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: RawSpan[] }[] }[];
}

const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function normalise(request: RawRequest, id: (raw: string) => string): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = decodeAttributes(rs.resource?.attributes).attributes;
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const { attributes, types } = decodeAttributes(s.attributes);
        const parent = s.parentSpanId ? id(s.parentSpanId) : '';
        const code = s.status?.code;
        out.push({
          traceId: id(s.traceId),
          spanId: id(s.spanId),
          parentSpanId: parent === '' ? undefined : parent,
          name: s.name,
          startNs: BigInt(s.startTimeUnixNano),
          endNs: BigInt(s.endTimeUnixNano),
          attributes,
          types,
          events: (s.events ?? []).map((e) => ({ name: e.name, timeNs: BigInt(e.timeUnixNano), ...decodeAttributes(e.attributes) })),
          statusCode: typeof code === 'string' ? (STATUS_CODES[code] ?? -1) : (code ?? 0),
          statusMessage: s.status?.message ?? '',
          resource,
          scope: ss.scope?.name ?? '',
        });
      }
    }
  }
  return out;
}

function fromProtobuf(body: Buffer): ReceivedSpan[] {
  const decoded = ExportRequest.toObject(ExportRequest.decode(body), { longs: String, bytes: String, enums: Number, defaults: false });
  return normalise(decoded as RawRequest, (b64) => Buffer.from(b64, 'base64').toString('hex'));
}

function fromJson(body: RawRequest): ReceivedSpan[] {
  return normalise(body, (hex) => hex.toLowerCase());
}
