// Runs code with some environment variables set (or removed, with `undefined`) and restores them afterwards.

/** The W&B variables a test must not inherit from the machine it runs on. */
export const WANDB_VARIABLES = [
  'WANDB_BASE_URL',
  'WANDB_API_KEY',
  'WANDB_ENTITY',
  'WANDB_PROJECT',
  'WANDB_NAME',
  'WANDB_RUN_ID',
  'WANDB_MODE',
  'WANDB_RESUME',
];

export async function withEnv<T>(vars: Readonly<Record<string, string | undefined>>, fn: () => T | Promise<T>): Promise<T> {
  const names = new Set([...WANDB_VARIABLES, ...Object.keys(vars)]);
  const saved = new Map([...names].map((n) => [n, process.env[n]]));
  for (const name of names) {
    const value = vars[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    return await fn();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
