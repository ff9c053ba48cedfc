// The v1 perf-tag block (`app_tag`, `app_tag_id`, `app_tag_count`), built once per perf-tag value.
import { createHash } from 'node:crypto';

export interface PerfTagBlock {
  readonly app_tag: readonly string[];
  /** Lower-case hex MD5 of each tag's UTF-8 bytes (v1's tag id). */
  readonly app_tag_id: readonly string[];
  readonly app_tag_count: number;
}

export function perfTagBlock(perfTag: string | readonly string[]): PerfTagBlock {
  const tags = typeof perfTag === 'string' ? [perfTag] : [...perfTag];
  return Object.freeze({
    app_tag: Object.freeze(tags),
    app_tag_id: Object.freeze(tags.map((tag) => createHash('md5').update(tag, 'utf8').digest('hex'))),
    app_tag_count: tags.length,
  });
}

/**
 * Remembers the block of the last perf tag seen: the tag is re-sent with every training update, and a perf tag
 * given as a function may change during a job, so the block is rebuilt only when the value changes.
 */
export class PerfTagCache {
  #key: string | undefined;
  #block: PerfTagBlock | undefined;

  get(perfTag: string | readonly string[]): PerfTagBlock {
    const key = typeof perfTag === 'string' ? perfTag : JSON.stringify(perfTag);
    if (this.#block === undefined || key !== this.#key) {
      this.#block = perfTagBlock(perfTag);
      this.#key = key;
    }
    return this.#block;
  }
}
