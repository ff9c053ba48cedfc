// The result is stored so that the optimising compiler cannot drop the conversion as unused.
let _sink = 0;

/**
 * Returns `s` after making V8 store it as one flat character sequence (converting a string to a number
 * flattens it in place). A string built by concatenation is a tree of pieces that every later copy walks
 * again; strings that are cached and copied into many records are flattened once instead.
 */
export function flatString(s: string): string {
  _sink ^= Number(s) | 0;
  return s;
}

/**
 * A text kept to be returned again, stored flat (see `flatString`) from its first reuse on: many texts are built
 * once and never reused, and flattening those would only copy them.
 */
export class ReusedText {
  private text = '';
  private flat = false;

  /** Whether a text is kept. */
  get kept(): boolean {
    return this.text !== '';
  }

  /** Keeps `text` (non-empty) and returns it as it is. */
  keep(text: string): string {
    this.text = text;
    this.flat = false;
    return text;
  }

  /** The kept text, flattened the first time it is reused. */
  reuse(): string {
    if (!this.flat) {
      this.text = flatString(this.text);
      this.flat = true;
    }
    return this.text;
  }
}

// A dictionary-mode object (no hidden-class transition per new key) that holds one key at a time.
const holder: Record<string, true> = Object.create(null);

/**
 * Returns a string equal to `s` stored as one sequential run of characters, for fragments that are cached and
 * then copied into very many records. Unlike `flatString`, which leaves a concatenation as a node pointing to
 * its flattened copy, this gives V8's internalized copy (property keys are internalized), so copying the fragment
 * into a line is one step instead of two. Costs a string-table lookup: meant for bounded caches, not per record.
 */
export function sequentialString(s: string): string {
  holder[s] = true;
  let out = s;
  for (const k in holder) out = k;
  delete holder[s];
  return out;
}
