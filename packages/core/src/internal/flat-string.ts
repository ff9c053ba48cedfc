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
