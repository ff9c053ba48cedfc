// Shared benchmark plumbing: every case runs in a fresh `node` process (no JIT or heap carry-over),
// several times; the median is reported. Results go to bench/results/<suite>.json and a table on stdout.
import { spawnSync } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import { setImmediate as tick } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const RUNS = Number(process.env.BENCH_RUNS ?? 5);

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs `chunks` (functions of a call count) round after round, the order rotating: each round runs `perRound`
 * chunks of `n` calls of every one, with a macrotask turn after each chunk when `tick` (so timers run as in a
 * job). Returns each one's median ns per call over the rounds and, for each pair `[a, b]` in `ratios`, the median
 * of the per-round ratios a/b: adjacent rounds see the same machine load, so the ratios hold on a loaded host.
 * The chunks are plain functions, which the JIT optimises like a job's own hot loop.
 */
export async function interleaved(chunks, ratios, { rounds = 40, n = 2048, perRound = 1, warmup = 20, tick: turn = true } = {}) {
  const names = Object.keys(chunks);
  for (let w = 0; w < warmup; w++) {
    for (const name of names) chunks[name](n);
    if (turn) await tick();
  }
  const ns = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(r + j) % names.length];
      const t0 = performance.now();
      for (let c = 0; c < perRound; c++) {
        chunks[name](n);
        if (turn) await tick();
      }
      ns[name].push(((performance.now() - t0) * 1e6) / (n * perRound));
    }
  }
  const out = {};
  for (const name of names) out[name] = median(ns[name]);
  for (const [a, b] of ratios) out[`${a}/${b}`] = median(ns[a].map((x, r) => x / ns[b][r]));
  return out;
}

/**
 * A file written the way the buffered FileExporter writes: lines appended to a string, encoded every 4 KiB, the
 * bytes written every 64 KiB. The floors of the buffered cases write their lines through it.
 */
export class ExporterLikeBuffer {
  constructor(path) {
    this.fd = openSync(path, 'a');
    this.pending = '';
    this.bytes = Buffer.allocUnsafeSlow(64 * 1024 + 3 * 4096);
    this.length = 0;
  }

  append(line) {
    this.pending += line;
    if (this.pending.length >= 4096) {
      this.length += this.bytes.write(this.pending, this.length);
      this.pending = '';
      if (this.length >= 64 * 1024) {
        writeSync(this.fd, this.bytes, 0, this.length);
        this.length = 0;
      }
    }
  }
}

/** Runs `script case` RUNS times in fresh processes; each prints one JSON object with numeric fields. */
export function runCase(script, caseName, extraArgs = []) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ['--expose-gc', ...extraArgs, script, caseName], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench case ${caseName} failed (exit ${r.status}):\n${r.stderr}`);
    const lines = r.stdout.trim().split('\n');
    runs.push(JSON.parse(lines[lines.length - 1]));
  }
  const keys = Object.keys(runs[0]);
  const result = { runs: runs.length };
  for (const k of keys) {
    const values = runs.map((x) => x[k]);
    result[k] = median(values);
    result[`${k}_all`] = values;
  }
  return result;
}

export function machine() {
  return { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30) };
}

export function writeResults(suite, results, rows) {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const doc = { suite, date: new Date().toISOString(), machine: machine(), runsPerCase: RUNS, results };
  writeFileSync(`${dir}${suite}.json`, `${JSON.stringify(doc, null, 2)}\n`);
  const w = [Math.max(...rows.map((r) => r[0].length), 6), 14, 12, 8];
  console.log(`\n${suite} (median of ${RUNS} runs, each in a fresh process; ${doc.machine.node}, ${doc.machine.cpus} cores)`);
  console.log(`${'metric'.padEnd(w[0])}  ${'median'.padStart(w[1])}  ${'target'.padStart(w[2])}  ${'ok'.padStart(w[3])}`);
  for (const [name, value, target, ok] of rows) {
    console.log(`${name.padEnd(w[0])}  ${value.padStart(w[1])}  ${target.padStart(w[2])}  ${(ok ? 'yes' : 'NO').padStart(w[3])}`);
  }
  console.log(`written to bench/results/${suite}.json`);
}
