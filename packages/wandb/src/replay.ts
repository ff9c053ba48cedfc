// Uploads JSONL records written earlier (offline mode, nodes without network, the Python library's files)
// as W&B runs, one run per session, with the live exporter's rows, steps and config.
import os from 'node:os';
import { VERSION } from '@nv-one-logger/core';
import { HistorySender } from './history-sender.js';
import { WandbHttpTransport } from './http-transport.js';
import { type MetricNamingStrategy, type Named, namingStrategy } from './naming.js';
import { type DropReport, randomRunId, resolveOptions, type WandBExporterOptions } from './options.js';
import { eventRow, MODEL_METRICS_EVENT, modelMetricsRow, type Row, startRow, stopRow, telemetryDataErrorRow } from './rows.js';
import { type PendingRow, type RunIdentity, WandbRun } from './wandb-run.js';

export interface WandbReplayOptions extends Omit<WandBExporterOptions, 'runId' | 'resume' | 'mode' | 'runName'> {
  /** Display name of each run; default: the session tag of the records, else `one-logger-replay-<n>`. */
  runName?: string;
}

export interface ReplayedRun {
  readonly runId: string;
  readonly entity: string | undefined;
  readonly project: string;
  readonly displayName: string;
  /** Rows logged for this session and rows the server confirmed. */
  readonly rows: number;
  readonly sent: number;
  readonly dropped: number;
  /** Whether the finish request (complete + exit code) was confirmed. */
  readonly finished: boolean;
  readonly exitCode: number;
  /** Why the run could not be used, if it could not. */
  readonly error: string | undefined;
}

export interface WandbReplayResult {
  records: number;
  runs: ReplayedRun[];
  rows: number;
  sent: number;
  dropped: number;
  /** Records that could not be mapped, with the first reasons. */
  skipped: number;
  skippedReasons: string[];
}

type Json = Record<string, unknown>;
const MAX_REASONS = 10;

/** The state of one session while its records are read. */
class Session {
  readonly spans = new Map<string, { name: string; attributes: Json }>();
  readonly config: Json = {};
  rows = 0;
  failed = false;
  incomplete = false;
  sessionTag: string | undefined;
  pid: unknown;
  hasApplication = false;

  constructor(
    readonly index: number,
    readonly sender: HistorySender,
    readonly identity: RunIdentity,
  ) {}
}

/**
 * Sends `records` (parsed JSON objects in file order) to W&B: a new run starts at each `application` span
 * start (or a new pid). Resolves once every run was finished or given up; never rejects for a bad record.
 */
export async function replayToWandb(
  records: Iterable<unknown> | AsyncIterable<unknown>,
  options: WandbReplayOptions = {},
): Promise<WandbReplayResult> {
  const { runName, ...rest } = options;
  const settings = resolveOptions({ ...rest, mode: 'online' }, process.env, false);
  if (settings.apiKey === '') throw new Error('replay to W&B needs an API key: set WANDB_API_KEY (or apiKey)');
  const naming = namingStrategy(settings.metricNaming);
  const transport = new WandbHttpTransport({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    requestTimeoutMillis: settings.requestTimeoutMillis,
    userAgent: `nv-one-logger-ts/${VERSION}`,
  });
  const out: WandbReplayResult = { records: 0, runs: [], rows: 0, sent: 0, dropped: 0, skipped: 0, skippedReasons: [] };
  const skip = (reason: string): void => {
    out.skipped++;
    if (out.skippedReasons.length < MAX_REASONS) out.skippedReasons.push(`record ${out.records}: ${reason}`);
  };
  const finished: Promise<ReplayedRun>[] = [];
  let session: Session | undefined;

  let sessions = 0;
  const open = (startMs: number): Session => {
    const index = sessions++;
    const holder: { s?: Session } = {};
    const identity: RunIdentity = {
      entity: settings.entity,
      project: settings.project,
      runId: randomRunId(),
      // Read when the run is created, after the first records named the session.
      get displayName() {
        return runName ?? holder.s?.sessionTag ?? `one-logger-replay-${index + 1}`;
      },
      tags: settings.tags,
      resume: undefined,
      host: os.hostname(),
    };
    const run = new WandbRun(transport, identity);
    let fatal: string | undefined;
    const sender = new HistorySender(
      run,
      {
        maxQueueSize: settings.maxQueueSize,
        transmitIntervalMillis: 0,
        shutdownTimeoutMillis: settings.shutdownTimeoutMillis,
        heartbeatMillis: 0,
        maxBatchRows: 1000,
        retry: { maxRetries: settings.maxRetries, initialMillis: settings.retryInitialMillis, maxMillis: settings.retryMaxMillis },
      },
      {
        config: () => ({ ...(holder.s?.config ?? {}) }),
        startedWallMs: startMs,
        onDrop: (report: DropReport) => settings.onDrop?.(report),
        onFatal: (reason) => {
          fatal = reason;
        },
        onStepBehind: () => undefined,
        onFinishFailed: (reason) => {
          fatal ??= `finish: ${reason}`;
        },
      },
    );
    const s = new Session(index, sender, identity);
    holder.s = s;
    (s as { fatal?: () => string | undefined }).fatal = () => fatal;
    return s;
  };

  const close = (s: Session): void => {
    finished.push(
      (async () => {
        await s.sender.sendQueued();
        const exitCode = s.failed || s.incomplete || s.sender.stats.dropped > 0 ? 1 : 0;
        await s.sender.shutdown(() => exitCode);
        const st = s.sender.stats;
        return {
          runId: s.identity.runId,
          entity: s.sender.run.entity,
          project: s.identity.project,
          displayName: s.identity.displayName,
          rows: s.rows,
          sent: st.sent,
          dropped: st.dropped,
          finished: s.sender.runFinished,
          exitCode,
          error: (s as { fatal?: () => string | undefined }).fatal?.(),
        };
      })(),
    );
  };

  for await (const record of records) {
    out.records++;
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      skip('not a JSON object');
      continue;
    }
    const r = record as Json;
    const time = recordTimeMs(r);
    if (time === undefined) {
      skip('no timestamp_msec');
      continue;
    }
    const startsSession = (r.type === 'start' || r.type === 'complete') && r.name === 'application' && typeof r.parent_id !== 'string';
    if (
      session === undefined ||
      (startsSession && session.hasApplication) ||
      (r.pid !== undefined && session.pid !== undefined && r.pid !== session.pid)
    ) {
      if (session !== undefined) close(session);
      session = open(time);
    }
    if (startsSession) session.hasApplication = true;
    if (r.pid !== undefined) session.pid = r.pid;
    let rows: Array<{ row: Row; step: number | undefined }>;
    try {
      rows = mapRecord(r, session, naming);
    } catch (e) {
      skip(e instanceof Error ? e.message : String(e));
      continue;
    }
    for (const { row, step } of rows) {
      if (row.size === 0) continue;
      row.add('app_last_log_time', Math.round(time));
      const pending: PendingRow = { data: row, wallMs: time, step };
      session.sender.enqueue(pending);
      session.rows++;
    }
    // Unlike a live job, a replay can wait: never let the queue overflow.
    if (session.sender.queued >= settings.maxQueueSize / 2) await session.sender.sendQueued();
  }
  if (session !== undefined) close(session);
  out.runs = await Promise.all(finished);
  for (const run of out.runs) {
    out.rows += run.rows;
    out.sent += run.sent;
    out.dropped += run.dropped;
  }
  return out;
}

/** The rows one record logs (the live exporter's, B.4); throws with a reason for records that cannot be mapped. */
function mapRecord(r: Json, s: Session, naming: MetricNamingStrategy): Array<{ row: Row; step: number | undefined }> {
  switch (r.type) {
    case 'start':
    case 'complete': {
      const id = text(r.id, 'id');
      const span: Named = { name: text(r.name, 'name') };
      const attributes = { ...objectOf(r.attributes) };
      const startEvent = objectOf(objectOf(r.start_event).attributes);
      if (r.type === 'start') {
        s.spans.set(id, { name: span.name, attributes });
        return [{ row: startRow(naming, span, entries(attributes), entries(startEvent)), step: undefined }];
      }
      // A complete record has only the final attributes: the start row gets them without the duration.
      const { duration_msec: duration, ...initial } = attributes;
      const stopEvent = objectOf(objectOf(r.stop_event).attributes);
      return [
        { row: startRow(naming, span, entries(initial), entries(startEvent)), step: undefined },
        {
          row: stopRow(naming, span, duration === undefined ? [] : entries({ duration_msec: duration }), entries(stopEvent)),
          step: undefined,
        },
      ];
    }
    case 'stop': {
      const id = text(r.id, 'id');
      const started = s.spans.get(id);
      s.spans.delete(id);
      const span: Named = { name: text(r.name, 'name') };
      const attributes = objectOf(r.attributes);
      // Only what changed after the start (the live exporter's updated attributes), duration always.
      const updated: Json = {};
      for (const [k, v] of Object.entries(attributes)) {
        if (k === 'duration_msec' || started === undefined || JSON.stringify(started.attributes[k]) !== JSON.stringify(v)) updated[k] = v;
      }
      return [{ row: stopRow(naming, span, entries(updated), entries(objectOf(objectOf(r.stop_event).attributes))), step: undefined }];
    }
    case 'event': {
      const event = objectOf(r.event);
      const name = text(event.name, 'event.name');
      const attributes = objectOf(event.attributes);
      if (name === 'one_logger_initialization' || name === 'update_training_telemetry_config') {
        for (const [k, v] of Object.entries(attributes)) if (k !== 'timestamp_msec') s.config[k] = v;
        if (typeof attributes.session_tag === 'string') s.sessionTag = attributes.session_tag;
      }
      if (name === MODEL_METRICS_EVENT) return [modelMetricsRow(entries(attributes))];
      const spanName = s.spans.get(text(r.span_id, 'span_id'))?.name;
      if (spanName === undefined) throw new Error(`event ${name} of a span not started in the replayed records`);
      return [{ row: eventRow(naming, { name: spanName }, { name }, entries(attributes)), step: undefined }];
    }
    case 'application_error': {
      // W&B has no error model; an error of the application span finishes the run as failed.
      const span = s.spans.get(text(r.span_id, 'span_id'));
      if (span === undefined || span.name === 'application') s.failed = true;
      return [];
    }
    case 'telemetry_data_error': {
      const type = objectOf(objectOf(r.error).attributes).telemetry_data_error_type;
      s.incomplete = true;
      return [{ row: telemetryDataErrorRow(typeof type === 'string' ? type : 'incomplete_telemetry_data'), step: undefined }];
    }
    default:
      throw new Error(`unknown record type ${JSON.stringify(r.type)}`);
  }
}

/** The record's time: its start, stop, event or error timestamp. */
function recordTimeMs(r: Json): number | undefined {
  const payload =
    r.type === 'stop' || r.type === 'complete'
      ? r.stop_event
      : r.type === 'start'
        ? r.start_event
        : r.type === 'telemetry_data_error'
          ? r.error
          : r.event;
  const ms = objectOf(objectOf(payload).attributes).timestamp_msec;
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : undefined;
}

function entries(o: Json): Array<[string, never]> {
  // Values come from JSON records: the attribute value types W&B rows carry.
  return Object.entries(o) as Array<[string, never]>;
}

function objectOf(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`${field} must be a non-empty string`);
  return v;
}
