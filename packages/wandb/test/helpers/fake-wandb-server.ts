// A W&B server for tests, speaking the protocol of spec wandb-protocol.md §4 over real HTTP on 127.0.0.1:
// GraphQL Viewer / UpsertBucket / RunResumeStatus, file_stream line upsert by offset, summary = last line,
// complete/exitcode, Basic auth (401), NaN/Infinity tokens, and scripted faults (status, Retry-After, hang).
import { Buffer } from 'node:buffer';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseLenientJson } from './lenient-json.js';

/** One run as the server holds it. */
export interface FakeRun {
  readonly entity: string;
  readonly project: string;
  readonly name: string;
  readonly storageId: string;
  displayName: string | null;
  /** The config as sent (JSON string decoded, `{value}` wrappers kept). */
  config: Record<string, { value: unknown }>;
  tags: string[];
  host: string | null;
  /** History lines by line number, as received (text) and parsed. */
  historyLines: string[];
  history: Array<Record<string, unknown>>;
  summary: Record<string, unknown>;
  complete: boolean;
  exitcode: number | null;
  upserts: number;
  /** Variables of every UpsertBucket for this run. */
  upsertVariables: Array<Record<string, unknown>>;
}

/** A scripted answer for the next request that `match`es (`graphql`, `file_stream`, or a GraphQL operation name). */
export interface ScriptedAnswer {
  readonly match?: 'graphql' | 'file_stream' | string;
  readonly status?: number;
  readonly retryAfter?: string;
  readonly body?: unknown;
  /** Never answer (the socket is destroyed when the server stops). */
  readonly hang?: boolean;
  /** Answer only after this many milliseconds (a slow server). */
  readonly delayMs?: number;
}

export interface RecordedRequest {
  readonly path: string;
  readonly operationName: string | undefined;
  readonly status: number;
  readonly authorization: string | undefined;
  readonly userAgent: string | undefined;
  readonly body: unknown;
  readonly rawBody: string;
}

const UPSERT_VARIABLE_NAMES = [
  'id',
  'name',
  'project',
  'entity',
  'groupName',
  'description',
  'displayName',
  'notes',
  'commit',
  'config',
  'host',
  'debug',
  'program',
  'repo',
  'jobType',
  'state',
  'sweep',
  'tags',
  'summaryMetrics',
];

export class FakeWandbServer {
  /** Accepted API keys; a request with another (or none) gets 401. */
  readonly apiKeys: Set<string>;
  /** The entity Viewer answers with. */
  defaultEntity = 'fake-user';
  readonly runs = new Map<string, FakeRun>();
  readonly requests: RecordedRequest[] = [];
  /** Bodies of the requests as they arrive, before any (scripted, possibly late) answer; `requests` has the answers. */
  readonly arrivals: Array<{ path: string; body: unknown }> = [];
  answers: ScriptedAnswer[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private portValue = 0;

  constructor(apiKey: string) {
    this.apiKeys = new Set([apiKey]);
  }

  get url(): string {
    return `http://127.0.0.1:${this.portValue}`;
  }

  get port(): number {
    return this.portValue;
  }

  /** Listens on 127.0.0.1 (`port` 0: any free port; a former port to come back after `stop()`). */
  async start(port = this.portValue): Promise<this> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.portValue = (server.address() as AddressInfo).port;
    return this;
  }

  /** Closes the port and every connection (hanging requests included): clients get connection errors. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The run named `name` (its run ID), whatever its entity and project. */
  run(name: string): FakeRun {
    const found = [...this.runs.values()].filter((r) => r.name === name);
    if (found.length !== 1)
      throw new Error(`expected one run named ${name}, found ${found.length} (runs: ${[...this.runs.keys()].join(', ') || 'none'})`);
    return found[0] as FakeRun;
  }

  /** History rows without the keys the client adds (`_step`, `_runtime`, `_timestamp`). */
  rows(name: string): Array<Record<string, unknown>> {
    return this.run(name).history.map(({ _step, _runtime, _timestamp, ...rest }) => rest);
  }

  /** Requests to `path` kind (`graphql` / `file_stream`), optionally of one operation. */
  requestsTo(kind: 'graphql' | 'file_stream', operationName?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) =>
        (kind === 'graphql' ? r.path === '/graphql' : r.path.endsWith('/file_stream')) &&
        (operationName === undefined || r.operationName === operationName),
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<undefined> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let body: unknown;
    let bodyError: string | undefined;
    try {
      body = rawBody === '' ? {} : parseLenientJson(rawBody);
    } catch (e) {
      bodyError = (e as Error).message;
    }
    this.arrivals.push({ path, body });
    const operationName = path === '/graphql' ? ((body as { operationName?: string } | undefined)?.operationName ?? undefined) : undefined;
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): undefined => {
      this.requests.push({
        path,
        operationName,
        status,
        authorization: req.headers.authorization,
        userAgent: req.headers['user-agent'],
        body,
        rawBody,
      });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
      return undefined;
    };
    if (req.method !== 'POST') return reply(405, { errors: [{ message: 'method not allowed' }] });
    if (!this.authorized(req.headers.authorization)) return reply(401, { errors: [{ message: 'user is not logged in' }] });
    const kind = path === '/graphql' ? 'graphql' : path.endsWith('/file_stream') ? 'file_stream' : undefined;
    if (kind === undefined) return reply(404, { errors: [{ message: `no route ${path}` }] });
    const normal = (): undefined => {
      if (bodyError !== undefined) return reply(400, { errors: [{ message: `malformed JSON: ${bodyError}` }] });
      if (kind === 'graphql') return this.graphql(body as Record<string, unknown>, reply);
      const parts = path.split('/').map(decodeURIComponent);
      // /files/{entity}/{project}/{run}/file_stream
      if (parts.length !== 6 || parts[1] !== 'files') return reply(404, { errors: [{ message: `no route ${path}` }] });
      return this.fileStream(parts[2] as string, parts[3] as string, parts[4] as string, body as Record<string, unknown>, reply);
    };
    const scripted = this.answers.findIndex((a) => a.match === undefined || a.match === kind || a.match === operationName);
    if (scripted >= 0) {
      const answer = this.answers.splice(scripted, 1)[0] as ScriptedAnswer;
      if (answer.hang) {
        this.requests.push({
          path,
          operationName,
          status: 0,
          authorization: req.headers.authorization,
          userAgent: req.headers['user-agent'],
          body,
          rawBody,
        });
        return;
      }
      if (answer.delayMs !== undefined && answer.status === undefined && answer.body === undefined) {
        // A slow server that then answers as usual.
        setTimeout(() => normal(), answer.delayMs);
        return;
      }
      return reply(answer.status ?? 200, answer.body ?? {}, answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter });
    }
    return normal();
  }

  private authorized(header: string | undefined): boolean {
    if (header === undefined || !header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon > 0 && decoded.slice(0, colon) === 'api' && this.apiKeys.has(decoded.slice(colon + 1));
  }

  private graphql(body: Record<string, unknown>, reply: (status: number, payload: unknown) => undefined): undefined {
    const query = typeof body.query === 'string' ? body.query : '';
    const variables = (body.variables ?? {}) as Record<string, unknown>;
    if (/^\s*query Viewer\b/.test(query)) {
      return reply(200, {
        data: {
          viewer: {
            id: 'VXNlcjox',
            entity: this.defaultEntity,
            username: this.defaultEntity,
            email: `${this.defaultEntity}@example.com`,
            flags: '{}',
            teams: { edges: [] },
          },
        },
      });
    }
    if (/^\s*mutation UpsertBucket\b/.test(query)) return this.upsert(variables, reply);
    if (/^\s*query RunResumeStatus\b/.test(query)) {
      const run = this.runs.get(key(variables.entity, variables.project, variables.name));
      const bucket =
        run === undefined
          ? null
          : {
              id: run.storageId,
              name: run.name,
              summaryMetrics: JSON.stringify(run.summary),
              displayName: run.displayName,
              logLineCount: 0,
              historyLineCount: run.historyLines.length,
              eventsLineCount: 0,
              historyTail: JSON.stringify(run.historyLines.slice(-10)),
              eventsTail: '[]',
              config: JSON.stringify(run.config),
              tags: run.tags,
              notes: null,
              wandbConfig: JSON.stringify({ t: run.config._wandb?.value ?? null }),
            };
      return reply(200, {
        data: { model: { id: 'UHJvamVjdDox', name: variables.project, entity: { id: 'RW50aXR5OjE=', name: variables.entity }, bucket } },
      });
    }
    return reply(400, { errors: [{ message: 'unknown operation' }] });
  }

  private upsert(variables: Record<string, unknown>, reply: (status: number, payload: unknown) => undefined): undefined {
    const missing = UPSERT_VARIABLE_NAMES.filter((n) => !(n in variables));
    if (missing.length > 0) return reply(400, { errors: [{ message: `UpsertBucket variables missing: ${missing.join(', ')}` }] });
    const { name, project, entity } = variables;
    if (typeof name !== 'string' || typeof project !== 'string' || typeof entity !== 'string') {
      return reply(400, { errors: [{ message: 'name, project and entity must be strings' }] });
    }
    let config: Record<string, { value: unknown }> | undefined;
    if (variables.config !== null) {
      if (typeof variables.config !== 'string') return reply(400, { errors: [{ message: 'config must be a JSONString' }] });
      config = parseLenientJson(variables.config) as Record<string, { value: unknown }>;
    }
    const k = key(entity, project, name);
    let run = this.runs.get(k);
    const inserted = run === undefined;
    if (run === undefined) {
      run = {
        entity,
        project,
        name,
        storageId: Buffer.from(`Run:v1:${name}:${project}:${entity}`).toString('base64'),
        displayName: null,
        config: {},
        tags: [],
        host: null,
        historyLines: [],
        history: [],
        summary: {},
        complete: false,
        exitcode: null,
        upserts: 0,
        upsertVariables: [],
      };
      this.runs.set(k, run);
    }
    run.upserts++;
    run.upsertVariables.push(variables);
    if (config !== undefined) run.config = config;
    if (typeof variables.displayName === 'string') run.displayName = variables.displayName;
    if (Array.isArray(variables.tags)) run.tags = variables.tags as string[];
    if (typeof variables.host === 'string') run.host = variables.host;
    return reply(200, {
      data: {
        upsertBucket: {
          bucket: {
            id: run.storageId,
            name: run.name,
            displayName: run.displayName,
            description: null,
            config: JSON.stringify(run.config),
            sweepName: null,
            historyLineCount: run.historyLines.length,
            project: { id: 'UHJvamVjdDox', name: project, entity: { id: 'RW50aXR5OjE=', name: entity } },
          },
          inserted,
        },
      },
    });
  }

  private fileStream(
    entity: string,
    project: string,
    name: string,
    body: Record<string, unknown>,
    reply: (status: number, payload: unknown) => undefined,
  ): undefined {
    const run = this.runs.get(key(entity, project, name));
    if (run === undefined) return reply(404, { errors: [{ message: `run ${entity}/${project}/${name} not found` }] });
    const files = (body.files ?? {}) as Record<string, { offset?: unknown; content?: unknown }>;
    for (const [file, chunk] of Object.entries(files)) {
      if (!Number.isSafeInteger(chunk.offset) || !Array.isArray(chunk.content)) {
        return reply(400, { errors: [{ message: `${file}: offset must be an integer and content a list of lines` }] });
      }
    }
    const history = files['wandb-history.jsonl'];
    if (history !== undefined) {
      (history.content as string[]).forEach((line, i) => {
        const at = (history.offset as number) + i;
        run.historyLines[at] = line;
        run.history[at] = parseLenientJson(line) as Record<string, unknown>;
      });
    }
    const summary = files['wandb-summary.json'];
    const lastSummary = (summary?.content as string[] | undefined)?.at(-1);
    if (lastSummary !== undefined) run.summary = parseLenientJson(lastSummary) as Record<string, unknown>;
    if (body.complete === true) {
      run.complete = true;
      run.exitcode = typeof body.exitcode === 'number' ? body.exitcode : null;
    }
    return reply(200, {});
  }
}

function key(entity: unknown, project: unknown, name: unknown): string {
  return `${String(entity)}/${String(project)}/${String(name)}`;
}

/** A syntactically valid API key (40+ characters) for tests. */
export function testApiKey(seed = 'k'): string {
  return `${seed}${'0123456789abcdef'.repeat(3)}`.slice(0, 44).padEnd(44, 'x');
}
