import { randomFillSync } from 'node:crypto';
import { OneLoggerError } from './errors.js';

/** Produces span ids (UUID-shaped strings by default, see `sequentialUuid`; replaceable for deterministic tests). */
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

/**
 * Span ids for the default generator: a random per-process prefix in UUID v4 layout whose last 6 hex
 * digits are a counter (rolled into a fresh random prefix every 2^24 ids). Ids are unique within a process,
 * collide across processes only with negligible probability, and cost a few string concatenations.
 */
let prefix = '';
let counter = 0;
const COUNTER_LIMIT = 2 ** 24;
function reseed(): void {
  prefix = randomUuid().slice(0, 30);
  counter = 0;
}
reseed();

// The 4,096 three-digit hex strings: a 6-digit suffix is one join of two of them.
const HEX3: string[] = [];
for (let i = 0; i < 4096; i++) HEX3.push(i.toString(16).padStart(3, '0'));

export function sequentialUuid(): string {
  if (counter === COUNTER_LIMIT) reseed();
  const c = counter++;
  // The 6-digit suffix is built first: short strings are copied flat, so the id is one join of two pieces.
  return prefix + ((HEX3[c >>> 12] as string) + (HEX3[c & 0xfff] as string));
}

let generator: IdGenerator | undefined;
// Ids are written into JSON without escaping, so a custom generator must produce plain printable ASCII.
const SAFE_ID = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Replaces the span-id generator (tests). `undefined` restores the default. */
export function setIdGenerator(next: IdGenerator | undefined): void {
  generator = next;
}

export function nextSpanId(): string {
  if (generator === undefined) return sequentialUuid();
  const id = generator();
  if (typeof id !== 'string' || !SAFE_ID.test(id)) {
    throw new OneLoggerError(
      `span id generator returned ${JSON.stringify(id)}: ids must be non-empty printable ASCII without quotes or backslashes`,
    );
  }
  return id;
}
