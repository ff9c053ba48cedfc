// Runs a TypeScript fixture script in a child Node process (through tsx) and collects what it did.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const TSX_URL = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` with `args` until it exits. A child still alive after `killAfterMs` is killed (SIGKILL) and
 * the run is returned with that signal, so a process that would hang fails its test instead of the suite.
 */
export function runChild(
  script: string,
  args: readonly string[],
  options: { cwd?: string; killAfterMs?: number; nodeArgs?: readonly string[] } = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', TSX_URL, script, ...args], {
      cwd: options.cwd ?? process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The URL of a fixture script next to this helper's folder. */
export function fixture(name: string): string {
  return new URL(`../fixtures/${name}`, import.meta.url).pathname;
}
