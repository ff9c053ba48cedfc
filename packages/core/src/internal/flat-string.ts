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
 * Returns a string equal to `s` stored as one sequential run of characters, for fragments that are cached and
 * then copied into very many records. Unlike `flatString`, which leaves a concatenation as a node pointing to
 * its flattened copy, this gives V8's internalized copy (property keys are internalized), so copying the fragment
 * into a line is one step instead of two. Meant for bounded caches: the copy is kept in V8's string table while
 * it is referenced.
 */
export function sequentialString(s: string): string {
  const holder: Record<string, true> = { [s]: true };
  for (const k in holder) return k;
  return s;
}
