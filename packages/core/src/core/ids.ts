import { randomFillSync } from 'node:crypto';

/** Produces span ids (random UUID v4 strings by default; replaceable for deterministic tests). */
export type IdGenerator = () => string;

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

// Random bytes are drawn in blocks so one id costs a few string concatenations, not a syscall.
const POOL_SIZE = 16 * 256;
const pool = new Uint8Array(POOL_SIZE);
let offset = POOL_SIZE;

/** A random (version 4, variant 1) UUID in canonical lower-case form. */
export function randomUuid(): string {
  if (offset === POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const b = pool;
  const o = offset;
  offset += 16;
  return `${HEX[b[o] as number]}${HEX[b[o + 1] as number]}${HEX[b[o + 2] as number]}${HEX[b[o + 3] as number]}-${HEX[b[o + 4] as number]}${HEX[b[o + 5] as number]}-${HEX[((b[o + 6] as number) & 0x0f) | 0x40]}${HEX[b[o + 7] as number]}-${HEX[((b[o + 8] as number) & 0x3f) | 0x80]}${HEX[b[o + 9] as number]}-${HEX[b[o + 10] as number]}${HEX[b[o + 11] as number]}${HEX[b[o + 12] as number]}${HEX[b[o + 13] as number]}${HEX[b[o + 14] as number]}${HEX[b[o + 15] as number]}`;
}

let generator: IdGenerator = randomUuid;

/** Replaces the span-id generator (tests). `undefined` restores random UUIDs. */
export function setIdGenerator(next: IdGenerator | undefined): void {
  generator = next ?? randomUuid;
}

export function nextSpanId(): string {
  return generator();
}
