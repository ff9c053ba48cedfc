// A distributed-style job on one machine: this launcher starts WORLD_SIZE ranks as child processes (each with
// RANK and WORLD_SIZE in its environment, as torchrun or mpirun would) and waits for them. Every rank trains a
// small linear model with SGD and writes its telemetry to telemetry/multi-rank/rank{rank}.jsonl. One rank is
// deliberately slowed (SLOW_RANK, default 2: each of its iterations takes 60% longer), so the job view of
//   npx one-logger summarize telemetry/multi-rank/
//   npx one-logger report telemetry/multi-rank/ -o telemetry/multi-rank/report.html
// names it as the straggler. Run after `npm run build`.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const worldSize = Number(process.env.WORLD_SIZE ?? 4);
const slowRank = Number(process.env.SLOW_RANK ?? 2);
const dir = resolve(process.env.TELEMETRY_DIR ?? 'telemetry/multi-rank');
const rankProgram = fileURLToPath(new URL('./rank.mjs', import.meta.url));
if (!Number.isInteger(worldSize) || worldSize < 2) throw new Error(`WORLD_SIZE must be an integer >= 2 (got ${process.env.WORLD_SIZE})`);

// The exporter appends: start each run with an empty directory so the job view covers this run only.
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const sessionTag = `multi-rank-${new Date().toISOString().replace(/[:.]/g, '-')}`;

function runRank(rank) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [rankProgram], {
      env: {
        ...process.env,
        RANK: String(rank),
        WORLD_SIZE: String(worldSize),
        SLOW_RANK: String(slowRank),
        SESSION_TAG: sessionTag,
        TELEMETRY_DIR: dir,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => (code === 0 ? done() : fail(new Error(`rank ${rank} exited with ${signal ?? `code ${code}`}`))));
  });
}

await Promise.all(Array.from({ length: worldSize }, (_, rank) => runRank(rank)));
console.log(`${worldSize} ranks finished (rank ${slowRank} slowed); telemetry in ${dir}`);
console.log(`job view: npx one-logger summarize ${dir}   report: npx one-logger report ${dir} -o ${resolve(dir, 'report.html')}`);
