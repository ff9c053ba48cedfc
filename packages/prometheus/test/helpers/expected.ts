// What the metrics must say, computed independently from the job's JSONL records.
import type { Rec } from '../../../core/test/helpers/records.js';

/**
 * Series -> value, keyed by a PromQL selector (`name` or `name{strategy="sync"}`), so the same table is checked
 * against Prometheus's query API and against the scraped text.
 */
export function expectedFromRecords(records: readonly Rec[]): Map<string, number> {
  const out = new Map<string, number>();
  const events = (name: string) => records.filter((r) => r.type === 'event' && r.event?.name === name).map((r) => r.event.attributes);
  const stops = (name: string) => records.filter((r) => (r.type === 'stop' || r.type === 'complete') && r.name === name);

  const updates = events('training_metrics_update');
  const last = updates[updates.length - 1];
  if (last !== undefined) {
    out.set('one_logger_train_iterations_total', last.num_iterations);
    out.set('one_logger_train_samples_total', last.num_train_samples);
    out.set('one_logger_train_current_iteration', last.current_iteration);
    out.set('one_logger_train_iteration_duration_seconds_sum', last.total_iteration_time_sec);
    out.set('one_logger_train_iteration_duration_seconds_count', last.num_iterations);
    out.set('one_logger_train_iteration_min_seconds', last.min_iteration_time_sec);
    out.set('one_logger_train_iteration_max_seconds', last.max_iteration_time_sec);
    out.set('one_logger_train_samples_per_second', last.num_train_samples / last.total_iteration_time_sec);
    out.set('one_logger_train_last_iteration_timestamp_seconds', last.last_logged_train_iterations_finish_timestamp_sec);
    if (last.train_throughput_per_gpu !== undefined) out.set('one_logger_train_throughput_tflops_per_gpu', last.train_throughput_per_gpu);
  }

  const successes = events('save_checkpoint_success');
  for (const strategy of ['sync', 'async']) {
    const n = successes.filter((a) => a.checkpoint_strategy === strategy).length;
    if (n > 0) out.set(`one_logger_checkpoint_saves_total{strategy="${strategy}"}`, n);
    const saves = stops(`checkpoint_save_${strategy}`);
    if (saves.length > 0) {
      out.set(`one_logger_checkpoint_save_duration_seconds_count{strategy="${strategy}"}`, saves.length);
      out.set(
        `one_logger_checkpoint_save_duration_seconds_sum{strategy="${strategy}"}`,
        saves.reduce((s, r) => s + r.attributes.duration_msec / 1000, 0),
      );
    }
  }
  const latest = successes[successes.length - 1];
  if (latest !== undefined) {
    out.set('one_logger_productive_train_seconds', latest.productive_train_iterations_sec);
    out.set('one_logger_productive_train_iterations', latest.productive_train_iterations);
    out.set('one_logger_productive_train_samples', latest.productive_train_samples);
    out.set('one_logger_productive_validation_seconds', latest.productive_validation_iterations_sec);
  }

  const validations = stops('validation_loop');
  if (validations.length > 0) {
    out.set('one_logger_validation_loop_duration_seconds_count', validations.length);
    out.set(
      'one_logger_validation_loop_duration_seconds_sum',
      validations.reduce((s, r) => s + r.attributes.duration_msec / 1000, 0),
    );
  }

  const model = events('model_metrics');
  for (const a of model) {
    for (const [k, v] of Object.entries(a)) {
      if (k === 'global_step' || k === 'timestamp_msec') continue;
      out.set(`one_logger_model_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`, v as number);
    }
  }
  const lastModel = model[model.length - 1];
  if (lastModel !== undefined) out.set('one_logger_model_global_step', lastModel.global_step);

  const dataErrors = records.filter((r) => r.type === 'telemetry_data_error').length;
  if (dataErrors > 0) out.set('one_logger_telemetry_errors_total', dataErrors);
  return out;
}

/** The job labels the records name (one_logger_initialization and update_training_telemetry_config). */
export function jobLabelsFromRecords(records: readonly Rec[]): Record<string, string> {
  const init = records.find((r) => r.type === 'event' && r.event?.name === 'one_logger_initialization')?.event.attributes;
  const config = records.find((r) => r.type === 'event' && r.event?.name === 'update_training_telemetry_config')?.event.attributes;
  return {
    application: String(init.application_name),
    session: String(init.session_tag),
    perf_tag: Array.isArray(config.perf_tag) ? config.perf_tag.join(',') : String(config.perf_tag),
    rank: String(init.rank),
    world_size: String(init.world_size),
  };
}

export interface TextSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Every sample line of exposition text (`name{a="b"} 1`), label values unescaped. Used for histogram and summary
 * samples with labels, which the shared parser folds away; families, HELP and TYPE are checked with that parser.
 */
export function textSamples(text: string): TextSample[] {
  const out: TextSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    for (let l = re.exec(body); l !== null; l = re.exec(body)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the sample matching a selector key of `expectedFromRecords` (name plus optional labels). */
export function sampleFor(samples: readonly TextSample[], key: string): TextSample[] {
  const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key);
  const name = m?.[1] as string;
  const wanted: Record<string, string> = {};
  for (const part of (m?.[2] ?? '').split(',').filter(Boolean)) {
    const [k, v] = part.split('=') as [string, string];
    wanted[k] = JSON.parse(v) as string;
  }
  return samples.filter((s) => s.name === name && Object.entries(wanted).every(([k, v]) => s.labels[k] === v));
}
