// One W&B run over the protocol: find the entity (Viewer), check a resume (RunResumeStatus), create or update
// it (UpsertBucket), append history lines and the summary (file_stream), finish it (complete + exitcode).
// Holds the run's offsets; they advance only when the server confirmed the lines.

import {
  encodeRunConfig,
  RUN_RESUME_STATUS_QUERY,
  UPSERT_BUCKET_MUTATION,
  type UpsertVariable,
  upsertVariables,
  VIEWER_QUERY,
} from './graphql.js';
import { keyJson, objectJsonLiteral, valueJson } from './history-line.js';
import type { TransportResult, WandbHttpTransport } from './http-transport.js';
import type { WandbResume } from './options.js';
import type { Row } from './rows.js';

export interface RunIdentity {
  readonly entity: string | undefined;
  readonly project: string;
  readonly runId: string;
  readonly displayName: string;
  readonly tags: readonly string[];
  readonly resume: WandbResume | undefined;
  /** The machine's name (UpsertBucket `host`). */
  readonly host: string;
}

/** A row waiting to be sent: what was logged, when, and (for model metrics) the step it belongs to. */
export interface PendingRow {
  readonly data: Row;
  /** Wall-clock time of the log call, epoch milliseconds. */
  readonly wallMs: number;
  readonly step: number | undefined;
}

/** Rows with their `_step`, `_runtime`, `_timestamp` assigned, ready to be sent as history lines. */
export interface PreparedBatch {
  readonly rows: number;
  /** Each history line as a JSON string literal (quotes included), ready for the request body. */
  readonly lines: string[];
  readonly summary: Map<string, unknown>;
  readonly lastStep: number;
  readonly modelSeen: boolean;
  /** Model-metric rows whose `global_step` was behind the run's step (logged at the run's step instead). */
  readonly behind: number;
}

/** Sent to `send` for every request so the caller can apply its retry rule and abort signal. */
export type Send = (request: (signal: AbortSignal) => Promise<TransportResult>) => Promise<TransportResult>;

export class RunStartError extends Error {}

/** Rows serialized between two yields to the event loop (about a millisecond of work on a busy host). */
const PREPARE_CHUNK = 100;

export class WandbRun {
  entity: string | undefined;
  storageId: string | undefined;
  private historyOffset = 0;
  /** `_step` of the last line (-1: none yet). Steps never decrease. */
  private lastStep = -1;
  /** A model-metric row was logged: from then on other rows stay at the current training step. */
  private modelSeen = false;
  private runtimeOffsetSec = 0;
  /** The last value of every key (a Map: rows add keys by the dozen, a plain object would turn slow). */
  private summary = new Map<string, unknown>();
  private startedWallMs = 0;
  private sentConfig: string | undefined;
  /** Config of the run before a resume; this job's keys are merged over it. */
  private resumedConfig: Record<string, unknown> = {};
  started = false;
  resumed = false;
  /** The server asked the run to stop (`"stopped": true`, a stop from the W&B UI). */
  stopRequested = false;

  constructor(
    private readonly transport: WandbHttpTransport,
    readonly identity: RunIdentity,
  ) {
    this.entity = identity.entity;
  }

  /** Lines the server holds for this run's history. */
  get historyLines(): number {
    return this.historyOffset;
  }

  /** `_step` of the last line the server confirmed (-1 before the first). */
  get step(): number {
    return this.lastStep;
  }

  /**
   * Creates (or resumes) the run. `startedWallMs` is the job's start, from which `_runtime` counts.
   * Throws `RunStartError` with the reason when the run cannot be used.
   */
  async start(config: Readonly<Record<string, unknown>>, startedWallMs: number, send: Send): Promise<void> {
    this.startedWallMs = startedWallMs;
    if (this.entity === undefined) {
      const viewer = await send((signal) => this.transport.graphql('Viewer', VIEWER_QUERY, {}, signal));
      if (viewer.kind !== 'success') throw new RunStartError(`could not find the default entity of the API key: ${viewer.message}`);
      const entity = (viewer.body as { viewer?: { entity?: unknown } } | null)?.viewer?.entity;
      if (typeof entity !== 'string' || entity === '')
        throw new RunStartError('the API key has no default entity; set entity or WANDB_ENTITY');
      this.entity = entity;
    }
    let mergedConfig: Record<string, unknown> = { ...config };
    if (this.identity.resume !== undefined) mergedConfig = await this.checkResume(mergedConfig, send);
    const configText = encodeRunConfig(mergedConfig);
    const result = await this.upsertBucket(
      { displayName: this.identity.displayName, config: configText, host: this.identity.host, tags: [...this.identity.tags] },
      send,
    );
    if (result.kind !== 'success') throw new RunStartError(`could not create the run: ${result.message}`);
    const bucket = (result.body as { upsertBucket?: { bucket?: Record<string, unknown> } } | null)?.upsertBucket?.bucket;
    if (bucket === undefined || bucket === null) throw new RunStartError('could not create the run: the answer has no bucket');
    if (typeof bucket.id === 'string') this.storageId = bucket.id;
    const lines = bucket.historyLineCount;
    // The server's line count is where new history lines go (also for a reused ID without resume).
    if (typeof lines === 'number' && Number.isSafeInteger(lines) && lines > this.historyOffset) this.historyOffset = lines;
    this.sentConfig = configText;
    this.started = true;
  }

  /** One UpsertBucket of this run (its storage id, run id, project and entity) with `fields` set. */
  private upsertBucket(fields: Partial<Record<UpsertVariable, unknown>>, send: Send): Promise<TransportResult> {
    const variables = upsertVariables({
      id: this.storageId,
      name: this.identity.runId,
      project: this.identity.project,
      entity: this.entity,
      ...fields,
    });
    return send((signal) => this.transport.graphql('UpsertBucket', UPSERT_BUCKET_MUTATION, variables, signal));
  }

  /** Sends the config again when it changed since the run was created (e.g. a training config attached later). */
  async updateConfig(config: Readonly<Record<string, unknown>>, send: Send): Promise<TransportResult | undefined> {
    const configText = encodeRunConfig({ ...this.resumedConfig, ...config });
    if (!this.started || configText === this.sentConfig) return undefined;
    const result = await this.upsertBucket({ config: configText }, send);
    if (result.kind === 'success') this.sentConfig = configText;
    return result;
  }

  /**
   * Assigns steps and times to `rows`, and builds the summary they lead to; nothing changes until the batch is
   * confirmed. Steps: a model-metric row takes its `global_step` (W&B then draws the loss against the training
   * step); any other row takes the next step until the first model-metric row (the reference's one step per
   * row), and the current training step after it (several lines may share a step; steps never decrease).
   * Every `PREPARE_CHUNK` rows it yields to the event loop, so a large batch does not stall the job.
   */
  async prepare(rows: readonly PendingRow[]): Promise<PreparedBatch> {
    const summary = new Map(this.summary);
    const lines: string[] = [];
    let last = this.lastStep;
    let modelSeen = this.modelSeen;
    let behind = 0;
    let lastRuntime = 0;
    let n = 0;
    for (const row of rows) {
      if (++n % PREPARE_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
      let rowStep: number;
      if (row.step !== undefined) {
        // A step already passed is logged at the current step (W&B steps never go back).
        if (row.step < last) behind++;
        rowStep = Math.max(row.step, last);
        modelSeen = true;
      } else rowStep = modelSeen ? Math.max(last, 0) : last + 1;
      last = rowStep;
      lastRuntime = this.runtimeOffsetSec + Math.max(0, row.wallMs - this.startedWallMs) / 1000;
      const timestamp = row.wallMs / 1000;
      const { keys, values } = row.data;
      lines.push(objectJsonLiteral(keys, values, `"_step":${rowStep},"_runtime":${lastRuntime},"_timestamp":${timestamp}`));
      for (let i = 0; i < keys.length; i++) summary.set(keys[i] as string, values[i]);
      summary.set('_step', rowStep);
      summary.set('_runtime', lastRuntime);
      summary.set('_timestamp', timestamp);
    }
    summary.set('_wandb', { runtime: Math.floor(lastRuntime) });
    return { rows: rows.length, lines, summary, lastStep: last, modelSeen, behind };
  }

  /** One file_stream request with the batch's history lines and the full summary. */
  async sendBatch(batch: PreparedBatch, send: Send): Promise<TransportResult> {
    // {"files":{"wandb-history.jsonl":{"offset":N,"content":[lines]},"wandb-summary.json":{"offset":0,"content":[summary]}}}
    // as text: the lines are string literals already.
    const body =
      `{"files":{"wandb-history.jsonl":{"offset":${this.historyOffset},"content":[${batch.lines.join(',')}]},` +
      `"wandb-summary.json":{"offset":0,"content":[${JSON.stringify(mapJson(batch.summary))}]}}}`;
    const result = await this.stream(body, send);
    if (result.kind === 'success') {
      this.historyOffset += batch.lines.length;
      this.lastStep = batch.lastStep;
      this.modelSeen = batch.modelSeen;
      this.summary = batch.summary;
    }
    return result;
  }

  /** `{}`: tells the server the run is alive when nothing was sent for a while. */
  heartbeat(send: Send): Promise<TransportResult> {
    return this.stream('{}', send);
  }

  /** The last request: `complete: true` and the exit code (0 = finished, other = failed). */
  finish(exitCode: number, send: Send): Promise<TransportResult> {
    return this.stream(JSON.stringify({ complete: true, exitcode: exitCode }), send);
  }

  private async stream(body: string, send: Send): Promise<TransportResult> {
    const entity = this.entity as string;
    const result = await send((signal) => this.transport.fileStream(entity, this.identity.project, this.identity.runId, body, signal));
    if (result.kind === 'success' && (result.body as { stopped?: unknown } | null)?.stopped === true) this.stopRequested = true;
    return result;
  }

  /** RunResumeStatus: fails per `must`/`never`; for an existing run takes its offsets, step, runtime and config. */
  private async checkResume(config: Record<string, unknown>, send: Send): Promise<Record<string, unknown>> {
    const result = await send((signal) =>
      this.transport.graphql(
        'RunResumeStatus',
        RUN_RESUME_STATUS_QUERY,
        { project: this.identity.project, entity: this.entity, name: this.identity.runId },
        signal,
      ),
    );
    if (result.kind !== 'success') throw new RunStartError(`could not check whether run ${this.identity.runId} exists: ${result.message}`);
    const bucket = (result.body as { model?: { bucket?: Record<string, unknown> | null } | null } | null)?.model?.bucket ?? null;
    if (bucket === null) {
      if (this.identity.resume === 'must') throw new RunStartError(`run ${this.identity.runId} does not exist and resume is "must"`);
      return config;
    }
    if (this.identity.resume === 'never') throw new RunStartError(`run ${this.identity.runId} already exists and resume is "never"`);
    this.resumed = true;
    if (typeof bucket.id === 'string') this.storageId = bucket.id;
    const lines = bucket.historyLineCount;
    if (typeof lines === 'number' && Number.isSafeInteger(lines)) this.historyOffset = lines;
    const summary = parseObject(bucket.summaryMetrics);
    this.summary = new Map(Object.entries(summary));
    const lastStep = typeof summary._step === 'number' ? summary._step : lastStepOfTail(bucket.historyTail);
    if (lastStep !== undefined) this.lastStep = lastStep;
    const wandb = summary._wandb as { runtime?: unknown } | undefined;
    this.runtimeOffsetSec = Math.max(numberOr(wandb?.runtime), numberOr(summary._runtime));
    // The old config is kept; keys of this job win.
    const old: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parseObject(bucket.config))) {
      if (k !== '_wandb') old[k] = v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v;
    }
    this.resumedConfig = old;
    return { ...old, ...config };
  }
}

/** A summary map as one JSON object text. */
function mapJson(map: ReadonlyMap<string, unknown>): string {
  let out = '{';
  let first = true;
  for (const [k, v] of map) {
    out += (first ? '' : ',') + keyJson(k) + valueJson(v);
    first = false;
  }
  return `${out}}`;
}

function parseObject(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return text !== null && typeof text === 'object' ? (text as Record<string, unknown>) : {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `historyTail` is a JSON string of an array of JSON strings (the last history lines). */
function lastStepOfTail(tail: unknown): number | undefined {
  if (typeof tail !== 'string') return undefined;
  try {
    const lines = JSON.parse(tail) as unknown;
    if (!Array.isArray(lines) || lines.length === 0) return undefined;
    const last = parseObject(lines[lines.length - 1]);
    return typeof last._step === 'number' ? last._step : undefined;
  } catch {
    return undefined;
  }
}

function numberOr(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
